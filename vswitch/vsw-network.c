/* vsw-network.c: Berth's virtual switches and their ports on the kernel.
 *
 * A switch is built in steps (bridge, adapter, shared addresses, host address, NAT rules,
 * dnsmasq); each step that changes the host pushes its undo on a stack, and a failure runs the
 * stack backwards, so nothing half-made stays. Reshaping a switch tears its extras down (not the
 * bridge: its ports stay), builds the new ones, and on failure builds the old ones again.
 *
 * VLANs: with bridge VLAN filtering a port is an access port (PVID). Without it (this kernel),
 * access ports are emulated in "bridge berth": a frame entering port P gets meta mark = P's VLAN
 * (0 = untagged), and a frame may only leave by port Q (forward hook) when its mark equals Q's
 * VLAN; frames between a port and the host (input/output hooks) pass only when the port's VLAN is
 * the management OS's (the switch's <vlan>, 0 when untagged). The adapter of an external switch
 * and the host are the untagged network.
 *
 * The work is spread over vsw-network-{check,build,apply,ports,host,sync}.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hvx-names.h"
#include "vsw-error.h"
#include "vsw-network-private.h"
#include "vsw-share.h"

G_DEFINE_FINAL_TYPE(VswNetwork, vsw_network, G_TYPE_OBJECT)

void
vsw_adapter_free(VswAdapter *adapter)
{
    if (!adapter)
        return;
    g_free(adapter->name);
    g_free(adapter->mac);
    g_strfreev(adapter->addresses);
    g_free(adapter->used_by);
    g_free(adapter->reason);
    g_free(adapter);
}

HvxSwitchDef *
vsw_network_def_copy(const HvxSwitchDef *def)
{
    HvxSwitchDef *copy = hvx_switch_def_new(def->type);

    g_free(copy->name);
    copy->name = g_strdup(def->name);
    copy->uuid = g_strdup(def->uuid);
    copy->notes = g_strdup(def->notes);
    copy->adapter_name = g_strdup(def->adapter_name);
    copy->adapter_share_with_host = def->adapter_share_with_host;
    copy->address = g_strdup(def->address);
    copy->nat = def->nat;
    copy->dhcp_first = g_strdup(def->dhcp_first);
    copy->dhcp_last = g_strdup(def->dhcp_last);
    copy->has_vlan = def->has_vlan;
    copy->vlan = def->vlan;
    return copy;
}

void
vsw_network_switch_free(gpointer data)
{
    Switch *sw = data;

    g_clear_object(&sw->dnsmasq); /* ends it */
    hvx_switch_def_free(sw->def);
    g_free(sw->bridge);
    g_free(sw->status);
    g_free(sw);
}

void
vsw_network_port_free(gpointer data)
{
    Port *port = data;

    g_free(port->switch_uuid);
    g_free(port->tap_name);
    g_free(port);
}

/* A CIDR Berth or the kernel wrote (a stored switch's address, a route): already checked. */
gboolean
vsw_network_parse_cidr(const char *text, HvxIpv4Cidr *ret_cidr)
{
    return text != NULL && hvx_ipv4_cidr_parse(text, NULL, ret_cidr, NULL);
}

char *
vsw_network_state_path(VswNetwork *self, const char *prefix, const char *bridge, const char *suffix)
{
    g_autofree char *base = g_strconcat(prefix, bridge, suffix, NULL);

    return g_build_filename(self->state_dir, base, NULL);
}

char *
vsw_network_runtime_path(VswNetwork *self, const char *prefix, const char *bridge,
                         const char *suffix)
{
    g_autofree char *base = g_strconcat(prefix, bridge, suffix, NULL);

    return g_build_filename(self->runtime_dir, base, NULL);
}

char *
vsw_network_share_record(VswNetwork *self, const char *bridge)
{
    return vsw_network_state_path(self, "shared-", bridge, ".ini");
}

char *
vsw_network_switch_tag(const char *bridge)
{
    return g_strconcat("berth:sw:", bridge, NULL);
}

char *
vsw_network_port_tag(const char *tap)
{
    return g_strconcat("berth:port:", tap, NULL);
}

gboolean
vsw_network_link_exists(VswNetwork *self, const char *name, VswLink *ret_link)
{
    return vsw_platform_link_get(self->platform, name, ret_link, NULL);
}

Switch *
vsw_network_find_switch(VswNetwork *self, const char *uuid)
{
    return uuid ? g_hash_table_lookup(self->switches, uuid) : NULL;
}

