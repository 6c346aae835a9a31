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
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hvx-names.h"
#include "hvx-net-address.h"
#include "vsw-dnsmasq.h"
#include "vsw-error.h"
#include "vsw-network.h"
#include "vsw-nft.h"
#include "vsw-share.h"

typedef struct {
    HvxSwitchDef *def; /* our copy */
    char *bridge;
    gboolean up;  /* applied; FALSE when sync could not apply it */
    char *status; /* why not up, or a problem found since; NULL = fine */
    VswDnsmasq *dnsmasq;
} Switch;

typedef struct {
    char *switch_uuid;
    char *tap_name;
    guint8 mac[6];
    guint vlan;
    guint bandwidth_max;
    gboolean mac_spoofing;
    gboolean dhcp_guard;
    gboolean router_guard;
} Port;

struct _VswNetwork {
    GObject parent_instance;

    VswPlatform *platform;
    VswNft *nft;
    gboolean kernel;
    char *state_dir;
    char *runtime_dir;
    GHashTable *switches; /* uuid -> Switch */
    GHashTable *ports;    /* tap name -> Port */
    char *default_uuid;
    GQueue *ops; /* switch changes waiting for the one under way (Op) */
    gboolean op_running;
};

G_DEFINE_FINAL_TYPE(VswNetwork, vsw_network, G_TYPE_OBJECT)

/* ---- small helpers ---------------------------------------------------------------------- */

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

static HvxSwitchDef *
def_copy(const HvxSwitchDef *def)
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

static void
switch_free(gpointer data)
{
    Switch *sw = data;

    g_clear_object(&sw->dnsmasq); /* ends it */
    hvx_switch_def_free(sw->def);
    g_free(sw->bridge);
    g_free(sw->status);
    g_free(sw);
}

static void
port_free(gpointer data)
{
    Port *port = data;

    g_free(port->switch_uuid);
    g_free(port->tap_name);
    g_free(port);
}

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

/* A CIDR Berth or the kernel wrote (a stored switch's address, a route): already checked. */
static gboolean
parse_cidr(const char *text, HvxIpv4Cidr *ret_cidr)
{
    return text != NULL && hvx_ipv4_cidr_parse(text, NULL, ret_cidr, NULL);
}

static char *
state_path(VswNetwork *self, const char *prefix, const char *bridge, const char *suffix)
{
    g_autofree char *base = g_strconcat(prefix, bridge, suffix, NULL);

    return g_build_filename(self->state_dir, base, NULL);
}

static char *
runtime_path(VswNetwork *self, const char *prefix, const char *bridge, const char *suffix)
{
    g_autofree char *base = g_strconcat(prefix, bridge, suffix, NULL);

    return g_build_filename(self->runtime_dir, base, NULL);
}

static char *
share_record(VswNetwork *self, const char *bridge)
{
    return state_path(self, "shared-", bridge, ".ini");
}

static char *
switch_tag(const char *bridge)
{
    return g_strconcat("berth:sw:", bridge, NULL);
}

static char *
port_tag(const char *tap)
{
    return g_strconcat("berth:port:", tap, NULL);
}

static gboolean
link_exists(VswNetwork *self, const char *name, VswLink *ret_link)
{
    return vsw_platform_link_get(self->platform, name, ret_link, NULL);
}

/* ---- undo stack ---------------------------------------------------------------------------- */

typedef enum {
    UNDO_DELETE_LINK,
    UNDO_RELEASE, /* a: adapter; b: "up" when it was up before */
    UNDO_ADDRESS, /* a: link; b: cidr */
    UNDO_SHARE,   /* a: record path */
    UNDO_NFT,     /* a: tag */
} UndoKind;

typedef struct {
    UndoKind kind;
    char *a;
    char *b;
} Undo;

static void
undo_clear(gpointer data)
{
    Undo *u = data;

    g_free(u->a);
    g_free(u->b);
}

static GArray *
undo_new(void)
{
    GArray *undo = g_array_new(FALSE, TRUE, sizeof(Undo));

    g_array_set_clear_func(undo, undo_clear);
    return undo;
}

static void
undo_push(GArray *undo, UndoKind kind, const char *a, const char *b)
{
    Undo u = {kind, g_strdup(a), g_strdup(b)};

    g_array_append_val(undo, u);
}

