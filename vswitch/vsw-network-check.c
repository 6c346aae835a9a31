/* vsw-network-check.c: a switch definition checked against the host and the other switches,
 * changing nothing; each error names the field.
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

/* The first route of the host's main table that overlaps @subnet, skipping default routes and
 * routes out of @own_bridge. */
static char *
overlapping_route(VswNetwork *self, const HvxIpv4Cidr *subnet, const char *own_bridge,
                  GError **error)
{
    g_autoptr(GArray) routes = vsw_platform_list_routes(self->platform, NULL, error);
    VswLink own = {.ifindex = -1};

    if (!routes)
        return NULL;
    if (own_bridge)
        vsw_network_link_exists(self, own_bridge, &own);
    for (guint i = 0; i < routes->len; i++) {
        const VswRoute *r = &g_array_index(routes, VswRoute, i);
        HvxIpv4Cidr dst;

        if (r->ifindex == own.ifindex || !vsw_network_parse_cidr(r->destination, &dst) ||
            dst.prefix == 0)
            continue;
        if (hvx_ipv4_cidr_overlap(subnet, &dst))
            return vsw_route_to_string(self->platform, r);
    }
    return g_strdup("");
}

static gboolean
check_adapter(VswNetwork *self, const HvxSwitchDef *def, const char *bridge, GError **error)
{
    GHashTableIter iter;
    Switch *other;
    VswLink link;
    VswLink master;

    if (!def->adapter_name || !def->adapter_name[0]) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT,
                    _("Adapter: an external switch needs a physical network adapter"));
        return FALSE;
    }
    if (!vsw_network_link_exists(self, def->adapter_name, &link)) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_NOT_FOUND,
                    _("Adapter: there is no network adapter named “%s” on this host"),
                    def->adapter_name);
        return FALSE;
    }
    if (vsw_platform_link_is_wireless(self->platform, def->adapter_name)) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_WIRELESS,
                    _("Adapter: “%s” is a wireless adapter. Wi-Fi cannot be bridged: the access "
                      "point only accepts frames from the host's own MAC address, so virtual "
                      "machines behind a bridge would get no traffic. Use an internal switch with "
                      "NAT instead (like the Default Switch); virtual machines then reach the "
                      "network through the host's Wi-Fi."),
                    def->adapter_name);
        return FALSE;
    }
    if (link.kind != VSW_LINK_KIND_ETHER && link.kind != VSW_LINK_KIND_VETH) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT,
                    _("Adapter: “%s” is not a physical network adapter"), def->adapter_name);
        return FALSE;
    }
    g_hash_table_iter_init(&iter, self->switches);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&other)) {
        if (g_strcmp0(other->def->uuid, def->uuid) != 0 &&
            other->def->type == HVX_SWITCH_TYPE_EXTERNAL &&
            g_strcmp0(other->def->adapter_name, def->adapter_name) == 0) {
            g_set_error(error, VSW_ERROR, VSW_ERROR_BUSY,
                        _("Adapter: “%s” is already used by the switch “%s”"), def->adapter_name,
                        other->def->name);
            return FALSE;
        }
    }
    if (link.master != 0) {
        g_autoptr(GArray) links = vsw_platform_list_links(self->platform, NULL);
        const char *master_name = "?";

        for (guint i = 0; links && i < links->len; i++) {
            master = g_array_index(links, VswLink, i);
            if (master.ifindex == link.master)
                master_name = g_array_index(links, VswLink, i).name;
        }
        if (g_strcmp0(master_name, bridge) != 0) {
            g_set_error(error, VSW_ERROR, VSW_ERROR_BUSY,
                        _("Adapter: “%s” is already connected to the bridge “%s”"),
                        def->adapter_name, master_name);
            return FALSE;
        }
    }
    return TRUE;
}

/* The host address and DHCP range under libhvx's rules (the same words `berth validate` uses),
 * then the subnet against the other switches and the host's routes. */
