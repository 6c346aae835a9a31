/* hvd-vm-object.c: org.berth.Berth1.VirtualMachine, one per VM at /org/berth/Berth1/vm/<uuid>.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hvd-daemon.h"
#include "hvd-error.h"
#include "hvd-vm-object.h"

/* ReadSerial returns at most this much per call. */
#define SERIAL_READ_MAX (64 * 1024)

struct _HvdVmObject {
    BerthDBusVirtualMachineSkeleton parent_instance;

    HvdDaemon *daemon;
    HvdVmRunner *runner;
    GVariant *properties; /* a{sv} of every property, until one changes */
};

static void hvd_vm_object_iface_init(BerthDBusVirtualMachineIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(HvdVmObject, hvd_vm_object, BERTH_DBUS_TYPE_VIRTUAL_MACHINE_SKELETON,
                              G_IMPLEMENT_INTERFACE(BERTH_DBUS_TYPE_VIRTUAL_MACHINE,
                                                    hvd_vm_object_iface_init))

static gboolean
hvd_vm_object_handle_get_definition(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    HvdVmStore *store = hvd_daemon_get_store(self->daemon);
    const HvxVmDef *def = hvd_vm_store_lookup(store, berth_dbus_virtual_machine_get_uuid(vm));
    g_autofree char *xml = NULL;

    if (def == NULL) {
        g_dbus_method_invocation_return_error(invocation, HVD_ERROR, HVD_ERROR_NOT_FOUND,
                                              _("The virtual machine was deleted"));
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    xml = hvx_vm_def_format(def);
    berth_dbus_virtual_machine_complete_get_definition(vm, invocation, xml);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
hvd_vm_object_handle_rename(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation,
                            const char *name)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    g_autoptr(GError) error = NULL;

    if (!hvd_daemon_rename_vm(self->daemon, berth_dbus_virtual_machine_get_uuid(vm), name, &error))
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_virtual_machine_complete_rename(vm, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
hvd_vm_object_handle_delete(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation,
                            gboolean delete_disks)
{
    g_autoptr(HvdVmObject) self = g_object_ref(HVD_VM_OBJECT(vm)); /* outlives its export */
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = g_strdup(berth_dbus_virtual_machine_get_uuid(vm));

    if (!hvd_daemon_delete_vm(self->daemon, uuid, delete_disks, &error))
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_virtual_machine_complete_delete(vm, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The lifecycle actions: the runner does the work; its GError is already an HVD_ERROR with a
 * D-Bus name. The invocation and the object stay referenced until the action ends. */

typedef gboolean (*HvdRunnerFinishFunc)(HvdVmRunner *runner, GAsyncResult *result, GError **error);

typedef struct {
    HvdVmObject *self;
    GDBusMethodInvocation *invocation;
    HvdRunnerFinishFunc finish;
} HvdVmCall;

static HvdVmCall *
hvd_vm_call_new(HvdVmObject *self, GDBusMethodInvocation *invocation, HvdRunnerFinishFunc finish)
{
    HvdVmCall *call = g_new0(HvdVmCall, 1);

    call->self = g_object_ref(self);
    call->invocation = invocation; /* the handler's reference: ours to complete */
    call->finish = finish;
    return call;
}

static void
hvd_vm_call_free(HvdVmCall *call)
{
    g_object_unref(call->self);
    g_clear_object(&call->invocation);
    g_free(call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvdVmCall, hvd_vm_call_free)

static void
hvd_vm_object_action_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmCall) call = user_data;
    g_autoptr(GError) error = NULL;

    if (!call->finish(HVD_VM_RUNNER(source), result, &error))
        g_dbus_method_invocation_return_gerror(g_steal_pointer(&call->invocation), error);
    else
        g_dbus_method_invocation_return_value(g_steal_pointer(&call->invocation), NULL);
}

#define HVD_VM_OBJECT_ACTION(method, runner_action)                                     \
    static gboolean hvd_vm_object_handle_##method(BerthDBusVirtualMachine *vm,          \
                                                  GDBusMethodInvocation *invocation)    \
    {                                                                                   \
        HvdVmObject *self = HVD_VM_OBJECT(vm);                                          \
                                                                                        \
        hvd_vm_runner_##runner_action##_async(                                          \
            self->runner, NULL, hvd_vm_object_action_done,                              \
            hvd_vm_call_new(self, invocation, hvd_vm_runner_##runner_action##_finish)); \
        return G_DBUS_METHOD_INVOCATION_HANDLED;                                        \
    }

HVD_VM_OBJECT_ACTION(start, start)
HVD_VM_OBJECT_ACTION(turn_off, turn_off)
HVD_VM_OBJECT_ACTION(save, save)
HVD_VM_OBJECT_ACTION(pause, pause)
HVD_VM_OBJECT_ACTION(resume, resume)
HVD_VM_OBJECT_ACTION(reset, reset)

static gboolean
hvd_vm_object_handle_shut_down(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation,
                               guint timeout_seconds)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);

    hvd_vm_runner_shut_down_async(
        self->runner, timeout_seconds, NULL, hvd_vm_object_action_done,
        hvd_vm_call_new(self, invocation, hvd_vm_runner_shut_down_finish));
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
hvd_vm_object_screenshot_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmCall) call = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) png = NULL;
    gsize size = 0;
    const guint8 *data;

    png = hvd_vm_runner_screenshot_finish(HVD_VM_RUNNER(source), result, &error);
    if (png == NULL) {
        g_dbus_method_invocation_return_gerror(g_steal_pointer(&call->invocation), error);
        return;
    }
    data = g_bytes_get_data(png, &size);
    berth_dbus_virtual_machine_complete_screenshot(
        BERTH_DBUS_VIRTUAL_MACHINE(call->self), g_steal_pointer(&call->invocation),
        g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, size, 1));
}