static void
undo_run(VswNetwork *self, GArray *undo)
{
    for (guint i = undo->len; i-- > 0;) {
        Undo *u = &g_array_index(undo, Undo, i);
        g_autoptr(GError) error = NULL;
        gboolean ok = TRUE;

        switch (u->kind) {
        case UNDO_DELETE_LINK:
            ok = vsw_platform_link_delete(self->platform, u->a, &error);
            break;
        case UNDO_RELEASE:
            ok = vsw_platform_link_set_master(self->platform, u->a, NULL, &error);
            if (ok && !u->b)
                ok = vsw_platform_link_set_up(self->platform, u->a, FALSE, &error);
            break;
        case UNDO_ADDRESS:
            ok = vsw_platform_address_delete(self->platform, u->a, u->b, &error);
            break;
        case UNDO_SHARE:
            ok = vsw_share_restore(self->platform, u->a, &error);
            break;
        case UNDO_NFT:
            ok = vsw_nft_remove(self->nft, u->a, &error);
            break;
        }
        if (!ok)
            g_warning("While undoing a failed change: %s", error->message);
    }
    g_array_set_size(undo, 0);
}

/* ---- checks -------------------------------------------------------------------------------- */

static Switch *
find_switch(VswNetwork *self, const char *uuid)
{
    return uuid ? g_hash_table_lookup(self->switches, uuid) : NULL;
}

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
        link_exists(self, own_bridge, &own);
    for (guint i = 0; i < routes->len; i++) {
        const VswRoute *r = &g_array_index(routes, VswRoute, i);
        HvxIpv4Cidr dst;

        if (r->ifindex == own.ifindex || !parse_cidr(r->destination, &dst) || dst.prefix == 0)
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
    if (!link_exists(self, def->adapter_name, &link)) {
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
            !parse_cidr(other->def->address, &other_address))
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
    if (link_exists(self, bridge, &link) && link.kind != VSW_LINK_KIND_BRIDGE) {
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

/* ---- building a switch --------------------------------------------------------------------- */

/* /proc/sys files take a plain write; g_file_set_contents() would try a temporary file. */
static void
write_sysctl(const char *path, const char *value)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);

    if (fd < 0 || write(fd, value, strlen(value)) < 0)
        g_warning("Cannot write %s to %s: %s", value, path, g_strerror(errno));
    if (fd >= 0)
        close(fd);
}

static void
enable_forwarding(VswNetwork *self, const char *bridge)
{
    g_autofree char *path = NULL;

    if (!self->kernel)
        return;
    /* Replies to masqueraded traffic come in through the host's uplink, and the kernel checks
     * forwarding on the interface a packet arrives on: NAT needs ip_forward (all interfaces of
     * this network namespace), not only the bridge's. */
    path = g_strdup_printf("/proc/sys/net/ipv4/conf/%s/forwarding", bridge);
    write_sysctl(path, "1");
    write_sysctl("/proc/sys/net/ipv4/ip_forward", "1");
}

static GPtrArray *
switch_rules(const HvxSwitchDef *def, const char *bridge)
{
    GPtrArray *rules = g_ptr_array_new_with_free_func((GDestroyNotify)vsw_nft_rule_free);
    HvxIpv4Cidr address;
    g_autofree char *network = NULL;

    if (def->type != HVX_SWITCH_TYPE_INTERNAL || !def->nat || !parse_cidr(def->address, &address))
        return rules;
    network = hvx_ipv4_to_string(hvx_ipv4_cidr_network(&address));
    g_ptr_array_add(rules, vsw_nft_rule_new(VSW_NFT_IP, "postrouting",
                                            "ip saddr %s/%u oifname != \"%s\" masquerade", network,
                                            address.prefix, bridge));
    g_ptr_array_add(rules,
                    vsw_nft_rule_new(VSW_NFT_IP, "forward", "iifname \"%s\" accept", bridge));
    g_ptr_array_add(rules,
                    vsw_nft_rule_new(VSW_NFT_IP, "forward",
                                     "oifname \"%s\" ct state established,related accept", bridge));
    return rules;
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
    Switch *sw = find_switch(self, port->switch_uuid);
    g_autoptr(GPtrArray) rules = NULL;
    g_autofree char *tag = port_tag(port->tap_name);
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
static void
reattach_ports(VswNetwork *self, Switch *sw)
{
    GHashTableIter iter;
    Port *port;

    g_hash_table_iter_init(&iter, self->ports);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&port)) {
        g_autoptr(GError) error = NULL;

        if (strcmp(port->switch_uuid, sw->def->uuid) != 0 ||
            !link_exists(self, port->tap_name, NULL))
            continue;
        if (!port_apply(self, port, &error))
            g_warning("Cannot reconnect the port %s: %s", port->tap_name, error->message);
    }
}

