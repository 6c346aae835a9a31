/* hvd-network.c: berthd's side of virtual switches: the stored switch definitions, the kernel
 * through vswitch/, the MAC address range, and the ports of running VMs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <net/if.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "hvd-error.h"
#include "hvd-network.h"
#include "vsw-network.h"
#include "vsw-platform-linux.h"

/* CapEff's bit for CAP_NET_ADMIN (linux/capability.h). */
#define CAP_NET_ADMIN_BIT 12

struct _HvdNetwork {
    GObject parent_instance;

    char *state_dir;
    char *runtime_dir;
    HvdSwitchStore *store;
    HvxMacRange mac_range;
    VswNetwork *vsw;       /* NULL when berthd may not change the network */
    char *cannot_manage;   /* why not, for switch statuses; NULL when it may */
    GHashTable *port_macs; /* tap → the MAC QEMU got, while it runs (the range may change) */
};

G_DEFINE_FINAL_TYPE(HvdNetwork, hvd_network, G_TYPE_OBJECT)

static void
hvd_network_finalize(GObject *object)
{
    HvdNetwork *self = HVD_NETWORK(object);

    g_clear_object(&self->vsw);
    g_clear_object(&self->store);
    g_clear_pointer(&self->port_macs, g_hash_table_unref);
    g_free(self->cannot_manage);
    g_free(self->state_dir);
    g_free(self->runtime_dir);
    G_OBJECT_CLASS(hvd_network_parent_class)->finalize(object);
}

static void
hvd_network_class_init(HvdNetworkClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = hvd_network_finalize;
}

