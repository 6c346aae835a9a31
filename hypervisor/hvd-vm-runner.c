/* hvd-vm-runner.c: one VM's worker: starts, watches and controls its QEMU process.
 *
 * QEMU runs in its own session (setsid), not daemonised (-daemonize is refused by
 * -sandbox spawn=deny), so it outlives berthd; recover finds it again through the pid file QEMU
 * writes in the runtime dir. The guest runs at once (no -S): the only QMP work between exec and
 * a running guest is the handshake and one query-status.
 *
 * One action at a time: self->op holds it. Every asynchronous step of an action is given
 * self->op_cancellable and a reference on the runner; when the action ends (or the worker dies
 * under it) the cancellable is cancelled and late callbacks drop out.
 *
 * The worker's end is noticed by a child watch for the QEMUs this process started and by a
 * pidfd for recovered ones (QMP's "closed" when pidfd_open is missing). Whatever the cause, the
 * one place that handles it is worker_exited().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-qemu-argv.h"
#include "hvd-qmp-client.h"
#include "hvd-vm-runner.h"

#define QMP_CONNECT_TIMEOUT_MS 30000 /* QEMU's own start-up, generous for a loaded host */
#define RECOVER_TIMEOUT_MS     3000
#define START_GRACE_MS         2000
#define TURN_OFF_KILL_MS       3000
#define SHUT_DOWN_DEFAULT_S    120
#define MIGRATE_POLL_MS        50
#define STATS_INTERVAL_MS      1000
#define HEARTBEAT_INTERVAL_S   2
#define HEARTBEAT_GRACE_US     (5 * G_USEC_PER_SEC)
#define LAST_SERIAL_LINES      10
#define MIGRATE_BANDWIDTH      (G_GINT64_CONSTANT(64) * 1024 * 1024 * 1024)

typedef enum {
    OP_NONE,
    OP_RECOVER,
    OP_START,
    OP_SHUT_DOWN,
    OP_TURN_OFF,
    OP_SAVE,
    OP_PAUSE,
    OP_RESUME,
    OP_RESET,
    OP_CHECKPOINT, /* held by a checkpoint operation (hvd_vm_runner_hold), no task */
} OpKind;

struct _HvdVmRunner {
    GObject parent_instance;

    HvdHost *host;
    char *vm_dir;
    char *runtime_dir;
    HvxVmDef *def;     /* for the next start */
    HvxVmDef *run_def; /* the definition the running worker was started with, once replaced */

    HvdVmState state;
    char *status;
    double cpu_usage;
    guint64 assigned_memory;
    guint64 uptime;
    char *heartbeat;
    char *accelerator;
    char *last_serial_lines;

    /* The action under way. */
    OpKind op;
    GTask *op_task;
    GCancellable *op_cancellable;
    GError *op_error;      /* a start that failed: returned once the worker is gone */
    gboolean restoring;    /* the start restores saved.state */
    gboolean save_written; /* saved.state is complete; QEMU was told to quit */
    guint op_timeout_id;

    /* The worker. */
    GPid pid;
    gboolean own_child;
    guint child_watch_id;
    int pidfd;
    GSource *pidfd_source;
    HvdQmpClient *qmp;
    gboolean expect_exit;    /* we told QEMU to end */
    gboolean guest_shutdown; /* the guest powered off (SHUTDOWN event) */
    guint kill_timeout_id;
    guint swtpm_pid;

    /* Figures. */
    guint stats_id;
    guint64 start_ticks; /* /proc/PID/stat starttime */
    guint64 last_cpu_ticks;
    gint64 last_cpu_time;
    guint stats_round;
    gboolean balloon_pending;

    /* COM1 and the guest agent. */
    GSocket *serial;
    GSource *serial_source;
    GSocket *qga;
    GSource *qga_source;
    gint64 qga_last_reply;

    guint fd_serial;
};

G_DEFINE_FINAL_TYPE(HvdVmRunner, hvd_vm_runner, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_STATE,
    PROP_STATUS,
    PROP_CPU_USAGE,
    PROP_ASSIGNED_MEMORY,
    PROP_UPTIME,
    PROP_HEARTBEAT,
    PROP_ACCELERATOR,
    PROP_LAST_SERIAL_LINES,
    N_PROPS,
};

static GParamSpec *properties[N_PROPS];

enum {
    SIGNAL_SERIAL_OUTPUT,
    N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void worker_exited(HvdVmRunner *self, gboolean have_status, int wait_status);
static void start_fail(HvdVmRunner *self, GError *error);
static void kill_worker(HvdVmRunner *self);

/* --- small helpers ------------------------------------------------------------------------- */

static char *
runtime_path(HvdVmRunner *self, const char *name)
{
    return g_build_filename(self->runtime_dir, name, NULL);
}

static char *
vm_path(HvdVmRunner *self, const char *name)
{
    return g_build_filename(self->vm_dir, name, NULL);
}

static const HvxVmDef *
running_def(HvdVmRunner *self)
{
    return self->run_def != NULL ? self->run_def : self->def;
}

static gboolean
set_string(char **field, const char *value)
{
    if (g_strcmp0(*field, value) == 0)
        return FALSE;
    g_free(*field);
    *field = g_strdup(value);
    return TRUE;
}

static void
set_status(HvdVmRunner *self, const char *status)
{
    if (set_string(&self->status, status ? status : ""))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATUS]);
}

static void
set_heartbeat(HvdVmRunner *self, const char *heartbeat)
{
    if (set_string(&self->heartbeat, heartbeat))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_HEARTBEAT]);
}

static void
set_accelerator(HvdVmRunner *self, const char *accelerator)
{
    if (set_string(&self->accelerator, accelerator))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ACCELERATOR]);
}

static void
set_figures(HvdVmRunner *self, double cpu, guint64 memory, guint64 uptime)
{
    if (self->cpu_usage != cpu) {
        self->cpu_usage = cpu;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_CPU_USAGE]);
    }
    if (self->assigned_memory != memory) {
        self->assigned_memory = memory;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ASSIGNED_MEMORY]);
    }
    if (self->uptime != uptime) {
        self->uptime = uptime;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_UPTIME]);
    }
}

static char *
running_status(HvdVmRunner *self)
{
    const char *reason = hvd_host_get_accel_reason(self->host);
    const char *accel = hvd_host_get_accel(self->host) == HVD_ACCEL_KVM ? "KVM" : "TCG";

    /* The reason names the accelerator first ("TCG (software emulation), because …"). */
    if (reason != NULL && g_str_has_prefix(reason, accel))
        /* Translators: %s is the accelerator and why, e.g. "TCG (software emulation), because
         * the host CPU has no vmx/svm flag". */
        return g_strdup_printf(_("Running under %s"), reason);
    if (reason != NULL && reason[0] != '\0')
        /* Translators: the first %s is KVM or TCG, the second why it was chosen. */
        return g_strdup_printf(_("Running under %s (%s)"), accel, reason);
    return g_strdup_printf(_("Running under %s"), accel);
}

static void
set_state(HvdVmRunner *self, HvdVmState state)
{
    g_autofree char *status = NULL;

    switch (state) {
    case HVD_VM_STATE_RUNNING:
        status = running_status(self);
        break;
    case HVD_VM_STATE_PAUSED:
        status = g_strdup(_("Paused"));
        break;
    case HVD_VM_STATE_STARTING:
        status = g_strdup(_("Starting"));
        break;
    case HVD_VM_STATE_SAVING:
        status = g_strdup(_("Saving"));
        break;
    case HVD_VM_STATE_SAVED:
        status = g_strdup(_("Saved"));
        break;
    case HVD_VM_STATE_STOPPING:
        status = g_strdup(_("Shutting down"));
        break;
    case HVD_VM_STATE_OFF:
    default:
        status = g_strdup("");
        break;
    }
    set_status(self, status);
    if (self->state != state) {
        self->state = state;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATE]);
    }
}

static char *
actions_text(HvdVmState state)
{
    const char *const *actions = hvd_vm_state_allowed_actions(state);

    if (actions[0] == NULL)
        return g_strdup(_("none"));
    return g_strjoinv(", ", (char **)actions);
}

