/* hvd-vm-runner-start.c: Start, and Start from a saved state (restore): file work in a thread,
 * swtpm, QEMU's spawn, the monitor's handshake.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-vm-runner-private.h"
#include "hvd-qemu-argv.h"

/* --- Start ------------------------------------------------------------------------------- */

typedef struct {
    char *runtime_dir;
    GPtrArray *files; /* pairs: kind ("disk", "dvd" or "floppy"), path */
    char *nvram;      /* Generation 2: VM_DIR/nvram.fd, copied from vars_template if absent */
    char *vars_template;
    char *tpm_dir; /* VM_DIR/tpm when the VM has a TPM */
} PrepareData;

static void
prepare_data_free(PrepareData *data)
{
    g_free(data->runtime_dir);
    g_ptr_array_unref(data->files);
    g_free(data->nvram);
    g_free(data->vars_template);
    g_free(data->tpm_dir);
    g_free(data);
}

/* File work before QEMU starts, in a worker thread: the disk checks, the runtime dir and the
 * first NVRAM copy (4 MiB). */
static void
prepare_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    PrepareData *data = task_data;
    g_autofree char *parent = g_path_get_dirname(data->runtime_dir);

    for (guint i = 0; i + 1 < data->files->len; i += 2) {
        const char *kind = data->files->pdata[i];
        const char *path = data->files->pdata[i + 1];

        if (g_file_test(path, G_FILE_TEST_EXISTS))
            continue;
        if (g_str_equal(kind, "dvd"))
            g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                                    _("The DVD image “%s” does not exist"), path);
        else if (g_str_equal(kind, "floppy"))
            g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                                    _("The floppy image “%s” does not exist"), path);
        else
            g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                                    _("The disk file “%s” does not exist"), path);
        return;
    }

    if (g_mkdir_with_parents(parent, 0700) != 0 ||
        (g_mkdir(data->runtime_dir, 0700) != 0 && errno != EEXIST) ||
        g_chmod(data->runtime_dir, 0700) != 0) {
        int saved_errno = errno;

        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                _("Cannot create the runtime folder “%s”: %s"), data->runtime_dir,
                                g_strerror(saved_errno));
        return;
    }

    if (data->nvram != NULL && !g_file_test(data->nvram, G_FILE_TEST_EXISTS)) {
        g_autofree char *contents = NULL;
        gsize len = 0;
        g_autoptr(GError) error = NULL;

        if (!g_file_get_contents(data->vars_template, &contents, &len, &error) ||
            !g_file_set_contents_full(data->nvram, contents, (gssize)len,
                                      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                      0600, &error)) {
            g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                    _("Cannot make the virtual machine’s UEFI variable store: %s"),
                                    error->message);
            return;
        }
    }

    if (data->tpm_dir != NULL && g_mkdir_with_parents(data->tpm_dir, 0700) != 0) {
        int saved_errno = errno;

        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                _("Cannot create the TPM state folder “%s”: %s"), data->tpm_dir,
                                g_strerror(saved_errno));
        return;
    }
    g_task_return_boolean(task, TRUE);
}

static void start_fail(HvdVmRunner *self, GError *error);
static void start_after_hyperv(HvdVmRunner *self);
static void start_spawn(HvdVmRunner *self);

static void
on_start_prepared(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    GError *error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error)) {
        start_fail(self, error);
        return;
    }
    if (self->op != OP_START)
        return;
    start_after_hyperv(self);
}

static void
on_hyperv_flags(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;

    if (hvd_host_get_hyperv_flags_finish(HVD_HOST(source), result, &error) == NULL)
        g_warning("Cannot probe the Hyper-V enlightenments QEMU accepts: %s; starting without",
                  error->message);
    if (self->op != OP_START)
        return;
    start_spawn(self);
}

