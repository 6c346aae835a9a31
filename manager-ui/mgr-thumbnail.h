/* mgr-thumbnail.h: a live picture of a VM's screen (VM.Screenshot), refreshed while it is
 * visible and the VM runs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "berth-dbus.h"

G_BEGIN_DECLS

#define MGR_TYPE_THUMBNAIL (mgr_thumbnail_get_type())
G_DECLARE_FINAL_TYPE(MgrThumbnail, mgr_thumbnail, MGR, THUMBNAIL, GtkWidget)

GtkWidget *mgr_thumbnail_new(void);
void mgr_thumbnail_set_vm(MgrThumbnail *self, BerthDBusVirtualMachine *vm);
/* How many screenshots have been shown (for tests). */
guint mgr_thumbnail_get_n_updates(MgrThumbnail *self);

G_END_DECLS