/* BUSY when another action runs, WRONG_STATE when @action does not fit the state. */
static gboolean
check_action(HvdVmRunner *self, const char *action, GError **error)
{
    /* TurnOff may interrupt a ShutDown, or a Start once QEMU runs (before that the start is
     * only file work and a moment away from either running or failing). */
    if (self->op != OP_NONE &&
        !(g_str_equal(action, "TurnOff") &&
          ((self->op == OP_START && self->pid != 0) || self->op == OP_SHUT_DOWN))) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_BUSY,
                    _("Another action on this virtual machine is under way; try “%s” again when "
                      "it has finished"),
                    action);
        return FALSE;
    }
    if (!hvd_vm_state_allows(self->state, action)) {
        g_autofree char *allowed = actions_text(self->state);

        /* Translators: "The virtual machine is Off; “Pause” is not possible. Allowed: Start,
         * Delete". The first %s is a state, the second a D-Bus method name, the third a list of
         * them. */
        g_set_error(error, HVD_ERROR, HVD_ERROR_WRONG_STATE,
                    _("The virtual machine is %s; “%s” is not possible. Allowed: %s"),
                    hvd_vm_state_to_display(self->state), action, allowed);
        return FALSE;
    }
    return TRUE;
}

static GTask *
op_begin(HvdVmRunner *self, OpKind kind, GTask *task)
{
    g_assert(self->op == OP_NONE);
    self->op = kind;
    self->op_task = g_object_ref(task);
    self->op_cancellable = g_cancellable_new();
    return task;
}

/* Ends the action under way with @error (taken) or success. */
static void
op_end(HvdVmRunner *self, GError *error)
{
    g_autoptr(GTask) task = g_steal_pointer(&self->op_task);
    g_autoptr(GCancellable) cancellable = g_steal_pointer(&self->op_cancellable);

    g_assert(task != NULL);
    self->op = OP_NONE;
    self->restoring = FALSE;
    self->save_written = FALSE;
    g_clear_handle_id(&self->op_timeout_id, g_source_remove);
    g_clear_error(&self->op_error);
    if (cancellable != NULL)
        g_cancellable_cancel(cancellable);
    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
}

static gboolean
is_cancelled(const GError *error)
{
    return g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
qmp_exec(HvdVmRunner *self, const char *command, JsonObject *args, int fd,
         GAsyncReadyCallback callback)
{
    hvd_qmp_client_execute_async(self->qmp, command, args, fd, self->op_cancellable, callback,
                                 g_object_ref(self));
}

/* @what is a whole translated sentence start, e.g. "Cannot pause the virtual machine". */
static GError *
qmp_failure(const GError *error, const char *what)
{
    return g_error_new(HVD_ERROR, HVD_ERROR_FAILED, "%s: %s", what, error->message);
}

/* --- files ----------------------------------------------------------------------------------- */

static void
remove_runtime_dir(HvdVmRunner *self)
{
    g_autoptr(GDir) dir = g_dir_open(self->runtime_dir, 0, NULL);
    const char *name;

    if (dir == NULL)
        return;
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = runtime_path(self, name);

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

static GPid
read_pid_file(const char *path)
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
static gboolean
process_matches(GPid pid, const char *needle)
{
    g_autofree char *cmdline = pid > 0 ? read_proc_cmdline(pid) : NULL;

    return cmdline != NULL && strstr(cmdline, needle) != NULL;
}

static void
stop_swtpm(HvdVmRunner *self)
{
    g_autofree char *pid_file = runtime_path(self, "swtpm.pid");
    GPid pid = read_pid_file(pid_file);

    if (pid > 0 && process_matches(pid, self->runtime_dir))
        kill(pid, SIGTERM);
}

/* The last line of QEMU's stderr that says what went wrong, without the program name. */
static char *
qemu_log_error(HvdVmRunner *self)
{
    g_autofree char *path = runtime_path(self, "qemu.log");
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
    g_autofree char *path = vm_path(self, "serial.log");
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

static void
stop_watching(HvdVmRunner *self)
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

static void
worker_exited(HvdVmRunner *self, gboolean have_status, int wait_status)
{
    g_autoptr(HvdVmRunner) keep = g_object_ref(self);
    g_autofree char *saved = vm_path(self, "saved.state");
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
    stop_watching(self);
    stop_swtpm(self);
    remove_runtime_dir(self);
    self->pid = 0;
    self->own_child = FALSE;
    self->expect_exit = FALSE;
    self->guest_shutdown = FALSE;
    g_clear_pointer(&self->run_def, hvx_vm_def_free);

    set_figures(self, 0, 0, 0);
    set_heartbeat(self, "");
    set_accelerator(self, "");
    set_state(self, g_file_test(saved, G_FILE_TEST_EXISTS) ? HVD_VM_STATE_SAVED : HVD_VM_STATE_OFF);

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
        set_status(self, status);
        if (set_string(&self->last_serial_lines, tail))
            g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_LAST_SERIAL_LINES]);
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
            op_error = g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
                                   _("QEMU could not start the virtual machine: %s"), log_error);
        else if (self->op_error != NULL)
            op_error = g_steal_pointer(&self->op_error);
        else if (log_error != NULL)
            op_error = g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
                                   _("QEMU could not start the virtual machine: %s"), log_error);
        else
            op_error = g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
                                   _("QEMU ended while the virtual machine was starting (%s)"),
                                   reason ? reason : _("no error message"));
        break;
    case OP_SAVE:
        if (!self->save_written)
            op_error = g_error_new_literal(HVD_ERROR, HVD_ERROR_FAILED,
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
        op_error = g_error_new_literal(HVD_ERROR, HVD_ERROR_FAILED,
                                       _("The virtual machine stopped unexpectedly"));
        break;
    }
    op_end(self, op_error);
}

static void
on_child_exited(GPid pid, int wait_status, gpointer user_data)
{
    HvdVmRunner *self = user_data;

    self->child_watch_id = 0;
    g_spawn_close_pid(pid);
    if (pid == self->pid)
        worker_exited(self, TRUE, wait_status);
}

static gboolean
on_pidfd_ready(int fd, GIOCondition condition, gpointer user_data)
{
    HvdVmRunner *self = user_data;

    g_clear_pointer(&self->pidfd_source, g_source_unref);
    worker_exited(self, FALSE, 0);
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
        worker_exited(self, FALSE, 0);
    }
}

static void
watch_pid(HvdVmRunner *self)
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

static void
kill_worker(HvdVmRunner *self)
{
    self->expect_exit = TRUE;
    signal_worker(self, SIGKILL);
    /* A recovered worker watched only through QMP: nothing else will tell us it is gone. */
    if (self->child_watch_id == 0 && self->pidfd_source == NULL)
        worker_exited(self, FALSE, 0);
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
            set_state(self, HVD_VM_STATE_PAUSED);
    } else if (g_str_equal(name, "RESUME")) {
        if (self->state == HVD_VM_STATE_PAUSED && self->op != OP_SAVE)
            set_state(self, HVD_VM_STATE_RUNNING);
    }
    /* RESET keeps the state; POWERDOWN (the power button) changes nothing until SHUTDOWN. */
}

/* --- live figures ------------------------------------------------------------------------- */

static gboolean
read_proc_stat(GPid pid, guint64 *ret_cpu_ticks, guint64 *ret_start_ticks)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) fields = NULL;
    const char *end;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return FALSE;
    end = strrchr(text, ')');
    if (end == NULL)
        return FALSE;
    /* After "(comm)": state is field 3; utime 14, stime 15, starttime 22. */
    fields = g_strsplit(end + 2, " ", -1);
    if (g_strv_length(fields) < 20)
        return FALSE;
    if (ret_cpu_ticks != NULL)
        *ret_cpu_ticks =
            g_ascii_strtoull(fields[11], NULL, 10) + g_ascii_strtoull(fields[12], NULL, 10);
    if (ret_start_ticks != NULL)
        *ret_start_ticks = g_ascii_strtoull(fields[19], NULL, 10);
    return TRUE;
}