/* Builds everything but the bridge itself (which exists) and dnsmasq (start_dnsmasq()). */
static gboolean
build_extras(VswNetwork *self, Switch *sw, GArray *undo, GError **error)
{
    const HvxSwitchDef *def = sw->def;
    const char *bridge = sw->bridge;
    g_autoptr(GPtrArray) rules = NULL;
    g_autofree char *tag = switch_tag(bridge);

    if (def->type == HVX_SWITCH_TYPE_EXTERNAL) {
        VswLink adapter;
        VswLink br;

        if (!vsw_platform_link_get(self->platform, def->adapter_name, &adapter, error) ||
            !vsw_platform_link_get(self->platform, bridge, &br, error))
            return FALSE;
        if (adapter.master != br.ifindex) {
            /* The bridge takes the adapter's MAC: the LAN (and its DHCP server) keep seeing the
             * host as before. */
            if (!vsw_platform_link_set_mac(self->platform, bridge, adapter.mac, error))
                return FALSE;
            if (!vsw_platform_link_set_master(self->platform, def->adapter_name, bridge, error))
                return FALSE;
            undo_push(undo, UNDO_RELEASE, def->adapter_name, adapter.up ? "up" : NULL);
        }
        if (!adapter.up &&
            !vsw_platform_link_set_up(self->platform, def->adapter_name, TRUE, error))
            return FALSE;
    }
    if (!vsw_platform_link_set_up(self->platform, bridge, TRUE, error))
        return FALSE;
    if (def->type == HVX_SWITCH_TYPE_EXTERNAL && def->adapter_share_with_host) {
        g_autofree char *record = share_record(self, bridge);

        if (!g_file_test(record, G_FILE_TEST_EXISTS)) {
            if (!vsw_share_move(self->platform, def->adapter_name, bridge, record, error))
                return FALSE;
        }
        undo_push(undo, UNDO_SHARE, record, NULL);
    }
    if (def->type == HVX_SWITCH_TYPE_INTERNAL && def->address) {
        g_auto(GStrv) have = vsw_platform_list_addresses(self->platform, bridge, error);

        if (!have)
            return FALSE;
        if (!g_strv_contains((const char *const *)have, def->address)) {
            if (!vsw_platform_address_add(self->platform, bridge, def->address, error))
                return FALSE;
            undo_push(undo, UNDO_ADDRESS, bridge, def->address);
        }
    }
    rules = switch_rules(def, bridge);
    if (rules->len > 0) {
        if (!vsw_nft_replace(self->nft, tag, rules, error))
            return FALSE;
        undo_push(undo, UNDO_NFT, tag, NULL);
        enable_forwarding(self, bridge);
    }
    return TRUE;
}

/* The last step of building a switch: its dnsmasq, when it serves DHCP. Completes at once
 * (TRUE) when it has none. */
static void
start_dnsmasq(VswNetwork *self, Switch *sw, GAsyncReadyCallback callback, gpointer user_data)
{
    const HvxSwitchDef *def = sw->def;
    const char *bridge = sw->bridge;
    g_autofree char *lease_file = NULL;
    g_autofree char *pid_file = NULL;
    g_autofree char *log_file = NULL;
    g_autofree char *host = NULL;
    g_autofree char *mask = NULL;
    VswDnsmasqConfig config;
    HvxIpv4Cidr address = {0};

    g_assert(sw->dnsmasq == NULL);
    if (def->type != HVX_SWITCH_TYPE_INTERNAL || !def->dhcp_first || !self->kernel) {
        g_autoptr(GTask) task = g_task_new(NULL, NULL, callback, user_data);

        g_task_return_boolean(task, TRUE);
        return;
    }
    lease_file = state_path(self, "dnsmasq-", bridge, ".leases");
    pid_file = runtime_path(self, "dnsmasq-", bridge, ".pid");
    log_file = runtime_path(self, "dnsmasq-", bridge, ".log");
    parse_cidr(def->address, &address);
    host = hvx_ipv4_to_string(address.address);
    mask = hvx_ipv4_to_string(hvx_ipv4_netmask(address.prefix));
    config = (VswDnsmasqConfig){bridge,   host,       mask,     def->dhcp_first, def->dhcp_last,
                                def->nat, lease_file, pid_file, log_file};
    sw->dnsmasq = vsw_dnsmasq_new(&config);
    vsw_dnsmasq_start_async(sw->dnsmasq, callback, user_data);
}

/* start_dnsmasq()'s result; on failure the switch has no dnsmasq. */
static gboolean
start_dnsmasq_finish(Switch *sw, GAsyncResult *result, GError **error)
{
    if (sw->dnsmasq == NULL)
        return g_task_propagate_boolean(G_TASK(result), error);
    if (!vsw_dnsmasq_start_finish(sw->dnsmasq, result, error)) {
        g_clear_object(&sw->dnsmasq);
        return FALSE;
    }
    return TRUE;
}