static gboolean
hvd_vm_object_handle_screenshot(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);

    hvd_vm_runner_screenshot_async(self->runner, NULL, hvd_vm_object_screenshot_done,
                                   hvd_vm_call_new(self, invocation, NULL));
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
hvd_vm_object_open_console_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdVmCall) call = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GUnixFDList) fds = NULL;
    int fd;

    fd = hvd_vm_runner_open_console_finish(HVD_VM_RUNNER(source), result, &error);
    if (fd < 0) {
        g_dbus_method_invocation_return_gerror(g_steal_pointer(&call->invocation), error);
        return;
    }
    fds = g_unix_fd_list_new_from_array(&fd, 1); /* takes the fd */
    berth_dbus_virtual_machine_complete_open_console(BERTH_DBUS_VIRTUAL_MACHINE(call->self),
                                                     g_steal_pointer(&call->invocation), fds,
                                                     g_variant_new_handle(0));
}

static gboolean
hvd_vm_object_handle_open_console(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation,
                                  GUnixFDList *fd_list, GVariant *options)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);

    hvd_vm_runner_open_console_async(self->runner, NULL, hvd_vm_object_open_console_done,
                                     hvd_vm_call_new(self, invocation, NULL));
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* COM1's log is a local file of berthd's: a bounded pread, no waiting on anything. */
static gboolean
hvd_vm_object_handle_read_serial(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation,
                                 guint64 offset)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    g_autofree char *path = hvd_vm_runner_get_serial_log_path(self->runner);
    g_autofree guint8 *buffer = NULL;
    ssize_t n = 0;
    int fd;

    fd = g_open(path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0 && errno != ENOENT) {
        int saved_errno = errno;

        g_dbus_method_invocation_return_error(invocation, HVD_ERROR, HVD_ERROR_FAILED,
                                              _("Cannot read %s: %s"), path,
                                              g_strerror(saved_errno));
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    buffer = g_malloc(SERIAL_READ_MAX);
    if (fd >= 0) {
        n = pread(fd, buffer, SERIAL_READ_MAX, (off_t)offset);
        g_close(fd, NULL);
        if (n < 0)
            n = 0;
    }
    berth_dbus_virtual_machine_complete_read_serial(
        vm, invocation, g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, buffer, (gsize)n, 1),
        offset + (guint64)n);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
hvd_vm_object_handle_send_serial(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation,
                                 const char *line)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    g_autoptr(GError) error = NULL;

    if (!hvd_vm_runner_send_serial(self->runner, line, &error))
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_virtual_machine_complete_send_serial(vm, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
hvd_vm_object_iface_init(BerthDBusVirtualMachineIface *iface)
{
    iface->handle_get_definition = hvd_vm_object_handle_get_definition;
    iface->handle_rename = hvd_vm_object_handle_rename;
    iface->handle_delete = hvd_vm_object_handle_delete;
    iface->handle_start = hvd_vm_object_handle_start;
    iface->handle_shut_down = hvd_vm_object_handle_shut_down;
    iface->handle_turn_off = hvd_vm_object_handle_turn_off;
    iface->handle_save = hvd_vm_object_handle_save;
    iface->handle_pause = hvd_vm_object_handle_pause;
    iface->handle_resume = hvd_vm_object_handle_resume;
    iface->handle_reset = hvd_vm_object_handle_reset;
    iface->handle_screenshot = hvd_vm_object_handle_screenshot;
    iface->handle_open_console = hvd_vm_object_handle_open_console;
    iface->handle_read_serial = hvd_vm_object_handle_read_serial;
    iface->handle_send_serial = hvd_vm_object_handle_send_serial;
}

/* The runner's figures, copied to the D-Bus properties (the skeleton only signals changes). */
static void
hvd_vm_object_sync(HvdVmObject *self)
{
    BerthDBusVirtualMachine *vm = BERTH_DBUS_VIRTUAL_MACHINE(self);
    HvdVmState state = hvd_vm_runner_get_state(self->runner);

    berth_dbus_virtual_machine_set_state(vm, hvd_vm_state_to_string(state));
    berth_dbus_virtual_machine_set_allowed_actions(vm, hvd_vm_state_allowed_actions(state));
    berth_dbus_virtual_machine_set_status(vm, hvd_vm_runner_get_status(self->runner));
    berth_dbus_virtual_machine_set_cpu_usage(vm, hvd_vm_runner_get_cpu_usage(self->runner));
    berth_dbus_virtual_machine_set_assigned_memory(vm,
                                                   hvd_vm_runner_get_assigned_memory(self->runner));
    berth_dbus_virtual_machine_set_uptime(vm, hvd_vm_runner_get_uptime(self->runner));
    berth_dbus_virtual_machine_set_heartbeat(vm, hvd_vm_runner_get_heartbeat(self->runner));
    berth_dbus_virtual_machine_set_accelerator(vm, hvd_vm_runner_get_accelerator(self->runner));
}

static void
hvd_vm_object_runner_notify(HvdVmRunner *runner, GParamSpec *pspec, gpointer user_data)
{
    hvd_vm_object_sync(HVD_VM_OBJECT(user_data));
}

static void
hvd_vm_object_serial_output(HvdVmRunner *runner, GBytes *data, gpointer user_data)
{
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(data, &size);

    berth_dbus_virtual_machine_emit_serial_output(
        BERTH_DBUS_VIRTUAL_MACHINE(user_data),
        g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, bytes, size, 1));
}

