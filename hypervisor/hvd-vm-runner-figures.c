/* hvd-vm-runner-figures.c: a running worker's live figures (CPU, memory, uptime), its COM1 and
 * the guest agent's heartbeat.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <string.h>
#include <unistd.h>

#include <gio/gunixsocketaddress.h>

#include "hvd-error.h"
#include "hvd-qemu-argv.h"
#include "hvd-qmp-args.h"
#include "hvd-qmp-error.h"
#include "hvd-vm-runner-private.h"

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
            hvd_vm_runner_set_figures(self, self->cpu_usage,
                                      (guint64)json_object_get_int_member(object, "actual"),
                                      self->uptime);
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
    hvd_vm_runner_set_heartbeat(self, self->qga_last_reply != 0 &&
                                              now - self->qga_last_reply < HEARTBEAT_GRACE_US
                                          ? "ok"
                                          : "no-contact");
}

static gboolean
on_stats(gpointer user_data)
{
    HvdVmRunner *self = user_data;
    const HvxVmDef *def = hvd_vm_runner_running_def(self);
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
    hvd_vm_runner_set_figures(self, cpu, memory, uptime);
    if (self->stats_round++ % HEARTBEAT_INTERVAL_S == 0)
        heartbeat_tick(self);
    return G_SOURCE_CONTINUE;
}

/* --- COM ports and the guest agent ------------------------------------------------------- */

const HvxComDef *
hvd_vm_runner_find_com(HvdVmRunner *self, guint port)
{
    const HvxVmDef *def = hvd_vm_runner_running_def(self);

    for (guint i = 0; def != NULL && i < def->com_ports->len; i++) {
        const HvxComDef *com = g_ptr_array_index(def->com_ports, i);

        if (com->port == port)
            return com;
    }
    return NULL;
}

/* COM1 with a log: SerialOutput is what QEMU adds to the log (hvd-serial-tail.c). */
static void
on_serial_tail_output(HvdSerialTail *tail, GBytes *bytes, guint64 offset, gpointer user_data)
{
    hvd_vm_runner_emit_serial_output(user_data, bytes, offset);
}

/* COM1 without a log: its socket, counted from where berthd connected. */
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

        hvd_vm_runner_emit_serial_output(self, bytes, self->serial_socket_offset);
        self->serial_socket_offset += (guint64)n;
    }
    return G_SOURCE_CONTINUE;
}

static void
on_com_input_attached(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autofree char *port = user_data;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) error = NULL;

    reply = hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    /* A worker that ended meanwhile says so through its exit, not here. */
    if (reply == NULL && !g_error_matches(error, HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED))
        g_warning("COM%s takes no input: %s", port, error->message);
}

/* A logged COM port starts as QEMU's `file` chardev, output only; this gives it its input, the
 * FIFO open_com_inputs() made. Repeating it (after berthd restarted) reopens the same files. */
static void
attach_com_input(HvdVmRunner *self, const HvxComDef *com)
{
    g_autofree char *id = g_strdup_printf("com%u", com->port);
    g_autofree char *log_name = hvd_qemu_com_log_name(com->port);
    g_autofree char *log = hvd_vm_runner_vm_path(self, log_name);
    g_autofree char *input_name = hvd_qemu_com_input_name(com->port);
    g_autofree char *input = hvd_vm_runner_runtime_path(self, input_name);
    JsonObject *file = NULL;
    JsonObject *backend = NULL;
    g_autoptr(JsonObject) args = NULL;

    /* Without the FIFO (a QEMU an older berthd started), QEMU would wait for a writer. */
    if (self->qmp == NULL || !g_file_test(input, G_FILE_TEST_EXISTS))
        return;
    file = hvd_qmp_args_new("s:out", log, "b:append", TRUE, "s:in", input, NULL);
    backend = hvd_qmp_args_new("s:type", "file", "o:data", file, NULL);
    args = hvd_qmp_args_new("s:id", id, "o:backend", backend, NULL);
    hvd_qmp_client_execute_async(self->qmp, "chardev-change", args, -1, NULL, on_com_input_attached,
                                 g_strdup_printf("%u", com->port));
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
            hvd_vm_runner_set_heartbeat(self, "ok");
        }
    }
    return G_SOURCE_CONTINUE;
}

/* A unix socket QEMU listens on in the runtime dir; connecting is immediate (local). */
static GSocket *
connect_runtime_socket(HvdVmRunner *self, const char *name, GError **error)
{
    g_autofree char *path = hvd_vm_runner_runtime_path(self, name);
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new(path);
    g_autoptr(GSocket) socket =
        g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);

    if (socket == NULL || !g_socket_connect(socket, address, NULL, error))
        return NULL;
    g_socket_set_blocking(socket, FALSE);
    return g_steal_pointer(&socket);
}

void
hvd_vm_runner_start_io(HvdVmRunner *self)
{
    const HvxVmDef *def = hvd_vm_runner_running_def(self);
    const HvxComDef *com1 = hvd_vm_runner_find_com(self, 1);
    g_autoptr(GError) error = NULL;

    for (guint i = 0; def != NULL && i < def->com_ports->len; i++) {
        const HvxComDef *com = g_ptr_array_index(def->com_ports, i);

        if (com->log)
            attach_com_input(self, com);
    }
    if (com1 != NULL && com1->log && self->serial_tail == NULL) {
        g_autofree char *log = hvd_vm_runner_get_serial_log_path(self);

        self->serial_tail = hvd_serial_tail_new(log);
        g_signal_connect(self->serial_tail, "output", G_CALLBACK(on_serial_tail_output), self);
    } else if (com1 != NULL && !com1->log && self->serial == NULL) {
        self->serial_socket_offset = 0;
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
        hvd_vm_runner_set_heartbeat(self, "no-contact");
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
        hvd_vm_runner_set_heartbeat(self, "disabled");
    }

    hvd_vm_runner_set_accelerator(self, hvd_accel_to_string(hvd_host_get_accel(self->host)));
    read_proc_stat(self->pid, &self->last_cpu_ticks, &self->start_ticks);
    self->last_cpu_time = g_get_monotonic_time();
    self->stats_round = 0;
    if (self->stats_id == 0)
        self->stats_id = g_timeout_add(STATS_INTERVAL_MS, on_stats, self);
    on_stats(self);
}