static double
host_uptime_seconds(void)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents("/proc/uptime", &text, NULL, NULL))
        return 0;
    return g_ascii_strtod(text, NULL);
}

static void
on_balloon(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);

    self->balloon_pending = FALSE;
    if (node != NULL && JSON_NODE_HOLDS_OBJECT(node) && self->pid != 0) {
        JsonObject *object = json_node_get_object(node);

        if (json_object_has_member(object, "actual"))
            set_figures(self, self->cpu_usage,
                        (guint64)json_object_get_int_member(object, "actual"), self->uptime);
    }
}

static void
heartbeat_tick(HvdVmRunner *self)
{
    static const char ping[] = "{\"execute\":\"guest-ping\"}\n";
    gint64 now = g_get_monotonic_time();

    if (self->qga == NULL)
        return;
    /* Non-blocking: an agent that does not read lets the buffer fill, and that is no contact. */
    g_socket_send_with_blocking(self->qga, ping, sizeof(ping) - 1, FALSE, NULL, NULL);
    set_heartbeat(self, self->qga_last_reply != 0 && now - self->qga_last_reply < HEARTBEAT_GRACE_US
                            ? "ok"
                            : "no-contact");
}

static gboolean
on_stats(gpointer user_data)
{
    HvdVmRunner *self = user_data;
    const HvxVmDef *def = running_def(self);
    guint64 ticks = 0;
    gint64 now = g_get_monotonic_time();
    long hz = sysconf(_SC_CLK_TCK);
    double cpu = self->cpu_usage;
    guint64 memory = self->assigned_memory;
    guint64 uptime = 0;

    if (self->pid == 0 || hz <= 0)
        return G_SOURCE_CONTINUE;
    if (read_proc_stat(self->pid, &ticks, NULL)) {
        if (self->last_cpu_time != 0 && now > self->last_cpu_time) {
            double seconds = (double)(now - self->last_cpu_time) / G_USEC_PER_SEC;

            cpu = (double)(ticks - self->last_cpu_ticks) / (double)hz / seconds /
                  hvd_host_get_cpu_count(self->host) * 100.0;
            cpu = CLAMP(cpu, 0.0, 100.0);
        }
        self->last_cpu_ticks = ticks;
        self->last_cpu_time = now;
    }
    if (self->start_ticks != 0) {
        double up = host_uptime_seconds() - (double)self->start_ticks / (double)hz;

        uptime = up > 0 ? (guint64)up : 0;
    }
    if (def != NULL && !def->memory_dynamic)
        memory = hvx_vm_def_memory_startup_mib(def) * 1024 * 1024;
    else if (self->qmp != NULL && !self->balloon_pending) {
        self->balloon_pending = TRUE;
        hvd_qmp_client_execute_async(self->qmp, "query-balloon", NULL, -1, NULL, on_balloon,
                                     g_object_ref(self));
    }
    set_figures(self, cpu, memory, uptime);
    if (self->stats_round++ % HEARTBEAT_INTERVAL_S == 0)
        heartbeat_tick(self);
    return G_SOURCE_CONTINUE;
}

/* --- COM1 and the guest agent ------------------------------------------------------------- */

static gboolean
on_serial_readable(GSocket *socket, GIOCondition condition, gpointer user_data)
{
    HvdVmRunner *self = user_data;
    char buffer[4096];
    gssize n = g_socket_receive_with_blocking(socket, buffer, sizeof(buffer), FALSE, NULL, NULL);

    if (n <= 0 && (condition & (G_IO_HUP | G_IO_ERR) || n == 0)) {
        g_clear_pointer(&self->serial_source, g_source_unref);
        g_socket_close(self->serial, NULL);
        g_clear_object(&self->serial);
        return G_SOURCE_REMOVE;
    }
    if (n > 0) {
        g_autoptr(GBytes) bytes = g_bytes_new(buffer, (gsize)n);

        g_signal_emit(self, signals[SIGNAL_SERIAL_OUTPUT], 0, bytes);
    }
    return G_SOURCE_CONTINUE;
}

static gboolean
on_qga_readable(GSocket *socket, GIOCondition condition, gpointer user_data)
{
    HvdVmRunner *self = user_data;
    char buffer[4096];
    gssize n =
        g_socket_receive_with_blocking(socket, buffer, sizeof(buffer) - 1, FALSE, NULL, NULL);

    if (n <= 0 && (condition & (G_IO_HUP | G_IO_ERR) || n == 0)) {
        g_clear_pointer(&self->qga_source, g_source_unref);
        g_socket_close(self->qga, NULL);
        g_clear_object(&self->qga);
        return G_SOURCE_REMOVE;
    }
    if (n > 0) {
        buffer[n] = '\0';
        if (strstr(buffer, "\"return\"") != NULL) {
            self->qga_last_reply = g_get_monotonic_time();
            set_heartbeat(self, "ok");
        }
    }
    return G_SOURCE_CONTINUE;
}

/* A unix socket QEMU listens on in the runtime dir; connecting is immediate (local). */
static GSocket *
connect_runtime_socket(HvdVmRunner *self, const char *name, GError **error)
{
    g_autofree char *path = runtime_path(self, name);
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new(path);
    g_autoptr(GSocket) socket =
        g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);

    if (socket == NULL || !g_socket_connect(socket, address, NULL, error))
        return NULL;
    g_socket_set_blocking(socket, FALSE);
    return g_steal_pointer(&socket);
}

static void
start_io(HvdVmRunner *self)
{
    const HvxVmDef *def = running_def(self);
    g_autoptr(GError) error = NULL;
    gboolean has_com1 = FALSE;

    for (guint i = 0; def != NULL && i < def->com_ports->len; i++) {
        const HvxComDef *com = g_ptr_array_index(def->com_ports, i);

        has_com1 |= com->port == 1;
    }
    if (has_com1 && self->serial == NULL) {
        self->serial = connect_runtime_socket(self, "com1.sock", &error);
        if (self->serial != NULL) {
            self->serial_source = g_socket_create_source(self->serial, G_IO_IN | G_IO_HUP, NULL);
            g_source_set_callback(self->serial_source, G_SOURCE_FUNC(on_serial_readable), self,
                                  NULL);
            g_source_attach(self->serial_source, NULL);
        } else {
            g_debug("Cannot connect to COM1 of %s: %s", self->vm_dir, error->message);
            g_clear_error(&error);
        }
    }

    if (def != NULL && def->integration_heartbeat) {
        set_heartbeat(self, "no-contact");
        self->qga_last_reply = 0;
        self->qga = connect_runtime_socket(self, "qga.sock", &error);
        if (self->qga != NULL) {
            self->qga_source = g_socket_create_source(self->qga, G_IO_IN | G_IO_HUP, NULL);
            g_source_set_callback(self->qga_source, G_SOURCE_FUNC(on_qga_readable), self, NULL);
            g_source_attach(self->qga_source, NULL);
        } else {
            g_debug("Cannot connect to the guest agent of %s: %s", self->vm_dir, error->message);
        }
    } else {
        set_heartbeat(self, "disabled");
    }

    set_accelerator(self, hvd_accel_to_string(hvd_host_get_accel(self->host)));
    read_proc_stat(self->pid, &self->last_cpu_ticks, &self->start_ticks);
    self->last_cpu_time = g_get_monotonic_time();
    self->stats_round = 0;
    if (self->stats_id == 0)
        self->stats_id = g_timeout_add(STATS_INTERVAL_MS, on_stats, self);
    on_stats(self);
}

