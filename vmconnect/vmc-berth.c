/* vmc-berth.c: finds berthd's bus the way the berth CLI does, watches berthd's bus name, and
 * finds the VM again whenever berthd (re)appears. The SPICE connection itself does not need
 * berthd once open (its sockets go straight to QEMU), so berthd going away only takes the VM's
 * actions away until it returns.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "vmc-berth.h"

#define BERTH_BUS_NAME    "org.berth.Berth1"
#define BERTH_OBJECT_PATH "/org/berth/Berth1"

struct _VmcBerth {
    GObject parent_instance;

    char *bus_address;
    char *vm_name; /* what the user asked for; the UUID once found, so renames do not matter */
    GDBusConnection *connection;
    guint watch;
    BerthDBusVirtualMachine *vm;
    char *problem;
    gboolean fatal;
    gboolean had_vm;
    GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE(VmcBerth, vmc_berth, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_VM,
    PROP_PROBLEM,
    N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
set_problem(VmcBerth *self, const char *problem)
{
    if (g_strcmp0(self->problem, problem) == 0)
        return;
    g_free(self->problem);
    self->problem = g_strdup(problem);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_PROBLEM]);
}

static void
set_vm(VmcBerth *self, BerthDBusVirtualMachine *vm)
{
    if (self->vm == vm)
        return;
    g_set_object(&self->vm, vm);
    if (vm != NULL) {
        self->had_vm = TRUE;
        if (berth_dbus_virtual_machine_get_uuid(vm) != NULL) {
            g_free(self->vm_name);
            self->vm_name = g_strdup(berth_dbus_virtual_machine_get_uuid(vm));
        }
    }
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_VM]);
}

/* --- finding the VM --------------------------------------------------------------------------- */

static void
on_vm_proxy(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VmcBerth) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;

    vm = berth_dbus_virtual_machine_proxy_new_finish(result, &error);
    if (vm == NULL) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_autofree char *message =
                g_strdup_printf(_("Cannot reach the virtual machine: %s"), error->message);
            set_problem(self, message);
        }
        return;
    }
    /* Long calls (Start waits for the guest) must not time out on the client side. */
    g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(vm), G_MAXINT);
    set_problem(self, NULL);
    set_vm(self, vm);
}

static void
on_find_vm(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VmcBerth) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = NULL;
    const char *path;

    reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
    if (reply == NULL) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        g_dbus_error_strip_remote_error(error);
        set_problem(self, error->message);
        return;
    }
    g_variant_get(reply, "(&o)", &path);
    berth_dbus_virtual_machine_proxy_new(self->connection, G_DBUS_PROXY_FLAGS_NONE, BERTH_BUS_NAME,
                                         path, self->cancellable, on_vm_proxy, g_object_ref(self));
}

static void
on_name_appeared(GDBusConnection *connection, const char *name, const char *owner,
                 gpointer user_data)
{
    VmcBerth *self = user_data;

    g_dbus_connection_call(connection, BERTH_BUS_NAME, BERTH_OBJECT_PATH, "org.berth.Berth1.Host",
                           "FindVirtualMachine", g_variant_new("(s)", self->vm_name),
                           G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
                           on_find_vm, g_object_ref(self));
}

static void
on_name_vanished(GDBusConnection *connection, const char *name, gpointer user_data)
{
    VmcBerth *self = user_data;

    if (connection == NULL) {
        self->fatal = TRUE;
        set_problem(self, _("The connection to berthd's bus was lost."));
        set_vm(self, NULL);
        return;
    }
    set_problem(self, self->had_vm
                          ? _("berthd has stopped. The screen keeps working; the virtual "
                              "machine's actions come back when berthd returns.")
                          : _("berthd is not running on this bus. Waiting for it to start…"));
    set_vm(self, NULL);
}

/* --- finding the bus -------------------------------------------------------------------------- */