static void
on_swtpm_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *socket = hvd_vm_runner_runtime_path(self, "swtpm.sock");

    if (!g_subprocess_wait_check_finish(G_SUBPROCESS(source), result, &error) ||
        !g_file_test(socket, G_FILE_TEST_EXISTS)) {
        g_autofree char *log_path = hvd_vm_runner_runtime_path(self, "swtpm.log");
        g_autofree char *log = NULL;

        if (hvd_vm_runner_is_cancelled(error))
            return;
        g_file_get_contents(log_path, &log, NULL, NULL);
        start_fail(self, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                     _("The TPM emulator (swtpm) did not start: %s"),
                                     log != NULL && log[0] != '\0' ? g_strstrip(log)
                                     : error != NULL               ? error->message
                                                                   : _("no socket")));
        return;
    }
    if (hvd_vm_runner_running_def(self)->hyperv_enlightenments &&
        hvd_host_get_hyperv_flags(self->host) == NULL) {
        hvd_host_get_hyperv_flags_async(self->host, NULL, on_hyperv_flags, g_object_ref(self));
        return;
    }
    start_spawn(self);
}

static void
start_after_hyperv(HvdVmRunner *self)
{
    const HvxVmDef *def = hvd_vm_runner_running_def(self);

    if (def->generation == 2 && def->tpm) {
        const char *swtpm = hvd_host_get_swtpm_binary(self->host);
        g_autofree char *state_dir = hvd_vm_runner_vm_path(self, "tpm");
        g_autofree char *tpmstate = g_strdup_printf("dir=%s,mode=0600", state_dir);
        g_autofree char *socket = hvd_vm_runner_runtime_path(self, "swtpm.sock");
        g_autofree char *ctrl = g_strdup_printf("type=unixio,path=%s,mode=0600", socket);
        g_autofree char *pid_file = hvd_vm_runner_runtime_path(self, "swtpm.pid");
        g_autofree char *pid = g_strdup_printf("file=%s", pid_file);
        g_autofree char *log_file = hvd_vm_runner_runtime_path(self, "swtpm.log");
        g_autofree char *log = g_strdup_printf("file=%s", log_file);
        g_autoptr(GSubprocess) proc = NULL;
        GError *error = NULL;

        if (swtpm == NULL) {
            start_fail(self, g_error_new_literal(
                                 BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                                 _("This virtual machine has a TPM, which needs swtpm; install "
                                   "the Debian package “swtpm”")));
            return;
        }
        /* --daemon: swtpm forks once its socket listens, so the exit of this process means
         * ready. --terminate: it ends when QEMU (its only client) goes. */
        proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                                &error, swtpm, "socket", "--tpm2", "--tpmstate", tpmstate, "--ctrl",
                                ctrl, "--pid", pid, "--log", log, "--terminate", "--daemon", NULL);
        if (proc == NULL) {
            start_fail(self, error);
            return;
        }
        g_subprocess_wait_check_async(proc, self->op_cancellable, on_swtpm_started,
                                      g_object_ref(self));
        return;
    }
    if (def->hyperv_enlightenments && hvd_host_get_hyperv_flags(self->host) == NULL) {
        hvd_host_get_hyperv_flags_async(self->host, NULL, on_hyperv_flags, g_object_ref(self));
        return;
    }
    start_spawn(self);
}

static void on_start_connected(GObject *source, GAsyncResult *result, gpointer user_data);

static void
child_setup(gpointer user_data)
{
    /* Its own session: QEMU survives berthd and its terminal. */
    setsid();
}

static void
close_fds(GArray *fds)
{
    for (guint i = 0; i < fds->len; i++)
        close(g_array_index(fds, int, i));
    g_array_set_size(fds, 0);
}

/* Each logged COM port's input is a FIFO in the runtime dir (QEMU reads it once berthd adds it
 * with chardev-change, hvd_vm_runner_start_io). QEMU also inherits a read-write descriptor of
 * the FIFO that it never uses: the FIFO then always has a writer, so QEMU's reading end never
 * meets end-of-file, whether berthd runs, restarts or has never written. */
#define COM_INPUT_FIRST_FD 90

static gboolean
open_com_inputs(HvdVmRunner *self, const HvxVmDef *def, GArray *fds, GArray *targets,
                GError **error)
{
    for (guint i = 0; i < def->com_ports->len; i++) {
        const HvxComDef *com = g_ptr_array_index(def->com_ports, i);
        g_autofree char *name = NULL;
        g_autofree char *path = NULL;
        int target = COM_INPUT_FIRST_FD + (int)com->port;
        int fd;

        if (!com->log)
            continue;
        name = hvd_qemu_com_input_name(com->port);
        path = hvd_vm_runner_runtime_path(self, name);
        g_unlink(path);
        fd = mkfifo(path, 0600) == 0 ? g_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC, 0) : -1;
        if (fd < 0) {
            int saved_errno = errno;

            g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot create “%s”: %s"), path,
                        g_strerror(saved_errno));
            return FALSE;
        }
        g_array_append_val(fds, fd);
        g_array_append_val(targets, target);
    }
    return TRUE;
}