/* Ends @sw's dnsmasq, if any; completes once it has exited. */
static void
stop_dnsmasq(Switch *sw, GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(VswDnsmasq) dnsmasq = g_steal_pointer(&sw->dnsmasq);

    if (dnsmasq == NULL) {
        g_autoptr(GTask) task = g_task_new(NULL, NULL, callback, user_data);

        g_task_return_boolean(task, TRUE);
        return;
    }
    vsw_dnsmasq_stop_async(dnsmasq, callback, user_data);
}

/* Takes down what build_extras() made for @sw, keeping the bridge (its dnsmasq is stopped
 * first, with stop_dnsmasq()). */
static void
teardown_extras(VswNetwork *self, Switch *sw)
{
    const HvxSwitchDef *def = sw->def;
    g_autofree char *tag = switch_tag(sw->bridge);
    g_autofree char *record = share_record(self, sw->bridge);
    g_autoptr(GError) error = NULL;

    g_assert(sw->dnsmasq == NULL);
    if (!vsw_nft_remove(self->nft, tag, &error)) {
        g_warning("%s", error->message);
        g_clear_error(&error);
    }
    if (def->type == HVX_SWITCH_TYPE_INTERNAL && def->address)
        vsw_platform_address_delete(self->platform, sw->bridge, def->address, NULL);
    if (g_file_test(record, G_FILE_TEST_EXISTS) &&
        !vsw_share_restore(self->platform, record, &error)) {
        g_warning("%s", error->message);
        g_clear_error(&error);
    }
    if (def->type == HVX_SWITCH_TYPE_EXTERNAL && def->adapter_name) {
        VswLink adapter;
        VswLink bridge;

        if (link_exists(self, def->adapter_name, &adapter) &&
            link_exists(self, sw->bridge, &bridge) && adapter.master == bridge.ifindex)
            vsw_platform_link_set_master(self->platform, def->adapter_name, NULL, NULL);
    }
}

static gboolean
save_default(VswNetwork *self, GError **error)
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

/* ---- switch changes, one at a time ---------------------------------------------------------- */

/* Applying, removing and syncing wait for dnsmasq from the main loop, so several may be asked
 * for at once: they run one after the other, each seeing what the one before made. */
typedef void (*OpRunFunc)(VswNetwork *self, GTask *op);

typedef struct {
    GTask *task;
    OpRunFunc run;
} Op;

static void
op_next(VswNetwork *self)
{
    Op *op;

    if (self->op_running || g_queue_is_empty(self->ops))
        return;
    op = g_queue_pop_head(self->ops);
    self->op_running = TRUE;
    op->run(self, op->task);
    g_free(op);
}

/* Queues @task (taken), a public switch change whose work is @run. */
static void
op_queue(VswNetwork *self, GTask *task, OpRunFunc run)
{
    Op *op = g_new0(Op, 1);

    op->task = task;
    op->run = run;
    g_queue_push_tail(self->ops, op);
    op_next(self);
}

/* Ends the running change @task (taken) with @error (taken; NULL: success). */
static void
op_return(GTask *task, GError *error)
{
    g_autoptr(VswNetwork) self = g_object_ref(g_task_get_source_object(task));

    self->op_running = FALSE;
    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
    g_object_unref(task);
    op_next(self);
}

/* An inner step's boolean GTask result into the running change (user_data). */
static void
op_step_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GError *error = NULL;

    g_task_propagate_boolean(G_TASK(result), &error);
    op_return(user_data, error);
}

/* ---- applying ------------------------------------------------------------------------------- */

typedef struct {
    Switch *sw;  /* the new shape, until it is in the table */
    Switch *old; /* reshape: the switch as it is (in the table) */
    GArray *undo;
    GError *error; /* reshape: why the new shape failed, while the old one comes back */
} ApplyData;

static void
apply_data_free(ApplyData *data)
{
    if (data->sw)
        switch_free(data->sw);
    g_array_unref(data->undo);
    g_clear_error(&data->error);
    g_free(data);
}