gboolean
vsw_network_save_default(VswNetwork *self, GError **error)
{
    g_autofree char *path = g_build_filename(self->state_dir, "default-switch", NULL);
    g_autoptr(GError) local_error = NULL;

    if (!self->default_uuid) {
        g_unlink(path);
        return TRUE;
    }
    if (!g_file_set_contents_full(path, self->default_uuid, -1,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0644, &local_error)) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_STATE, _("Cannot record the Default Switch: %s"),
                    local_error->message);
        return FALSE;
    }
    return TRUE;
}

gboolean
vsw_network_set_default_switch(VswNetwork *self, const char *uuid, GError **error)
{
    Switch *other;

    g_return_val_if_fail(VSW_IS_NETWORK(self), FALSE);

    other = vsw_network_find_switch(self, self->default_uuid);
    if (uuid && other && g_strcmp0(self->default_uuid, uuid) != 0) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_EXISTS,
                    _("Default Switch: “%s” is already the Default Switch; there can be only one"),
                    other->def->name);
        return FALSE;
    }
    g_free(self->default_uuid);
    self->default_uuid = g_strdup(uuid);
    return vsw_network_save_default(self, error);
}

const char *
vsw_network_get_default_switch(VswNetwork *self)
{
    g_return_val_if_fail(VSW_IS_NETWORK(self), NULL);

    return self->default_uuid;
}

static void
vsw_network_dispose(GObject *object)
{
    VswNetwork *self = VSW_NETWORK(object);

    /* Switches outlive berthd on purpose: only our dnsmasq children end with us (the next berthd
     * starts its own). */
    if (self->switches)
        g_hash_table_remove_all(self->switches);
    G_OBJECT_CLASS(vsw_network_parent_class)->dispose(object);
}

static void
vsw_network_finalize(GObject *object)
{
    VswNetwork *self = VSW_NETWORK(object);

    g_clear_pointer(&self->switches, g_hash_table_unref);
    g_clear_pointer(&self->ports, g_hash_table_unref);
    g_queue_free(self->ops); /* empty: each change holds a reference */
    g_clear_object(&self->platform);
    g_clear_object(&self->nft);
    g_free(self->state_dir);
    g_free(self->runtime_dir);
    g_free(self->default_uuid);
    G_OBJECT_CLASS(vsw_network_parent_class)->finalize(object);
}

static void
vsw_network_class_init(VswNetworkClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = vsw_network_dispose;
    object_class->finalize = vsw_network_finalize;
}

static void
vsw_network_init(VswNetwork *self)
{
    self->switches =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, vsw_network_switch_free);
    self->ports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, vsw_network_port_free);
    self->ops = g_queue_new();
}

VswNetwork *
vsw_network_new(VswPlatform *platform, const char *state_dir, const char *runtime_dir,
                GError **error)
{
    g_autoptr(VswNetwork) self = NULL;
    g_autofree char *default_path = NULL;
    g_autofree char *default_uuid = NULL;

    g_return_val_if_fail(VSW_IS_PLATFORM(platform), NULL);
    g_return_val_if_fail(state_dir != NULL && runtime_dir != NULL, NULL);

    for (guint i = 0; i < 2; i++) {
        const char *dir = i == 0 ? state_dir : runtime_dir;

        if (g_mkdir_with_parents(dir, 0755) < 0) {
            int errsv = errno;

            g_set_error(error, VSW_ERROR, VSW_ERROR_STATE, _("Cannot create the folder “%s”: %s"),
                        dir, g_strerror(errsv));
            return NULL;
        }
    }
    self = g_object_new(VSW_TYPE_NETWORK, NULL);
    self->platform = g_object_ref(platform);
    self->kernel = vsw_platform_is_kernel(platform);
    self->nft = vsw_nft_new(self->kernel);
    self->state_dir = g_strdup(state_dir);
    self->runtime_dir = g_strdup(runtime_dir);
    default_path = g_build_filename(state_dir, "default-switch", NULL);
    if (g_file_get_contents(default_path, &default_uuid, NULL, NULL))
        self->default_uuid = g_strdup(g_strstrip(default_uuid));
    return g_steal_pointer(&self);
}

VswNft *
vsw_network_get_nft(VswNetwork *self)
{
    g_return_val_if_fail(VSW_IS_NETWORK(self), NULL);

    return self->nft;
}

int
vsw_network_get_dnsmasq_pid(VswNetwork *self, const char *uuid)
{
    Switch *sw;

    g_return_val_if_fail(VSW_IS_NETWORK(self), 0);

    sw = vsw_network_find_switch(self, uuid);
    return sw && sw->dnsmasq ? vsw_dnsmasq_get_pid(sw->dnsmasq) : 0;
}
