/* hvd-vm-state.c: a VM's lifecycle states (Hyper-V's) and the actions each allows.
 *
 * The tables follow the API contract (hypervisor/api/org.berth.Berth1.xml): Start from Off or
 * Saved; ShutDown from Running; TurnOff from Starting, Running, Paused, Stopping and Saved
 * (discarding the saved state); Save from Running or Paused; Reset, Screenshot and OpenConsole
 * from Running or Paused; SendSerial from Running; Delete from Off or Saved.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvd-vm-state.h"

static const char *const state_names[] = {
    [HVD_VM_STATE_OFF] = "Off",           [HVD_VM_STATE_STARTING] = "Starting",
    [HVD_VM_STATE_RUNNING] = "Running",   [HVD_VM_STATE_PAUSED] = "Paused",
    [HVD_VM_STATE_SAVING] = "Saving",     [HVD_VM_STATE_SAVED] = "Saved",
    [HVD_VM_STATE_STOPPING] = "Stopping",
};

static const char *const actions_off[] = {
    "Start", "Delete", "CreateCheckpoint", "ApplyCheckpoint", "DeleteCheckpoint", NULL,
};
static const char *const actions_starting[] = {"TurnOff", NULL};
static const char *const actions_running[] = {
    "ShutDown",
    "TurnOff",
    "Save",
    "Pause",
    "Reset",
    "Screenshot",
    "OpenConsole",
    "SendSerial",
    "CreateCheckpoint",
    "DeleteCheckpoint",
    NULL,
};
static const char *const actions_paused[] = {
    "TurnOff",          "Save", "Resume", "Reset", "Screenshot", "OpenConsole", "CreateCheckpoint",
    "DeleteCheckpoint", NULL,
};
static const char *const actions_saving[] = {NULL};
static const char *const actions_saved[] = {
    "Start", "TurnOff", "Delete", "CreateCheckpoint", "ApplyCheckpoint", "DeleteCheckpoint", NULL,
};
static const char *const actions_stopping[] = {"TurnOff", NULL};

static const char *const *const state_actions[] = {
    [HVD_VM_STATE_OFF] = actions_off,           [HVD_VM_STATE_STARTING] = actions_starting,
    [HVD_VM_STATE_RUNNING] = actions_running,   [HVD_VM_STATE_PAUSED] = actions_paused,
    [HVD_VM_STATE_SAVING] = actions_saving,     [HVD_VM_STATE_SAVED] = actions_saved,
    [HVD_VM_STATE_STOPPING] = actions_stopping,
};

GType
hvd_vm_state_get_type(void)
{
    static gsize type = 0;
    static const GEnumValue values[] = {
        {HVD_VM_STATE_OFF, "HVD_VM_STATE_OFF", "off"},
        {HVD_VM_STATE_STARTING, "HVD_VM_STATE_STARTING", "starting"},
        {HVD_VM_STATE_RUNNING, "HVD_VM_STATE_RUNNING", "running"},
        {HVD_VM_STATE_PAUSED, "HVD_VM_STATE_PAUSED", "paused"},
        {HVD_VM_STATE_SAVING, "HVD_VM_STATE_SAVING", "saving"},
        {HVD_VM_STATE_SAVED, "HVD_VM_STATE_SAVED", "saved"},
        {HVD_VM_STATE_STOPPING, "HVD_VM_STATE_STOPPING", "stopping"},
        {0, NULL, NULL},
    };

    if (g_once_init_enter(&type)) {
        GType id = g_enum_register_static("HvdVmState", values);

        g_once_init_leave(&type, id);
    }
    return type;
}

const char *
hvd_vm_state_to_string(HvdVmState state)
{
    g_return_val_if_fail(state <= HVD_VM_STATE_STOPPING, NULL);
    return state_names[state];
}

gboolean
hvd_vm_state_from_string(const char *text, HvdVmState *ret_state)
{
    for (guint i = 0; i < G_N_ELEMENTS(state_names); i++) {
        if (g_strcmp0(text, state_names[i]) == 0) {
            if (ret_state != NULL)
                *ret_state = (HvdVmState)i;
            return TRUE;
        }
    }
    return FALSE;
}

const char *
hvd_vm_state_to_display(HvdVmState state)
{
    switch (state) {
    case HVD_VM_STATE_OFF:
        return C_("VM state", "Off");
    case HVD_VM_STATE_STARTING:
        return C_("VM state", "Starting");
    case HVD_VM_STATE_RUNNING:
        return C_("VM state", "Running");
    case HVD_VM_STATE_PAUSED:
        return C_("VM state", "Paused");
    case HVD_VM_STATE_SAVING:
        return C_("VM state", "Saving");
    case HVD_VM_STATE_SAVED:
        return C_("VM state", "Saved");
    case HVD_VM_STATE_STOPPING:
        return C_("VM state", "Stopping");
    default:
        g_return_val_if_reached(NULL);
    }
}

const char *const *
hvd_vm_state_allowed_actions(HvdVmState state)
{
    g_return_val_if_fail(state <= HVD_VM_STATE_STOPPING, actions_saving);
    return state_actions[state];
}

gboolean
hvd_vm_state_allows(HvdVmState state, const char *action)
{
    return g_strv_contains(hvd_vm_state_allowed_actions(state), action);
}
