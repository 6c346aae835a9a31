/* hvd-vm-runner-stop.c: the worker's files, how its end is noticed, and the actions that end
 * it (Shut Down, Turn Off).
 *
 * The worker's end is noticed by a child watch for the QEMUs this process started and by a
 * pidfd for recovered ones (QMP's "closed" when pidfd_open is missing). Whatever the cause, the
 * one place that handles it is hvd_vm_runner_worker_exited().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-vm-runner-private.h"

/* --- files ----------------------------------------------------------------------------------- */

void
hvd_vm_runner_remove_runtime_dir(HvdVmRunner *self)
{
    g_autoptr(GDir) dir = g_dir_open(self->runtime_dir, 0, NULL);
    const char *name;

    if (dir == NULL)
        return;
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = hvd_vm_runner_runtime_path(self, name);

        if (g_unlink(path) != 0)
            g_debug("Cannot remove %s: %s", path, g_strerror(errno));
    }
    if (g_rmdir(self->runtime_dir) != 0)
        g_debug("Cannot remove %s: %s", self->runtime_dir, g_strerror(errno));
}

static char *
read_proc_cmdline(GPid pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    g_autofree char *text = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &text, &len, NULL))
        return NULL;
    for (gsize i = 0; i + 1 < len; i++) {
        if (text[i] == '\0')
            text[i] = ' ';
    }
    return g_steal_pointer(&text);
}

GPid
hvd_vm_runner_read_pid_file(const char *path)
{
    g_autofree char *text = NULL;
    gint64 pid;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    pid = g_ascii_strtoll(g_strstrip(text), NULL, 10);
    return pid > 1 && pid < G_MAXINT ? (GPid)pid : 0;
}

/* The process @pid is alive and its command line contains @needle (never signal a recycled
 * pid). */
gboolean
hvd_vm_runner_process_matches(GPid pid, const char *needle)
{
    g_autofree char *cmdline = pid > 0 ? read_proc_cmdline(pid) : NULL;

    return cmdline != NULL && strstr(cmdline, needle) != NULL;
}

void
hvd_vm_runner_stop_swtpm(HvdVmRunner *self)
{
    g_autofree char *pid_file = hvd_vm_runner_runtime_path(self, "swtpm.pid");
    GPid pid = hvd_vm_runner_read_pid_file(pid_file);

    if (pid > 0 && hvd_vm_runner_process_matches(pid, self->runtime_dir))
        kill(pid, SIGTERM);
}

/* The last line of QEMU's stderr that says what went wrong, without the program name. */
static char *
qemu_log_error(HvdVmRunner *self)
{
    g_autofree char *path = hvd_vm_runner_runtime_path(self, "qemu.log");
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    const char *found = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        const char *line = g_strstrip(lines[i]);

        if (line[0] == '\0' || strstr(line, ": warning: ") != NULL ||
            g_str_has_prefix(line, "warning: "))
            continue;
        if (found == NULL || strstr(line, "qemu-system") != NULL ||
            strstr(found, "qemu-system") == NULL)
            found = line;
    }
    if (found == NULL)
        return NULL;
    if (g_str_has_prefix(found, "qemu-system")) {
        const char *colon = strstr(found, ": ");

        if (colon != NULL)
            found = colon + 2;
    }
    /* "-blockdev {…}: Could not open '…'": the option is noise for people; the file is in the
     * rest (the builder writes JSON without ": "). */
    if (found[0] == '-' && strstr(found, ": ") != NULL)
        found = strstr(found, ": ") + 2;
    return g_strdup(found);
}

