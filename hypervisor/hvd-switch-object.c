/* hvd-switch-object.c: org.berth.Berth1.Switch, one per switch.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvd-daemon.h"
#include "hvd-switch-object.h"
#include "hvd-switch-store.h"

struct _HvdSwitchObject {
    BerthDBusSwitchSkeleton parent_instance;

    HvdDaemon *daemon;
};

static void hvd_switch_object_iface_init(BerthDBusSwitchIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(HvdSwitchObject, hvd_switch_object, BERTH_DBUS_TYPE_SWITCH_SKELETON,
                              G_IMPLEMENT_INTERFACE(BERTH_DBUS_TYPE_SWITCH,
                                                    hvd_switch_object_iface_init))

static gboolean
hvd_switch_object_handle_get_definition(BerthDBusSwitch *sw, GDBusMethodInvocation *invocation)
{
    HvdSwitchObject *self = HVD_SWITCH_OBJECT(sw);
    g_autoptr(GError) error = NULL;
    g_autofree char *xml =
        hvd_daemon_get_switch_definition(self->daemon, berth_dbus_switch_get_uuid(sw), &error);

    if (xml == NULL)
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_switch_complete_get_definition(sw, invocation, xml);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
hvd_switch_object_deleted(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GDBusMethodInvocation *invocation = user_data;
    g_autoptr(GError) error = NULL;

    if (!hvd_daemon_delete_switch_finish(HVD_DAEMON(source), result, &error))
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        g_dbus_method_invocation_return_value(invocation, NULL);
}

static gboolean
hvd_switch_object_handle_delete(BerthDBusSwitch *sw, GDBusMethodInvocation *invocation)
{
    HvdSwitchObject *self = HVD_SWITCH_OBJECT(sw);
    g_autofree char *uuid = berth_dbus_switch_dup_uuid(sw);

    /* The object may be gone by the end: complete through the invocation only. */
    hvd_daemon_delete_switch_async(self->daemon, uuid, hvd_switch_object_deleted, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
hvd_switch_object_iface_init(BerthDBusSwitchIface *iface)
{
    iface->handle_get_definition = hvd_switch_object_handle_get_definition;
    iface->handle_delete = hvd_switch_object_handle_delete;
}

static void
hvd_switch_object_class_init(HvdSwitchObjectClass *klass)
{
}

static void
hvd_switch_object_init(HvdSwitchObject *self)
{
}

HvdSwitchObject *
hvd_switch_object_new(HvdDaemon *daemon, const HvxSwitchDef *def)
{
    HvdSwitchObject *self;

    g_return_val_if_fail(daemon != NULL, NULL);
    g_return_val_if_fail(def != NULL && def->uuid != NULL, NULL);

    self = g_object_new(HVD_TYPE_SWITCH_OBJECT, "uuid", def->uuid, NULL);
    self->daemon = daemon;
    return self;
}

void
hvd_switch_object_update(HvdSwitchObject *self, const HvxSwitchDef *def, const char *status,
                         const char *const *connected_vms)
{
    BerthDBusSwitch *sw = BERTH_DBUS_SWITCH(self);
    g_autofree char *bridge = NULL;

    g_return_if_fail(HVD_IS_SWITCH_OBJECT(self));
    g_return_if_fail(def != NULL);

    bridge = hvx_switch_def_bridge_name(def);
    berth_dbus_switch_set_name(sw, def->name);
    berth_dbus_switch_set_switch_type(sw, hvx_switch_type_to_string(def->type));
    berth_dbus_switch_set_notes(sw, def->notes != NULL ? def->notes : "");
    berth_dbus_switch_set_adapter(sw, def->adapter_name != NULL ? def->adapter_name : "");
    berth_dbus_switch_set_share_with_host(sw, def->type == HVX_SWITCH_TYPE_EXTERNAL &&
                                                  def->adapter_share_with_host);
    berth_dbus_switch_set_address(sw, def->address != NULL ? def->address : "");
    berth_dbus_switch_set_nat(sw, def->nat);
    berth_dbus_switch_set_dhcp_range(
        sw, g_variant_new("(ss)", def->dhcp_first != NULL ? def->dhcp_first : "",
                          def->dhcp_last != NULL ? def->dhcp_last : ""));
    berth_dbus_switch_set_vlan(sw, def->has_vlan ? def->vlan : 0);
    berth_dbus_switch_set_bridge(sw, bridge != NULL ? bridge : "");
    berth_dbus_switch_set_is_default(sw, g_str_equal(def->name, HVD_DEFAULT_SWITCH_NAME));
    berth_dbus_switch_set_connected_vms(sw, connected_vms);
    berth_dbus_switch_set_status(sw, status != NULL ? status : "");
}
