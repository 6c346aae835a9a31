/* vmc-berth.c: finds berthd's bus through the client library (like the berth CLI), watches
 * berthd's bus name, and finds the VM again whenever berthd (re)appears. The SPICE connection
 * itself does not need berthd once open (its sockets go straight to QEMU), so berthd going away
 * only takes the VM's actions away until it returns.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "vmc-berth.h"

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
on_vm_found(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VmcBerth) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = berth_client_find_vm_finish(result, &error);

    if (vm == NULL) {
        g_autofree char *message = NULL;

        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        message = berth_client_error_message(error);
        set_problem(self, message);
        return;
    }
    set_problem(self, NULL);
    set_vm(self, vm);
}

static void
on_name_appeared(GDBusConnection *connection, const char *name, const char *owner,
                 gpointer user_data)
{
    VmcBerth *self = user_data;

    berth_client_find_vm(connection, self->vm_name, self->cancellable, on_vm_found,
                         g_object_ref(self));
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

static void
on_bus_found(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VmcBerth) self = user_data;
    g_autoptr(GError) error = NULL;

    self->connection = berth_client_connect_finish(result, &error);
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
    g_return_if_fail(VMC_IS_BERTH(self));
    g_return_if_fail(self->connection == NULL);

    berth_client_connect(self->bus_address, self->cancellable, on_bus_found, g_object_ref(self));
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