static char *
serial_tail(HvdVmRunner *self, guint count)
{
    g_autofree char *path = hvd_vm_runner_vm_path(self, "serial.log");
    g_autofree char *text = NULL;
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInputStream) stream = NULL;
    g_auto(GStrv) lines = NULL;
    goffset size;
    gsize want = 8192, got = 0;
    guint n, first;

    stream = g_file_read(file, NULL, NULL);
    if (stream == NULL)
        return g_strdup("");
    if (!g_seekable_seek(G_SEEKABLE(stream), 0, G_SEEK_END, NULL, NULL))
        return g_strdup("");
    size = g_seekable_tell(G_SEEKABLE(stream));
    if ((goffset)want > size)
        want = (gsize)size;
    g_seekable_seek(G_SEEKABLE(stream), size - (goffset)want, G_SEEK_SET, NULL, NULL);
    text = g_malloc0(want + 1);
    g_input_stream_read_all(G_INPUT_STREAM(stream), text, want, &got, NULL, NULL);
    text[got] = '\0';
    g_strdelimit(text, "\r", ' ');
    lines = g_strsplit(g_strchomp(text), "\n", -1);
    n = g_strv_length(lines);
    first = n > count ? n - count : 0;
    return g_strjoinv("\n", lines + first);
}

/* --- the worker's end ------------------------------------------------------------------------ */

static void
stop_io(HvdVmRunner *self)
{
    if (self->serial_tail != NULL) {
        /* What QEMU wrote last, before it ended. */
        hvd_serial_tail_poll(self->serial_tail);
        g_signal_handlers_disconnect_by_data(self->serial_tail, self);
        g_clear_object(&self->serial_tail);
    }
    if (self->serial_source != NULL) {
        g_source_destroy(self->serial_source);
        g_clear_pointer(&self->serial_source, g_source_unref);
    }
    if (self->serial != NULL)
        g_socket_close(self->serial, NULL);
    g_clear_object(&self->serial);
    if (self->qga_source != NULL) {
        g_source_destroy(self->qga_source);
        g_clear_pointer(&self->qga_source, g_source_unref);
    }
    if (self->qga != NULL)
        g_socket_close(self->qga, NULL);
    g_clear_object(&self->qga);
    g_clear_handle_id(&self->stats_id, g_source_remove);
}

void
hvd_vm_runner_stop_watching(HvdVmRunner *self)
{
    g_clear_handle_id(&self->child_watch_id, g_source_remove);
    g_clear_handle_id(&self->kill_timeout_id, g_source_remove);
    if (self->pidfd_source != NULL) {
        g_source_destroy(self->pidfd_source);
        g_clear_pointer(&self->pidfd_source, g_source_unref);
    }
    if (self->pidfd >= 0) {
        close(self->pidfd);
        self->pidfd = -1;
    }
    if (self->qmp != NULL) {
        g_signal_handlers_disconnect_by_data(self->qmp, self);
        hvd_qmp_client_close(self->qmp);
        g_clear_object(&self->qmp);
    }
    stop_io(self);
}

static char *
exit_reason(gboolean have_status, int wait_status)
{
    if (!have_status)
        return NULL;
    if (WIFSIGNALED(wait_status))
        return g_strdup_printf(_("QEMU was killed by signal %d"), WTERMSIG(wait_status));
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0)
        return g_strdup_printf(_("QEMU exited with status %d"), WEXITSTATUS(wait_status));
    return NULL;
}

