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

#include "hvd-checkpoint.h"
#include "hvd-daemon.h"
#include "hvd-error.h"
#include "hvd-qemu-argv.h"
#include "hvd-vm-object-private.h"

/* ReadSerial returns at most this much per call. */
#define SERIAL_READ_MAX (64 * 1024)

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
        g_dbus_method_invocation_return_error(invocation, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
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

static void
hvd_vm_object_deleted(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GDBusMethodInvocation *invocation = user_data;
    g_autoptr(GError) error = NULL;

    if (!hvd_daemon_delete_vm_finish(HVD_DAEMON(source), result, &error))
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        g_dbus_method_invocation_return_value(invocation, NULL);
}

static gboolean
hvd_vm_object_handle_delete(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation,
                            gboolean delete_disks)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);

    /* The invocation is the handler's reference: ours to complete. */
    hvd_daemon_delete_vm_async(self->daemon, berth_dbus_virtual_machine_get_uuid(vm), delete_disks,
                               hvd_vm_object_deleted, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The lifecycle actions: the runner does the work; its GError is already an BERTH_ERROR with a
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

/* Another running VM writing to the same disk would corrupt it; QEMU's image lock would refuse
 * too, but only with "Failed to get write lock": name the VM that has it instead. */
static gboolean
hvd_vm_object_check_disks_free(HvdVmObject *self, GError **error)
{
    const HvxVmDef *def = hvd_vm_runner_get_definition(self->runner);
    const char *vm_dir = hvd_vm_runner_get_vm_dir(self->runner);

    for (guint i = 0; def != NULL && i < def->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);
            g_autofree char *path = NULL;
            const char *user;

            if (drive->type != HVX_DRIVE_DISK || drive->path == NULL)
                continue;
            path = g_canonicalize_filename(drive->path, vm_dir);
            user = hvd_daemon_find_disk_user(self->daemon, path);
            if (user != NULL && g_strcmp0(user, def->name) != 0) {
                g_set_error(error, BERTH_ERROR, BERTH_ERROR_BUSY,
                            _("The disk “%s” is in use by the virtual machine “%s”"), path, user);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean
hvd_vm_object_handle_start(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    g_autoptr(GError) error = NULL;

    if (!hvd_vm_object_check_disks_free(self, &error)) {
        g_dbus_method_invocation_return_gerror(invocation, error);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    hvd_vm_runner_start_async(self->runner, NULL, hvd_vm_object_action_done,
                              hvd_vm_call_new(self, invocation, hvd_vm_runner_start_finish));
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

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

        g_dbus_method_invocation_return_error(invocation, BERTH_ERROR, BERTH_ERROR_FAILED,
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

/* InsertMedia / EjectMedia: QEMU first (while the VM runs), then the definition, so that the
 * definition always names what the guest sees. */

typedef struct {
    HvdVmObject *self;
    GDBusMethodInvocation *invocation;
    char *xml; /* the definition with the new media */
} HvdMediaCall;

static void
hvd_media_call_free(HvdMediaCall *call)
{
    g_object_unref(call->self);
    g_clear_object(&call->invocation);
    g_free(call->xml);
    g_free(call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvdMediaCall, hvd_media_call_free)

static void
hvd_vm_object_media_changed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdMediaCall) call = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;

    if (hvd_vm_runner_change_media_finish(HVD_VM_RUNNER(source), result, &error))
        path = hvd_daemon_define_vm(call->self->daemon, call->xml, &error);
    if (path == NULL)
        g_dbus_method_invocation_return_gerror(g_steal_pointer(&call->invocation), error);
    else
        g_dbus_method_invocation_return_value(g_steal_pointer(&call->invocation), NULL);
}

static void
hvd_vm_object_change_media(HvdVmObject *self, GDBusMethodInvocation *invocation,
                           const char *controller, guint number, guint location, const char *path)
{
    HvdVmStore *store = hvd_daemon_get_store(self->daemon);
    const char *uuid = berth_dbus_virtual_machine_get_uuid(BERTH_DBUS_VIRTUAL_MACHINE(self));
    g_autoptr(GError) error = NULL;
    g_autoptr(HvxVmDef) def = hvd_vm_store_dup_definition(store, uuid, &error);
    g_autofree char *node = NULL;
    HvxDriveDef *drive = NULL;
    HvdMediaCall *call;

    if (def != NULL)
        drive = (HvxDriveDef *)hvd_vm_media_find_drive(def, controller, number, location, &node,
                                                       &error);
    if (node == NULL) {
        g_dbus_method_invocation_return_gerror(invocation, error);
        return;
    }
    if (path != NULL && !g_path_is_absolute(path)) {
        g_dbus_method_invocation_return_error(invocation, BERTH_ERROR, BERTH_ERROR_FAILED,
                                              _("“%s” is not an absolute path"), path);
        return;
    }
    if (path != NULL && (!g_file_test(path, G_FILE_TEST_IS_REGULAR) || access(path, R_OK) != 0)) {
        g_dbus_method_invocation_return_error(invocation, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                                              _("The image %s does not exist or cannot be read"),
                                              path);
        return;
    }
    if (drive != NULL) {
        g_free(drive->path);
        drive->path = g_strdup(path);
    } else {
        g_free(def->floppy_path);
        def->floppy_path = g_strdup(path);
    }
    call = g_new0(HvdMediaCall, 1);
    call->self = g_object_ref(self);
    call->invocation = invocation; /* the handler's reference: ours to complete */
    call->xml = hvx_vm_def_format(def);
    hvd_vm_runner_change_media_async(self->runner, node, path, NULL, hvd_vm_object_media_changed,
                                     call);
}

static gboolean
hvd_vm_object_handle_insert_media(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation,
                                  const char *controller, guint number, guint location,
                                  const char *path)
{
    hvd_vm_object_change_media(HVD_VM_OBJECT(vm), invocation, controller, number, location, path);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
hvd_vm_object_handle_eject_media(BerthDBusVirtualMachine *vm, GDBusMethodInvocation *invocation,
                                 const char *controller, guint number, guint location)
{
    hvd_vm_object_change_media(HVD_VM_OBJECT(vm), invocation, controller, number, location, NULL);
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
    iface->handle_create_checkpoint = hvd_vm_object_handle_create_checkpoint;
    iface->handle_list_checkpoints = hvd_vm_object_handle_list_checkpoints;
    iface->handle_apply_checkpoint = hvd_vm_object_handle_apply_checkpoint;
    iface->handle_delete_checkpoint = hvd_vm_object_handle_delete_checkpoint;
    iface->handle_insert_media = hvd_vm_object_handle_insert_media;
    iface->handle_eject_media = hvd_vm_object_handle_eject_media;
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

/* VM.NetworkAdapters: on state changes, and once a second (uptime) while running, since DHCP
 * leases come and go. Only a real change is signalled. */
void
hvd_vm_object_sync_network(HvdVmObject *self)
{
    BerthDBusVirtualMachine *vm = BERTH_DBUS_VIRTUAL_MACHINE(self);
    const HvxVmDef *def = hvd_vm_store_lookup(hvd_daemon_get_store(self->daemon),
                                              berth_dbus_virtual_machine_get_uuid(vm));
    HvdVmState state = hvd_vm_runner_get_state(self->runner);
    gboolean running = state != HVD_VM_STATE_OFF && state != HVD_VM_STATE_SAVED;
    g_autoptr(GVariant) adapters = g_variant_ref_sink(
        hvd_network_vm_adapters(hvd_daemon_get_network(self->daemon), def, running));
    GVariant *current = berth_dbus_virtual_machine_get_network_adapters(vm);

    if (current == NULL || !g_variant_equal(current, adapters))
        berth_dbus_virtual_machine_set_network_adapters(vm, adapters);
}

static void
hvd_vm_object_runner_notify(HvdVmRunner *runner, GParamSpec *pspec, gpointer user_data)
{
    hvd_vm_object_sync(HVD_VM_OBJECT(user_data));
    if (g_str_equal(pspec->name, "state") || g_str_equal(pspec->name, "uptime"))
        hvd_vm_object_sync_network(HVD_VM_OBJECT(user_data));
}

static void
hvd_vm_object_serial_output(HvdVmRunner *runner, GBytes *data, guint64 offset, gpointer user_data)
{
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(data, &size);

    berth_dbus_virtual_machine_emit_serial_output(
        BERTH_DBUS_VIRTUAL_MACHINE(user_data),
        g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, bytes, size, 1), offset);
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
    hvd_vm_object_sync_network(self);
    {
        g_autoptr(HvdCheckpointTree) tree =
            hvd_checkpoint_tree_load(hvd_vm_runner_get_vm_dir(runner), NULL);

        hvd_vm_object_sync_checkpoint(self, tree);
    }
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
