/* mgr-vm-details.h: the details pane of the selected VM: thumbnail, Summary (generation,
 * version, notes, heartbeat), Memory, Networking (VM.NetworkAdapters).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mgr-client.h"

G_BEGIN_DECLS

#define MGR_TYPE_VM_DETAILS (mgr_vm_details_get_type())
G_DECLARE_FINAL_TYPE(MgrVmDetails, mgr_vm_details, MGR, VM_DETAILS, GtkWidget)

void mgr_vm_details_set_client(MgrVmDetails *self, MgrClient *client);
void mgr_vm_details_set_host(MgrVmDetails *self, BerthDBusHost *host);
void mgr_vm_details_set_vm(MgrVmDetails *self, BerthDBusVirtualMachine *vm);
/* Reads the VM's definition again (notes, memory settings). */
void mgr_vm_details_refresh(MgrVmDetails *self);

G_END_DECLS