void
hvd_vm_runner_worker_exited(HvdVmRunner *self, gboolean have_status, int wait_status)
{
    g_autoptr(HvdVmRunner) keep = g_object_ref(self);
    g_autofree char *saved = hvd_vm_runner_vm_path(self, "saved.state");
    g_autofree char *reason = exit_reason(have_status, wait_status);
    g_autofree char *log_error = NULL;
    gboolean expected = self->expect_exit || self->guest_shutdown || self->op == OP_SHUT_DOWN ||
                        self->op == OP_TURN_OFF;
    OpKind op = self->op;
    gboolean killed_by_us = self->expect_exit;
    GError *op_error = NULL;

    g_debug("QEMU %d of %s ended (expected: %d)", (int)self->pid, self->vm_dir, expected);
    /* Read before the runtime dir goes: why QEMU ended, in its words, if it said. */
    log_error = qemu_log_error(self);
    hvd_vm_runner_stop_watching(self);
    hvd_vm_runner_stop_swtpm(self);
    hvd_vm_runner_remove_runtime_dir(self);
    hvd_vm_runner_release_ports(self);
    self->pid = 0;
    self->own_child = FALSE;
    self->expect_exit = FALSE;
    self->guest_shutdown = FALSE;
    g_clear_pointer(&self->run_def, hvx_vm_def_free);

    hvd_vm_runner_set_figures(self, 0, 0, 0);
    hvd_vm_runner_set_heartbeat(self, "");
    hvd_vm_runner_set_accelerator(self, "");
    hvd_vm_runner_set_state(self, g_file_test(saved, G_FILE_TEST_EXISTS) ? HVD_VM_STATE_SAVED
                                                                         : HVD_VM_STATE_OFF);

    if (!expected && op != OP_START) {
        g_autofree char *status = NULL;
        g_autofree char *tail = serial_tail(self, LAST_SERIAL_LINES);

        if (log_error != NULL)
            /* Translators: the %s is QEMU's last error message, e.g. "KVM internal error". */
            status = g_strdup_printf(_("The virtual machine stopped unexpectedly: %s"), log_error);
        else if (reason != NULL)
            /* Translators: the %s is e.g. "QEMU was killed by signal 9". */
            status = g_strdup_printf(_("The virtual machine stopped unexpectedly (%s)"), reason);
        else
            status = g_strdup(_("The virtual machine stopped unexpectedly"));
        hvd_vm_runner_set_status(self, status);
        hvd_vm_runner_set_last_serial_lines(self, tail);
    }

    switch (op) {
    case OP_NONE:
    case OP_CHECKPOINT:
        return; /* a held checkpoint operation sees its QMP call fail and releases */
    case OP_RECOVER:
        break; /* the worker ended while being taken over: the VM is simply off (or saved) */
    case OP_START:
        /* QEMU that ended by itself said why on stderr: that beats whatever we saw of it. */
        if (log_error != NULL && !killed_by_us)
            op_error = g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                   _("QEMU could not start the virtual machine: %s"), log_error);
        else if (self->op_error != NULL)
            op_error = g_steal_pointer(&self->op_error);
        else if (log_error != NULL)
            op_error = g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                   _("QEMU could not start the virtual machine: %s"), log_error);
        else
            op_error = g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                   _("QEMU ended while the virtual machine was starting (%s)"),
                                   reason ? reason : _("no error message"));
        break;
    case OP_SAVE:
        if (!self->save_written)
            op_error = g_error_new_literal(BERTH_ERROR, BERTH_ERROR_FAILED,
                                           _("The virtual machine stopped unexpectedly while it "
                                             "was being saved"));
        break;
    case OP_SHUT_DOWN:
    case OP_TURN_OFF:
        break;
    case OP_PAUSE:
    case OP_RESUME:
    case OP_RESET:
    default:
        op_error = g_error_new_literal(BERTH_ERROR, BERTH_ERROR_FAILED,
                                       _("The virtual machine stopped unexpectedly"));
        break;
    }
    hvd_vm_runner_op_end(self, op_error);
}

void
hvd_vm_runner_on_child_exited(GPid pid, int wait_status, gpointer user_data)
{
    HvdVmRunner *self = user_data;

    self->child_watch_id = 0;
    g_spawn_close_pid(pid);
    if (pid == self->pid)
        hvd_vm_runner_worker_exited(self, TRUE, wait_status);
}

static gboolean
on_pidfd_ready(int fd, GIOCondition condition, gpointer user_data)
{
    HvdVmRunner *self = user_data;

    g_clear_pointer(&self->pidfd_source, g_source_unref);
    hvd_vm_runner_worker_exited(self, FALSE, 0);
    return G_SOURCE_REMOVE;
}

static void
on_qmp_closed(HvdQmpClient *client, GError *reason, gpointer user_data)
{
    HvdVmRunner *self = user_data;

    /* With a child watch or a pidfd the process' end is what counts; QMP closing alone (e.g. a
     * QEMU that closed the monitor) is only the end without them. */
    if (self->child_watch_id == 0 && self->pidfd_source == NULL && self->pid != 0) {
        if (kill(self->pid, 0) == 0 && !self->expect_exit)
            return;
        hvd_vm_runner_worker_exited(self, FALSE, 0);
    }
}

