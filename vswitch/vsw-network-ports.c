/* vsw-network-ports.c: VM adapters' ports: taps on a switch's bridge with their VLAN, bandwidth
 * limit and guards (nftables rules in "bridge berth").
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

static Port *
port_from_config(const VswPortConfig *config)
{
    Port *port = g_new0(Port, 1);

    port->switch_uuid = g_strdup(config->switch_uuid);
    port->tap_name = g_strdup(config->tap_name);
    memcpy(port->mac, config->mac, 6);
    port->vlan = config->vlan;
    port->bandwidth_max = config->bandwidth_max;
    port->mac_spoofing = config->mac_spoofing;
    port->dhcp_guard = config->dhcp_guard;
    port->router_guard = config->router_guard;
    return port;
}

static guint
host_vlan(const Switch *sw)
{
    return sw->def->has_vlan && sw->def->type != HVX_SWITCH_TYPE_PRIVATE ? sw->def->vlan : 0;
}

static GPtrArray *
port_rules(VswNetwork *self, const Switch *sw, const Port *port, gboolean emulate_vlan)
{
    GPtrArray *rules = g_ptr_array_new_with_free_func((GDestroyNotify)vsw_nft_rule_free);
    const char *t = port->tap_name;
    /* The host is not on a private switch, even if someone gives its bridge an address. */
    gboolean host_reaches = sw->def->type != HVX_SWITCH_TYPE_PRIVATE;

    if (!port->mac_spoofing) {
        g_autofree char *mac = hvx_mac_to_string(port->mac);

        g_ptr_array_add(rules, vsw_nft_rule_new(VSW_NFT_BRIDGE, "prerouting",
                                                "iifname \"%s\" ether saddr != %s drop", t, mac));
    }
    if (port->dhcp_guard)
        g_ptr_array_add(rules, vsw_nft_rule_new(VSW_NFT_BRIDGE, "prerouting",
                                                "iifname \"%s\" udp sport 67 drop", t));
    if (port->router_guard) {
        g_ptr_array_add(rules,
                        vsw_nft_rule_new(VSW_NFT_BRIDGE, "prerouting",
                                         "iifname \"%s\" icmpv6 type nd-router-advert drop", t));
        g_ptr_array_add(rules,
                        vsw_nft_rule_new(VSW_NFT_BRIDGE, "prerouting",
                                         "iifname \"%s\" icmp type router-advertisement drop", t));
    }
    if (port->bandwidth_max > 0) {
        /* What the guest sends; what it receives is shaped by tbf on the tap. */
        guint64 bytes = (guint64)port->bandwidth_max * 125000;

        g_ptr_array_add(rules,
                        vsw_nft_rule_new(VSW_NFT_BRIDGE, "prerouting",
                                         "iifname \"%s\" limit rate over %" G_GUINT64_FORMAT
                                         " bytes/second burst %" G_GUINT64_FORMAT " bytes drop",
                                         t, bytes, MAX(bytes / 100, 16000)));
    }
    if (emulate_vlan) {
        guint host = host_vlan(sw);

        if (port->vlan)
            g_ptr_array_add(rules,
                            vsw_nft_rule_new(VSW_NFT_BRIDGE, "prerouting",
                                             "iifname \"%s\" meta mark set %u", t, port->vlan));
        g_ptr_array_add(rules,
                        vsw_nft_rule_new(VSW_NFT_BRIDGE, "forward",
                                         "oifname \"%s\" meta mark != %u drop", t, port->vlan));
        host_reaches = host_reaches && port->vlan == host;
    }
    if (!host_reaches) {
        /* Between the port and the host's own stack (bridge input and output hooks). */
        g_ptr_array_add(rules, vsw_nft_rule_new(VSW_NFT_BRIDGE, "input", "iifname \"%s\" drop", t));
        g_ptr_array_add(rules,
                        vsw_nft_rule_new(VSW_NFT_BRIDGE, "output", "oifname \"%s\" drop", t));
    }
    return rules;
}

/* Puts the port's tap on its switch's bridge with its VLAN, limit and rules. */
static gboolean
port_apply(VswNetwork *self, const Port *port, GError **error)
{
    Switch *sw = vsw_network_find_switch(self, port->switch_uuid);
    g_autoptr(GPtrArray) rules = NULL;
    g_autofree char *tag = vsw_network_port_tag(port->tap_name);
    VswLink tap;
    VswLink bridge;
    gboolean emulate;

    if (!sw || !sw->up) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_NOT_FOUND,
                    _("The switch of the port “%s” is not up: %s"), port->tap_name,
                    sw && sw->status ? sw->status : _("it does not exist"));
        return FALSE;
    }
    if (!vsw_platform_link_get(self->platform, port->tap_name, &tap, error) ||
        !vsw_platform_link_get(self->platform, sw->bridge, &bridge, error))
        return FALSE;
    if (tap.master != bridge.ifindex &&
        !vsw_platform_link_set_master(self->platform, port->tap_name, sw->bridge, error))
        return FALSE;
    if (!tap.up && !vsw_platform_link_set_up(self->platform, port->tap_name, TRUE, error))
        return FALSE;
    emulate = !bridge.vlan_filtering;
    if (!emulate && !vsw_platform_port_set_pvid(self->platform, port->tap_name,
                                                port->vlan ? port->vlan : 1, error))
        return FALSE;
    if (!vsw_platform_set_bandwidth(self->platform, port->tap_name, port->bandwidth_max, error))
        return FALSE;
    rules = port_rules(self, sw, port, emulate);
    return vsw_nft_replace(self->nft, tag, rules, error);
}

