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
 * This file: the object, its properties and state, and the action machinery. Each operation has
 * its own hvd-vm-runner-*.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib/gi18n-lib.h>

#include "hvd-error.h"
#include "hvd-vm-runner-private.h"

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

/* --- small helpers ------------------------------------------------------------------------- */

char *
hvd_vm_runner_runtime_path(HvdVmRunner *self, const char *name)
{
    return g_build_filename(self->runtime_dir, name, NULL);
}

char *
hvd_vm_runner_vm_path(HvdVmRunner *self, const char *name)
{
    return g_build_filename(self->vm_dir, name, NULL);
}

const HvxVmDef *
hvd_vm_runner_running_def(HvdVmRunner *self)
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

void
hvd_vm_runner_set_status(HvdVmRunner *self, const char *status)
{
    if (set_string(&self->status, status ? status : ""))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATUS]);
}

void
hvd_vm_runner_set_heartbeat(HvdVmRunner *self, const char *heartbeat)
{
    if (set_string(&self->heartbeat, heartbeat))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_HEARTBEAT]);
}

void
hvd_vm_runner_set_accelerator(HvdVmRunner *self, const char *accelerator)
{
    if (set_string(&self->accelerator, accelerator))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ACCELERATOR]);
}

void
hvd_vm_runner_set_last_serial_lines(HvdVmRunner *self, const char *lines)
{
    if (set_string(&self->last_serial_lines, lines))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_LAST_SERIAL_LINES]);
}

void
hvd_vm_runner_set_figures(HvdVmRunner *self, double cpu, guint64 memory, guint64 uptime)
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

void
hvd_vm_runner_set_state(HvdVmRunner *self, HvdVmState state)
{
    g_autofree char *status = NULL;

    switch (state) {
    case HVD_VM_STATE_RUNNING:
        status = running_status(self);
        if (self->net_note != NULL) {
            /* Translators: the running status, then what is wrong with the network, e.g.
             * "Running under TCG …. The switch “Lab” does not exist; …". */
            g_autofree char *both = g_strdup_printf(_("%s. %s"), status, self->net_note);

            g_free(status);
            status = g_steal_pointer(&both);
        }
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
    hvd_vm_runner_set_status(self, status);
    if (self->state != state) {
        self->state = state;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATE]);
    }
}

char *
hvd_vm_runner_actions_text(HvdVmState state)
{
    const char *const *actions = hvd_vm_state_allowed_actions(state);

    if (actions[0] == NULL)
        return g_strdup(_("none"));
    return g_strjoinv(", ", (char **)actions);
}

/* BUSY when another action runs, WRONG_STATE when @action does not fit the state. */
gboolean
hvd_vm_runner_check_action(HvdVmRunner *self, const char *action, GError **error)
{
    /* TurnOff may interrupt a ShutDown, or a Start once QEMU runs (before that the start is
     * only file work and a moment away from either running or failing). */
    if (self->op != OP_NONE &&
        !(g_str_equal(action, "TurnOff") &&
          ((self->op == OP_START && self->pid != 0) || self->op == OP_SHUT_DOWN))) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_BUSY,
                    _("Another action on this virtual machine is under way; try “%s” again when "
                      "it has finished"),
                    action);
        return FALSE;
    }
    if (!hvd_vm_state_allows(self->state, action)) {
        g_autofree char *allowed = hvd_vm_runner_actions_text(self->state);

        /* Translators: "The virtual machine is Off; “Pause” is not possible. Allowed: Start,
         * Delete". The first %s is a state, the second a D-Bus method name, the third a list of
         * them. */
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE,
                    _("The virtual machine is %s; “%s” is not possible. Allowed: %s"),
                    hvd_vm_state_to_display(self->state), action, allowed);
        return FALSE;
    }
    return TRUE;
}