static void
attach_qmp(HvdVmRunner *self, HvdQmpClient *qmp)
{
    self->qmp = qmp;
    g_signal_connect(qmp, "event", G_CALLBACK(on_qmp_event), self);
    g_signal_connect(qmp, "closed", G_CALLBACK(on_qmp_closed), self);
}

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
            g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_NOT_FOUND,
                                    _("The DVD image “%s” does not exist"), path);
        else if (g_str_equal(kind, "floppy"))
            g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_NOT_FOUND,
                                    _("The floppy image “%s” does not exist"), path);
        else
            g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_NOT_FOUND,
                                    _("The disk file “%s” does not exist"), path);
        return;
    }

    if (g_mkdir_with_parents(parent, 0700) != 0 ||
        (g_mkdir(data->runtime_dir, 0700) != 0 && errno != EEXIST) ||
        g_chmod(data->runtime_dir, 0700) != 0) {
        int saved_errno = errno;

        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED,
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
            g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED,
                                    _("Cannot make the virtual machine’s UEFI variable store: %s"),
                                    error->message);
            return;
        }
    }

    if (data->tpm_dir != NULL && g_mkdir_with_parents(data->tpm_dir, 0700) != 0) {
        int saved_errno = errno;

        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED,
                                _("Cannot create the TPM state folder “%s”: %s"), data->tpm_dir,
                                g_strerror(saved_errno));
        return;
    }
    g_task_return_boolean(task, TRUE);
}

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
    g_autofree char *socket = runtime_path(self, "swtpm.sock");

    if (!g_subprocess_wait_check_finish(G_SUBPROCESS(source), result, &error) ||
        !g_file_test(socket, G_FILE_TEST_EXISTS)) {
        g_autofree char *log_path = runtime_path(self, "swtpm.log");
        g_autofree char *log = NULL;

        if (is_cancelled(error))
            return;
        g_file_get_contents(log_path, &log, NULL, NULL);
        start_fail(self, g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
                                     _("The TPM emulator (swtpm) did not start: %s"),
                                     log != NULL && log[0] != '\0' ? g_strstrip(log)
                                     : error != NULL               ? error->message
                                                                   : _("no socket")));
        return;
    }
    if (running_def(self)->hyperv_enlightenments && hvd_host_get_hyperv_flags(self->host) == NULL) {
        hvd_host_get_hyperv_flags_async(self->host, NULL, on_hyperv_flags, g_object_ref(self));
        return;
    }
    start_spawn(self);
}

static void
start_after_hyperv(HvdVmRunner *self)
{
    const HvxVmDef *def = running_def(self);

    if (def->generation == 2 && def->tpm) {
        const char *swtpm = hvd_host_get_swtpm_binary(self->host);
        g_autofree char *state_dir = vm_path(self, "tpm");
        g_autofree char *tpmstate = g_strdup_printf("dir=%s,mode=0600", state_dir);
        g_autofree char *socket = runtime_path(self, "swtpm.sock");
        g_autofree char *ctrl = g_strdup_printf("type=unixio,path=%s,mode=0600", socket);
        g_autofree char *pid_file = runtime_path(self, "swtpm.pid");
        g_autofree char *pid = g_strdup_printf("file=%s", pid_file);
        g_autofree char *log_file = runtime_path(self, "swtpm.log");
        g_autofree char *log = g_strdup_printf("file=%s", log_file);
        g_autoptr(GSubprocess) proc = NULL;
        GError *error = NULL;

        if (swtpm == NULL) {
            start_fail(self, g_error_new_literal(
                                 HVD_ERROR, HVD_ERROR_HOST_UNSUPPORTED,
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
start_spawn(HvdVmRunner *self)
{
    const HvxVmDef *def = running_def(self);
    HvdQemuConfig config = {0};
    g_autoptr(GPtrArray) argv = NULL;
    g_autofree char *nvram = NULL;
    g_autofree char *tpm_socket = NULL;
    g_autofree char *log_path = runtime_path(self, "qemu.log");
    g_autofree char *qmp_path = runtime_path(self, "qmp.sock");
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
        nvram = vm_path(self, "nvram.fd");
        config.firmware_code = code;
        config.firmware_vars = nvram;
    }
    if (def->generation == 2 && def->tpm) {
        tpm_socket = runtime_path(self, "swtpm.sock");
        config.tpm_socket = tpm_socket;
    }
    config.incoming = self->restoring;
    argv = hvd_qemu_argv_build(&config, &error);
    if (argv == NULL) {
        start_fail(self, error);
        return;
    }

    log_fd = g_open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        int saved_errno = errno;

        start_fail(self, g_error_new(HVD_ERROR, HVD_ERROR_FAILED, _("Cannot create “%s”: %s"),
                                     log_path, g_strerror(saved_errno)));
        return;
    }
    if (!g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)argv->pdata, NULL,
                                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                          child_setup, NULL, -1, log_fd, log_fd, NULL, NULL, 0,
                                          &pid, NULL, NULL, NULL, &error)) {
        close(log_fd);
        start_fail(self, g_error_new(HVD_ERROR, HVD_ERROR_HOST_UNSUPPORTED,
                                     _("Cannot run QEMU: %s"), error->message));
        g_error_free(error);
        return;
    }
    close(log_fd);
    g_debug("Started QEMU %d for %s", (int)pid, self->vm_dir);
    self->pid = pid;
    self->own_child = TRUE;
    self->child_watch_id = g_child_watch_add(pid, on_child_exited, self);

    hvd_qmp_client_connect_async(qmp_path, QMP_CONNECT_TIMEOUT_MS, self->op_cancellable,
                                 on_start_connected, g_object_ref(self));
}

static void
start_fail(HvdVmRunner *self, GError *error)
{
    g_autofree char *saved = vm_path(self, "saved.state");

    g_assert(self->op == OP_START);
    g_clear_handle_id(&self->op_timeout_id, g_source_remove);
    g_clear_error(&self->op_error);
    self->op_error = error;
    /* Late callbacks of the start drop out from here on. */
    g_cancellable_cancel(self->op_cancellable);
    if (self->pid != 0) {
        /* worker_exited() ends the start with op_error once QEMU is gone. */
        kill_worker(self);
        return;
    }
    stop_watching(self);
    stop_swtpm(self);
    remove_runtime_dir(self);
    set_state(self, g_file_test(saved, G_FILE_TEST_EXISTS) ? HVD_VM_STATE_SAVED : HVD_VM_STATE_OFF);
    op_end(self, g_steal_pointer(&self->op_error));
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
 * to end by itself (worker_exited() then reports that message), then kill it. */
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
    start_io(self);
    set_state(self, state);
    op_end(self, NULL);
}

static void
on_start_status(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    const char *status = NULL;

    if (node == NULL) {
        if (!is_cancelled(error))
            start_fail(self, qmp_failure(error, _("Cannot start the virtual machine")));
        return;
    }
    if (JSON_NODE_HOLDS_OBJECT(node))
        status =
            json_object_get_string_member_with_default(json_node_get_object(node), "status", NULL);
    start_done(self,
               g_strcmp0(status, "running") == 0 ? HVD_VM_STATE_RUNNING : HVD_VM_STATE_PAUSED);
}

static void
on_restore_cont(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    g_autofree char *saved = vm_path(self, "saved.state");

    if (node == NULL) {
        if (!is_cancelled(error))
            start_fail(self, qmp_failure(error, _("Cannot resume the virtual machine")));
        return;
    }
    /* The guest runs on from here: the saved state is spent. */
    if (g_unlink(saved) != 0)
        g_warning("Cannot remove %s: %s", saved, g_strerror(errno));
    qmp_exec(self, "query-status", NULL, -1, on_start_status);
}

static void restore_poll(HvdVmRunner *self);

static void
on_restore_query(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    const char *status = NULL;

    if (node == NULL) {
        if (!is_cancelled(error))
            start_fail(self, qmp_failure(error, _("Cannot restore the virtual machine")));
        return;
    }
    if (JSON_NODE_HOLDS_OBJECT(node))
        status =
            json_object_get_string_member_with_default(json_node_get_object(node), "status", NULL);
    if (g_strcmp0(status, "completed") == 0) {
        qmp_exec(self, "cont", NULL, -1, on_restore_cont);
    } else if (g_strcmp0(status, "failed") == 0) {
        const char *desc = json_object_get_string_member_with_default(
            json_node_get_object(node), "error-desc", _("unknown reason"));

        start_fail(self, g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
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
    qmp_exec(self, "query-migrate", NULL, -1, on_restore_query);
}

static void
on_restore_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);

    if (node == NULL) {
        if (!is_cancelled(error))
            start_fail(self, qmp_failure(error, _("Cannot restore the virtual machine")));
        return;
    }
    restore_poll(self);
}

static void
on_restore_getfd(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    g_autoptr(JsonObject) args = NULL;

    if (node == NULL) {
        if (!is_cancelled(error))
            start_fail(self, qmp_failure(error, _("Cannot restore the virtual machine")));
        return;
    }
    args = hvd_qmp_args_new("s:uri", "fd:berth-incoming", NULL);
    qmp_exec(self, "migrate-incoming", args, -1, on_restore_started);
}

static void
on_start_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    HvdQmpClient *qmp = hvd_qmp_client_connect_finish(result, &error);

    if (qmp == NULL) {
        if (!is_cancelled(error))
            start_fail_soon(self,
                            g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
                                        _("Cannot reach QEMU’s monitor: %s"), error->message));
        return;
    }
    if (self->op != OP_START || self->pid == 0) {
        g_object_unref(qmp);
        return;
    }
    attach_qmp(self, qmp);

    if (self->restoring) {
        g_autofree char *saved = vm_path(self, "saved.state");
        g_autoptr(JsonObject) args = hvd_qmp_args_new("s:fdname", "berth-incoming", NULL);
        int fd = g_open(saved, O_RDONLY | O_CLOEXEC, 0);

        if (fd < 0) {
            int saved_errno = errno;

            start_fail(self, g_error_new(HVD_ERROR, HVD_ERROR_FAILED, _("Cannot open “%s”: %s"),
                                         saved, g_strerror(saved_errno)));
            return;
        }
        qmp_exec(self, "getfd", args, fd, on_restore_getfd);
        close(fd);
        return;
    }
    qmp_exec(self, "query-status", NULL, -1, on_start_status);
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
        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED,
                                _("The virtual machine has no definition"));
        return;
    }
    if (!check_action(self, "Start", &error)) {
        g_task_return_error(task, error);
        return;
    }
    if (hvd_host_get_qemu_binary(self->host) == NULL) {
        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_HOST_UNSUPPORTED,
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
        data->nvram = vm_path(self, "nvram.fd");
        data->vars_template = g_strdup(vars);
        if (def->tpm)
            data->tpm_dir = vm_path(self, "tpm");
    }

    op_begin(self, OP_START, task);
    self->restoring = self->state == HVD_VM_STATE_SAVED;
    self->expect_exit = FALSE;
    self->guest_shutdown = FALSE;
    if (set_string(&self->last_serial_lines, ""))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_LAST_SERIAL_LINES]);
    set_state(self, HVD_VM_STATE_STARTING);

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
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    const SimpleAction *action;

    if (node == NULL && is_cancelled(error))
        return;
    action = simple_action_for(self->op);
    if (node == NULL) {
        op_end(self, qmp_failure(error, simple_action_failure(self->op)));
        return;
    }
    if (action->after != HVD_VM_STATE_OFF)
        set_state(self, action->after);
    op_end(self, NULL);
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
    if (!check_action(self, action->action, &error)) {
        g_task_return_error(task, error);
        return;
    }
    op_begin(self, kind, task);
    qmp_exec(self, action->command, NULL, -1, on_simple_done);
}

