/* hvd-vm-object.c: org.berth.Berth1.VirtualMachine, one per VM at /org/berth/Berth1/vm/<uuid>.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "hvd-daemon.h"
#include "hvd-error.h"
#include "hvd-vm-object.h"

struct _HvdVmObject {
    BerthDBusVirtualMachineSkeleton parent_instance;

    HvdDaemon *daemon;
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
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = g_strdup(berth_dbus_virtual_machine_get_uuid(vm));

    /* The object may be gone once this returns: complete first is not possible (a failure must
     * be reported), so keep it alive until the reply is sent. */
    g_object_ref(self);
    if (!hvd_daemon_delete_vm(self->daemon, uuid, delete_disks, &error))
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_virtual_machine_complete_delete(vm, invocation);
    g_object_unref(self);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
hvd_vm_object_iface_init(BerthDBusVirtualMachineIface *iface)
{
    iface->handle_get_definition = hvd_vm_object_handle_get_definition;
    iface->handle_rename = hvd_vm_object_handle_rename;
    iface->handle_delete = hvd_vm_object_handle_delete;
}

static void
hvd_vm_object_class_init(HvdVmObjectClass *klass)
{
}

static void
hvd_vm_object_init(HvdVmObject *self)
{
}

HvdVmObject *
hvd_vm_object_new(HvdDaemon *daemon, const HvxVmDef *def)
{
    static const char *const no_actions[] = {NULL};
    HvdVmObject *self;

    g_return_val_if_fail(daemon != NULL, NULL);
    g_return_val_if_fail(def != NULL && def->uuid != NULL, NULL);

    self = g_object_new(HVD_TYPE_VM_OBJECT, "uuid", def->uuid, "state", "Off", "status", "",
                        "allowed-actions", no_actions, "heartbeat", "", "accelerator", "", NULL);
    self->daemon = daemon;
    hvd_vm_object_update(self, def);
    return self;
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
