/* mgr-actions-pane.h: the Actions pane: host and VM actions, and operations under way (calls
 * of this window, and berthd's Job objects with progress and Cancel).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "berth-dbus.h"

G_BEGIN_DECLS

#define MGR_TYPE_ACTIONS_PANE (mgr_actions_pane_get_type())
G_DECLARE_FINAL_TYPE(MgrActionsPane, mgr_actions_pane, MGR, ACTIONS_PANE, GtkWidget)

/* The VM whose actions the lower half shows (its name is the heading); NULL hides them. */
void mgr_actions_pane_set_vm(MgrActionsPane *self, BerthDBusVirtualMachine *vm);
/* The pane shows exactly the buttons of enabled actions: app.* it asks the application itself;
 * win.* the window tells it with this. */
void mgr_actions_pane_set_action_enabled(MgrActionsPane *self, const char *action,
                                         gboolean enabled);
/* Follows @manager's Job objects: running jobs show with their progress and, when
 * Cancellable, a Cancel button; a failed job keeps its row with berthd's message until dismissed.
 */
void mgr_actions_pane_set_manager(MgrActionsPane *self, GDBusObjectManager *manager);
/* A call under way (a pulsing row); returns its id for mgr_actions_pane_end_operation(). */
guint mgr_actions_pane_begin_operation(MgrActionsPane *self, const char *description);
void mgr_actions_pane_end_operation(MgrActionsPane *self, guint id);

G_END_DECLS