static gboolean
action_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
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
    return action_finish(self, result, error);
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
    return action_finish(self, result, error);
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
    return action_finish(self, result, error);
}

/* --- Shut Down ------------------------------------------------------------------------------ */

static gboolean
on_shut_down_timeout(gpointer user_data)
{
    HvdVmRunner *self = user_data;
    guint seconds = GPOINTER_TO_UINT(g_task_get_task_data(self->op_task));

    self->op_timeout_id = 0;
    set_state(self, HVD_VM_STATE_RUNNING);
    op_end(self, g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
                             g_dngettext(GETTEXT_PACKAGE,
                                         "The guest did not shut down within %u second; the "
                                         "virtual machine is still running",
                                         "The guest did not shut down within %u seconds; the "
                                         "virtual machine is still running",
                                         seconds),
                             seconds));
    return G_SOURCE_REMOVE;
}

static void
on_powerdown_sent(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    guint seconds;

    if (node == NULL) {
        if (!is_cancelled(error)) {
            set_state(self, HVD_VM_STATE_RUNNING);
            op_end(self, qmp_failure(error, _("Cannot shut down the virtual machine")));
        }
        return;
    }
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
    if (!check_action(self, "ShutDown", &error)) {
        g_task_return_error(task, error);
        return;
    }
    op_begin(self, OP_SHUT_DOWN, task);
    set_state(self, HVD_VM_STATE_STOPPING);
    qmp_exec(self, "system_powerdown", NULL, -1, on_powerdown_sent);
}

gboolean
hvd_vm_runner_shut_down_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return action_finish(self, result, error);
}

/* --- Turn Off ------------------------------------------------------------------------------- */

static void
on_quit_sent(GObject *source, GAsyncResult *result, gpointer user_data)
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
    kill_worker(self);
}

/* Asks QEMU to quit, kills it when it does not within TURN_OFF_KILL_MS. */
static void
end_worker(HvdVmRunner *self)
{
    self->expect_exit = TRUE;
    if (self->qmp == NULL || hvd_qmp_client_is_closed(self->qmp)) {
        kill_worker(self);
        return;
    }
    hvd_qmp_client_execute_async(self->qmp, "quit", NULL, -1, NULL, on_quit_sent,
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
    if (!check_action(self, "TurnOff", &error)) {
        g_task_return_error(task, error);
        return;
    }
    if (self->op == OP_START)
        op_end(self, g_error_new_literal(HVD_ERROR, HVD_ERROR_FAILED,
                                         _("The virtual machine was turned off while it was "
                                           "starting")));
    else if (self->op == OP_SHUT_DOWN)
        op_end(self, g_error_new_literal(HVD_ERROR, HVD_ERROR_FAILED,
                                         _("The virtual machine was turned off before the guest "
                                           "shut down")));
    op_begin(self, OP_TURN_OFF, task);

    if (self->state == HVD_VM_STATE_SAVED) {
        g_autofree char *saved = vm_path(self, "saved.state");

        if (g_unlink(saved) != 0 && errno != ENOENT) {
            int saved_errno = errno;

            op_end(self, g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
                                     _("Cannot discard the saved state “%s”: %s"), saved,
                                     g_strerror(saved_errno)));
            return;
        }
        set_state(self, HVD_VM_STATE_OFF);
        op_end(self, NULL);
        return;
    }
    end_worker(self);
}

gboolean
hvd_vm_runner_turn_off_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return action_finish(self, result, error);
}

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
        hvd_qmp_client_execute_async(self->qmp, "cont", NULL, -1, NULL, on_quit_sent,
                                     g_object_ref(self));
    set_state(self, data->was_running ? HVD_VM_STATE_RUNNING : HVD_VM_STATE_PAUSED);
    op_end(self, error);
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

        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED,
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
    /* worker_exited() finds saved.state and completes the save once QEMU is gone. */
    self->save_written = TRUE;
    end_worker(self);
}

static void save_poll(HvdVmRunner *self);

static void
on_save_query(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    const char *status = NULL;

    if (node == NULL) {
        if (!is_cancelled(error))
            save_fail(self, qmp_failure(error, _("Cannot save the virtual machine")));
        return;
    }
    if (JSON_NODE_HOLDS_OBJECT(node))
        status =
            json_object_get_string_member_with_default(json_node_get_object(node), "status", NULL);
    if (g_strcmp0(status, "completed") == 0) {
        g_autoptr(GTask) sync = g_task_new(NULL, NULL, on_save_synced, g_object_ref(self));

        /* The thread holds the action's task, hence its SaveData, whatever happens here. */
        g_task_set_task_data(sync, g_object_ref(self->op_task), g_object_unref);
        g_task_run_in_thread(sync, save_sync_thread);
    } else if (g_strcmp0(status, "failed") == 0 || g_strcmp0(status, "cancelled") == 0) {
        const char *desc = json_object_get_string_member_with_default(
            json_node_get_object(node), "error-desc", _("unknown reason"));

        save_fail(self, g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
                                    _("Cannot save the virtual machine: %s"), desc));
    } else {
        self->op_timeout_id = g_timeout_add_once(MIGRATE_POLL_MS, (GSourceOnceFunc)save_poll, self);
    }
}

