/* hvd-host-object.c: org.berth.Berth1.Host at /org/berth/Berth1.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvd-daemon.h"
#include "hvd-host-object.h"

struct _HvdHostObject {
    BerthDBusHostSkeleton parent_instance;

    HvdDaemon *daemon;
};

static void hvd_host_object_iface_init(BerthDBusHostIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(HvdHostObject, hvd_host_object, BERTH_DBUS_TYPE_HOST_SKELETON,
                              G_IMPLEMENT_INTERFACE(BERTH_DBUS_TYPE_HOST,
                                                    hvd_host_object_iface_init))

static gboolean
hvd_host_object_handle_define_virtual_machine(BerthDBusHost *host,
                                              GDBusMethodInvocation *invocation, const char *xml)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);
    g_autoptr(GError) error = NULL;
    g_autofree char *path = hvd_daemon_define_vm(self->daemon, xml, &error);

    if (path == NULL)
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_host_complete_define_virtual_machine(host, invocation, path);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
hvd_host_object_handle_find_virtual_machine(BerthDBusHost *host, GDBusMethodInvocation *invocation,
                                            const char *name_or_uuid)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);
    g_autoptr(GError) error = NULL;
    g_autofree char *path = hvd_daemon_find_vm(self->daemon, name_or_uuid, &error);

    if (path == NULL)
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_host_complete_find_virtual_machine(host, invocation, path);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
hvd_host_object_iface_init(BerthDBusHostIface *iface)
{
    iface->handle_define_virtual_machine = hvd_host_object_handle_define_virtual_machine;
    iface->handle_find_virtual_machine = hvd_host_object_handle_find_virtual_machine;
}

static void
hvd_host_object_class_init(HvdHostObjectClass *klass)
{
}

static void
hvd_host_object_init(HvdHostObject *self)
{
}

HvdHostObject *
hvd_host_object_new(HvdDaemon *daemon, const char *accelerator, const char *accelerator_reason,
                    GVariant *capabilities)
{
    HvdHostObject *self;
    g_autoptr(GVariant) caps = g_variant_ref_sink(capabilities);

    g_return_val_if_fail(daemon != NULL, NULL);
    g_return_val_if_fail(g_variant_is_of_type(capabilities, G_VARIANT_TYPE_VARDICT), NULL);

    self = g_object_new(HVD_TYPE_HOST_OBJECT, "version", BERTH_VERSION, "accelerator", accelerator,
                        "accelerator-reason", accelerator_reason, "capabilities", caps, NULL);
    self->daemon = daemon;
    return self;
}
