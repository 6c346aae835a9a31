/* mgr-window.h: Berth Manager's main window.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mgr-application.h"
#include "mgr-client.h"

G_BEGIN_DECLS

#define MGR_TYPE_WINDOW (mgr_window_get_type())
G_DECLARE_FINAL_TYPE(MgrWindow, mgr_window, MGR, WINDOW, AdwApplicationWindow)

MgrWindow *mgr_window_new(MgrApplication *application, MgrClient *client);
MgrClient *mgr_window_get_client(MgrWindow *self);
/* Selects the VM at @object_path in the list (e.g. one a wizard just made). */
gboolean mgr_window_select_vm(MgrWindow *self, const char *object_path);
/* A short message at the bottom of the window. */
void mgr_window_toast(MgrWindow *self, const char *message);
/* A failure, in a dialog: @title says what failed, @error holds berthd's reason. */
void mgr_window_show_error(MgrWindow *self, const char *title, const GError *error);

G_END_DECLS