static void
save_poll(HvdVmRunner *self)
{
    self->op_timeout_id = 0;
    qmp_exec(self, "query-migrate", NULL, -1, on_save_query);
}

static void
on_save_migrating(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);

    if (node == NULL) {
        if (!is_cancelled(error))
            save_fail(self, qmp_failure(error, _("Cannot save the virtual machine")));
        return;
    }
    save_poll(self);
}

static void
on_save_getfd(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    g_autoptr(JsonObject) args = NULL;

    if (node == NULL) {
        if (!is_cancelled(error))
            save_fail(self, qmp_failure(error, _("Cannot save the virtual machine")));
        return;
    }
    args = hvd_qmp_args_new("s:uri", "fd:berth-save", NULL);
    qmp_exec(self, "migrate", args, -1, on_save_migrating);
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

    if (node == NULL && is_cancelled(error))
        return;
    if (node == NULL)
        g_debug("migrate-set-parameters failed (%s); saving at QEMU's default speed",
                error->message);
    data = save_data(self);
    data->fd = g_open(data->temp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (data->fd < 0) {
        int saved_errno = errno;

        save_fail(self, g_error_new(HVD_ERROR, HVD_ERROR_FAILED, _("Cannot create “%s”: %s"),
                                    data->temp_path, g_strerror(saved_errno)));
        return;
    }
    args = hvd_qmp_args_new("s:fdname", "berth-save", NULL);
    qmp_exec(self, "getfd", args, data->fd, on_save_getfd);
}

static void
on_save_stopped(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    g_autoptr(JsonObject) args = NULL;

    if (node == NULL) {
        if (!is_cancelled(error))
            save_fail(self, qmp_failure(error, _("Cannot save the virtual machine")));
        return;
    }
    /* The default limit (128 MiB/s) would make saving a big guest slow for nothing: the
     * destination is a local file. */
    args = hvd_qmp_args_new("I:max-bandwidth", MIGRATE_BANDWIDTH, NULL);
    qmp_exec(self, "migrate-set-parameters", args, -1, on_save_parameters);
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
    if (!check_action(self, "Save", &error)) {
        g_task_return_error(task, error);
        return;
    }
    data = g_new0(SaveData, 1);
    data->fd = -1;
    data->path = vm_path(self, "saved.state");
    data->temp_path = vm_path(self, "saved.state.tmp");
    data->was_running = self->state == HVD_VM_STATE_RUNNING;
    g_task_set_task_data(task, data, (GDestroyNotify)save_data_free);
    op_begin(self, OP_SAVE, task);
    set_state(self, HVD_VM_STATE_SAVING);
    qmp_exec(self, "stop", NULL, -1, on_save_stopped);
}

gboolean
hvd_vm_runner_save_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return action_finish(self, result, error);
}

/* --- Screenshot, console, serial -------------------------------------------------------------- */

static gboolean
check_console_state(HvdVmRunner *self, const char *action, GError **error)
{
    if (self->qmp == NULL ||
        (self->state != HVD_VM_STATE_RUNNING && self->state != HVD_VM_STATE_PAUSED) ||
        !hvd_vm_state_allows(self->state, action)) {
        g_autofree char *allowed = actions_text(self->state);

        g_set_error(error, HVD_ERROR, HVD_ERROR_WRONG_STATE,
                    _("The virtual machine is %s; “%s” is not possible. Allowed: %s"),
                    hvd_vm_state_to_display(self->state), action, allowed);
        return FALSE;
    }
    return TRUE;
}

static void
on_screendump(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    const char *path = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    g_autofree char *contents = NULL;
    gsize len = 0;

    if (node == NULL) {
        g_unlink(path);
        g_task_return_error(
            task, qmp_failure(error, _("Cannot take a screenshot of the virtual machine")));
        return;
    }
    if (!g_file_get_contents(path, &contents, &len, &error)) {
        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED,
                                _("Cannot read the screenshot: %s"), error->message);
        return;
    }
    g_unlink(path);
    g_task_return_pointer(task, g_bytes_new_take(g_steal_pointer(&contents), len),
                          (GDestroyNotify)g_bytes_unref);
}

void
hvd_vm_runner_screenshot_async(HvdVmRunner *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(JsonObject) args = NULL;
    GError *error = NULL;
    char *path;
    g_autofree char *name = NULL;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_screenshot_async);
    if (!check_console_state(self, "Screenshot", &error)) {
        g_task_return_error(task, error);
        return;
    }
    name = g_strdup_printf("screenshot-%u.png", ++self->fd_serial);
    path = runtime_path(self, name);
    g_task_set_task_data(task, path, g_free);
    args = hvd_qmp_args_new("s:filename", path, "s:format", "png", NULL);
    hvd_qmp_client_execute_async(self->qmp, "screendump", args, -1, cancellable, on_screendump,
                                 g_object_ref(task));
}

GBytes *
hvd_vm_runner_screenshot_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

typedef struct {
    HvdQmpClient *qmp;
    int fd; /* ours until returned */
    char *fdname;
} ConsoleData;

static void
console_data_free(ConsoleData *data)
{
    if (data->fd >= 0)
        close(data->fd);
    g_clear_object(&data->qmp);
    g_free(data->fdname);
    g_free(data);
}

static void
on_add_client(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    ConsoleData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    int fd;

    if (node == NULL) {
        g_task_return_error(task,
                            qmp_failure(error, _("Cannot open a console to the virtual machine")));
        return;
    }
    fd = data->fd;
    data->fd = -1;
    g_task_return_int(task, fd);
}

static void
on_console_getfd(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    ConsoleData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    g_autoptr(JsonObject) args = NULL;

    if (node == NULL) {
        g_task_return_error(task,
                            qmp_failure(error, _("Cannot open a console to the virtual machine")));
        return;
    }
    args =
        hvd_qmp_args_new("s:protocol", "spice", "s:fdname", data->fdname, "b:skipauth", TRUE, NULL);
    hvd_qmp_client_execute_async(data->qmp, "add_client", args, -1, NULL, on_add_client,
                                 g_steal_pointer(&task));
}

void
hvd_vm_runner_open_console_async(HvdVmRunner *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(JsonObject) args = NULL;
    GError *error = NULL;
    ConsoleData *data;
    int fds[2];

    g_return_if_fail(HVD_IS_VM_RUNNER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_open_console_async);
    if (!check_console_state(self, "OpenConsole", &error)) {
        g_task_return_error(task, error);
        return;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        int saved_errno = errno;

        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED,
                                _("Cannot make a socket for the console: %s"),
                                g_strerror(saved_errno));
        return;
    }
    data = g_new0(ConsoleData, 1);
    data->qmp = g_object_ref(self->qmp);
    data->fd = fds[1];
    data->fdname = g_strdup_printf("berth-console-%u", ++self->fd_serial);
    g_task_set_task_data(task, data, (GDestroyNotify)console_data_free);
    args = hvd_qmp_args_new("s:fdname", data->fdname, NULL);
    /* The client duplicates fds[0] for the send: QEMU ends up with the only copy. */
    hvd_qmp_client_execute_async(self->qmp, "getfd", args, fds[0], NULL, on_console_getfd,
                                 g_steal_pointer(&task));
    close(fds[0]);
}

int
hvd_vm_runner_open_console_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), -1);
    return (int)g_task_propagate_int(G_TASK(result), error);
}

gboolean
hvd_vm_runner_send_serial(HvdVmRunner *self, const char *line, GError **error)
{
    g_autofree char *data = NULL;
    g_autoptr(GError) local_error = NULL;
    gsize len, sent = 0;

    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), FALSE);
    g_return_val_if_fail(line != NULL, FALSE);

    if (!check_console_state(self, "SendSerial", error))
        return FALSE;
    if (self->serial == NULL)
        start_io(self);
    if (self->serial == NULL) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                    _("The virtual machine has no COM1 port berthd can reach"));
        return FALSE;
    }
    data = g_strconcat(line, "\n", NULL);
    len = strlen(data);
    while (sent < len) {
        gssize n = g_socket_send_with_blocking(self->serial, data + sent, len - sent, TRUE, NULL,
                                               &local_error);

        if (n < 0) {
            g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED, _("Cannot write to COM1: %s"),
                        local_error->message);
            return FALSE;
        }
        sent += (gsize)n;
    }
    return TRUE;
}

