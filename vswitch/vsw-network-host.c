/* vsw-network-host.c: what the host offers switches: its physical adapters, a free subnet, and
 * the DHCP leases of a switch's dnsmasq.
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

GPtrArray *
vsw_network_list_adapters(VswNetwork *self, GError **error)
{
    g_autoptr(GArray) links = NULL;
    g_autoptr(GPtrArray) adapters =
        g_ptr_array_new_with_free_func((GDestroyNotify)vsw_adapter_free);

    g_return_val_if_fail(VSW_IS_NETWORK(self), NULL);

    links = vsw_platform_list_links(self->platform, error);
    if (!links)
        return NULL;
    for (guint i = 0; i < links->len; i++) {
        const VswLink *link = &g_array_index(links, VswLink, i);
        VswAdapter *a;

        if (link->kind != VSW_LINK_KIND_ETHER && link->kind != VSW_LINK_KIND_VETH)
            continue;
        a = g_new0(VswAdapter, 1);
        a->name = g_strdup(link->name);
        a->wireless = vsw_platform_link_is_wireless(self->platform, link->name);
        a->up = link->carrier;
        a->mac = hvx_mac_to_string(link->mac);
        a->addresses = vsw_platform_list_addresses(self->platform, link->name, NULL);
        if (!a->addresses)
            a->addresses = g_new0(char *, 1);
        for (guint j = 0; link->master && j < links->len; j++) {
            if (g_array_index(links, VswLink, j).ifindex == link->master)
                a->used_by = g_strdup(g_array_index(links, VswLink, j).name);
        }
        if (a->wireless)
            a->reason = g_strdup(_("Wireless adapters cannot be bridged; use an internal switch "
                                   "with NAT"));
        else if (a->used_by)
            a->reason = g_strdup_printf(_("Already connected to the bridge %s"), a->used_by);
        a->usable = a->reason == NULL;
        g_ptr_array_add(adapters, a);
    }
    return g_steal_pointer(&adapters);
}

char *
vsw_network_pick_subnet(VswNetwork *self, GError **error)
{
    g_autoptr(GArray) routes = NULL;

    g_return_val_if_fail(VSW_IS_NETWORK(self), NULL);

    routes = vsw_platform_list_routes(self->platform, NULL, error);
    if (!routes)
        return NULL;
    /* 172.16.0.0/12, /24 by /24, starting at 172.23.144.0 like Hyper-V's Default Switch. */
    for (guint n = 0; n < 4096; n++) {
        guint index = (7 * 256 + 144 + n) % 4096;
        HvxIpv4Cidr net = {(172u << 24) | (16u << 16) | (index << 8) | 1, 24};
        gboolean taken = FALSE;
        GHashTableIter iter;
        Switch *sw;

        for (guint i = 0; i < routes->len && !taken; i++) {
            HvxIpv4Cidr dst;

            if (vsw_network_parse_cidr(g_array_index(routes, VswRoute, i).destination, &dst) &&
                dst.prefix > 0 && hvx_ipv4_cidr_overlap(&net, &dst))
                taken = TRUE;
        }
        g_hash_table_iter_init(&iter, self->switches);
        while (!taken && g_hash_table_iter_next(&iter, NULL, (gpointer *)&sw)) {
            HvxIpv4Cidr a;

            if (vsw_network_parse_cidr(sw->def->address, &a) && hvx_ipv4_cidr_overlap(&net, &a))
                taken = TRUE;
        }
        if (!taken)
            return hvx_ipv4_cidr_to_string(&net);
    }
    g_set_error(error, VSW_ERROR, VSW_ERROR_OVERLAPS,
                _("Every /24 subnet of 172.16.0.0/12 is in use on this host"));
    return NULL;
}

GStrv
vsw_network_leases(VswNetwork *self, const char *switch_uuid, const char *mac)
{
    g_autoptr(GStrvBuilder) result = g_strv_builder_new();
    g_autofree char *bridge = NULL;
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    g_return_val_if_fail(VSW_IS_NETWORK(self), NULL);
    g_return_val_if_fail(mac != NULL, NULL);

    bridge = switch_uuid ? hvx_bridge_name(switch_uuid) : NULL;
    if (!bridge)
        return g_strv_builder_end(result);
    path = vsw_network_state_path(self, "dnsmasq-", bridge, ".leases");
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strv_builder_end(result);
    /* "EXPIRY MAC IP HOSTNAME CLIENT-ID" per lease. */
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 4);

        if (g_strv_length(f) >= 3 && g_ascii_strcasecmp(f[1], mac) == 0)
            g_strv_builder_add(result, f[2]);
    }
    return g_strv_builder_end(result);
}
