/* vsw-network-build.c: a switch's shape on the kernel, built in steps (adapter, shared addresses,
 * host address, NAT rules, dnsmasq), each that changes the host pushing its undo on a stack, and
 * taken down again.
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

GArray *
vsw_network_undo_new(void)
{
    GArray *undo = g_array_new(FALSE, TRUE, sizeof(Undo));

    g_array_set_clear_func(undo, undo_clear);
    return undo;
}

void
vsw_network_undo_push(GArray *undo, UndoKind kind, const char *a, const char *b)
{
    Undo u = {kind, g_strdup(a), g_strdup(b)};

    g_array_append_val(undo, u);
}

void
vsw_network_undo_run(VswNetwork *self, GArray *undo)
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

    if (def->type != HVX_SWITCH_TYPE_INTERNAL || !def->nat ||
        !vsw_network_parse_cidr(def->address, &address))
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

/* Builds everything but the bridge itself (which exists) and dnsmasq (vsw_network_start_dnsmasq()).
 */
gboolean
vsw_network_build_extras(VswNetwork *self, Switch *sw, GArray *undo, GError **error)
{
    const HvxSwitchDef *def = sw->def;
    const char *bridge = sw->bridge;
    g_autoptr(GPtrArray) rules = NULL;
    g_autofree char *tag = vsw_network_switch_tag(bridge);

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
            vsw_network_undo_push(undo, UNDO_RELEASE, def->adapter_name, adapter.up ? "up" : NULL);
        }
        if (!adapter.up &&
            !vsw_platform_link_set_up(self->platform, def->adapter_name, TRUE, error))
            return FALSE;
    }
    if (!vsw_platform_link_set_up(self->platform, bridge, TRUE, error))
        return FALSE;
    if (def->type == HVX_SWITCH_TYPE_EXTERNAL && def->adapter_share_with_host) {
        g_autofree char *record = vsw_network_share_record(self, bridge);

        if (!g_file_test(record, G_FILE_TEST_EXISTS)) {
            if (!vsw_share_move(self->platform, def->adapter_name, bridge, record, error))
                return FALSE;
        }
        vsw_network_undo_push(undo, UNDO_SHARE, record, NULL);
    }
    if (def->type == HVX_SWITCH_TYPE_INTERNAL && def->address) {
        g_auto(GStrv) have = vsw_platform_list_addresses(self->platform, bridge, error);

        if (!have)
            return FALSE;
        if (!g_strv_contains((const char *const *)have, def->address)) {
            if (!vsw_platform_address_add(self->platform, bridge, def->address, error))
                return FALSE;
            vsw_network_undo_push(undo, UNDO_ADDRESS, bridge, def->address);
        }
    }
    rules = switch_rules(def, bridge);
    if (rules->len > 0) {
        if (!vsw_nft_replace(self->nft, tag, rules, error))
            return FALSE;
        vsw_network_undo_push(undo, UNDO_NFT, tag, NULL);
        enable_forwarding(self, bridge);
    }
    return TRUE;
}

/* The last step of building a switch: its dnsmasq, when it serves DHCP. Completes at once
 * (TRUE) when it has none. */
void
vsw_network_start_dnsmasq(VswNetwork *self, Switch *sw, GAsyncReadyCallback callback,
                          gpointer user_data)
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
    lease_file = vsw_network_state_path(self, "dnsmasq-", bridge, ".leases");
    pid_file = vsw_network_runtime_path(self, "dnsmasq-", bridge, ".pid");
    log_file = vsw_network_runtime_path(self, "dnsmasq-", bridge, ".log");
    vsw_network_parse_cidr(def->address, &address);
    host = hvx_ipv4_to_string(address.address);
    mask = hvx_ipv4_to_string(hvx_ipv4_netmask(address.prefix));
    config = (VswDnsmasqConfig){bridge,   host,       mask,     def->dhcp_first, def->dhcp_last,
                                def->nat, lease_file, pid_file, log_file};
    sw->dnsmasq = vsw_dnsmasq_new(&config);
    vsw_dnsmasq_start_async(sw->dnsmasq, callback, user_data);
}

/* vsw_network_start_dnsmasq()'s result; on failure the switch has no dnsmasq. */
gboolean
vsw_network_start_dnsmasq_finish(Switch *sw, GAsyncResult *result, GError **error)
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
void
vsw_network_stop_dnsmasq(Switch *sw, GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(VswDnsmasq) dnsmasq = g_steal_pointer(&sw->dnsmasq);

    if (dnsmasq == NULL) {
        g_autoptr(GTask) task = g_task_new(NULL, NULL, callback, user_data);

        g_task_return_boolean(task, TRUE);
        return;
    }
    vsw_dnsmasq_stop_async(dnsmasq, callback, user_data);
}

/* Takes down what vsw_network_build_extras() made for @sw, keeping the bridge (its dnsmasq is
 * stopped first, with vsw_network_stop_dnsmasq()). */
void
vsw_network_teardown_extras(VswNetwork *self, Switch *sw)
{
    const HvxSwitchDef *def = sw->def;
    g_autofree char *tag = vsw_network_switch_tag(sw->bridge);
    g_autofree char *record = vsw_network_share_record(self, sw->bridge);
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

        if (vsw_network_link_exists(self, def->adapter_name, &adapter) &&
            vsw_network_link_exists(self, sw->bridge, &bridge) && adapter.master == bridge.ifindex)
            vsw_platform_link_set_master(self->platform, def->adapter_name, NULL, NULL);
    }
}