static void
hvd_network_init(HvdNetwork *self)
{
    self->port_macs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

HvdNetwork *
hvd_network_new(const char *state_dir, const char *runtime_dir)
{
    HvdNetwork *self;

    g_return_val_if_fail(state_dir != NULL && runtime_dir != NULL, NULL);

    self = g_object_new(HVD_TYPE_NETWORK, NULL);
    self->state_dir = g_strdup(state_dir);
    self->runtime_dir = g_strdup(runtime_dir);
    self->store = hvd_switch_store_new(state_dir);
    hvd_mac_range_default(&self->mac_range);
    return self;
}

HvdSwitchStore *
hvd_network_get_store(HvdNetwork *self)
{
    g_return_val_if_fail(HVD_IS_NETWORK(self), NULL);
    return self->store;
}

gboolean
hvd_network_can_manage(HvdNetwork *self)
{
    g_return_val_if_fail(HVD_IS_NETWORK(self), FALSE);
    return self->vsw != NULL;
}

static gboolean
has_cap_net_admin(void)
{
    g_autofree char *status = NULL;
    const char *line;
    guint64 caps;

    if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
        return geteuid() == 0;
    line = strstr(status, "\nCapEff:");
    if (line == NULL)
        return geteuid() == 0;
    caps = g_ascii_strtoull(line + strlen("\nCapEff:"), NULL, 16);
    return (caps >> CAP_NET_ADMIN_BIT) & 1;
}

static VswPlatform *
new_platform(GError **error)
{
    VswPlatform *platform = vsw_platform_linux_new(error);

    /* Tests fake a wireless adapter with a sysfs tree of their own. */
    if (platform != NULL && g_getenv("BERTH_TEST_SYSFS_ROOT") != NULL)
        vsw_platform_linux_set_sysfs_root(VSW_PLATFORM_LINUX(platform),
                                          g_getenv("BERTH_TEST_SYSFS_ROOT"));
    return platform;
}

/* vswitch/ on the kernel, or why not (kept for statuses). */
static void
open_vsw(HvdNetwork *self)
{
    g_autoptr(VswPlatform) platform = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *state = g_build_filename(self->state_dir, "network", NULL);
    g_autofree char *runtime = g_build_filename(self->runtime_dir, "network", NULL);

    if (!has_cap_net_admin()) {
        self->cannot_manage =
            g_strdup(_("Needs administrator rights (CAP_NET_ADMIN) to create the bridge; run "
                       "berthd as the system service. Until then VMs on it use user-mode "
                       "networking"));
        return;
    }
    platform = new_platform(&error);
    if (platform != NULL)
        self->vsw = vsw_network_new(platform, state, runtime, &error);
    if (self->vsw == NULL)
        /* Translators: %s says why, e.g. a netlink error. */
        self->cannot_manage = g_strdup_printf(
            _("Cannot reach the kernel’s network configuration: %s"), error->message);
}

/* The Default Switch: internal, NAT and DHCP, on a private /24 no route of the host uses. NULL
 * (with a warning) when it cannot be made. */
static HvxSwitchDef *
default_switch_def(HvdNetwork *self)
{
    g_autoptr(HvxSwitchDef) def = hvx_switch_def_new(HVX_SWITCH_TYPE_INTERNAL);
    g_autoptr(GError) error = NULL;
    g_autofree char *address = NULL;
    HvxIpv4Cidr host;

    if (self->vsw != NULL) {
        address = vsw_network_pick_subnet(self->vsw, &error);
        if (address == NULL) {
            g_warning(_("Cannot make the Default Switch: %s"), error->message);
            return NULL;
        }
    } else {
        address = g_strdup("192.168.211.1/24");
    }
    if (!hvx_ipv4_host_cidr_parse(address, NULL, &host, &error)) {
        g_warning(_("Cannot make the Default Switch: %s"), error->message);
        return NULL;
    }
    def->name = g_strdup(HVD_DEFAULT_SWITCH_NAME);
    def->notes = g_strdup(_("Made by Berth on its first start: VMs on it reach the outside "
                            "through NAT and get their addresses by DHCP."));
    def->address = g_strdup(address);
    def->nat = TRUE;
    /* .100-.199 of the /24 vsw_network_pick_subnet() gives, like Hyper-V's. */
    def->dhcp_first = hvx_ipv4_to_string(hvx_ipv4_cidr_network(&host) + 100);
    def->dhcp_last = hvx_ipv4_to_string(hvx_ipv4_cidr_network(&host) + 199);
    hvx_switch_def_ensure_uuid(def);
    return g_steal_pointer(&def);
}

/* Takes @task (holding the Default Switch's definition): stores it. */
static void
start_store_default(HvdNetwork *self, GTask *task)
{
    HvxSwitchDef *def = g_object_steal_data(G_OBJECT(task), "default-switch");
    g_autofree char *address = g_strdup(def->address);
    g_autoptr(GError) error = NULL;

    if (!hvd_switch_store_save(self->store, def, &error))
        g_warning(_("Cannot make the Default Switch: %s"), error->message);
    else
        g_info("Made the Default Switch on %s", address);
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

static void
start_default_applied(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    g_autoptr(GError) error = NULL;

    if (!vsw_network_apply_switch_finish(VSW_NETWORK(source), result, &error)) {
        g_warning(_("Cannot make the Default Switch: %s"), error->message);
        g_task_return_boolean(task, TRUE);
        g_object_unref(task);
        return;
    }
    start_store_default(g_task_get_source_object(task), task);
}

/* Takes @task: on the first start, the Default Switch. */
static void
start_default_switch(HvdNetwork *self, GTask *task)
{
    gboolean first_start = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(task), "first-start"));
    g_autoptr(GError) error = NULL;
    HvxSwitchDef *def;

    def = first_start ? default_switch_def(self) : NULL;
    if (def == NULL) {
        g_task_return_boolean(task, TRUE);
        g_object_unref(task);
        return;
    }
    g_object_set_data_full(G_OBJECT(task), "default-switch", def,
                           (GDestroyNotify)hvx_switch_def_free);
    if (self->vsw == NULL) {
        start_store_default(self, task);
        return;
    }
    if (!vsw_network_check_switch(self->vsw, def, &error)) {
        g_warning(_("Cannot make the Default Switch: %s"), error->message);
        g_task_return_boolean(task, TRUE);
        g_object_unref(task);
        return;
    }
    vsw_network_apply_switch_async(self->vsw, def, start_default_applied, task);
}

static void
start_synced(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    g_autoptr(GError) error = NULL;

    if (!vsw_network_sync_finish(VSW_NETWORK(source), result, &error))
        g_warning(_("Cannot bring the virtual switches up: %s"), error->message);
    start_default_switch(g_task_get_source_object(task), task);
}