static void
start_spawn(HvdVmRunner *self)
{
    const HvxVmDef *def = hvd_vm_runner_running_def(self);
    HvdQemuConfig config = {0};
    g_autoptr(GPtrArray) argv = NULL;
    g_autofree char *nvram = NULL;
    g_autofree char *tpm_socket = NULL;
    g_autofree char *log_path = hvd_vm_runner_runtime_path(self, "qemu.log");
    g_autofree char *qmp_path = hvd_vm_runner_runtime_path(self, "qmp.sock");
    g_autoptr(GPtrArray) nets = NULL;
    g_autoptr(GArray) net_fds = g_array_new(FALSE, FALSE, sizeof(int));
    g_autoptr(GArray) target_fds = g_array_new(FALSE, FALSE, sizeof(int));
    g_autofree char *net_note = NULL;
    const char *code = NULL;
    const char *vars = NULL;
    GError *error = NULL;
    int log_fd;
    GPid pid = 0;

    config.def = def;
    config.qemu_binary = hvd_host_get_qemu_binary(self->host);
    config.vm_dir = self->vm_dir;
    config.runtime_dir = self->runtime_dir;
    config.accel = hvd_host_get_accel(self->host);
    config.hyperv_flags_accepted = hvd_host_get_hyperv_flags(self->host);
    if (def->generation == 2) {
        if (!hvd_host_get_firmware(self->host, def->secure_boot, def->firmware_template, &code,
                                   &vars, &error)) {
            start_fail(self, error);
            return;
        }
        nvram = hvd_vm_runner_vm_path(self, "nvram.fd");
        config.firmware_code = code;
        config.firmware_vars = nvram;
    }
    if (def->generation == 2 && def->tpm) {
        tpm_socket = hvd_vm_runner_runtime_path(self, "swtpm.sock");
        config.tpm_socket = tpm_socket;
    }
    config.incoming = self->restoring;
    /* Ports last: nothing after them fails but the spawn, which gives them back. */
    if (self->network != NULL && def->network_adapters->len > 0) {
        nets = hvd_network_connect_vm(self->network, def, net_fds, &net_note, &error);
        if (nets == NULL) {
            start_fail(self, error);
            return;
        }
        for (guint i = 0; i < net_fds->len; i++) {
            int target = HVD_NETWORK_FIRST_FD + (int)i;

            g_array_append_val(target_fds, target);
        }
        config.nets = nets;
    }
    g_free(self->net_note);
    self->net_note = g_steal_pointer(&net_note);
    argv = hvd_qemu_argv_build(&config, &error);
    if (argv == NULL || !open_com_inputs(self, def, net_fds, target_fds, &error)) {
        close_fds(net_fds);
        start_fail(self, error);
        return;
    }

    log_fd = g_open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        int saved_errno = errno;

        close_fds(net_fds);
        start_fail(self, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot create “%s”: %s"),
                                     log_path, g_strerror(saved_errno)));
        return;
    }
    /* The taps and the COM inputs' FIFOs reach QEMU as inherited fds; berthd's copies close
     * right after, so a tap lives exactly as long as QEMU. */
    if (!g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)argv->pdata, NULL,
                                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                          child_setup, NULL, -1, log_fd, log_fd,
                                          (const int *)net_fds->data, (const int *)target_fds->data,
                                          net_fds->len, &pid, NULL, NULL, NULL, &error)) {
        close_fds(net_fds);
        close(log_fd);
        start_fail(self, g_error_new(BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                                     _("Cannot run QEMU: %s"), error->message));
        g_error_free(error);
        return;
    }
    close_fds(net_fds);
    close(log_fd);
    g_debug("Started QEMU %d for %s", (int)pid, self->vm_dir);
    self->pid = pid;
    self->own_child = TRUE;
    self->child_watch_id = g_child_watch_add(pid, hvd_vm_runner_on_child_exited, self);

    hvd_qmp_client_connect_async(qmp_path, QMP_CONNECT_TIMEOUT_MS, self->op_cancellable,
                                 on_start_connected, g_object_ref(self));
}