/* Takes @task: the new shape is up. */
static void
apply_done(VswNetwork *self, GTask *task)
{
    ApplyData *data = g_task_get_task_data(task);
    Switch *sw = g_steal_pointer(&data->sw);

    sw->up = TRUE;
    g_hash_table_replace(self->switches, g_strdup(sw->def->uuid), sw);
    reattach_ports(self, sw);
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

/* A reshape failed and the old shape could not come back either: the switch is down. */
static void
old_not_back(Switch *old, const GError *again)
{
    g_warning("Cannot bring the switch “%s” back: %s", old->def->name, again->message);
    old->up = FALSE;
    g_free(old->status);
    old->status = g_strdup(again->message);
}

static void
apply_old_back(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    ApplyData *data = g_task_get_task_data(task);
    g_autoptr(GError) again = NULL;

    if (!start_dnsmasq_finish(data->old, result, &again))
        old_not_back(data->old, again);
    g_task_return_error(task, g_steal_pointer(&data->error));
    g_object_unref(task);
}

/* Takes @task and @error: the new shape failed (its steps are undone); the old one comes back. */
static void
apply_failed(VswNetwork *self, GTask *task, GError *error)
{
    ApplyData *data = g_task_get_task_data(task);
    g_autoptr(GError) again = NULL;

    undo_run(self, data->undo);
    g_clear_pointer(&data->sw, switch_free);
    if (data->old == NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    data->error = error;
    if (!build_extras(self, data->old, data->undo, &again)) {
        old_not_back(data->old, again);
        g_task_return_error(task, g_steal_pointer(&data->error));
        g_object_unref(task);
        return;
    }
    start_dnsmasq(self, data->old, apply_old_back, task);
}

static void
apply_dnsmasq_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    VswNetwork *self = g_task_get_source_object(task);
    ApplyData *data = g_task_get_task_data(task);
    GError *error = NULL;

    if (!start_dnsmasq_finish(data->sw, result, &error))
        apply_failed(self, task, error);
    else
        apply_done(self, task);
}

/* Takes @task: everything but dnsmasq, then dnsmasq. */
static void
apply_build(VswNetwork *self, GTask *task)
{
    ApplyData *data = g_task_get_task_data(task);
    GError *error = NULL;

    if (!build_extras(self, data->sw, data->undo, &error)) {
        apply_failed(self, task, error);
        return;
    }
    start_dnsmasq(self, data->sw, apply_dnsmasq_started, task);
}

static void
apply_old_stopped(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    VswNetwork *self = g_task_get_source_object(task);
    ApplyData *data = g_task_get_task_data(task);

    g_task_propagate_boolean(G_TASK(result), NULL);
    teardown_extras(self, data->old);
    apply_build(self, task);
}

/* Creates or reshapes the switch @def names; the work of vsw_network_apply_switch_async(). */
static void
apply_async(VswNetwork *self, const HvxSwitchDef *def, GAsyncReadyCallback callback,
            gpointer user_data)
{
    GTask *task = g_task_new(self, NULL, callback, user_data);
    ApplyData *data = g_new0(ApplyData, 1);
    GError *error = NULL;
    Switch *old;
    Switch *sw;

    data->undo = undo_new();
    g_task_set_task_data(task, data, (GDestroyNotify)apply_data_free);
    if (!vsw_network_check_switch(self, def, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    old = find_switch(self, def->uuid);
    sw = g_new0(Switch, 1);
    sw->def = def_copy(def);
    sw->bridge = hvx_bridge_name(def->uuid);
    data->sw = sw;

    if (old && old->up) {
        /* Reshape: the bridge and its ports stay. */
        data->old = old;
        stop_dnsmasq(old, apply_old_stopped, task);
        return;
    }

    if (!link_exists(self, sw->bridge, NULL)) {
        g_autofree char *record = share_record(self, sw->bridge);

        /* A record without its bridge is from before a reboot: the adapter has its own
         * configuration again; restoring only adds what is missing. */
        if (g_file_test(record, G_FILE_TEST_EXISTS))
            vsw_share_restore(self->platform, record, NULL);
        if (!vsw_platform_bridge_add(self->platform, sw->bridge, &error)) {
            g_task_return_error(task, error);
            g_object_unref(task);
            return;
        }
        undo_push(data->undo, UNDO_DELETE_LINK, sw->bridge, NULL);
    } else {
        /* Left by an earlier berthd: adopt it. A shared adapter's record stays valid only if the
         * switch still shares that adapter. */
        g_autofree char *record = share_record(self, sw->bridge);
        g_autofree char *recorded_adapter = NULL;

        if (vsw_share_read(record, &recorded_adapter, NULL) &&
            !(def->type == HVX_SWITCH_TYPE_EXTERNAL && def->adapter_share_with_host &&
              g_strcmp0(recorded_adapter, def->adapter_name) == 0))
            vsw_share_restore(self->platform, record, NULL);
    }
    apply_build(self, task);
}

static void
apply_run(VswNetwork *self, GTask *op)
{
    apply_async(self, g_task_get_task_data(op), op_step_done, op);
}

void
vsw_network_apply_switch_async(VswNetwork *self, const HvxSwitchDef *def,
                               GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *op;

    g_return_if_fail(VSW_IS_NETWORK(self));
    g_return_if_fail(def != NULL);

    op = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(op, vsw_network_apply_switch_async);
    g_task_set_task_data(op, def_copy(def), (GDestroyNotify)hvx_switch_def_free);
    op_queue(self, op, apply_run);
}

gboolean
vsw_network_apply_switch_finish(VswNetwork *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- removing ------------------------------------------------------------------------------- */

static void
remove_stopped(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    VswNetwork *self = g_task_get_source_object(task);
    const char *uuid = g_task_get_task_data(task);
    Switch *sw = find_switch(self, uuid);
    GError *error = NULL;

    g_task_propagate_boolean(G_TASK(result), NULL);
    teardown_extras(self, sw);
    if (link_exists(self, sw->bridge, NULL) &&
        !vsw_platform_link_delete(self->platform, sw->bridge, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    if (g_strcmp0(self->default_uuid, uuid) == 0) {
        g_clear_pointer(&self->default_uuid, g_free);
        save_default(self, NULL);
    }
    g_hash_table_remove(self->switches, uuid);
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

/* The work of vsw_network_remove_switch_async(). */
static void
remove_async(VswNetwork *self, const char *uuid, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(self, NULL, callback, user_data);
    Switch *sw = find_switch(self, uuid);

    g_task_set_task_data(task, g_strdup(uuid), g_free);
    if (!sw) {
        g_task_return_new_error(task, VSW_ERROR, VSW_ERROR_NOT_FOUND,
                                _("There is no switch with UUID %s"), uuid);
        g_object_unref(task);
        return;
    }
    stop_dnsmasq(sw, remove_stopped, task);
}

static void
remove_run(VswNetwork *self, GTask *op)
{
    remove_async(self, g_task_get_task_data(op), op_step_done, op);
}

void
vsw_network_remove_switch_async(VswNetwork *self, const char *uuid, GAsyncReadyCallback callback,
                                gpointer user_data)
{
    GTask *op;

    g_return_if_fail(VSW_IS_NETWORK(self));
    g_return_if_fail(uuid != NULL);

    op = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(op, vsw_network_remove_switch_async);
    g_task_set_task_data(op, g_strdup(uuid), g_free);
    op_queue(self, op, remove_run);
}

gboolean
vsw_network_remove_switch_finish(VswNetwork *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

const char *
vsw_network_switch_status(VswNetwork *self, const char *uuid)
{
    Switch *sw;
    VswLink bridge;
    VswLink adapter;

    g_return_val_if_fail(VSW_IS_NETWORK(self), NULL);

    sw = find_switch(self, uuid);
    if (!sw)
        return _("The switch is not set up");
    if (!sw->up)
        return sw->status;
    g_clear_pointer(&sw->status, g_free);
    if (!link_exists(self, sw->bridge, &bridge))
        sw->status = g_strdup_printf(_("The bridge %s has vanished"), sw->bridge);
    else if (sw->def->type == HVX_SWITCH_TYPE_EXTERNAL &&
             !link_exists(self, sw->def->adapter_name, &adapter))
        sw->status = g_strdup_printf(_("The adapter %s has vanished"), sw->def->adapter_name);
    else if (sw->def->type == HVX_SWITCH_TYPE_EXTERNAL && adapter.master != bridge.ifindex)
        sw->status = g_strdup_printf(_("The adapter %s is no longer connected to the switch"),
                                     sw->def->adapter_name);
    else if (sw->dnsmasq && vsw_dnsmasq_get_pid(sw->dnsmasq) == 0)
        sw->status = g_strdup(_("The DHCP server is restarting"));
    return sw->status;
}

/* ---- ports --------------------------------------------------------------------------------- */

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
    sw = find_switch(self, config->switch_uuid);
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
    tag = port_tag(config->tap_name);
    if (!port_apply(self, port, error)) {
        /* Closing the only fd removes the tap, and with it its qdisc. */
        close(fd);
        vsw_nft_remove(self->nft, tag, NULL);
        port_free(port);
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
        port_free(port);
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
    tag = port_tag(tap_name);
    return vsw_nft_remove(self->nft, tag, error);
}

/* ---- adapters, subnets, leases ------------------------------------------------------------- */

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

            if (parse_cidr(g_array_index(routes, VswRoute, i).destination, &dst) &&
                dst.prefix > 0 && hvx_ipv4_cidr_overlap(&net, &dst))
                taken = TRUE;
        }
        g_hash_table_iter_init(&iter, self->switches);
        while (!taken && g_hash_table_iter_next(&iter, NULL, (gpointer *)&sw)) {
            HvxIpv4Cidr a;

            if (parse_cidr(sw->def->address, &a) && hvx_ipv4_cidr_overlap(&net, &a))
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
    path = state_path(self, "dnsmasq-", bridge, ".leases");
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

/* ---- Default Switch ------------------------------------------------------------------------ */

gboolean
vsw_network_set_default_switch(VswNetwork *self, const char *uuid, GError **error)
{
    Switch *other;

    g_return_val_if_fail(VSW_IS_NETWORK(self), FALSE);

    other = find_switch(self, self->default_uuid);
    if (uuid && other && g_strcmp0(self->default_uuid, uuid) != 0) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_EXISTS,
                    _("Default Switch: “%s” is already the Default Switch; there can be only one"),
                    other->def->name);
        return FALSE;
    }
    g_free(self->default_uuid);
    self->default_uuid = g_strdup(uuid);
    return save_default(self, error);
}

const char *
vsw_network_get_default_switch(VswNetwork *self)
{
    g_return_val_if_fail(VSW_IS_NETWORK(self), NULL);

    return self->default_uuid;
}

/* ---- sync ---------------------------------------------------------------------------------- */

static gboolean
bridge_wanted(GPtrArray *defs, const char *bridge)
{
    for (guint i = 0; defs && i < defs->len; i++) {
        const HvxSwitchDef *def = g_ptr_array_index(defs, i);
        g_autofree char *b = def->uuid ? hvx_bridge_name(def->uuid) : NULL;

        if (g_strcmp0(b, bridge) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Files named PREFIX + bsw… + SUFFIX in @dir whose bridge is not wanted. */
static GPtrArray *
stale_files(const char *dir, const char *prefix, const char *suffix, GPtrArray *defs)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *bridge = NULL;

        if (!g_str_has_prefix(name, prefix) || !g_str_has_suffix(name, suffix))
            continue;
        bridge = g_strndup(name + strlen(prefix), strlen(name) - strlen(prefix) - strlen(suffix));
        if (g_str_has_prefix(bridge, "bsw") && !bridge_wanted(defs, bridge))
            g_ptr_array_add(paths, g_build_filename(dir, name, NULL));
    }
    return paths;
}

/* sync's steps, each over a list, one item at a time. */
typedef struct {
    GPtrArray *defs;      /* of HvxSwitchDef (copies) */
    GPtrArray *forget;    /* uuids of switches we know that are no longer wanted */
    GPtrArray *pid_files; /* of dnsmasq processes an earlier berthd left */
    guint next;
} SyncData;

static void
sync_data_free(SyncData *data)
{
    g_ptr_array_unref(data->defs);
    g_clear_pointer(&data->forget, g_ptr_array_unref);
    g_clear_pointer(&data->pid_files, g_ptr_array_unref);
    g_free(data);
}

/* Takes @task: rules of switches that are gone and of taps that are gone. */
static void
sync_rules(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);
    g_auto(GStrv) tags = NULL;
    GError *error = NULL;

    tags = vsw_nft_list_tags(self->nft, &error);
    if (!tags) {
        op_return(task, error);
        return;
    }
    for (guint i = 0; tags[i]; i++) {
        gboolean stale = FALSE;

        if (g_str_has_prefix(tags[i], "berth:sw:"))
            stale = !bridge_wanted(data->defs, tags[i] + strlen("berth:sw:"));
        else if (g_str_has_prefix(tags[i], "berth:port:"))
            stale = !link_exists(self, tags[i] + strlen("berth:port:"), NULL);
        else
            stale = TRUE;
        if (stale) {
            g_autoptr(GError) local_error = NULL;

            g_hash_table_remove(self->ports, tags[i] + strlen("berth:port:"));
            if (!vsw_nft_remove(self->nft, tags[i], &local_error))
                g_warning("%s", local_error->message);
        }
    }
    op_return(task, NULL);
}

static void sync_apply_next(VswNetwork *self, GTask *task);

static void
sync_applied(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    VswNetwork *self = g_task_get_source_object(task);
    SyncData *data = g_task_get_task_data(task);
    const HvxSwitchDef *def = g_ptr_array_index(data->defs, data->next);
    g_autoptr(GError) error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error)) {
        Switch *sw = find_switch(self, def->uuid);

        g_warning("Cannot set up the switch “%s”: %s", def->name, error->message);
        if (!sw) {
            sw = g_new0(Switch, 1);
            sw->def = def_copy(def);
            sw->bridge = hvx_bridge_name(def->uuid);
            g_hash_table_replace(self->switches, g_strdup(def->uuid), sw);
        }
        sw->up = FALSE;
        g_free(sw->status);
        sw->status = g_strdup(error->message);
    }
    data->next++;
    sync_apply_next(self, task);
}

/* Takes @task: the wanted switches, each on its own: one that fails does not stop the others. */
static void
sync_apply_next(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);

    while (data->next < data->defs->len &&
           ((HvxSwitchDef *)g_ptr_array_index(data->defs, data->next))->uuid == NULL)
        data->next++;
    if (data->next == data->defs->len) {
        sync_rules(self, task);
        return;
    }
    apply_async(self, g_ptr_array_index(data->defs, data->next), sync_applied, task);
}

static void sync_end_dnsmasq_next(VswNetwork *self, GTask *task);

static void
sync_dnsmasq_ended(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    SyncData *data = g_task_get_task_data(task);

    vsw_dnsmasq_kill_stale_finish(result, NULL);
    data->next++;
    sync_end_dnsmasq_next(g_task_get_source_object(task), task);
}

/* Takes @task: dnsmasq processes of switches that are gone. */
static void
sync_end_dnsmasq_next(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);

    if (data->next == data->pid_files->len) {
        data->next = 0;
        sync_apply_next(self, task);
        return;
    }
    vsw_dnsmasq_kill_stale_async(g_ptr_array_index(data->pid_files, data->next), NULL,
                                 sync_dnsmasq_ended, task);
}

/* Takes @task: what an earlier berthd left: shared adapters first (their bridge must still exist
 * to take the addresses off), then bridges, dnsmasq processes and rules. */
static void
sync_leftovers(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);
    g_autoptr(GPtrArray) records = stale_files(self->state_dir, "shared-", ".ini", data->defs);
    g_autoptr(GArray) links = NULL;
    GError *error = NULL;

    for (guint i = 0; i < records->len; i++) {
        g_autoptr(GError) local_error = NULL;

        g_message("Giving a shared adapter back its addresses (%s)",
                  (char *)g_ptr_array_index(records, i));
        if (!vsw_share_restore(self->platform, g_ptr_array_index(records, i), &local_error))
            g_warning("%s", local_error->message);
    }
    links = vsw_platform_list_links(self->platform, &error);
    if (!links) {
        op_return(task, error);
        return;
    }
    for (guint i = 0; i < links->len; i++) {
        const VswLink *link = &g_array_index(links, VswLink, i);
        g_autoptr(GError) local_error = NULL;

        if (link->kind != VSW_LINK_KIND_BRIDGE || !g_str_has_prefix(link->name, "bsw") ||
            bridge_wanted(data->defs, link->name))
            continue;
        g_message("Removing the bridge %s left by an earlier berthd", link->name);
        if (!vsw_platform_link_delete(self->platform, link->name, &local_error))
            g_warning("%s", local_error->message);
    }
    data->pid_files = stale_files(self->runtime_dir, "dnsmasq-", ".pid", data->defs);
    data->next = 0;
    sync_end_dnsmasq_next(self, task);
}

static void sync_forget_next(VswNetwork *self, GTask *task);

static void
sync_forgotten(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    SyncData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error))
        g_warning("%s", error->message);
    data->next++;
    sync_forget_next(g_task_get_source_object(task), task);
}