/* GetManagedObjects asks every VM for all its properties; `berth list` with 1,000 VMs should
 * not rebuild 11,000 values each time, so the dictionary is kept until a property changes. */
static GVariant *
hvd_vm_object_get_properties(GDBusInterfaceSkeleton *skeleton)
{
    HvdVmObject *self = HVD_VM_OBJECT(skeleton);

    if (self->properties == NULL)
        self->properties = g_variant_ref_sink(
            G_DBUS_INTERFACE_SKELETON_CLASS(hvd_vm_object_parent_class)->get_properties(skeleton));
    return g_variant_ref(self->properties);
}

static void
hvd_vm_object_notify(GObject *object, GParamSpec *pspec)
{
    HvdVmObject *self = HVD_VM_OBJECT(object);

    g_clear_pointer(&self->properties, g_variant_unref);
    if (G_OBJECT_CLASS(hvd_vm_object_parent_class)->notify != NULL)
        G_OBJECT_CLASS(hvd_vm_object_parent_class)->notify(object, pspec);
}

static void
hvd_vm_object_dispose(GObject *object)
{
    HvdVmObject *self = HVD_VM_OBJECT(object);

    if (self->runner != NULL)
        g_signal_handlers_disconnect_by_data(self->runner, self);
    g_clear_object(&self->runner);
    g_clear_pointer(&self->properties, g_variant_unref);
    G_OBJECT_CLASS(hvd_vm_object_parent_class)->dispose(object);
}

static void
hvd_vm_object_class_init(HvdVmObjectClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = hvd_vm_object_dispose;
    G_OBJECT_CLASS(klass)->notify = hvd_vm_object_notify;
    G_DBUS_INTERFACE_SKELETON_CLASS(klass)->get_properties = hvd_vm_object_get_properties;
}

static void
hvd_vm_object_init(HvdVmObject *self)
{
}

HvdVmObject *
hvd_vm_object_new(HvdDaemon *daemon, const HvxVmDef *def, HvdVmRunner *runner)
{
    HvdVmObject *self;

    g_return_val_if_fail(daemon != NULL, NULL);
    g_return_val_if_fail(def != NULL && def->uuid != NULL, NULL);
    g_return_val_if_fail(HVD_IS_VM_RUNNER(runner), NULL);

    self = g_object_new(HVD_TYPE_VM_OBJECT, "uuid", def->uuid, NULL);
    self->daemon = daemon;
    self->runner = g_object_ref(runner);
    hvd_vm_object_update(self, def);
    hvd_vm_object_sync(self);
    g_signal_connect(runner, "notify", G_CALLBACK(hvd_vm_object_runner_notify), self);
    g_signal_connect(runner, "serial-output", G_CALLBACK(hvd_vm_object_serial_output), self);
    return self;
}

HvdVmRunner *
hvd_vm_object_get_runner(HvdVmObject *self)
{
    g_return_val_if_fail(HVD_IS_VM_OBJECT(self), NULL);
    return self->runner;
}

HvdVmState
hvd_vm_object_get_state(HvdVmObject *self)
{
    g_return_val_if_fail(HVD_IS_VM_OBJECT(self), HVD_VM_STATE_OFF);
    return hvd_vm_runner_get_state(self->runner);
}

void
hvd_vm_object_update(HvdVmObject *self, const HvxVmDef *def)
{
    BerthDBusVirtualMachine *vm = BERTH_DBUS_VIRTUAL_MACHINE(self);

    g_return_if_fail(HVD_IS_VM_OBJECT(self));
    g_return_if_fail(def != NULL);

    berth_dbus_virtual_machine_set_name(vm, def->name);
    berth_dbus_virtual_machine_set_generation(vm, def->generation);
}
