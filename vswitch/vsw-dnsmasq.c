/* vsw-dnsmasq.c: one dnsmasq serving DHCP and DNS on one internal switch, supervised.
 *
 * dnsmasq runs in the foreground as berthd's child (GSubprocess) with nothing from
 * /etc/dnsmasq.conf, bound to the switch's bridge only. When it dies without being asked, it is
 * started again after 1 s, then 2, 4 … up to 60 s; a run of a minute resets the delay. A berthd
 * that is killed leaves its dnsmasq running; the next berthd finds it by its pid file and ends it
 * before starting its own (the lease file, kept in the state dir, carries the leases over).
 * Nothing here blocks berthd's main loop: readiness (the pid file) and the ends of processes
 * are polled from GLib sources.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "vsw-dnsmasq.h"
#include "vsw-error.h"

struct _VswDnsmasq {
    GObject parent_instance;

    char *bridge;
    GStrv argv;
    char *pid_file;
    char *log_file;

    GSubprocess *process;
    GMainContext *context; /* where its sources run: the thread-default one it was made in */
    GTask *starting;       /* vsw_dnsmasq_start_async() until dnsmasq is ready */
    GSource *ready;        /* polls the pid file */
    guint ready_polls;
    gint64 started_at;
    guint delay; /* seconds before the next restart */
    GSource *restart;
    guint restarts;
};

G_DEFINE_FINAL_TYPE(VswDnsmasq, vsw_dnsmasq, G_TYPE_OBJECT)

static gboolean
process_alive(int pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
    g_autofree char *stat = NULL;
    const char *p;

    if (!g_file_get_contents(path, &stat, NULL, NULL))
        return FALSE;
    /* "PID (comm) S ...": a zombie has exited already. */
    p = strrchr(stat, ')');
    return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

static int
read_pid_file(const char *pid_file)
{
    g_autofree char *text = NULL;
    guint64 pid;

    if (!g_file_get_contents(pid_file, &text, NULL, NULL))
        return 0;
    g_strstrip(text);
    if (!g_ascii_string_to_unsigned(text, 10, 2, G_MAXINT, &pid, NULL))
        return 0;
    return (int)pid;
}

/* ---- waiting for a process to end, from the main loop ------------------------------------- */

#define POLL_MS      10
#define TERM_WAIT_MS 2000
#define START_MS     5000

/* A timeout on @context (NULL: the thread-default one); the caller keeps the reference. */
static GSource *
timeout_new(GMainContext *context, guint ms, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
    GSource *source = g_timeout_source_new(ms);
    g_autoptr(GMainContext) here =
        context ? g_main_context_ref(context) : g_main_context_ref_thread_default();

    g_source_set_callback(source, func, data, notify);
    g_source_attach(source, here);
    return source;
}

static void
source_clear(GSource **source)
{
    if (*source != NULL) {
        g_source_destroy(*source);
        g_clear_pointer(source, g_source_unref);
    }
}

typedef struct {
    int pid;
    guint polls;
    gboolean killed;
} ExitWatch;

/* A process berthd did not start (so cannot wait for): polled until gone; SIGKILL after 2 s. */
static gboolean
exit_watch_poll(gpointer user_data)
{
    GTask *task = user_data;
    ExitWatch *watch = g_task_get_task_data(task);

    if (!process_alive(watch->pid)) {
        g_task_return_boolean(task, TRUE);
        return G_SOURCE_REMOVE;
    }
    if (++watch->polls * POLL_MS >= TERM_WAIT_MS && !watch->killed) {
        kill(watch->pid, SIGKILL);
        watch->killed = TRUE;
    }
    return G_SOURCE_CONTINUE;
}

/* TRUE when @pid_file holds the pid of our dnsmasq for @bridge (NULL: any), in @ret_pid. */
static gboolean
is_stale(const char *pid_file, const char *bridge, int *ret_pid)
{
    g_autofree char *cmdline_path = NULL;
    g_autofree char *cmdline = NULL;
    g_autofree char *want = NULL;
    gsize len;
    gboolean is_ours = FALSE;
    int pid;

    pid = read_pid_file(pid_file);
    if (pid <= 0)
        return FALSE;
    cmdline_path = g_strdup_printf("/proc/%d/cmdline", pid);
    want = bridge ? g_strdup_printf("--interface=%s", bridge) : NULL;
    if (g_file_get_contents(cmdline_path, &cmdline, &len, NULL) && len > 0) {
        gboolean is_dnsmasq = g_str_has_suffix(cmdline, "dnsmasq");
        gboolean has_interface = want == NULL;
        gboolean has_conf = FALSE;

        /* NUL-separated arguments. */
        for (const char *a = cmdline; a < cmdline + len; a += strlen(a) + 1) {
            if (want && strcmp(a, want) == 0)
                has_interface = TRUE;
            if (strcmp(a, "--conf-file=/dev/null") == 0)
                has_conf = TRUE;
            if (!want && g_str_has_prefix(a, "--interface=bsw"))
                has_interface = TRUE;
        }
        is_ours = is_dnsmasq && has_interface && has_conf;
    }
    if (is_ours)
        *ret_pid = pid;
    return is_ours;
}

void
vsw_dnsmasq_kill_stale_async(const char *pid_file, const char *bridge, GAsyncReadyCallback callback,
                             gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, NULL, callback, user_data);
    ExitWatch *watch;
    int pid = 0;

    g_return_if_fail(pid_file != NULL);

    g_task_set_source_tag(task, vsw_dnsmasq_kill_stale_async);
    if (!is_stale(pid_file, bridge, &pid)) {
        g_unlink(pid_file);
        g_task_return_boolean(task, FALSE);
        return;
    }
    g_unlink(pid_file);
    g_message("Ending dnsmasq %d left by an earlier berthd", pid);
    kill(pid, SIGTERM);
    watch = g_new0(ExitWatch, 1);
    watch->pid = pid;
    g_task_set_task_data(task, watch, g_free);
    g_source_unref(timeout_new(NULL, POLL_MS, exit_watch_poll, g_object_ref(task), g_object_unref));
}