void
hvd_vm_runner_watch_pid(HvdVmRunner *self)
{
#ifdef SYS_pidfd_open
    int fd = (int)syscall(SYS_pidfd_open, self->pid, 0);

    if (fd >= 0) {
        self->pidfd = fd;
        self->pidfd_source = g_unix_fd_source_new(fd, G_IO_IN);
        g_source_set_callback(self->pidfd_source, G_SOURCE_FUNC(on_pidfd_ready), self, NULL);
        g_source_attach(self->pidfd_source, NULL);
        return;
    }
#endif
    g_debug("pidfd_open failed (%s); watching QEMU through its QMP connection", g_strerror(errno));
}

static void
signal_worker(HvdVmRunner *self, int sig)
{
    if (self->pid <= 0)
        return;
#ifdef SYS_pidfd_send_signal
    if (self->pidfd >= 0 && syscall(SYS_pidfd_send_signal, self->pidfd, sig, NULL, 0) == 0)
        return;
#endif
    kill(self->pid, sig);
}

void
hvd_vm_runner_kill_worker(HvdVmRunner *self)
{
    self->expect_exit = TRUE;
    signal_worker(self, SIGKILL);
    /* A recovered worker watched only through QMP: nothing else will tell us it is gone. */
    if (self->child_watch_id == 0 && self->pidfd_source == NULL)
        hvd_vm_runner_worker_exited(self, FALSE, 0);
}

/* --- events ------------------------------------------------------------------------------- */

static void
on_qmp_event(HvdQmpClient *client, const char *name, JsonObject *data, gint64 timestamp,
             gpointer user_data)
{
    HvdVmRunner *self = user_data;

    g_debug("QMP event %s for %s", name, self->vm_dir);
    if (g_str_equal(name, "SHUTDOWN")) {
        self->guest_shutdown = TRUE;
    } else if (g_str_equal(name, "STOP")) {
        if (self->state == HVD_VM_STATE_RUNNING && self->op != OP_SAVE)
            hvd_vm_runner_set_state(self, HVD_VM_STATE_PAUSED);
    } else if (g_str_equal(name, "RESUME")) {
        if (self->state == HVD_VM_STATE_PAUSED && self->op != OP_SAVE)
            hvd_vm_runner_set_state(self, HVD_VM_STATE_RUNNING);
    }
    /* RESET keeps the state; POWERDOWN (the power button) changes nothing until SHUTDOWN. */
}
void
hvd_vm_runner_attach_qmp(HvdVmRunner *self, HvdQmpClient *qmp)
{
    self->qmp = qmp;
    g_signal_connect(qmp, "event", G_CALLBACK(on_qmp_event), self);
    g_signal_connect(qmp, "closed", G_CALLBACK(on_qmp_closed), self);
}

/* --- Shut Down ------------------------------------------------------------------------------ */

static gboolean
on_shut_down_timeout(gpointer user_data)
{
    HvdVmRunner *self = user_data;
    guint seconds = GPOINTER_TO_UINT(g_task_get_task_data(self->op_task));

    self->op_timeout_id = 0;
    hvd_vm_runner_set_state(self, HVD_VM_STATE_RUNNING);
    hvd_vm_runner_op_end(
        self, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                          g_dngettext(GETTEXT_PACKAGE,
                                      "The guest did not shut down within %u second; the "
                                      "virtual machine is still running",
                                      "The guest did not shut down within %u seconds; the "
                                      "virtual machine is still running",
                                      seconds),
                          seconds));
    return G_SOURCE_REMOVE;
}

/* The guest was not asked: it goes on running. */
static void
shut_down_fail(HvdVmRunner *self, GError *error)
{
    hvd_vm_runner_set_state(self, HVD_VM_STATE_RUNNING);
    hvd_vm_runner_op_end(self, error);
}

