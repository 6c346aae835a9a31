/* vsw-dnsmasq.c: one dnsmasq serving DHCP and DNS on one internal switch, supervised.
 *
 * dnsmasq runs in the foreground as berthd's child (GSubprocess) with nothing from
 * /etc/dnsmasq.conf, bound to the switch's bridge only. When it dies without being asked, it is
 * started again after 1 s, then 2, 4 … up to 60 s; a run of a minute resets the delay. A berthd
 * that is killed leaves its dnsmasq running; the next berthd finds it by its pid file and ends it
 * before starting its own (the lease file, kept in the state dir, carries the leases over).
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
    GCancellable *cancellable; /* of the current wait */
    gint64 started_at;
    guint delay; /* seconds before the next restart */
    guint restart_id;
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

gboolean
vsw_dnsmasq_kill_stale(const char *pid_file, const char *bridge)
{
    g_autofree char *cmdline_path = NULL;
    g_autofree char *cmdline = NULL;
    g_autofree char *want = NULL;
    gsize len;
    gboolean is_ours = FALSE;
    int pid;

    g_return_val_if_fail(pid_file != NULL, FALSE);

    pid = read_pid_file(pid_file);
    if (pid <= 0) {
        g_unlink(pid_file);
        return FALSE;
    }
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
    g_unlink(pid_file);
    if (!is_ours)
        return FALSE;
    g_message("Ending dnsmasq %d left by an earlier berthd", pid);
    kill(pid, SIGTERM);
    for (guint i = 0; i < 200 && process_alive(pid); i++)
        g_usleep(10000);
    if (process_alive(pid))
        kill(pid, SIGKILL);
    return TRUE;
}

static void on_exited(GObject *source, GAsyncResult *result, gpointer user_data);

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
spawn(VswDnsmasq *self, GError **error)
{
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GError) local_error = NULL;
    g_autoptr(GSubprocess) process = NULL;
    int pid;

    g_unlink(self->pid_file);
    g_unlink(self->log_file);
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE);
    process = g_subprocess_launcher_spawnv(launcher, (const char *const *)self->argv, &local_error);
    if (!process) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_PROCESS,
                    _("Cannot start dnsmasq for the bridge “%s”: %s"), self->bridge,
                    local_error->message);
        return FALSE;
    }
    pid = atoi(g_subprocess_get_identifier(process));
    /* dnsmasq writes its pid file once its sockets are bound; dying before means it failed. */
    for (guint i = 0; i < 500; i++) {
        if (read_pid_file(self->pid_file) == pid)
            break;
        if (!process_alive(pid)) {
            g_autofree char *tail = NULL;

            g_subprocess_wait(process, NULL, NULL);
            tail = log_tail(self);
            g_set_error(error, VSW_ERROR, VSW_ERROR_PROCESS,
                        _("dnsmasq for the bridge “%s” stopped at once: %s"), self->bridge,
                        tail[0] ? tail : _("no reason given"));
            return FALSE;
        }
        g_usleep(10000);
    }
    if (read_pid_file(self->pid_file) != pid) {
        g_subprocess_force_exit(process);
        g_subprocess_wait(process, NULL, NULL);
        g_set_error(error, VSW_ERROR, VSW_ERROR_PROCESS,
                    _("dnsmasq for the bridge “%s” did not start within 5 seconds"), self->bridge);
        return FALSE;
    }
    self->process = g_steal_pointer(&process);
    self->started_at = g_get_monotonic_time();
    self->cancellable = g_cancellable_new();
    g_subprocess_wait_async(self->process, self->cancellable, on_exited, g_object_ref(self));
    return TRUE;
}

static gboolean
on_restart(gpointer user_data)
{
    VswDnsmasq *self = user_data;
    g_autoptr(GError) error = NULL;

    self->restart_id = 0;
    self->restarts++;
    if (!spawn(self, &error)) {
        g_warning("%s", error->message);
        self->delay = MIN(self->delay * 2, 60);
        self->restart_id = g_timeout_add_seconds(self->delay, on_restart, self);
    }
    return G_SOURCE_REMOVE;
}

static void
on_exited(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VswDnsmasq) self = user_data;
    GSubprocess *process = G_SUBPROCESS(source);

    if (!g_subprocess_wait_finish(process, result, NULL) || process != self->process)
        return; /* stopped on purpose */
    g_warning("dnsmasq for the bridge “%s” ended unexpectedly (%s %d); restarting it", self->bridge,
              g_subprocess_get_if_signaled(process) ? "signal" : "status",
              g_subprocess_get_if_signaled(process) ? g_subprocess_get_term_sig(process)
                                                    : g_subprocess_get_exit_status(process));
    if (g_get_monotonic_time() - self->started_at > 60 * G_USEC_PER_SEC)
        self->delay = 1;
    else
        self->delay = self->delay ? MIN(self->delay * 2, 60) : 1;
    g_clear_object(&self->process);
    g_clear_object(&self->cancellable);
    self->restart_id = g_timeout_add_seconds(self->delay, on_restart, self);
}

gboolean
vsw_dnsmasq_start(VswDnsmasq *self, GError **error)
{
    g_return_val_if_fail(VSW_IS_DNSMASQ(self), FALSE);
    g_return_val_if_fail(self->process == NULL, FALSE);

    vsw_dnsmasq_kill_stale(self->pid_file, self->bridge);
    self->delay = 0;
    return spawn(self, error);
}

void
vsw_dnsmasq_stop(VswDnsmasq *self)
{
    g_autoptr(GSubprocess) process = NULL;

    g_return_if_fail(VSW_IS_DNSMASQ(self));

    g_clear_handle_id(&self->restart_id, g_source_remove);
    if (self->cancellable)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    process = g_steal_pointer(&self->process);
    if (process) {
        int pid =
            atoi(g_subprocess_get_identifier(process) ? g_subprocess_get_identifier(process) : "0");

        g_subprocess_send_signal(process, SIGTERM);
        for (guint i = 0; i < 200 && pid > 0 && process_alive(pid); i++)
            g_usleep(10000);
        if (pid > 0 && process_alive(pid))
            g_subprocess_force_exit(process);
        g_subprocess_wait(process, NULL, NULL);
    }
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

    vsw_dnsmasq_stop(self);
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