gboolean
vsw_dnsmasq_kill_stale_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- starting and supervising ------------------------------------------------------------- */

static void on_exited(GObject *source, GAsyncResult *result, gpointer user_data);
static void spawn(VswDnsmasq *self);

/* The last lines dnsmasq logged, for an error message. */
static char *
log_tail(VswDnsmasq *self)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    guint n;

    if (!g_file_get_contents(self->log_file, &text, NULL, NULL))
        return g_strdup("");
    lines = g_strsplit(g_strstrip(text), "\n", -1);
    n = g_strv_length(lines);
    return g_strdup(n > 0 ? lines[n - 1] : "");
}

static gboolean
on_restart(gpointer user_data)
{
    VswDnsmasq *self = user_data;

    source_clear(&self->restart);
    self->restarts++;
    spawn(self);
    return G_SOURCE_REMOVE;
}

/* A start (the first or a restart) failed with @error (taken): the first start reports it; a
 * restart tries again later. */
static void
start_failed(VswDnsmasq *self, GError *error)
{
    source_clear(&self->ready);
    g_clear_object(&self->process);
    if (self->starting != NULL) {
        GTask *task = g_steal_pointer(&self->starting);

        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    g_warning("%s", error->message);
    g_error_free(error);
    self->delay = MIN(MAX(self->delay, 1) * 2, 60);
    self->restart = timeout_new(self->context, self->delay * 1000, on_restart, self, NULL);
}

/* dnsmasq writes its pid file once its sockets are bound: it is ready then. */
static gboolean
on_ready_poll(gpointer user_data)
{
    VswDnsmasq *self = user_data;
    const char *id = g_subprocess_get_identifier(self->process);

    if (id != NULL && read_pid_file(self->pid_file) == atoi(id)) {
        source_clear(&self->ready);
        self->started_at = g_get_monotonic_time();
        if (self->starting != NULL) {
            GTask *task = g_steal_pointer(&self->starting);

            g_task_return_boolean(task, TRUE);
            g_object_unref(task);
        }
        return G_SOURCE_REMOVE;
    }
    if (++self->ready_polls * POLL_MS < START_MS)
        return G_SOURCE_CONTINUE;
    source_clear(&self->ready);
    /* Not ours to wait for any more: on_exited() sees another process and stays quiet. */
    g_subprocess_force_exit(self->process);
    start_failed(self, g_error_new(VSW_ERROR, VSW_ERROR_PROCESS,
                                   _("dnsmasq for the bridge “%s” did not start within 5 seconds"),
                                   self->bridge));
    return G_SOURCE_REMOVE;
}

static void
spawn(VswDnsmasq *self)
{
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GError) local_error = NULL;

    g_unlink(self->pid_file);
    g_unlink(self->log_file);
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE);
    self->process =
        g_subprocess_launcher_spawnv(launcher, (const char *const *)self->argv, &local_error);
    if (!self->process) {
        start_failed(self, g_error_new(VSW_ERROR, VSW_ERROR_PROCESS,
                                       _("Cannot start dnsmasq for the bridge “%s”: %s"),
                                       self->bridge, local_error->message));
        return;
    }
    self->ready_polls = 0;
    self->ready = timeout_new(self->context, POLL_MS, on_ready_poll, self, NULL);
    g_subprocess_wait_async(self->process, NULL, on_exited, g_object_ref(self));
}

