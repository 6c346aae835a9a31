/* mgr-vm-view.h: the VM list (GtkColumnView: Name, State, CPU Usage, Assigned Memory, Uptime,
 * Status), sortable, filtered by a search text, with inline rename and a context menu.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "berth-dbus.h"

G_BEGIN_DECLS

#define MGR_TYPE_VM_VIEW (mgr_vm_view_get_type())
G_DECLARE_FINAL_TYPE(MgrVmView, mgr_vm_view, MGR, VM_VIEW, GtkWidget)

GtkWidget *mgr_vm_view_new(void);
/* Shows @manager's VMs (NULL: none). */
void mgr_vm_view_set_manager(MgrVmView *self, GDBusObjectManager *manager);
/* Shows only VMs whose name contains @text (case-insensitive); "" or NULL shows all. */
void mgr_vm_view_set_search(MgrVmView *self, const char *text);
/* The selected VM (property "selected-vm"), or NULL. */
BerthDBusVirtualMachine *mgr_vm_view_get_selected(MgrVmView *self);
/* Selects the VM at @object_path, when it is shown. */
gboolean mgr_vm_view_select(MgrVmView *self, const char *object_path);
/* Starts editing the selected VM's name in place; the "rename" signal reports the new name. */
void mgr_vm_view_start_rename(MgrVmView *self);
/* Opens the selected VM's context menu at its row. */
void mgr_vm_view_popup_menu(MgrVmView *self);
/* How many VMs are shown after the search filter. */
guint mgr_vm_view_get_n_shown(MgrVmView *self);

G_END_DECLS