/* Takes @task: switches we know that are no longer wanted go first. */
static void
sync_forget_next(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);

    if (data->next == data->forget->len) {
        sync_leftovers(self, task);
        return;
    }
    remove_async(self, g_ptr_array_index(data->forget, data->next), sync_forgotten, task);
}

static void
sync_run(VswNetwork *self, GTask *op)
{
    SyncData *data = g_task_get_task_data(op);
    g_autoptr(GArray) links = NULL;
    GError *error = NULL;
    GHashTableIter iter;
    const char *uuid;

    links = vsw_platform_list_links(self->platform, &error);
    if (!links || !vsw_nft_ensure(self->nft, &error)) {
        op_return(op, error);
        return;
    }
    data->forget = g_ptr_array_new_with_free_func(g_free);
    g_hash_table_iter_init(&iter, self->switches);
    while (g_hash_table_iter_next(&iter, (gpointer *)&uuid, NULL)) {
        g_autofree char *bridge = hvx_bridge_name(uuid);

        if (!bridge_wanted(data->defs, bridge))
            g_ptr_array_add(data->forget, g_strdup(uuid));
    }
    data->next = 0;
    sync_forget_next(self, op);
}

void
vsw_network_sync_async(VswNetwork *self, GPtrArray *defs, GAsyncReadyCallback callback,
                       gpointer user_data)
{
    GTask *op;
    SyncData *data;

    g_return_if_fail(VSW_IS_NETWORK(self));

    op = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(op, vsw_network_sync_async);
    data = g_new0(SyncData, 1);
    data->defs = g_ptr_array_new_with_free_func((GDestroyNotify)hvx_switch_def_free);
    for (guint i = 0; defs && i < defs->len; i++)
        g_ptr_array_add(data->defs, def_copy(g_ptr_array_index(defs, i)));
    g_task_set_task_data(op, data, (GDestroyNotify)sync_data_free);
    op_queue(self, op, sync_run);
}

gboolean
vsw_network_sync_finish(VswNetwork *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- object -------------------------------------------------------------------------------- */

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
    self->switches = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, switch_free);
    self->ports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, port_free);
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

    sw = find_switch(self, uuid);
    return sw && sw->dnsmasq ? vsw_dnsmasq_get_pid(sw->dnsmasq) : 0;
}