void
hvd_network_start_async(HvdNetwork *self, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task;
    gboolean first_start = FALSE;
    GError *error = NULL;

    g_return_if_fail(HVD_IS_NETWORK(self));

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, hvd_network_start_async);
    if (!hvd_switch_store_load(self->store, &first_start, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    g_object_set_data(G_OBJECT(task), "first-start", GINT_TO_POINTER(first_start));
    hvd_mac_range_load(self->state_dir, &self->mac_range);
    open_vsw(self);
    if (self->vsw == NULL) {
        g_info("Virtual switches inactive: %s", self->cannot_manage);
        start_default_switch(self, task);
        return;
    }
    {
        g_autoptr(GPtrArray) defs = hvd_switch_store_get_definitions(self->store);

        vsw_network_sync_async(self->vsw, defs, start_synced, task);
    }
}

gboolean
hvd_network_start_finish(HvdNetwork *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* One DefineSwitch under way. */
typedef struct {
    HvxSwitchDef *def; /* until stored */
    HvxSwitchDef *old; /* an update: the switch as it was */
    char *uuid;
    GError *error; /* why storing failed, while the kernel gets the old shape back */
} DefineData;

static void
define_data_free(DefineData *data)
{
    g_clear_pointer(&data->def, hvx_switch_def_free);
    g_clear_pointer(&data->old, hvx_switch_def_free);
    g_free(data->uuid);
    g_clear_error(&data->error);
    g_free(data);
}

static void
define_undone(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    DefineData *data = g_task_get_task_data(task);
    g_autoptr(GError) undo_error = NULL;
    gboolean ok = data->old != NULL
                      ? vsw_network_apply_switch_finish(VSW_NETWORK(source), result, &undo_error)
                      : vsw_network_remove_switch_finish(VSW_NETWORK(source), result, &undo_error);

    if (!ok)
        g_warning("Cannot undo the switch %s: %s", data->uuid, undo_error->message);
    g_task_return_error(task, g_steal_pointer(&data->error));
    g_object_unref(task);
}

static void
define_applied(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    HvdNetwork *self = g_task_get_source_object(task);
    DefineData *data = g_task_get_task_data(task);
    GError *error = NULL;
    const HvxSwitchDef *stored;

    if (!vsw_network_apply_switch_finish(VSW_NETWORK(source), result, &error)) {
        g_task_return_error(task, hvd_error_from_vsw(error, BERTH_ERROR_FAILED));
        g_object_unref(task);
        return;
    }
    if (!hvd_switch_store_save(self->store, g_steal_pointer(&data->def), &data->error)) {
        /* What the kernel has must match what is stored: put the old shape back. */
        if (data->old != NULL)
            vsw_network_apply_switch_async(self->vsw, data->old, define_undone, task);
        else
            vsw_network_remove_switch_async(self->vsw, data->uuid, define_undone, task);
        return;
    }
    stored = hvd_switch_store_lookup(self->store, data->uuid);
    g_info("%s switch %s (%s)", data->old != NULL ? "Updated" : "Created", data->uuid,
           stored->name);
    g_task_return_pointer(task, g_strdup(data->uuid), g_free);
    g_object_unref(task);
}

void
hvd_network_define_switch_async(HvdNetwork *self, const char *xml, GAsyncReadyCallback callback,
                                gpointer user_data)
{
    GTask *task;
    DefineData *data;
    GError *error = NULL;
    const HvxSwitchDef *stored;

    g_return_if_fail(HVD_IS_NETWORK(self));

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, hvd_network_define_switch_async);
    data = g_new0(DefineData, 1);
    g_task_set_task_data(task, data, (GDestroyNotify)define_data_free);
    data->def = hvd_switch_store_prepare(self->store, xml, &error);
    if (data->def == NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    if (self->vsw == NULL) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_PERMISSION_DENIED,
                                _("Cannot create or change virtual switches: %s"),
                                self->cannot_manage);
        g_object_unref(task);
        return;
    }
    if (!vsw_network_check_switch(self->vsw, data->def, &error)) {
        g_task_return_error(task, hvd_error_from_vsw(error, BERTH_ERROR_INVALID_DEFINITION));
        g_object_unref(task);
        return;
    }
    data->uuid = g_strdup(data->def->uuid);
    stored = hvd_switch_store_lookup(self->store, data->uuid);
    if (stored != NULL) {
        g_autofree char *text = hvx_switch_def_format(stored);

        data->old = hvx_switch_def_parse_string(text, -1, HVD_SWITCH_STORE_DEFINITION_NAME, NULL);
    }
    vsw_network_apply_switch_async(self->vsw, data->def, define_applied, task);
}