char *
hvd_vm_runner_get_serial_log_path(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), NULL);
    return vm_path(self, "serial.log");
}

/* --- Recover --------------------------------------------------------------------------------- */

static void
recover_stale(HvdVmRunner *self)
{
    g_autofree char *saved = vm_path(self, "saved.state");
    g_autofree char *temp = vm_path(self, "saved.state.tmp");

    stop_swtpm(self);
    remove_runtime_dir(self);
    g_unlink(temp);
    set_state(self, g_file_test(saved, G_FILE_TEST_EXISTS) ? HVD_VM_STATE_SAVED : HVD_VM_STATE_OFF);
}

static void
on_recover_status(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    const char *status = NULL;

    if (node == NULL) {
        if (is_cancelled(error))
            return;
        stop_watching(self);
        self->pid = 0;
        set_state(self, HVD_VM_STATE_OFF);
        op_end(self, qmp_failure(error, _("Cannot take over the running virtual machine")));
        return;
    }
    if (JSON_NODE_HOLDS_OBJECT(node))
        status =
            json_object_get_string_member_with_default(json_node_get_object(node), "status", NULL);
    if (g_strcmp0(status, "postmigrate") == 0) {
        /* An earlier berthd was killed during Save, after QEMU wrote the state. */
        g_autofree char *saved = vm_path(self, "saved.state");
        g_autofree char *temp = vm_path(self, "saved.state.tmp");

        if (g_file_test(saved, G_FILE_TEST_EXISTS)) {
            /* Complete: finish the save; worker_exited() ends the recovery as Saved. */
            end_worker(self);
            return;
        }
        /* Not complete: the guest goes on where it was. */
        g_unlink(temp);
        hvd_qmp_client_execute_async(self->qmp, "cont", NULL, -1, NULL, on_quit_sent,
                                     g_object_ref(self));
        status = "running";
    }
    start_io(self);
    set_state(self, g_strcmp0(status, "running") == 0 ? HVD_VM_STATE_RUNNING : HVD_VM_STATE_PAUSED);
    op_end(self, NULL);
}

static void
on_recover_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmRunner) self = user_data;
    g_autoptr(GError) error = NULL;
    HvdQmpClient *qmp = hvd_qmp_client_connect_finish(result, &error);

    if (qmp == NULL) {
        if (is_cancelled(error))
            return;
        /* Alive but its monitor does not answer (another berthd holds it?): leave it alone. */
        stop_watching(self);
        op_end(self, g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
                                 _("QEMU (process %d) runs for this virtual machine, but its "
                                   "monitor does not answer: %s"),
                                 (int)self->pid, error->message));
        self->pid = 0;
        return;
    }
    attach_qmp(self, qmp);
    qmp_exec(self, "query-status", NULL, -1, on_recover_status);
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
        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_BUSY,
                                _("Another action on this virtual machine is under way"));
        return;
    }
    if (self->pid != 0) {
        g_task_return_boolean(task, TRUE); /* already watching a worker */
        return;
    }
    op_begin(self, OP_RECOVER, task);

    pid_file = runtime_path(self, "qemu.pid");
    pid = read_pid_file(pid_file);
    /* The uuid is on QEMU's command line (-uuid); without one, the runtime dir (-pidfile). */
    needle = self->def != NULL && self->def->uuid != NULL ? self->def->uuid : self->runtime_dir;
    if (pid == 0 || !process_matches(pid, needle) || !process_matches(pid, self->runtime_dir)) {
        recover_stale(self);
        op_end(self, NULL);
        return;
    }
    g_debug("Recovering QEMU %d for %s", (int)pid, self->vm_dir);
    self->pid = pid;
    self->own_child = FALSE;
    watch_pid(self);
    qmp_path = runtime_path(self, "qmp.sock");
    hvd_qmp_client_connect_async(qmp_path, RECOVER_TIMEOUT_MS, self->op_cancellable,
                                 on_recover_connected, g_object_ref(self));
}

gboolean
hvd_vm_runner_recover_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    return action_finish(self, result, error);
}

/* --- the object ------------------------------------------------------------------------------ */

/* --- checkpoints ------------------------------------------------------------------------------ */

gboolean
hvd_vm_runner_hold(HvdVmRunner *self, const char *action, GError **error)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), FALSE);
    g_return_val_if_fail(action != NULL, FALSE);

    if (!check_action(self, action, error))
        return FALSE;
    self->op = OP_CHECKPOINT;
    self->op_cancellable = g_cancellable_new();
    return TRUE;
}

void
hvd_vm_runner_release(HvdVmRunner *self)
{
    g_autoptr(GCancellable) cancellable = NULL;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    g_return_if_fail(self->op == OP_CHECKPOINT);

    cancellable = g_steal_pointer(&self->op_cancellable);
    self->op = OP_NONE;
    g_cancellable_cancel(cancellable);
}

gboolean
hvd_vm_runner_is_held(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), FALSE);
    return self->op == OP_CHECKPOINT;
}

typedef struct {
    GPtrArray *nodes;    /* the argv's node names of the disks, e.g. "ide0-0" */
    GPtrArray *overlays; /* absolute paths of the prepared overlays, one per node */
} SnapshotData;

static void
snapshot_data_free(SnapshotData *data)
{
    g_ptr_array_unref(data->nodes);
    g_ptr_array_unref(data->overlays);
    g_free(data);
}

static GError *
snapshot_failure(const GError *error)
{
    return qmp_failure(error, _("Cannot take a checkpoint of the running virtual machine"));
}

static void
on_snapshot_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) reply =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);

    if (reply == NULL)
        g_task_return_error(task, snapshot_failure(error));
    else
        g_task_return_boolean(task, TRUE);
}

/* The node each device reads now: after a snapshot it is no longer the argv's name. */
static const char *
find_top_node(JsonArray *block, const char *node)
{
    g_autofree char *qdev = g_strdup_printf("%s-dev", node);

    for (guint i = 0; i < json_array_get_length(block); i++) {
        JsonObject *entry = json_array_get_object_element(block, i);
        JsonObject *inserted;
        const char *id;

        if (entry == NULL || !json_object_has_member(entry, "inserted"))
            continue;
        id = json_object_get_string_member_with_default(entry, "qdev", "");
        inserted = json_object_get_object_member(entry, "inserted");
        if ((g_str_equal(id, qdev) || g_str_has_suffix(id, qdev)) && inserted != NULL)
            return json_object_get_string_member_with_default(inserted, "node-name", NULL);
    }
    return NULL;
}

static void
on_snapshot_query_block(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    HvdVmRunner *self = g_task_get_source_object(task);
    SnapshotData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) reply =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    g_autoptr(JsonBuilder) builder = NULL;
    g_autoptr(JsonNode) args = NULL;

    if (reply == NULL) {
        g_task_return_error(task, snapshot_failure(error));
        return;
    }
    if (!JSON_NODE_HOLDS_ARRAY(reply) || self->qmp == NULL) {
        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED, "%s",
                                _("Cannot take a checkpoint of the running virtual machine"));
        return;
    }
    /* One transaction: every disk switches to its overlay at the same instant, or none. */
    builder = json_builder_new();
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "actions");
    json_builder_begin_array(builder);
    for (guint i = 0; i < data->nodes->len; i++) {
        const char *node = g_ptr_array_index(data->nodes, i);
        const char *top = find_top_node(json_node_get_array(reply), node);
        g_autofree char *new_node = g_strdup_printf("%s-%08x", node, g_random_int());

        if (top == NULL) {
            g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED,
                                    _("Cannot take a checkpoint: QEMU has no disk “%s”"), node);
            return;
        }
        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "type");
        json_builder_add_string_value(builder, "blockdev-snapshot-sync");
        json_builder_set_member_name(builder, "data");
        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "node-name");
        json_builder_add_string_value(builder, top);
        json_builder_set_member_name(builder, "snapshot-file");
        json_builder_add_string_value(builder, g_ptr_array_index(data->overlays, i));
        json_builder_set_member_name(builder, "snapshot-node-name");
        json_builder_add_string_value(builder, new_node);
        json_builder_set_member_name(builder, "format");
        json_builder_add_string_value(builder, "qcow2");
        json_builder_set_member_name(builder, "mode");
        json_builder_add_string_value(builder, "existing");
        json_builder_end_object(builder);
        json_builder_end_object(builder);
    }
    json_builder_end_array(builder);
    json_builder_end_object(builder);
    args = json_builder_get_root(builder);
    hvd_qmp_client_execute_async(self->qmp, "transaction", json_node_get_object(args), -1,
                                 self->op_cancellable, on_snapshot_done, g_steal_pointer(&task));
}