static void
on_exited(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VswDnsmasq) self = user_data;
    GSubprocess *process = G_SUBPROCESS(source);

    if (!g_subprocess_wait_finish(process, result, NULL) || process != self->process)
        return; /* stopped on purpose, or given up */
    if (self->ready != NULL) {
        /* Dying before it was ready means it failed. */
        g_autofree char *tail = log_tail(self);

        start_failed(self, g_error_new(VSW_ERROR, VSW_ERROR_PROCESS,
                                       _("dnsmasq for the bridge “%s” stopped at once: %s"),
                                       self->bridge, tail[0] ? tail : _("no reason given")));
        return;
    }
    g_warning("dnsmasq for the bridge “%s” ended unexpectedly (%s %d); restarting it", self->bridge,
              g_subprocess_get_if_signaled(process) ? "signal" : "status",
              g_subprocess_get_if_signaled(process) ? g_subprocess_get_term_sig(process)
                                                    : g_subprocess_get_exit_status(process));
    if (g_get_monotonic_time() - self->started_at > 60 * G_USEC_PER_SEC)
        self->delay = 1;
    else
        self->delay = self->delay ? MIN(self->delay * 2, 60) : 1;
    g_clear_object(&self->process);
    self->restart = timeout_new(self->context, self->delay * 1000, on_restart, self, NULL);
}

static void
start_stale_ended(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    VswDnsmasq *self = g_task_get_source_object(task);

    vsw_dnsmasq_kill_stale_finish(result, NULL);
    self->starting = task;
    spawn(self);
}

void
vsw_dnsmasq_start_async(VswDnsmasq *self, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task;

    g_return_if_fail(VSW_IS_DNSMASQ(self));
    g_return_if_fail(self->process == NULL && self->starting == NULL);

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, vsw_dnsmasq_start_async);
    self->delay = 0;
    vsw_dnsmasq_kill_stale_async(self->pid_file, self->bridge, start_stale_ended, task);
}

gboolean
vsw_dnsmasq_start_finish(VswDnsmasq *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- stopping ----------------------------------------------------------------------------- */

typedef struct {
    GSubprocess *process;
    GSource *kill;
} StopData;

static void
stop_data_free(StopData *data)
{
    source_clear(&data->kill);
    g_clear_object(&data->process);
    g_free(data);
}

static gboolean
on_stop_timeout(gpointer user_data)
{
    StopData *data = user_data;

    g_subprocess_force_exit(data->process);
    return G_SOURCE_REMOVE;
}

static void
on_stopped(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    VswDnsmasq *self = g_task_get_source_object(task);

    g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
    g_unlink(self->pid_file);
    g_task_return_boolean(task, TRUE);
}

/* No more restarts, and the start under way (if any) is abandoned. The process, if any. */
static GSubprocess *
stop_supervising(VswDnsmasq *self)
{
    source_clear(&self->restart);
    source_clear(&self->ready);
    if (self->starting != NULL) {
        GTask *task = g_steal_pointer(&self->starting);

        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                _("dnsmasq was stopped while it started"));
        g_object_unref(task);
    }
    return g_steal_pointer(&self->process);
}

void
vsw_dnsmasq_stop_async(VswDnsmasq *self, GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    StopData *data;

    g_return_if_fail(VSW_IS_DNSMASQ(self));

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, vsw_dnsmasq_stop_async);
    data = g_new0(StopData, 1);
    data->process = stop_supervising(self);
    g_task_set_task_data(task, data, (GDestroyNotify)stop_data_free);
    if (data->process == NULL) {
        g_unlink(self->pid_file);
        g_task_return_boolean(task, TRUE);
        return;
    }
    g_subprocess_send_signal(data->process, SIGTERM);
    data->kill = timeout_new(self->context, TERM_WAIT_MS, on_stop_timeout, data, NULL);
    g_subprocess_wait_async(data->process, NULL, on_stopped, g_steal_pointer(&task));
}

