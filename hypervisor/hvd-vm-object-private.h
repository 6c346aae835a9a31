/* hvd-vm-object-private.h: what HvdVmObject's files share (hvd-vm-object.c, its checkpoint
 * methods in hvd-vm-object-checkpoints.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "hvd-checkpoint.h"
#include "hvd-vm-object.h"

G_BEGIN_DECLS

struct _HvdVmObject {
    BerthDBusVirtualMachineSkeleton parent_instance;

    HvdDaemon *daemon;
    HvdVmRunner *runner;
    GVariant *properties; /* a{sv} of every property, until one changes */
};

/* The CurrentCheckpoint property from @tree (NULL: none). */
void hvd_vm_object_sync_checkpoint(HvdVmObject *self, HvdCheckpointTree *tree);

/* org.berth.Berth1.VirtualMachine's checkpoint methods (hvd-vm-object-checkpoints.c). */
gboolean hvd_vm_object_handle_create_checkpoint(BerthDBusVirtualMachine *vm,
                                                GDBusMethodInvocation *invocation,
                                                const char *name);
gboolean hvd_vm_object_handle_list_checkpoints(BerthDBusVirtualMachine *vm,
                                               GDBusMethodInvocation *invocation);
gboolean hvd_vm_object_handle_apply_checkpoint(BerthDBusVirtualMachine *vm,
                                               GDBusMethodInvocation *invocation,
                                               const char *id_or_name);
gboolean hvd_vm_object_handle_delete_checkpoint(BerthDBusVirtualMachine *vm,
                                                GDBusMethodInvocation *invocation,
                                                const char *id_or_name);

G_END_DECLS
