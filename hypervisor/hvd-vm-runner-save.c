/* hvd-vm-runner-save.c: Save: the guest's state migrates into VM_DIR/saved.state, then QEMU
 * ends.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-vm-runner-private.h"

/* --- Save ----------------------------------------------------------------------------------- */

typedef struct {
    int fd; /* the temp file, ours */
    char *temp_path;
    char *path;
    gboolean was_running;
} SaveData;

static void
save_data_free(SaveData *data)
{
    if (data->fd >= 0)
        close(data->fd);
    g_free(data->temp_path);
    g_free(data->path);
    g_free(data);
}

static SaveData *
save_data(HvdVmRunner *self)
{
    return g_task_get_task_data(self->op_task);
}

/* Undoes a save that failed before QEMU was told to quit: the guest goes on as it was. */
static void
save_fail(HvdVmRunner *self, GError *error)
{
    SaveData *data = save_data(self);

    g_unlink(data->temp_path);
    if (data->was_running && self->qmp != NULL)
        hvd_qmp_client_execute_async(self->qmp, "cont", NULL, -1, NULL, hvd_vm_runner_on_quit_sent,
                                     g_object_ref(self));
    hvd_vm_runner_set_state(self, data->was_running ? HVD_VM_STATE_RUNNING : HVD_VM_STATE_PAUSED);
    hvd_vm_runner_op_end(self, error);
}

/* In a worker thread: the state reaches the disk, then takes its final name. */
static void
save_sync_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    SaveData *data = g_task_get_task_data(G_TASK(task_data));
    g_autofree char *dir = g_path_get_dirname(data->path);
    int dir_fd;

    if (fsync(data->fd) != 0 || g_rename(data->temp_path, data->path) != 0) {
        int saved_errno = errno;

        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                _("Cannot write the saved state “%s”: %s"), data->path,
                                g_strerror(saved_errno));
        return;
    }
    dir_fd = g_open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (dir_fd >= 0) {
        fsync(dir_fd);
        close(dir_fd);
    }
    g_task_return_boolean(task, TRUE);
}

static void
on_save_synced(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    GError *error = NULL;

    if (self->op != OP_SAVE)
        return;
    if (!g_task_propagate_boolean(G_TASK(result), &error)) {
        save_fail(self, error);
        return;
    }
    /* hvd_vm_runner_worker_exited() finds saved.state and completes the save once QEMU is gone. */
    self->save_written = TRUE;
    hvd_vm_runner_end_worker(self);
}

static void save_poll(HvdVmRunner *self);

static void
on_save_query(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, save_fail,
                                                        _("Cannot save the virtual machine"));
    const char *status;

    if (node == NULL)
        return;
    status = hvd_vm_runner_reply_status(node);
    if (g_strcmp0(status, "completed") == 0) {
        g_autoptr(GTask) sync = g_task_new(NULL, NULL, on_save_synced, g_object_ref(self));

        /* The thread holds the action's task, hence its SaveData, whatever happens here. */
        g_task_set_task_data(sync, g_object_ref(self->op_task), g_object_unref);
        g_task_run_in_thread(sync, save_sync_thread);
    } else if (g_strcmp0(status, "failed") == 0 || g_strcmp0(status, "cancelled") == 0) {
        const char *desc = json_object_get_string_member_with_default(
            json_node_get_object(node), "error-desc", _("unknown reason"));

        save_fail(self, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                    _("Cannot save the virtual machine: %s"), desc));
    } else {
        self->op_timeout_id = g_timeout_add_once(MIGRATE_POLL_MS, (GSourceOnceFunc)save_poll, self);
    }
}

static void
save_poll(HvdVmRunner *self)
{
    self->op_timeout_id = 0;
    hvd_vm_runner_qmp_exec(self, "query-migrate", NULL, -1, on_save_query);
}

static void
on_save_migrating(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, save_fail,
                                                        _("Cannot save the virtual machine"));

    if (node == NULL)
        return;
    save_poll(self);
}

static void
on_save_getfd(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, save_fail,
                                                        _("Cannot save the virtual machine"));
    g_autoptr(JsonObject) args = NULL;

    if (node == NULL)
        return;
    args = hvd_qmp_args_new("s:uri", "fd:berth-save", NULL);
    hvd_vm_runner_qmp_exec(self, "migrate", args, -1, on_save_migrating);
}

static void
on_save_parameters(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    g_autoptr(JsonObject) args = NULL;
    SaveData *data;

    if (node == NULL && hvd_vm_runner_is_cancelled(error))
        return;
    if (node == NULL)
        g_debug("migrate-set-parameters failed (%s); saving at QEMU's default speed",
                error->message);
    data = save_data(self);
    data->fd = g_open(data->temp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (data->fd < 0) {
        int saved_errno = errno;

        save_fail(self, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot create “%s”: %s"),
                                    data->temp_path, g_strerror(saved_errno)));
        return;
    }
    args = hvd_qmp_args_new("s:fdname", "berth-save", NULL);
    hvd_vm_runner_qmp_exec(self, "getfd", args, data->fd, on_save_getfd);
}

static void
on_save_stopped(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, save_fail,
                                                        _("Cannot save the virtual machine"));
    g_autoptr(JsonObject) args = NULL;

    if (node == NULL)
        return;
    /* The default limit (128 MiB/s) would make saving a big guest slow for nothing: the
     * destination is a local file. */
    args = hvd_qmp_args_new("I:max-bandwidth", MIGRATE_BANDWIDTH, NULL);
    hvd_vm_runner_qmp_exec(self, "migrate-set-parameters", args, -1, on_save_parameters);
}

void
hvd_vm_runner_save_async(HvdVmRunner *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;
    SaveData *data;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_save_async);
    if (g_task_return_error_if_cancelled(task))
        return;
    if (!hvd_vm_runner_check_action(self, "Save", &error)) {
        g_task_return_error(task, error);
        return;
    }
    data = g_new0(SaveData, 1);
    data->fd = -1;
    data->path = hvd_vm_runner_vm_path(self, "saved.state");
    data->temp_path = hvd_vm_runner_vm_path(self, "saved.state.tmp");
    data->was_running = self->state == HVD_VM_STATE_RUNNING;
    g_task_set_task_data(task, data, (GDestroyNotify)save_data_free);
    hvd_vm_runner_op_begin(self, OP_SAVE, task);
    hvd_vm_runner_set_state(self, HVD_VM_STATE_SAVING);
    hvd_vm_runner_qmp_exec(self, "stop", NULL, -1, on_save_stopped);
}

gboolean
hvd_vm_runner_save_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return hvd_vm_runner_action_finish(self, result, error);
}