static void
on_powerdown_sent(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_vm_runner_qmp_finish(self, source, result, shut_down_fail,
                                                        _("Cannot shut down the virtual machine"));
    guint seconds;

    if (node == NULL)
        return;
    seconds = GPOINTER_TO_UINT(g_task_get_task_data(self->op_task));
    self->op_timeout_id = g_timeout_add_seconds(seconds, on_shut_down_timeout, self);
}

void
hvd_vm_runner_shut_down_async(HvdVmRunner *self, guint timeout_seconds, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_shut_down_async);
    g_task_set_task_data(
        task, GUINT_TO_POINTER(timeout_seconds ? timeout_seconds : SHUT_DOWN_DEFAULT_S), NULL);
    if (g_task_return_error_if_cancelled(task))
        return;
    if (!hvd_vm_runner_check_action(self, "ShutDown", &error)) {
        g_task_return_error(task, error);
        return;
    }
    hvd_vm_runner_op_begin(self, OP_SHUT_DOWN, task);
    hvd_vm_runner_set_state(self, HVD_VM_STATE_STOPPING);
    hvd_vm_runner_qmp_exec(self, "system_powerdown", NULL, -1, on_powerdown_sent);
}

gboolean
hvd_vm_runner_shut_down_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return hvd_vm_runner_action_finish(self, result, error);
}

/* --- Turn Off ------------------------------------------------------------------------------- */

void
hvd_vm_runner_on_quit_sent(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(JsonNode) node = hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, NULL);

    /* Nothing to do: the end of the process is what completes the action. */
}

static void
on_kill_timeout(gpointer user_data)
{
    HvdVmRunner *self = user_data;

    self->kill_timeout_id = 0;
    g_debug("QEMU %d did not quit; killing it", (int)self->pid);
    hvd_vm_runner_kill_worker(self);
}

/* Asks QEMU to quit, kills it when it does not within TURN_OFF_KILL_MS. */
void
hvd_vm_runner_end_worker(HvdVmRunner *self)
{
    self->expect_exit = TRUE;
    if (self->qmp == NULL || hvd_qmp_client_is_closed(self->qmp)) {
        hvd_vm_runner_kill_worker(self);
        return;
    }
    hvd_qmp_client_execute_async(self->qmp, "quit", NULL, -1, NULL, hvd_vm_runner_on_quit_sent,
                                 g_object_ref(self));
    if (self->kill_timeout_id == 0)
        self->kill_timeout_id = g_timeout_add_once(TURN_OFF_KILL_MS, on_kill_timeout, self);
}

void
hvd_vm_runner_turn_off_async(HvdVmRunner *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    GError *error = NULL;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_turn_off_async);
    if (g_task_return_error_if_cancelled(task))
        return;
    if (!hvd_vm_runner_check_action(self, "TurnOff", &error)) {
        g_task_return_error(task, error);
        return;
    }
    if (self->op == OP_START)
        hvd_vm_runner_op_end(
            self, g_error_new_literal(BERTH_ERROR, BERTH_ERROR_FAILED,
                                      _("The virtual machine was turned off while it was "
                                        "starting")));
    else if (self->op == OP_SHUT_DOWN)
        hvd_vm_runner_op_end(
            self, g_error_new_literal(BERTH_ERROR, BERTH_ERROR_FAILED,
                                      _("The virtual machine was turned off before the guest "
                                        "shut down")));
    hvd_vm_runner_op_begin(self, OP_TURN_OFF, task);

    if (self->state == HVD_VM_STATE_SAVED) {
        g_autofree char *saved = hvd_vm_runner_vm_path(self, "saved.state");

        if (g_unlink(saved) != 0 && errno != ENOENT) {
            int saved_errno = errno;

            hvd_vm_runner_op_end(self, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                                   _("Cannot discard the saved state “%s”: %s"),
                                                   saved, g_strerror(saved_errno)));
            return;
        }
        hvd_vm_runner_set_state(self, HVD_VM_STATE_OFF);
        hvd_vm_runner_op_end(self, NULL);
        return;
    }
    hvd_vm_runner_end_worker(self);
}

gboolean
hvd_vm_runner_turn_off_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return hvd_vm_runner_action_finish(self, result, error);
}