static void
start_fail(HvdVmRunner *self, GError *error)
{
    g_autofree char *saved = hvd_vm_runner_vm_path(self, "saved.state");

    g_assert(self->op == OP_START);
    g_clear_handle_id(&self->op_timeout_id, g_source_remove);
    g_clear_error(&self->op_error);
    self->op_error = error;
    /* Late callbacks of the start drop out from here on. */
    g_cancellable_cancel(self->op_cancellable);
    if (self->pid != 0) {
        /* hvd_vm_runner_worker_exited() ends the start with op_error once QEMU is gone. */
        hvd_vm_runner_kill_worker(self);
        return;
    }
    hvd_vm_runner_stop_watching(self);
    hvd_vm_runner_stop_swtpm(self);
    hvd_vm_runner_remove_runtime_dir(self);
    hvd_vm_runner_release_ports(self);
    hvd_vm_runner_set_state(self, g_file_test(saved, G_FILE_TEST_EXISTS) ? HVD_VM_STATE_SAVED
                                                                         : HVD_VM_STATE_OFF);
    hvd_vm_runner_op_end(self, g_steal_pointer(&self->op_error));
}

static gboolean
on_start_grace_over(gpointer user_data)
{
    HvdVmRunner *self = user_data;

    self->op_timeout_id = 0;
    start_fail(self, g_steal_pointer(&self->op_error));
    return G_SOURCE_REMOVE;
}

/* The monitor went away: QEMU is most likely exiting with a message on stderr. Give it a moment
 * to end by itself (hvd_vm_runner_worker_exited() then reports that message), then kill it. */
static void
start_fail_soon(HvdVmRunner *self, GError *error)
{
    g_clear_error(&self->op_error);
    self->op_error = error;
    if (self->pid == 0 || self->op_timeout_id != 0) {
        start_fail(self, g_steal_pointer(&self->op_error));
        return;
    }
    self->op_timeout_id = g_timeout_add(START_GRACE_MS, on_start_grace_over, self);
}

static void
start_done(HvdVmRunner *self, HvdVmState state)
{
    hvd_vm_runner_start_io(self);
    hvd_vm_runner_set_state(self, state);
    hvd_vm_runner_op_end(self, NULL);
}

static void
on_start_status(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, start_fail,
                                                        _("Cannot start the virtual machine"));
    const char *status;

    if (node == NULL)
        return;
    status = hvd_vm_runner_reply_status(node);
    start_done(self,
               g_strcmp0(status, "running") == 0 ? HVD_VM_STATE_RUNNING : HVD_VM_STATE_PAUSED);
}

static void
on_restore_cont(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, start_fail,
                                                        _("Cannot resume the virtual machine"));
    g_autofree char *saved = hvd_vm_runner_vm_path(self, "saved.state");

    if (node == NULL)
        return;
    /* The guest runs on from here: the saved state is spent. */
    if (g_unlink(saved) != 0)
        g_warning("Cannot remove %s: %s", saved, g_strerror(errno));
    hvd_vm_runner_qmp_exec(self, "query-status", NULL, -1, on_start_status);
}

static void restore_poll(HvdVmRunner *self);

static void
on_restore_query(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, start_fail,
                                                        _("Cannot restore the virtual machine"));
    const char *status;

    if (node == NULL)
        return;
    status = hvd_vm_runner_reply_status(node);
    if (g_strcmp0(status, "completed") == 0) {
        hvd_vm_runner_qmp_exec(self, "cont", NULL, -1, on_restore_cont);
    } else if (g_strcmp0(status, "failed") == 0) {
        const char *desc = json_object_get_string_member_with_default(
            json_node_get_object(node), "error-desc", _("unknown reason"));

        start_fail(self, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                     _("The saved state could not be restored: %s"), desc));
    } else {
        self->op_timeout_id =
            g_timeout_add_once(MIGRATE_POLL_MS, (GSourceOnceFunc)restore_poll, self);
    }
}

static void
restore_poll(HvdVmRunner *self)
{
    self->op_timeout_id = 0;
    hvd_vm_runner_qmp_exec(self, "query-migrate", NULL, -1, on_restore_query);
}

static void
on_restore_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, start_fail,
                                                        _("Cannot restore the virtual machine"));

    if (node == NULL)
        return;
    restore_poll(self);
}