GTask *
hvd_vm_runner_op_begin(HvdVmRunner *self, OpKind kind, GTask *task)
{
    g_assert(self->op == OP_NONE);
    self->op = kind;
    self->op_task = g_object_ref(task);
    self->op_cancellable = g_cancellable_new();
    return task;
}

/* Ends the action under way with @error (taken) or success. */
void
hvd_vm_runner_op_end(HvdVmRunner *self, GError *error)
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

gboolean
hvd_vm_runner_is_cancelled(const GError *error)
{
    return g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

void
hvd_vm_runner_qmp_exec(HvdVmRunner *self, const char *command, JsonObject *args, int fd,
                       GAsyncReadyCallback callback)
{
    hvd_qmp_client_execute_async(self->qmp, command, args, fd, self->op_cancellable, callback,
                                 g_object_ref(self));
}

/* @what is a whole translated sentence start, e.g. "Cannot pause the virtual machine". */
GError *
hvd_vm_runner_qmp_failure(const GError *error, const char *what)
{
    return g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED, "%s: %s", what, error->message);
}

/* The reply to a QMP command of the action under way (hvd_vm_runner_qmp_exec). On failure it
 * is NULL and, unless the action was cancelled, @fail ends the action with "@what: reason". */
JsonNode *
hvd_vm_runner_qmp_finish(HvdVmRunner *self, GObject *source, GAsyncResult *result,
                         HvdVmRunnerFailFunc fail, const char *what)
{
    g_autoptr(GError) error = NULL;
    JsonNode *node = hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);

    if (node == NULL && !hvd_vm_runner_is_cancelled(error))
        fail(self, hvd_vm_runner_qmp_failure(error, what));
    return node;
}

/* The same for a QMP command that belongs to @task rather than to an action: on failure the
 * task returns "@what: reason". */
JsonNode *
hvd_vm_runner_task_qmp_finish(GTask *task, GObject *source, GAsyncResult *result, const char *what)
{
    g_autoptr(GError) error = NULL;
    JsonNode *node = hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);

    if (node == NULL)
        g_task_return_error(task, hvd_vm_runner_qmp_failure(error, what));
    return node;
}

gboolean
hvd_vm_runner_action_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* The "status" of a query-status or query-migrate reply, NULL when it has none. */
const char *
hvd_vm_runner_reply_status(JsonNode *node)
{
    if (!JSON_NODE_HOLDS_OBJECT(node))
        return NULL;
    return json_object_get_string_member_with_default(json_node_get_object(node), "status", NULL);
}

void
hvd_vm_runner_emit_serial_output(HvdVmRunner *self, GBytes *bytes, guint64 offset)
{
    g_signal_emit(self, signals[SIGNAL_SERIAL_OUTPUT], 0, bytes, offset);
}

/* --- the object ------------------------------------------------------------------------------ */

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

void
hvd_vm_runner_set_network(HvdVmRunner *self, HvdNetwork *network)
{
    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    g_return_if_fail(network == NULL || HVD_IS_NETWORK(network));

    g_set_object(&self->network, network);
}

void
hvd_vm_runner_release_ports(HvdVmRunner *self)
{
    const HvxVmDef *def = hvd_vm_runner_running_def(self);

    if (self->network != NULL && def != NULL && def->uuid != NULL)
        hvd_network_disconnect_vm(self->network, def->uuid, def->network_adapters->len);
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
    hvd_vm_runner_stop_watching(self);
    G_OBJECT_CLASS(hvd_vm_runner_parent_class)->dispose(object);
}

static void
hvd_vm_runner_finalize(GObject *object)
{
    HvdVmRunner *self = HVD_VM_RUNNER(object);

    g_clear_object(&self->host);
    g_clear_object(&self->network);
    g_free(self->net_note);
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
     * @offset: where @data starts in COM1's log (without a log: in what COM1 sent since berthd
     *   connected to it)
     */
    signals[SIGNAL_SERIAL_OUTPUT] =
        g_signal_new("serial-output", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_UINT64);
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