static gboolean
check_addresses(VswNetwork *self, const HvxSwitchDef *def, const char *bridge, GError **error)
{
    HvxSwitchAddresses addresses;
    g_autoptr(GError) local_error = NULL;
    GHashTableIter iter;
    Switch *other;
    g_autofree char *route = NULL;

    if (!hvx_switch_def_get_addresses(def, &addresses, NULL, &local_error)) {
        g_set_error_literal(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, local_error->message);
        return FALSE;
    }
    if (!addresses.has_host)
        return TRUE;
    g_hash_table_iter_init(&iter, self->switches);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&other)) {
        HvxIpv4Cidr other_address;

        if (g_strcmp0(other->def->uuid, def->uuid) == 0 ||
            !vsw_network_parse_cidr(other->def->address, &other_address))
            continue;
        if (hvx_ipv4_cidr_overlap(&addresses.host, &other_address)) {
            g_set_error(error, VSW_ERROR, VSW_ERROR_OVERLAPS,
                        _("Address: the subnet of %s overlaps the switch “%s” (%s)"), def->address,
                        other->def->name, other->def->address);
            return FALSE;
        }
    }
    route = overlapping_route(self, &addresses.host, bridge, error);
    if (!route)
        return FALSE;
    if (route[0]) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_OVERLAPS,
                    _("Address: the subnet of %s overlaps the host's route “%s”"), def->address,
                    route);
        return FALSE;
    }
    return TRUE;
}

gboolean
vsw_network_check_switch(VswNetwork *self, const HvxSwitchDef *def, GError **error)
{
    g_autofree char *bridge = NULL;
    GHashTableIter iter;
    Switch *other;
    VswLink link;

    g_return_val_if_fail(VSW_IS_NETWORK(self), FALSE);
    g_return_val_if_fail(def != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!def->name || !def->name[0] || strlen(def->name) > 100) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT,
                    _("Name: a switch needs a name of 1 to 100 characters"));
        return FALSE;
    }
    bridge = def->uuid ? hvx_bridge_name(def->uuid) : NULL;
    if (!bridge) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT,
                    _("UUID: the switch “%s” has no valid UUID"), def->name);
        return FALSE;
    }
    if (def->type >= HVX_SWITCH_TYPE_LAST) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, _("Type: unknown switch type"));
        return FALSE;
    }
    g_hash_table_iter_init(&iter, self->switches);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&other)) {
        if (g_strcmp0(other->def->uuid, def->uuid) == 0)
            continue;
        if (g_utf8_collate(other->def->name, def->name) == 0) {
            g_set_error(error, VSW_ERROR, VSW_ERROR_EXISTS,
                        _("Name: there is already a switch named “%s”"), def->name);
            return FALSE;
        }
        if (strcmp(other->bridge, bridge) == 0) {
            g_set_error(error, VSW_ERROR, VSW_ERROR_EXISTS,
                        _("UUID: its bridge name “%s” (from the first 8 digits of the UUID) is "
                          "already the switch “%s”'s; give the switch another UUID"),
                        bridge, other->def->name);
            return FALSE;
        }
    }
    if (vsw_network_link_exists(self, bridge, &link) && link.kind != VSW_LINK_KIND_BRIDGE) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_EXISTS,
                    _("UUID: the bridge name “%s” (from the first 8 digits of the UUID) is taken "
                      "by another network interface"),
                    bridge);
        return FALSE;
    }
    if (def->has_vlan && (def->vlan < 1 || def->vlan > 4094)) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT,
                    _("VLAN: %u is not a VLAN id from 1 to 4094"), def->vlan);
        return FALSE;
    }
    if (def->type == HVX_SWITCH_TYPE_EXTERNAL && !check_adapter(self, def, bridge, error))
        return FALSE;
    if (def->type != HVX_SWITCH_TYPE_INTERNAL && (def->address || def->nat || def->dhcp_first)) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT,
                    _("Address: a host address, NAT and DHCP are only for internal switches"));
        return FALSE;
    }
    return check_addresses(self, def, bridge, error);
}
