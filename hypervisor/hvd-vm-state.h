/* hvd-vm-state.h: a VM's lifecycle states (Hyper-V's) and the actions each allows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
    HVD_VM_STATE_OFF,
    HVD_VM_STATE_STARTING,
    HVD_VM_STATE_RUNNING,
    HVD_VM_STATE_PAUSED,
    HVD_VM_STATE_SAVING,
    HVD_VM_STATE_SAVED,
    HVD_VM_STATE_STOPPING,
} HvdVmState;

#define HVD_TYPE_VM_STATE (hvd_vm_state_get_type())
GType hvd_vm_state_get_type(void);

/* "Off", "Starting", "Running", "Paused", "Saving", "Saved", "Stopping": the API's State. */
const char *hvd_vm_state_to_string(HvdVmState state);
gboolean hvd_vm_state_from_string(const char *text, HvdVmState *ret_state);

/* The state as people read it, translated ("Running", …). */
const char *hvd_vm_state_to_display(HvdVmState state);

/* The D-Bus methods of org.berth.Berth1.VirtualMachine that change or use the VM and that
 * @state allows, NULL-terminated, e.g. {"ShutDown", "TurnOff", "Save", "Pause", "Reset",
 * "Screenshot", "OpenConsole", "SendSerial", NULL} for Running. Methods allowed in every state
 * (GetDefinition, Rename, ReadSerial) are not listed. */
const char *const *hvd_vm_state_allowed_actions(HvdVmState state);
gboolean hvd_vm_state_allows(HvdVmState state, const char *action);

G_END_DECLS