/* Re-applies every port of @sw (after its bridge or host VLAN changed); problems are logged. */
void
vsw_network_reattach_ports(VswNetwork *self, Switch *sw)
{
    GHashTableIter iter;
    Port *port;

    g_hash_table_iter_init(&iter, self->ports);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&port)) {
        g_autoptr(GError) error = NULL;

        if (strcmp(port->switch_uuid, sw->def->uuid) != 0 ||
            !vsw_network_link_exists(self, port->tap_name, NULL))
            continue;
        if (!port_apply(self, port, &error))
            g_warning("Cannot reconnect the port %s: %s", port->tap_name, error->message);
    }
}

static gboolean
check_port(const VswPortConfig *config, GError **error)
{
    if (!config->tap_name || !g_str_has_prefix(config->tap_name, "btp") ||
        strlen(config->tap_name) >= IFNAMSIZ) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT,
                    _("Port: “%s” is not a Berth tap name"),
                    config->tap_name ? config->tap_name : "");
        return FALSE;
    }
    if (config->vlan > 4094) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT,
                    _("VLAN: %u is not a VLAN id from 1 to 4094"), config->vlan);
        return FALSE;
    }
    if (config->mac[0] & 1) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT,
                    _("MAC address: a network adapter needs a unicast address"));
        return FALSE;
    }
    return TRUE;
}

int
vsw_network_port_add(VswNetwork *self, const VswPortConfig *config, int *ret_vhost_fd,
                     GError **error)
{
    g_autofree char *tag = NULL;
    Switch *sw;
    Port *port;
    int fd;

    g_return_val_if_fail(VSW_IS_NETWORK(self), -1);
    g_return_val_if_fail(config != NULL, -1);
    g_return_val_if_fail(error == NULL || *error == NULL, -1);

    if (ret_vhost_fd)
        *ret_vhost_fd = -1;
    if (!check_port(config, error))
        return -1;
    sw = vsw_network_find_switch(self, config->switch_uuid);
    if (!sw || !sw->up) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_NOT_FOUND,
                    _("Cannot connect “%s”: the switch is not up: %s"), config->tap_name,
                    sw && sw->status ? sw->status : _("it does not exist"));
        return -1;
    }
    fd = vsw_platform_tap_add(self->platform, config->tap_name, sw->bridge, error);
    if (fd < 0)
        return -1;
    port = port_from_config(config);
    tag = vsw_network_port_tag(config->tap_name);
    if (!port_apply(self, port, error)) {
        /* Closing the only fd removes the tap, and with it its qdisc. */
        close(fd);
        vsw_nft_remove(self->nft, tag, NULL);
        vsw_network_port_free(port);
        return -1;
    }
    g_hash_table_replace(self->ports, g_strdup(port->tap_name), port);
    if (ret_vhost_fd && self->kernel) {
        *ret_vhost_fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
        if (*ret_vhost_fd < 0 && errno != ENOENT && errno != ENODEV)
            g_debug("Cannot open /dev/vhost-net: %s", g_strerror(errno));
    }
    return fd;
}

gboolean
vsw_network_port_update(VswNetwork *self, const VswPortConfig *config, GError **error)
{
    Port *port;
    Port *old;

    g_return_val_if_fail(VSW_IS_NETWORK(self), FALSE);
    g_return_val_if_fail(config != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!check_port(config, error))
        return FALSE;
    port = port_from_config(config);
    if (!port_apply(self, port, error)) {
        old = g_hash_table_lookup(self->ports, config->tap_name);
        if (old) {
            g_autoptr(GError) again = NULL;

            if (!port_apply(self, old, &again))
                g_warning("Cannot put the port %s back: %s", old->tap_name, again->message);
        }
        vsw_network_port_free(port);
        return FALSE;
    }
    g_hash_table_replace(self->ports, g_strdup(port->tap_name), port);
    return TRUE;
}

gboolean
vsw_network_port_remove(VswNetwork *self, const char *tap_name, GError **error)
{
    g_autofree char *tag = NULL;

    g_return_val_if_fail(VSW_IS_NETWORK(self), FALSE);
    g_return_val_if_fail(tap_name != NULL, FALSE);

    g_hash_table_remove(self->ports, tap_name);
    tag = vsw_network_port_tag(tap_name);
    return vsw_nft_remove(self->nft, tag, error);
}