char *
hvd_network_define_switch_finish(HvdNetwork *self, GAsyncResult *result, char **ret_old_name,
                                 GError **error)
{
    DefineData *data;
    char *uuid;

    g_return_val_if_fail(g_task_is_valid(result, self), NULL);

    data = g_task_get_task_data(G_TASK(result));
    uuid = g_task_propagate_pointer(G_TASK(result), error);
    if (ret_old_name != NULL)
        *ret_old_name = uuid != NULL && data->old != NULL ? g_strdup(data->old->name) : NULL;
    return uuid;
}

static void
delete_removed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    HvdNetwork *self = g_task_get_source_object(task);
    GError *error = NULL;

    if (!vsw_network_remove_switch_finish(VSW_NETWORK(source), result, &error) ||
        !hvd_switch_store_delete(self->store, g_task_get_task_data(task), &error)) {
        g_task_return_error(task, hvd_error_from_vsw(error, BERTH_ERROR_FAILED));
    } else {
        g_task_return_boolean(task, TRUE);
    }
    g_object_unref(task);
}

void
hvd_network_delete_switch_async(HvdNetwork *self, const char *uuid, GAsyncReadyCallback callback,
                                gpointer user_data)
{
    GTask *task;
    GError *error = NULL;

    g_return_if_fail(HVD_IS_NETWORK(self));
    g_return_if_fail(uuid != NULL);

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, hvd_network_delete_switch_async);
    g_task_set_task_data(task, g_strdup(uuid), g_free);
    if (hvd_switch_store_lookup(self->store, uuid) == NULL) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                                _("No virtual switch “%s”"), uuid);
        g_object_unref(task);
        return;
    }
    if (self->vsw != NULL) {
        vsw_network_remove_switch_async(self->vsw, uuid, delete_removed, task);
        return;
    }
    if (!hvd_switch_store_delete(self->store, uuid, &error))
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