/* berthd owns its name there, or the bus can start it. */
static gboolean
bus_has_berthd(GDBusConnection *connection)
{
    g_autoptr(GVariant) owner = NULL;
    g_autoptr(GVariant) activatable = NULL;
    g_autofree const char **names = NULL;
    gboolean has_owner = FALSE;

    owner = g_dbus_connection_call_sync(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", "NameHasOwner",
                                        g_variant_new("(s)", BERTH_BUS_NAME), G_VARIANT_TYPE("(b)"),
                                        G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
    if (owner != NULL)
        g_variant_get(owner, "(b)", &has_owner);
    if (has_owner)
        return TRUE;
    activatable = g_dbus_connection_call_sync(connection, "org.freedesktop.DBus",
                                              "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                              "ListActivatableNames", NULL, G_VARIANT_TYPE("(as)"),
                                              G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
    if (activatable == NULL)
        return FALSE;
    g_variant_get(activatable, "(^a&s)", &names);
    return g_strv_contains(names, BERTH_BUS_NAME);
}

/* In a thread: connecting to a bus blocks. */
static void
find_bus_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    const char *address = task_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) system = NULL;
    GDBusConnection *connection;

    if (address == NULL || *address == '\0')
        address = g_getenv("BERTH_BUS_ADDRESS");
    if (address != NULL && *address != '\0') {
        connection = g_dbus_connection_new_for_address_sync(
            address,
            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
            NULL, cancellable, &error);
        if (connection == NULL) {
            g_task_return_new_error(task, error->domain, error->code,
                                    _("Cannot connect to berthd's bus %s: %s"), address,
                                    error->message);
            return;
        }
        g_task_return_pointer(task, connection, g_object_unref);
        return;
    }
    system = g_bus_get_sync(G_BUS_TYPE_SYSTEM, cancellable, NULL);
    if (system != NULL && bus_has_berthd(system)) {
        g_task_return_pointer(task, g_steal_pointer(&system), g_object_unref);
        return;
    }
    connection = g_bus_get_sync(G_BUS_TYPE_SESSION, cancellable, &error);
    if (connection == NULL) {
        g_task_return_new_error(task, error->domain, error->code,
                                _("berthd is on neither the system bus nor a session bus: %s"),
                                error->message);
        return;
    }
    g_task_return_pointer(task, connection, g_object_unref);
}

static void
on_bus_found(GObject *source, GAsyncResult *result, gpointer user_data)
{
    VmcBerth *self = VMC_BERTH(source);
    g_autoptr(GError) error = NULL;

    self->connection = g_task_propagate_pointer(G_TASK(result), &error);
    if (self->connection == NULL) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        self->fatal = TRUE;
        set_problem(self, error->message);
        return;
    }
    g_dbus_connection_set_exit_on_close(self->connection, FALSE);
    self->watch = g_bus_watch_name_on_connection(self->connection, BERTH_BUS_NAME,
                                                 G_BUS_NAME_WATCHER_FLAGS_NONE, on_name_appeared,
                                                 on_name_vanished, self, NULL);
}

void
vmc_berth_start(VmcBerth *self)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(VMC_IS_BERTH(self));
    g_return_if_fail(self->connection == NULL);

    task = g_task_new(self, self->cancellable, on_bus_found, NULL);
    g_task_set_task_data(task, g_strdup(self->bus_address), g_free);
    g_task_run_in_thread(task, find_bus_thread);
}

/* --- object ----------------------------------------------------------------------------------- */

BerthDBusVirtualMachine *
vmc_berth_get_vm(VmcBerth *self)
{
    g_return_val_if_fail(VMC_IS_BERTH(self), NULL);
    return self->vm;
}

const char *
vmc_berth_get_problem(VmcBerth *self)
{
    g_return_val_if_fail(VMC_IS_BERTH(self), NULL);
    return self->problem;
}

gboolean
vmc_berth_get_fatal(VmcBerth *self)
{
    g_return_val_if_fail(VMC_IS_BERTH(self), FALSE);
    return self->fatal;
}

static void
vmc_berth_dispose(GObject *object)
{
    VmcBerth *self = VMC_BERTH(object);

    g_cancellable_cancel(self->cancellable);
    if (self->watch != 0) {
        g_bus_unwatch_name(self->watch);
        self->watch = 0;
    }
    g_clear_object(&self->vm);
    g_clear_object(&self->connection);
    g_clear_object(&self->cancellable);
    G_OBJECT_CLASS(vmc_berth_parent_class)->dispose(object);
}

static void
vmc_berth_finalize(GObject *object)
{
    VmcBerth *self = VMC_BERTH(object);

    g_free(self->bus_address);
    g_free(self->vm_name);
    g_free(self->problem);
    G_OBJECT_CLASS(vmc_berth_parent_class)->finalize(object);
}

static void
vmc_berth_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    VmcBerth *self = VMC_BERTH(object);

    switch (prop_id) {
    case PROP_VM:
        g_value_set_object(value, self->vm);
        break;
    case PROP_PROBLEM:
        g_value_set_string(value, self->problem);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_berth_class_init(VmcBerthClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = vmc_berth_dispose;
    object_class->finalize = vmc_berth_finalize;
    object_class->get_property = vmc_berth_get_property;

    properties[PROP_VM] =
        g_param_spec_object("vm", NULL, NULL, BERTH_DBUS_TYPE_VIRTUAL_MACHINE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_PROBLEM] =
        g_param_spec_string("problem", NULL, NULL, NULL,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
vmc_berth_init(VmcBerth *self)
{
    self->cancellable = g_cancellable_new();
}

VmcBerth *
vmc_berth_new(const char *bus_address, const char *vm)
{
    VmcBerth *self;

    g_return_val_if_fail(vm != NULL, NULL);

    self = g_object_new(VMC_TYPE_BERTH, NULL);
    self->bus_address = g_strdup(bus_address);
    self->vm_name = g_strdup(vm);
    return self;
}
