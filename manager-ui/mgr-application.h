/* mgr-application.h: Berth Manager's application (org.berth.Manager).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mgr-client.h"

G_BEGIN_DECLS

#define MGR_APPLICATION_ID "org.berth.Manager"

#define MGR_TYPE_APPLICATION (mgr_application_get_type())
G_DECLARE_FINAL_TYPE(MgrApplication, mgr_application, MGR, APPLICATION, AdwApplication)

MgrApplication *mgr_application_new(void);
/* The one connection to berthd all windows share; created at startup. */
MgrClient *mgr_application_get_client(MgrApplication *self);
/* The window to parent dialogs on: the active one, or NULL. */
GtkWindow *mgr_application_get_parent(MgrApplication *self);

/* The app.* actions (mgr-application-actions.c). */
void mgr_application_install_actions(MgrApplication *self);

G_END_DECLS
