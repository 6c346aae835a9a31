/* mgr-vm-list.h: berthd's VMs as a GListModel of BerthDBusVirtualMachine, live.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "berth-dbus.h"

G_BEGIN_DECLS

#define MGR_TYPE_VM_LIST (mgr_vm_list_get_type())
G_DECLARE_FINAL_TYPE(MgrVmList, mgr_vm_list, MGR, VM_LIST, GObject)

MgrVmList *mgr_vm_list_new(void);
/* Follows @manager's VirtualMachine objects: they appear and vanish with InterfacesAdded and
 * InterfacesRemoved. An item is "changed" (removed and added at the same position, so filters
 * and sorters look at it again) when its Name or State changes. NULL empties the list. */
void mgr_vm_list_set_manager(MgrVmList *self, GDBusObjectManager *manager);
/* The position of the VM at @object_path, or FALSE. */
gboolean mgr_vm_list_find(MgrVmList *self, const char *object_path, guint *ret_position);

G_END_DECLS
