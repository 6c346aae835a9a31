/* hvd-vm-runner-recover.c: Recover: take over the QEMU an earlier berthd started, found through
 * the pid file in the runtime dir, or clean up what it left.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-vm-runner-private.h"

/* --- Recover --------------------------------------------------------------------------------- */

static void
recover_stale(HvdVmRunner *self)
{
    g_autofree char *saved = hvd_vm_runner_vm_path(self, "saved.state");
    g_autofree char *temp = hvd_vm_runner_vm_path(self, "saved.state.tmp");
    gboolean worker_was_here = g_file_test(self->runtime_dir, G_FILE_TEST_IS_DIR);

    hvd_vm_runner_stop_swtpm(self);
    hvd_vm_runner_remove_runtime_dir(self);
    /* An earlier berthd's worker died while nobody watched: its port rules remain. Without its
     * runtime dir, no worker ran since the last clean stop (or the host restarted): nothing to
     * release, and 1,000 VMs that are off cost berthd's start no nftables round trips. */
    if (worker_was_here)
        hvd_vm_runner_release_ports(self);
    g_unlink(temp);
    hvd_vm_runner_set_state(self, g_file_test(saved, G_FILE_TEST_EXISTS) ? HVD_VM_STATE_SAVED
                                                                         : HVD_VM_STATE_OFF);
}

/* The monitor took the connection but not the command: let the worker go. */
static void
recover_fail(HvdVmRunner *self, GError *error)
{
    hvd_vm_runner_stop_watching(self);
    self->pid = 0;
    hvd_vm_runner_set_state(self, HVD_VM_STATE_OFF);
    hvd_vm_runner_op_end(self, error);
}

static void
on_recover_status(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(
        self, source, result, recover_fail, _("Cannot take over the running virtual machine"));
    const char *status;

    if (node == NULL)
        return;
    status = hvd_vm_runner_reply_status(node);
    if (g_strcmp0(status, "postmigrate") == 0) {
        /* An earlier berthd was killed during Save, after QEMU wrote the state. */
        g_autofree char *saved = hvd_vm_runner_vm_path(self, "saved.state");
        g_autofree char *temp = hvd_vm_runner_vm_path(self, "saved.state.tmp");

        if (g_file_test(saved, G_FILE_TEST_EXISTS)) {
            /* Complete: finish the save; hvd_vm_runner_worker_exited() ends the recovery as
             * Saved. */
            hvd_vm_runner_end_worker(self);
            return;
        }
        /* Not complete: the guest goes on where it was. */
        g_unlink(temp);
        hvd_qmp_client_execute_async(self->qmp, "cont", NULL, -1, NULL, hvd_vm_runner_on_quit_sent,
                                     g_object_ref(self));
        status = "running";
    }
    hvd_vm_runner_start_io(self);
    /* The kernel kept the taps and their rules; vswitch must know them again. */
    if (self->network != NULL && hvd_vm_runner_running_def(self) != NULL)
        hvd_network_adopt_vm(self->network, hvd_vm_runner_running_def(self));
    hvd_vm_runner_set_state(self, g_strcmp0(status, "running") == 0 ? HVD_VM_STATE_RUNNING
                                                                    : HVD_VM_STATE_PAUSED);
    hvd_vm_runner_op_end(self, NULL);
}

static void
on_recover_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    HvdQmpClient *qmp = hvd_qmp_client_connect_finish(result, &error);

    if (qmp == NULL) {
        if (hvd_vm_runner_is_cancelled(error))
            return;
        /* Alive but its monitor does not answer (another berthd holds it?): leave it alone. */
        hvd_vm_runner_stop_watching(self);
        hvd_vm_runner_op_end(
            self, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                              _("QEMU (process %d) runs for this virtual machine, but its "
                                "monitor does not answer: %s"),
                              (int)self->pid, error->message));
        self->pid = 0;
        return;
    }
    hvd_vm_runner_attach_qmp(self, qmp);
    hvd_vm_runner_qmp_exec(self, "query-status", NULL, -1, on_recover_status);
}

void
hvd_vm_runner_recover_async(HvdVmRunner *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autofree char *pid_file = NULL;
    g_autofree char *qmp_path = NULL;
    const char *needle;
    GPid pid;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_recover_async);
    if (g_task_return_error_if_cancelled(task))
        return;
    if (self->op != OP_NONE) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_BUSY,
                                _("Another action on this virtual machine is under way"));
        return;
    }
    if (self->pid != 0) {
        g_task_return_boolean(task, TRUE); /* already watching a worker */
        return;
    }
    hvd_vm_runner_op_begin(self, OP_RECOVER, task);

    pid_file = hvd_vm_runner_runtime_path(self, "qemu.pid");
    pid = hvd_vm_runner_read_pid_file(pid_file);
    /* The uuid is on QEMU's command line (-uuid); without one, the runtime dir (-pidfile). */
    needle = self->def != NULL && self->def->uuid != NULL ? self->def->uuid : self->runtime_dir;
    if (pid == 0 || !hvd_vm_runner_process_matches(pid, needle) ||
        !hvd_vm_runner_process_matches(pid, self->runtime_dir)) {
        recover_stale(self);
        hvd_vm_runner_op_end(self, NULL);
        return;
    }
    g_debug("Recovering QEMU %d for %s", (int)pid, self->vm_dir);
    self->pid = pid;
    self->own_child = FALSE;
    hvd_vm_runner_watch_pid(self);
    qmp_path = hvd_vm_runner_runtime_path(self, "qmp.sock");
    hvd_qmp_client_connect_async(qmp_path, RECOVER_TIMEOUT_MS, self->op_cancellable,
                                 on_recover_connected, g_object_ref(self));
}

gboolean
hvd_vm_runner_recover_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return hvd_vm_runner_action_finish(self, result, error);
}