static void
on_restore_getfd(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, start_fail,
                                                        _("Cannot restore the virtual machine"));
    g_autoptr(JsonObject) args = NULL;

    if (node == NULL)
        return;
    args = hvd_qmp_args_new("s:uri", "fd:berth-incoming", NULL);
    hvd_vm_runner_qmp_exec(self, "migrate-incoming", args, -1, on_restore_started);
}

static void
on_start_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    HvdQmpClient *qmp = hvd_qmp_client_connect_finish(result, &error);

    if (qmp == NULL) {
        if (!hvd_vm_runner_is_cancelled(error))
            start_fail_soon(self,
                            g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                        _("Cannot reach QEMU’s monitor: %s"), error->message));
        return;
    }
    if (self->op != OP_START || self->pid == 0) {
        g_object_unref(qmp);
        return;
    }
    hvd_vm_runner_attach_qmp(self, qmp);

    if (self->restoring) {
        g_autofree char *saved = hvd_vm_runner_vm_path(self, "saved.state");
        g_autoptr(JsonObject) args = hvd_qmp_args_new("s:fdname", "berth-incoming", NULL);
        int fd = g_open(saved, O_RDONLY | O_CLOEXEC, 0);

        if (fd < 0) {
            int saved_errno = errno;

            start_fail(self, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot open “%s”: %s"),
                                         saved, g_strerror(saved_errno)));
            return;
        }
        hvd_vm_runner_qmp_exec(self, "getfd", args, fd, on_restore_getfd);
        close(fd);
        return;
    }
    hvd_vm_runner_qmp_exec(self, "query-status", NULL, -1, on_start_status);
}

static void
add_file(GPtrArray *files, const char *kind, const char *vm_dir, const char *path)
{
    g_ptr_array_add(files, g_strdup(kind));
    g_ptr_array_add(files, hvd_qemu_resolve_path(vm_dir, path));
}

void
hvd_vm_runner_start_async(HvdVmRunner *self, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GTask) prepare = NULL;
    GError *error = NULL;
    PrepareData *data;
    const HvxVmDef *def;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_start_async);
    if (g_task_return_error_if_cancelled(task))
        return;
    if (self->def == NULL) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                _("The virtual machine has no definition"));
        return;
    }
    if (!hvd_vm_runner_check_action(self, "Start", &error)) {
        g_task_return_error(task, error);
        return;
    }
    if (hvd_host_get_qemu_binary(self->host) == NULL) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                                _("QEMU (qemu-system-x86_64) is not installed; install the Debian "
                                  "package “qemu-system-x86”"));
        return;
    }
    def = self->def;
    g_clear_pointer(&self->run_def, hvx_vm_def_free);

    data = g_new0(PrepareData, 1);
    data->runtime_dir = g_strdup(self->runtime_dir);
    data->files = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < def->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);

            if (drive->path != NULL)
                add_file(data->files, drive->type == HVX_DRIVE_DVD ? "dvd" : "disk", self->vm_dir,
                         drive->path);
        }
    }
    if (def->generation == 1 && def->has_floppy && def->floppy_path != NULL)
        add_file(data->files, "floppy", self->vm_dir, def->floppy_path);
    if (def->generation == 2) {
        const char *code = NULL;
        const char *vars = NULL;

        if (!hvd_host_get_firmware(self->host, def->secure_boot, def->firmware_template, &code,
                                   &vars, &error)) {
            prepare_data_free(data);
            g_task_return_error(task, error);
            return;
        }
        data->nvram = hvd_vm_runner_vm_path(self, "nvram.fd");
        data->vars_template = g_strdup(vars);
        if (def->tpm)
            data->tpm_dir = hvd_vm_runner_vm_path(self, "tpm");
    }

    hvd_vm_runner_op_begin(self, OP_START, task);
    self->restoring = self->state == HVD_VM_STATE_SAVED;
    self->expect_exit = FALSE;
    self->guest_shutdown = FALSE;
    hvd_vm_runner_set_last_serial_lines(self, "");
    hvd_vm_runner_set_state(self, HVD_VM_STATE_STARTING);

    prepare = g_task_new(NULL, NULL, on_start_prepared, g_object_ref(self));
    g_task_set_task_data(prepare, data, (GDestroyNotify)prepare_data_free);
    g_task_run_in_thread(prepare, prepare_thread);
}

gboolean
hvd_vm_runner_start_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