gboolean
hvd_network_delete_switch_finish(HvdNetwork *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

char *
hvd_network_switch_status(HvdNetwork *self, const char *uuid)
{
    const char *status;

    g_return_val_if_fail(HVD_IS_NETWORK(self), NULL);

    if (self->vsw == NULL)
        return g_strdup(self->cannot_manage);
    status = vsw_network_switch_status(self->vsw, uuid);
    return g_strdup(status != NULL ? status : _("Active"));
}

/* The stored switch whose bridge is @bridge, else NULL. */
static const HvxSwitchDef *
switch_for_bridge(HvdNetwork *self, const char *bridge)
{
    g_autoptr(GPtrArray) defs = hvd_switch_store_get_definitions(self->store);

    for (guint i = 0; i < defs->len; i++) {
        const HvxSwitchDef *def = g_ptr_array_index(defs, i);
        g_autofree char *name = hvx_switch_def_bridge_name(def);

        if (g_strcmp0(name, bridge) == 0)
            return def;
    }
    return NULL;
}

GVariant *
hvd_network_list_adapters(HvdNetwork *self, GError **error)
{
    g_autoptr(VswPlatform) platform = NULL;
    g_autoptr(VswNetwork) vsw = NULL;
    g_autoptr(GPtrArray) adapters = NULL;
    GVariantBuilder builder;
    GError *local_error = NULL;

    g_return_val_if_fail(HVD_IS_NETWORK(self), NULL);

    if (self->vsw != NULL) {
        vsw = g_object_ref(self->vsw);
    } else {
        /* Reading the adapters needs no privilege; only changing them does. */
        g_autofree char *state = g_build_filename(self->state_dir, "network", NULL);
        g_autofree char *runtime = g_build_filename(self->runtime_dir, "network", NULL);

        platform = new_platform(&local_error);
        if (platform != NULL)
            vsw = vsw_network_new(platform, state, runtime, &local_error);
        if (vsw == NULL) {
            g_propagate_error(error, hvd_error_from_vsw(local_error, BERTH_ERROR_FAILED));
            return NULL;
        }
    }
    adapters = vsw_network_list_adapters(vsw, &local_error);
    if (adapters == NULL) {
        g_propagate_error(error, hvd_error_from_vsw(local_error, BERTH_ERROR_FAILED));
        return NULL;
    }
    g_variant_builder_init(&builder, G_VARIANT_TYPE("aa{sv}"));
    for (guint i = 0; i < adapters->len; i++) {
        const VswAdapter *adapter = g_ptr_array_index(adapters, i);
        const HvxSwitchDef *owner =
            adapter->used_by != NULL ? switch_for_bridge(self, adapter->used_by) : NULL;
        const char *const empty[] = {NULL};

        g_variant_builder_open(&builder, G_VARIANT_TYPE_VARDICT);
        g_variant_builder_add(&builder, "{sv}", "name", g_variant_new_string(adapter->name));
        g_variant_builder_add(&builder, "{sv}", "kind",
                              g_variant_new_string(adapter->wireless ? "wireless" : "wired"));
        g_variant_builder_add(&builder, "{sv}", "up", g_variant_new_boolean(adapter->up));
        g_variant_builder_add(&builder, "{sv}", "mac",
                              g_variant_new_string(adapter->mac != NULL ? adapter->mac : ""));
        g_variant_builder_add(
            &builder, "{sv}", "addresses",
            g_variant_new_strv(
                adapter->addresses != NULL ? (const char *const *)adapter->addresses : empty, -1));
        g_variant_builder_add(&builder, "{sv}", "used-by",
                              g_variant_new_string(owner != NULL              ? owner->name
                                                   : adapter->used_by != NULL ? adapter->used_by
                                                                              : ""));
        g_variant_builder_add(&builder, "{sv}", "usable", g_variant_new_boolean(adapter->usable));
        g_variant_builder_add(&builder, "{sv}", "reason",
                              g_variant_new_string(adapter->reason != NULL ? adapter->reason : ""));
        g_variant_builder_close(&builder);
    }
    return g_variant_builder_end(&builder);
}

void
hvd_network_get_mac_range(HvdNetwork *self, char **ret_first, char **ret_last)
{
    g_return_if_fail(HVD_IS_NETWORK(self));

    *ret_first = hvx_mac_to_string(self->mac_range.first);
    *ret_last = hvx_mac_to_string(self->mac_range.last);
}

gboolean
hvd_network_set_mac_range(HvdNetwork *self, const char *first, const char *last, GError **error)
{
    HvxMacRange range;

    g_return_val_if_fail(HVD_IS_NETWORK(self), FALSE);

    if (!hvd_mac_range_from_strings(first, last, &range, error) ||
        !hvd_mac_range_save(self->state_dir, &range, error))
        return FALSE;
    self->mac_range = range;
    return TRUE;
}

char *
hvd_network_adapter_mac(HvdNetwork *self, const HvxVmDef *def, guint index)
{
    const HvxNetworkAdapterDef *adapter = g_ptr_array_index(def->network_adapters, index);
    guint8 mac[6];

    if (hvx_mac_parse(adapter->mac, NULL, mac, NULL))
        return hvx_mac_to_string(mac);
    return hvd_mac_range_pick(&self->mac_range, def->uuid, index);
}

/* The switch adapter @adapter names, or NULL. */
static const HvxSwitchDef *
adapter_switch(HvdNetwork *self, const HvxNetworkAdapterDef *adapter)
{
    const char *uuid;

    if (adapter->switch_name == NULL)
        return NULL;
    uuid = hvd_switch_store_find(self->store, adapter->switch_name, NULL);
    return uuid != NULL ? hvd_switch_store_lookup(self->store, uuid) : NULL;
}

static void
port_config(const HvxNetworkAdapterDef *adapter, const HvxSwitchDef *sw, const char *tap,
            const char *mac, VswPortConfig *ret_config)
{
    *ret_config = (VswPortConfig){
        .switch_uuid = sw->uuid,
        .tap_name = tap,
        .vlan = adapter->vlan,
        .bandwidth_max = adapter->bandwidth_max,
        .mac_spoofing = adapter->mac_spoofing,
        .dhcp_guard = adapter->dhcp_guard,
        .router_guard = adapter->router_guard,
    };
    hvx_mac_parse(mac, NULL, ret_config->mac, NULL);
}

static void
append_note(GString *notes, const char *note)
{
    if (notes->len > 0)
        /* Translators: separates sentences about several network adapters. */
        g_string_append(notes, _("; "));
    g_string_append(notes, note);
}

GPtrArray *
hvd_network_connect_vm(HvdNetwork *self, const HvxVmDef *def, GArray *ret_fds, char **ret_note,
                       GError **error)
{
    g_autoptr(GPtrArray) nets = g_ptr_array_new_with_free_func((GDestroyNotify)hvd_qemu_net_free);
    g_autoptr(GString) notes = g_string_new(NULL);
    guint first_fd = ret_fds->len;

    g_return_val_if_fail(HVD_IS_NETWORK(self), NULL);

    for (guint i = 0; i < def->network_adapters->len; i++) {
        const HvxNetworkAdapterDef *adapter = g_ptr_array_index(def->network_adapters, i);
        const HvxSwitchDef *sw = adapter_switch(self, adapter);
        g_autoptr(HvdQemuNet) net = g_new0(HvdQemuNet, 1);
        g_autofree char *tap = hvx_tap_name(def->uuid, i);
        VswPortConfig config;
        GError *local_error = NULL;
        int vhost_fd = -1;
        int tap_fd;

        net->mac = hvd_network_adapter_mac(self, def, i);
        net->tap_fd = -1;
        net->vhost_fd = -1;
        if (adapter->switch_name == NULL) {
            net->type = HVD_QEMU_NET_NONE;
        } else if (sw == NULL) {
            g_autofree char *note =
                g_strdup_printf(_("The switch “%s” does not exist; the adapter is disconnected"),
                                adapter->switch_name);

            net->type = HVD_QEMU_NET_NONE;
            append_note(notes, note);
        } else if (self->vsw == NULL) {
            net->type = HVD_QEMU_NET_USER;
        } else {
            port_config(adapter, sw, tap, net->mac, &config);
            tap_fd = vsw_network_port_add(self->vsw, &config, &vhost_fd, &local_error);
            if (tap_fd < 0) {
                g_propagate_prefixed_error(
                    error, hvd_error_from_vsw(local_error, BERTH_ERROR_FAILED),
                    /* Translators: the %s is the switch's name; the error follows. */
                    _("Cannot connect the network adapter to the switch “%s”: "), sw->name);
                hvd_network_disconnect_vm(self, def->uuid, i);
                for (guint k = first_fd; k < ret_fds->len; k++)
                    close(g_array_index(ret_fds, int, k));
                g_array_set_size(ret_fds, first_fd);
                return NULL;
            }
            net->type = HVD_QEMU_NET_TAP;
            g_hash_table_replace(self->port_macs, g_strdup(tap), g_strdup(net->mac));
            net->tap_fd = HVD_NETWORK_FIRST_FD + (int)ret_fds->len;
            g_array_append_val(ret_fds, tap_fd);
            if (vhost_fd >= 0) {
                net->vhost_fd = HVD_NETWORK_FIRST_FD + (int)ret_fds->len;
                g_array_append_val(ret_fds, vhost_fd);
            }
        }
        g_ptr_array_add(nets, g_steal_pointer(&net));
    }
    if (self->vsw == NULL && def->network_adapters->len > 0)
        append_note(notes, _("user-mode networking: Berth may not create virtual switches here"));
    *ret_note = notes->len > 0 ? g_strdup(notes->str) : NULL;
    return g_steal_pointer(&nets);
}

void
hvd_network_disconnect_vm(HvdNetwork *self, const char *vm_uuid, guint n_adapters)
{
    g_return_if_fail(HVD_IS_NETWORK(self));

    if (self->vsw == NULL)
        return;
    for (guint i = 0; i < n_adapters; i++) {
        g_autofree char *tap = hvx_tap_name(vm_uuid, i);
        g_autoptr(GError) error = NULL;

        if (tap != NULL)
            g_hash_table_remove(self->port_macs, tap);
        if (tap != NULL && !vsw_network_port_remove(self->vsw, tap, &error))
            g_warning("Cannot remove the port %s: %s", tap, error->message);
    }
}

/* By netlink (if_nametoindex), not /sys/class/net: sysfs shows the namespace that mounted it. */
static gboolean
tap_exists(const char *tap)
{
    return if_nametoindex(tap) != 0;
}

void
hvd_network_adopt_vm(HvdNetwork *self, const HvxVmDef *def)
{
    g_return_if_fail(HVD_IS_NETWORK(self));
    g_return_if_fail(def != NULL);

    if (self->vsw == NULL || def->uuid == NULL)
        return;
    for (guint i = 0; i < def->network_adapters->len; i++) {
        const HvxNetworkAdapterDef *adapter = g_ptr_array_index(def->network_adapters, i);
        const HvxSwitchDef *sw = adapter_switch(self, adapter);
        g_autofree char *tap = hvx_tap_name(def->uuid, i);
        g_autofree char *mac = NULL;
        g_autoptr(GError) error = NULL;
        VswPortConfig config;

        if (sw == NULL || tap == NULL || !tap_exists(tap))
            continue;
        mac = hvd_network_adapter_mac(self, def, i);
        port_config(adapter, sw, tap, mac, &config);
        if (!vsw_network_port_update(self->vsw, &config, &error)) {
            g_warning("Cannot take over the port %s: %s", tap, error->message);
            continue;
        }
        g_hash_table_replace(self->port_macs, g_strdup(tap), g_strdup(mac));
    }
}

static gboolean
adapters_differ(const HvxNetworkAdapterDef *a, const HvxNetworkAdapterDef *b)
{
    return g_strcmp0(a->switch_name, b->switch_name) != 0 || a->vlan != b->vlan ||
           a->bandwidth_max != b->bandwidth_max || a->mac_spoofing != b->mac_spoofing ||
           a->dhcp_guard != b->dhcp_guard || a->router_guard != b->router_guard;
}

gboolean
hvd_network_update_vm(HvdNetwork *self, const HvxVmDef *old, const HvxVmDef *new, GError **error)
{
    g_autoptr(GArray) done = g_array_new(FALSE, FALSE, sizeof(guint));

    g_return_val_if_fail(HVD_IS_NETWORK(self), FALSE);
    g_return_val_if_fail(old->network_adapters->len == new->network_adapters->len, FALSE);

    if (self->vsw == NULL)
        return TRUE; /* user-mode networking has no ports to move */
    for (guint i = 0; i < new->network_adapters->len; i++) {
        const HvxNetworkAdapterDef *a = g_ptr_array_index(old->network_adapters, i);
        const HvxNetworkAdapterDef *b = g_ptr_array_index(new->network_adapters, i);
        const HvxSwitchDef *sw = adapter_switch(self, b);
        g_autofree char *tap = hvx_tap_name(new->uuid, i);
        g_autofree char *mac = NULL;
        VswPortConfig config;
        GError *local_error = NULL;

        if (!adapters_differ(a, b))
            continue;
        if (!tap_exists(tap)) {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE,
                        _("vm.xml:%u: the network adapter was disconnected when the virtual "
                          "machine started; turn it off to connect it"),
                        b->line);
        } else if (b->switch_name == NULL || sw == NULL) {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION,
                        _("vm.xml:%u: the switch “%s” does not exist; the adapter of a running "
                          "virtual machine can only move to an existing switch"),
                        b->line, b->switch_name != NULL ? b->switch_name : "");
        } else {
            mac = g_hash_table_contains(self->port_macs, tap)
                      ? g_strdup(g_hash_table_lookup(self->port_macs, tap))
                      : hvd_network_adapter_mac(self, new, i);
            port_config(b, sw, tap, mac, &config);
            if (vsw_network_port_update(self->vsw, &config, &local_error)) {
                g_array_append_val(done, i);
                continue;
            }
            g_propagate_error(error, hvd_error_from_vsw(local_error, BERTH_ERROR_FAILED));
        }
        /* Put back those already moved. */
        for (guint k = 0; k < done->len; k++) {
            guint j = g_array_index(done, guint, k);
            const HvxNetworkAdapterDef *back = g_ptr_array_index(old->network_adapters, j);
            const HvxSwitchDef *back_sw = adapter_switch(self, back);
            g_autofree char *back_tap = hvx_tap_name(old->uuid, j);
            g_autofree char *back_mac = hvd_network_adapter_mac(self, old, j);
            g_autoptr(GError) undo_error = NULL;

            if (back_sw == NULL)
                continue;
            port_config(back, back_sw, back_tap, back_mac, &config);
            if (!vsw_network_port_update(self->vsw, &config, &undo_error))
                g_warning("Cannot put the port %s back: %s", back_tap, undo_error->message);
        }
        return FALSE;
    }
    return TRUE;
}