gboolean
vsw_dnsmasq_stop_finish(VswDnsmasq *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

static void
on_ended_now(GObject *source, GAsyncResult *result, gpointer user_data)
{
    gboolean *done = user_data;

    g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
    *done = TRUE;
}

static gboolean
on_end_timeout(gpointer user_data)
{
    gboolean *timed_out = user_data;

    *timed_out = TRUE;
    return G_SOURCE_REMOVE;
}

/* When the object goes (berthd ending): SIGTERM, and SIGKILL after 2 s, waited for on a context
 * of its own since nothing else is left to serve. */
static void
end_now(VswDnsmasq *self)
{
    g_autoptr(GSubprocess) process = stop_supervising(self);
    g_autoptr(GMainContext) context = NULL;
    g_autoptr(GSource) timeout = NULL;
    gboolean done = FALSE;
    gboolean timed_out = FALSE;

    if (process == NULL)
        return;
    context = g_main_context_new();
    g_main_context_push_thread_default(context);
    g_subprocess_send_signal(process, SIGTERM);
    g_subprocess_wait_async(process, NULL, on_ended_now, &done);
    timeout = g_timeout_source_new(TERM_WAIT_MS);
    g_source_set_callback(timeout, on_end_timeout, &timed_out, NULL);
    g_source_attach(timeout, context);
    while (!done && !timed_out)
        g_main_context_iteration(context, TRUE);
    if (!done) {
        g_subprocess_force_exit(process);
        while (!done)
            g_main_context_iteration(context, TRUE);
    }
    g_source_destroy(timeout);
    g_main_context_pop_thread_default(context);
    g_unlink(self->pid_file);
}

int
vsw_dnsmasq_get_pid(VswDnsmasq *self)
{
    const char *id;

    g_return_val_if_fail(VSW_IS_DNSMASQ(self), 0);

    if (!self->process)
        return 0;
    id = g_subprocess_get_identifier(self->process);
    return id ? atoi(id) : 0;
}

guint
vsw_dnsmasq_get_restarts(VswDnsmasq *self)
{
    g_return_val_if_fail(VSW_IS_DNSMASQ(self), 0);

    return self->restarts;
}

static void
vsw_dnsmasq_dispose(GObject *object)
{
    VswDnsmasq *self = VSW_DNSMASQ(object);

    end_now(self);
    G_OBJECT_CLASS(vsw_dnsmasq_parent_class)->dispose(object);
}

static void
vsw_dnsmasq_finalize(GObject *object)
{
    VswDnsmasq *self = VSW_DNSMASQ(object);

    g_free(self->bridge);
    g_strfreev(self->argv);
    g_free(self->pid_file);
    g_free(self->log_file);
    g_main_context_unref(self->context);
    G_OBJECT_CLASS(vsw_dnsmasq_parent_class)->finalize(object);
}

static void
vsw_dnsmasq_class_init(VswDnsmasqClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = vsw_dnsmasq_dispose;
    object_class->finalize = vsw_dnsmasq_finalize;
}

static void
vsw_dnsmasq_init(VswDnsmasq *self)
{
    self->context = g_main_context_ref_thread_default();
}

static void
add_printf(GStrvBuilder *builder, char *arg)
{
    g_strv_builder_add(builder, arg);
    g_free(arg);
}

VswDnsmasq *
vsw_dnsmasq_new(const VswDnsmasqConfig *config)
{
    VswDnsmasq *self;
    g_autoptr(GStrvBuilder) argv = g_strv_builder_new();

    g_return_val_if_fail(config != NULL, NULL);

    self = g_object_new(VSW_TYPE_DNSMASQ, NULL);
    self->bridge = g_strdup(config->bridge);
    self->pid_file = g_strdup(config->pid_file);
    self->log_file = g_strdup(config->log_file);
    g_strv_builder_add(argv, VSW_DNSMASQ_PATH);
    g_strv_builder_add(argv, "--keep-in-foreground");
    g_strv_builder_add(argv, "--conf-file=/dev/null");
    g_strv_builder_add(argv, "--bind-interfaces");
    add_printf(argv, g_strdup_printf("--interface=%s", config->bridge));
    g_strv_builder_add(argv, "--except-interface=lo");
    add_printf(argv, g_strdup_printf("--listen-address=%s", config->address));
    add_printf(argv, g_strdup_printf("--dhcp-range=%s,%s,%s,1h", config->first, config->last,
                                     config->netmask));
    add_printf(argv, g_strdup_printf("--dhcp-leasefile=%s", config->lease_file));
    add_printf(argv, g_strdup_printf("--pid-file=%s", config->pid_file));
    add_printf(argv, g_strdup_printf("--log-facility=%s", config->log_file));
    g_strv_builder_add(argv, "--dhcp-authoritative");
    /* Without NAT the host is no way out: offer no gateway. DNS: dnsmasq forwards to the
     * servers of the host's /etc/resolv.conf. */
    if (!config->router)
        g_strv_builder_add(argv, "--dhcp-option=option:router");
    self->argv = g_strv_builder_end(argv);
    return self;
}