void
hvd_vm_runner_snapshot_disks_async(HvdVmRunner *self, GPtrArray *nodes, GPtrArray *overlays,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    SnapshotData *data;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    g_return_if_fail(nodes != NULL && overlays != NULL && nodes->len == overlays->len);

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_snapshot_disks_async);
    if (self->op != OP_CHECKPOINT || self->qmp == NULL ||
        (self->state != HVD_VM_STATE_RUNNING && self->state != HVD_VM_STATE_PAUSED)) {
        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_WRONG_STATE, "%s",
                                _("The virtual machine is not running"));
        return;
    }
    data = g_new0(SnapshotData, 1);
    data->nodes = g_ptr_array_ref(nodes);
    data->overlays = g_ptr_array_ref(overlays);
    g_task_set_task_data(task, data, (GDestroyNotify)snapshot_data_free);
    if (nodes->len == 0) {
        g_task_return_boolean(task, TRUE);
        return;
    }
    hvd_qmp_client_execute_async(self->qmp, "query-block", NULL, -1, self->op_cancellable,
                                 on_snapshot_query_block, g_steal_pointer(&task));
}

gboolean
hvd_vm_runner_snapshot_disks_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

HvdVmRunner *
hvd_vm_runner_new(HvdHost *host, const char *vm_dir, const char *runtime_dir)
{
    HvdVmRunner *self;

    g_return_val_if_fail(HVD_IS_HOST(host), NULL);
    g_return_val_if_fail(vm_dir != NULL && runtime_dir != NULL, NULL);

    self = g_object_new(HVD_TYPE_VM_RUNNER, NULL);
    self->host = g_object_ref(host);
    self->vm_dir = g_strdup(vm_dir);
    self->runtime_dir = g_strdup(runtime_dir);
    return self;
}

void
hvd_vm_runner_set_definition(HvdVmRunner *self, HvxVmDef *def)
{
    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    g_return_if_fail(def != NULL);

    /* A running worker keeps the definition it started with, for its figures and ports. */
    if (self->def != NULL && self->pid != 0 && self->run_def == NULL)
        self->run_def = g_steal_pointer(&self->def);
    g_clear_pointer(&self->def, hvx_vm_def_free);
    self->def = def;
}

const HvxVmDef *
hvd_vm_runner_get_definition(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), NULL);
    return self->def;
}

const char *
hvd_vm_runner_get_vm_dir(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), NULL);
    return self->vm_dir;
}

const char *
hvd_vm_runner_get_runtime_dir(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), NULL);
    return self->runtime_dir;
}

HvdVmState
hvd_vm_runner_get_state(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), HVD_VM_STATE_OFF);
    return self->state;
}

const char *
hvd_vm_runner_get_status(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), NULL);
    return self->status;
}

double
hvd_vm_runner_get_cpu_usage(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), 0);
    return self->cpu_usage;
}

guint64
hvd_vm_runner_get_assigned_memory(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), 0);
    return self->assigned_memory;
}

guint64
hvd_vm_runner_get_uptime(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), 0);
    return self->uptime;
}

const char *
hvd_vm_runner_get_heartbeat(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), NULL);
    return self->heartbeat;
}

const char *
hvd_vm_runner_get_accelerator(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), NULL);
    return self->accelerator;
}

const char *
hvd_vm_runner_get_last_serial_lines(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), NULL);
    return self->last_serial_lines;
}

GPid
hvd_vm_runner_get_pid(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), 0);
    return self->pid;
}

static void
hvd_vm_runner_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HvdVmRunner *self = HVD_VM_RUNNER(object);

    switch (prop_id) {
    case PROP_STATE:
        g_value_set_enum(value, self->state);
        break;
    case PROP_STATUS:
        g_value_set_string(value, self->status);
        break;
    case PROP_CPU_USAGE:
        g_value_set_double(value, self->cpu_usage);
        break;
    case PROP_ASSIGNED_MEMORY:
        g_value_set_uint64(value, self->assigned_memory);
        break;
    case PROP_UPTIME:
        g_value_set_uint64(value, self->uptime);
        break;
    case PROP_HEARTBEAT:
        g_value_set_string(value, self->heartbeat);
        break;
    case PROP_ACCELERATOR:
        g_value_set_string(value, self->accelerator);
        break;
    case PROP_LAST_SERIAL_LINES:
        g_value_set_string(value, self->last_serial_lines);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hvd_vm_runner_dispose(GObject *object)
{
    HvdVmRunner *self = HVD_VM_RUNNER(object);

    /* Actions hold a reference, so none runs here. The worker, if any, keeps running: a later
     * runner (or berthd) recovers it. */
    g_assert(self->op == OP_NONE);
    stop_watching(self);
    G_OBJECT_CLASS(hvd_vm_runner_parent_class)->dispose(object);
}

static void
hvd_vm_runner_finalize(GObject *object)
{
    HvdVmRunner *self = HVD_VM_RUNNER(object);

    g_clear_object(&self->host);
    g_free(self->vm_dir);
    g_free(self->runtime_dir);
    g_clear_pointer(&self->def, hvx_vm_def_free);
    g_clear_pointer(&self->run_def, hvx_vm_def_free);
    g_free(self->status);
    g_free(self->heartbeat);
    g_free(self->accelerator);
    g_free(self->last_serial_lines);
    g_clear_error(&self->op_error);

    G_OBJECT_CLASS(hvd_vm_runner_parent_class)->finalize(object);
}

static void
hvd_vm_runner_class_init(HvdVmRunnerClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

    object_class->get_property = hvd_vm_runner_get_property;
    object_class->dispose = hvd_vm_runner_dispose;
    object_class->finalize = hvd_vm_runner_finalize;

    properties[PROP_STATE] =
        g_param_spec_enum("state", NULL, NULL, HVD_TYPE_VM_STATE, HVD_VM_STATE_OFF, flags);
    properties[PROP_STATUS] = g_param_spec_string("status", NULL, NULL, "", flags);
    properties[PROP_CPU_USAGE] = g_param_spec_double("cpu-usage", NULL, NULL, 0, 100, 0, flags);
    properties[PROP_ASSIGNED_MEMORY] =
        g_param_spec_uint64("assigned-memory", NULL, NULL, 0, G_MAXUINT64, 0, flags);
    properties[PROP_UPTIME] = g_param_spec_uint64("uptime", NULL, NULL, 0, G_MAXUINT64, 0, flags);
    properties[PROP_HEARTBEAT] = g_param_spec_string("heartbeat", NULL, NULL, "", flags);
    properties[PROP_ACCELERATOR] = g_param_spec_string("accelerator", NULL, NULL, "", flags);
    properties[PROP_LAST_SERIAL_LINES] =
        g_param_spec_string("last-serial-lines", NULL, NULL, "", flags);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /**
     * HvdVmRunner::serial-output:
     * @self: the runner
     * @data: bytes the guest wrote to COM1
     */
    signals[SIGNAL_SERIAL_OUTPUT] =
        g_signal_new("serial-output", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
}

static void
hvd_vm_runner_init(HvdVmRunner *self)
{
    self->state = HVD_VM_STATE_OFF;
    self->status = g_strdup("");
    self->heartbeat = g_strdup("");
    self->accelerator = g_strdup("");
    self->last_serial_lines = g_strdup("");
    self->pidfd = -1;
}
