/* hvd-vm-object.h: org.berth.Berth1.VirtualMachine, one per VM at /org/berth/Berth1/vm/<uuid>.
 * Its figures follow the VM's HvdVmRunner; its lifecycle methods are the runner's actions.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "berth-dbus.h"
#include "hvd-vm-runner.h"
#include "hvx.h"

G_BEGIN_DECLS

typedef struct _HvdDaemon HvdDaemon;

#define HVD_TYPE_VM_OBJECT (hvd_vm_object_get_type())
G_DECLARE_FINAL_TYPE(HvdVmObject, hvd_vm_object, HVD, VM_OBJECT, BerthDBusVirtualMachineSkeleton)

/* @daemon (not referenced; it owns the object) carries out Rename and Delete; @runner is the
 * VM's worker (referenced). */
HvdVmObject *hvd_vm_object_new(HvdDaemon *daemon, const HvxVmDef *def, HvdVmRunner *runner);

HvdVmRunner *hvd_vm_object_get_runner(HvdVmObject *self);
HvdVmState hvd_vm_object_get_state(HvdVmObject *self);

/* Recomputes NetworkAdapters (switches changed, or the definition). */
void hvd_vm_object_sync_network(HvdVmObject *self);

/* Takes the name and generation of a new or renamed definition. */
void hvd_vm_object_update(HvdVmObject *self, const HvxVmDef *def);

G_END_DECLS
