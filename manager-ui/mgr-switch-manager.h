/* mgr-switch-manager.h: the Virtual Switch Manager.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mgr-client.h"

G_BEGIN_DECLS

#define MGR_TYPE_SWITCH_MANAGER (mgr_switch_manager_get_type())
G_DECLARE_FINAL_TYPE(MgrSwitchManager, mgr_switch_manager, MGR, SWITCH_MANAGER, AdwWindow)

/* The window, not yet shown; it loads berthd's switches, adapters and MAC range itself. */
MgrSwitchManager *mgr_switch_manager_new(GtkWindow *parent, MgrClient *client);

/* What the list shows: "new" (New virtual network switch), "mac" (MAC Address Range) or a
 * switch by its (edited) name. FALSE when there is no such item. */
gboolean mgr_switch_manager_select(MgrSwitchManager *self, const char *item);

/* TRUE while it still loads from berthd or applies changes. */
gboolean mgr_switch_manager_is_busy(MgrSwitchManager *self);

G_END_DECLS
