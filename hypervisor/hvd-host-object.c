/* hvd-host-object.c: org.berth.Berth1.Host at /org/berth/Berth1.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "hvd-daemon.h"
#include "hvd-disk.h"
#include "hvd-error.h"
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
hvd_host_object_switch_defined(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GDBusMethodInvocation *invocation = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = hvd_daemon_define_switch_finish(HVD_DAEMON(source), result, &error);

    if (path == NULL)
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        g_dbus_method_invocation_return_value(invocation, g_variant_new("(o)", path));
}

static gboolean
hvd_host_object_handle_define_switch(BerthDBusHost *host, GDBusMethodInvocation *invocation,
                                     const char *xml)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);

    /* dnsmasq starts from the main loop: berthd answers other calls meanwhile. The invocation
     * is the handler's reference: ours to complete. */
    hvd_daemon_define_switch_async(self->daemon, xml, hvd_host_object_switch_defined, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
hvd_host_object_handle_find_switch(BerthDBusHost *host, GDBusMethodInvocation *invocation,
                                   const char *name_or_uuid)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);
    g_autoptr(GError) error = NULL;
    g_autofree char *path = hvd_daemon_find_switch(self->daemon, name_or_uuid, &error);

    if (path == NULL)
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_host_complete_find_switch(host, invocation, path);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
hvd_host_object_handle_list_adapters(BerthDBusHost *host, GDBusMethodInvocation *invocation)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);
    g_autoptr(GError) error = NULL;
    GVariant *adapters = hvd_network_list_adapters(hvd_daemon_get_network(self->daemon), &error);

    if (adapters == NULL)
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_host_complete_list_adapters(host, invocation, adapters);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
hvd_host_object_handle_set_mac_address_range(BerthDBusHost *host, GDBusMethodInvocation *invocation,
                                             const char *first, const char *last)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);
    HvdNetwork *network = hvd_daemon_get_network(self->daemon);
    g_autoptr(GError) error = NULL;
    g_autofree char *new_first = NULL;
    g_autofree char *new_last = NULL;

    if (!hvd_network_set_mac_range(network, first, last, &error)) {
        g_dbus_method_invocation_return_gerror(invocation, error);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    hvd_network_get_mac_range(network, &new_first, &new_last);
    berth_dbus_host_set_mac_address_range(host, g_variant_new("(ss)", new_first, new_last));
    /* Dynamic addresses of VMs that are off follow the new range. */
    hvd_daemon_refresh_switches(self->daemon);
    berth_dbus_host_complete_set_mac_address_range(host, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Disks: berthd runs as root on the system bus, so paths must be absolute (no working
 * directory of the caller's applies) and a disk a running VM uses is left alone. */
static gboolean
check_disk_path(HvdHostObject *self, const char *path, gboolean writing, GError **error)
{
    const char *user;

    if (!g_path_is_absolute(path)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("The path “%s” is not absolute"),
                    path);
        return FALSE;
    }
    user = writing ? hvd_daemon_find_disk_user(self->daemon, path) : NULL;
    if (user != NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_BUSY,
                    _("The disk “%s” is in use by the virtual machine “%s”"), path, user);
        return FALSE;
    }
    return TRUE;
}

static gboolean
return_job(HvdHostObject *self, GDBusMethodInvocation *invocation, HvdJob *job, GError *error)
{
    g_autofree char *path = NULL;

    if (job == NULL) {
        g_dbus_method_invocation_return_gerror(invocation, error);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    path = hvd_daemon_export_job(self->daemon, job);
    g_dbus_method_invocation_return_value(invocation, g_variant_new("(o)", path));
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
hvd_host_object_handle_create_disk(BerthDBusHost *host, GDBusMethodInvocation *invocation,
                                   const char *path, GVariant *options)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);
    g_autoptr(GError) error = NULL;
    g_autoptr(HvdJob) job = NULL;
    HvdDiskCreateOptions create = {0};

    if (check_disk_path(self, path, TRUE, &error) &&
        hvd_disk_create_options_from_variant(options, &create, &error))
        job = hvd_disk_create_job(path, &create, &error);
    return return_job(self, invocation, job, error);
}

static gboolean
hvd_host_object_handle_convert_disk(BerthDBusHost *host, GDBusMethodInvocation *invocation,
                                    const char *source, const char *target, GVariant *options)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);
    g_autoptr(GError) error = NULL;
    g_autoptr(HvdJob) job = NULL;
    HvdDiskFormat format = HVD_DISK_FORMAT_AUTO;
    gboolean fixed = FALSE;

    if (check_disk_path(self, source, FALSE, &error) &&
        check_disk_path(self, target, TRUE, &error) &&
        hvd_disk_convert_options_from_variant(options, &format, &fixed, &error))
        job = hvd_disk_convert_job(source, target, format, fixed, &error);
    return return_job(self, invocation, job, error);
}

static gboolean
hvd_host_object_handle_resize_disk(BerthDBusHost *host, GDBusMethodInvocation *invocation,
                                   const char *path, guint64 size_bytes)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);
    g_autoptr(GError) error = NULL;
    g_autoptr(HvdJob) job = NULL;

    if (check_disk_path(self, path, TRUE, &error))
        job = hvd_disk_resize_job(path, size_bytes, &error);
    return return_job(self, invocation, job, error);
}

static void
hvd_host_object_inspect_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GDBusMethodInvocation *invocation = user_data; /* completed here */
    g_autoptr(GError) error = NULL;
    g_autoptr(HvdDiskInfo) info = hvd_disk_inspect_finish(result, &error);

    if (info == NULL)
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        g_dbus_method_invocation_return_value(
            invocation, g_variant_new_tuple((GVariant *[]){hvd_disk_info_to_variant(info)}, 1));
}

static gboolean
hvd_host_object_handle_inspect_disk(BerthDBusHost *host, GDBusMethodInvocation *invocation,
                                    const char *path)
{
    HvdHostObject *self = HVD_HOST_OBJECT(host);
    g_autoptr(GError) error = NULL;

    if (!check_disk_path(self, path, FALSE, &error)) {
        g_dbus_method_invocation_return_gerror(invocation, error);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    hvd_disk_inspect_async(path, NULL, hvd_host_object_inspect_done, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
hvd_host_object_iface_init(BerthDBusHostIface *iface)
{
    iface->handle_create_disk = hvd_host_object_handle_create_disk;
    iface->handle_convert_disk = hvd_host_object_handle_convert_disk;
    iface->handle_resize_disk = hvd_host_object_handle_resize_disk;
    iface->handle_inspect_disk = hvd_host_object_handle_inspect_disk;
    iface->handle_define_virtual_machine = hvd_host_object_handle_define_virtual_machine;
    iface->handle_find_virtual_machine = hvd_host_object_handle_find_virtual_machine;
    iface->handle_define_switch = hvd_host_object_handle_define_switch;
    iface->handle_find_switch = hvd_host_object_handle_find_switch;
    iface->handle_list_adapters = hvd_host_object_handle_list_adapters;
    iface->handle_set_mac_address_range = hvd_host_object_handle_set_mac_address_range;
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
