/* hvd-vm-runner-actions.c: the simple actions, one QMP command each: Pause, Resume, Reset.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib/gi18n-lib.h>

#include "hvd-vm-runner-private.h"

/* --- simple actions: one QMP command each -------------------------------------------------- */

typedef struct {
    OpKind kind;
    const char *action;  /* the D-Bus method */
    const char *command; /* the QMP command */
    HvdVmState after;    /* the state once it succeeded; OFF = unchanged */
} SimpleAction;

static const SimpleAction simple_actions[] = {
    {OP_PAUSE, "Pause", "stop", HVD_VM_STATE_PAUSED},
    {OP_RESUME, "Resume", "cont", HVD_VM_STATE_RUNNING},
    {OP_RESET, "Reset", "system_reset", HVD_VM_STATE_OFF},
};

static const SimpleAction *
simple_action_for(OpKind kind)
{
    for (guint i = 0; i < G_N_ELEMENTS(simple_actions); i++) {
        if (simple_actions[i].kind == kind)
            return &simple_actions[i];
    }
    g_assert_not_reached();
}

static const char *
simple_action_failure(OpKind kind)
{
    switch (kind) {
    case OP_PAUSE:
        return _("Cannot pause the virtual machine");
    case OP_RESUME:
        return _("Cannot resume the virtual machine");
    case OP_RESET:
    default:
        return _("Cannot reset the virtual machine");
    }
}

static void
on_simple_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, hvd_vm_runner_op_end,
                                                        simple_action_failure(self->op));
    const SimpleAction *action;

    if (node == NULL)
        return;
    action = simple_action_for(self->op);
    if (action->after != HVD_VM_STATE_OFF)
        hvd_vm_runner_set_state(self, action->after);
    hvd_vm_runner_op_end(self, NULL);
}

static void
simple_action_async(HvdVmRunner *self, OpKind kind, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
    const SimpleAction *action = simple_action_for(kind);
    g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
    GError *error = NULL;

    g_task_set_source_tag(task, tag);
    if (g_task_return_error_if_cancelled(task))
        return;
    if (!hvd_vm_runner_check_action(self, action->action, &error)) {
        g_task_return_error(task, error);
        return;
    }
    hvd_vm_runner_op_begin(self, kind, task);
    hvd_vm_runner_qmp_exec(self, action->command, NULL, -1, on_simple_done);
}

void
hvd_vm_runner_pause_async(HvdVmRunner *self, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    simple_action_async(self, OP_PAUSE, cancellable, callback, user_data,
                        hvd_vm_runner_pause_async);
}

gboolean
hvd_vm_runner_pause_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return hvd_vm_runner_action_finish(self, result, error);
}

void
hvd_vm_runner_resume_async(HvdVmRunner *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    simple_action_async(self, OP_RESUME, cancellable, callback, user_data,
                        hvd_vm_runner_resume_async);
}

gboolean
hvd_vm_runner_resume_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return hvd_vm_runner_action_finish(self, result, error);
}

void
hvd_vm_runner_reset_async(HvdVmRunner *self, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    simple_action_async(self, OP_RESET, cancellable, callback, user_data,
                        hvd_vm_runner_reset_async);
}

gboolean
hvd_vm_runner_reset_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return hvd_vm_runner_action_finish(self, result, error);
}