GVariant *
hvd_network_vm_adapters(HvdNetwork *self, const HvxVmDef *def, gboolean running)
{
    GVariantBuilder builder;

    g_return_val_if_fail(HVD_IS_NETWORK(self), NULL);

    g_variant_builder_init(&builder, G_VARIANT_TYPE("aa{sv}"));
    for (guint i = 0; def != NULL && i < def->network_adapters->len; i++) {
        const HvxNetworkAdapterDef *adapter = g_ptr_array_index(def->network_adapters, i);
        const HvxSwitchDef *sw = adapter_switch(self, adapter);
        g_autofree char *tap = hvx_tap_name(def->uuid, i);
        const char *port_mac = tap != NULL ? g_hash_table_lookup(self->port_macs, tap) : NULL;
        g_autofree char *mac = NULL;
        g_autofree char *status = NULL;
        g_auto(GStrv) addresses = NULL;
        gboolean has_tap = running && self->vsw != NULL && tap != NULL && tap_exists(tap);
        gboolean connected = running && sw != NULL && (self->vsw == NULL || has_tap);
        const char *const empty[] = {NULL};

        mac = running && port_mac != NULL ? g_strdup(port_mac)
                                          : hvd_network_adapter_mac(self, def, i);
        if (adapter->switch_name == NULL)
            status = g_strdup(_("Not connected"));
        else if (sw == NULL)
            status =
                g_strdup_printf(_("The switch “%s” does not exist; the adapter is disconnected"),
                                adapter->switch_name);
        else if (self->vsw == NULL)
            status = g_strdup_printf(
                _("User-mode networking: creating the switch “%s” needs administrator rights"),
                sw->name);
        else if (connected)
            status = g_strdup_printf(_("Connected to “%s”"), sw->name);
        else if (running)
            status = g_strdup_printf(
                _("Disconnected: the virtual machine started before the switch “%s” existed"),
                sw->name);
        else
            status =
                g_strdup_printf(_("Connects to “%s” when the virtual machine starts"), sw->name);
        if (connected && self->vsw != NULL)
            addresses = vsw_network_leases(self->vsw, sw->uuid, mac);

        g_variant_builder_open(&builder, G_VARIANT_TYPE_VARDICT);
        g_variant_builder_add(&builder, "{sv}", "switch",
                              g_variant_new_string(sw != NULL ? sw->name : ""));
        g_variant_builder_add(&builder, "{sv}", "mac", g_variant_new_string(mac));
        g_variant_builder_add(&builder, "{sv}", "vlan", g_variant_new_uint32(adapter->vlan));
        g_variant_builder_add(&builder, "{sv}", "connected", g_variant_new_boolean(connected));
        g_variant_builder_add(&builder, "{sv}", "status", g_variant_new_string(status));
        g_variant_builder_add(
            &builder, "{sv}", "addresses",
            g_variant_new_strv(addresses != NULL ? (const char *const *)addresses : empty, -1));
        g_variant_builder_add(&builder, "{sv}", "tap", g_variant_new_string(has_tap ? tap : ""));
        g_variant_builder_close(&builder);
    }
    return g_variant_builder_end(&builder);
}

gboolean
hvd_network_vm_uses_switch(const HvxVmDef *def, const char *switch_name)
{
    g_autofree char *wanted = g_utf8_casefold(switch_name, -1);

    for (guint i = 0; i < def->network_adapters->len; i++) {
        const HvxNetworkAdapterDef *adapter = g_ptr_array_index(def->network_adapters, i);
        g_autofree char *name = NULL;

        if (adapter->switch_name == NULL)
            continue;
        name = g_utf8_casefold(adapter->switch_name, -1);
        if (g_str_equal(name, wanted))
            return TRUE;
    }
    return FALSE;
}
