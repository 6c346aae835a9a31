/* vsw-share.c: moving an adapter's IPv4 addresses and routes to a bridge and back.
 *
 * Routes the kernel makes by itself for an address (protocol "kernel") are not recorded: they
 * come and go with their address. The others (default route, static routes, DHCP's) are
 * recorded with destination, gateway, preferred source, metric, protocol and scope, and put
 * back with all of them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "vsw-error.h"
#include "vsw-share.h"

#define GROUP "share"

static char *
route_group(guint i)
{
    return g_strdup_printf("route %u", i);
}

static gboolean
write_record(const char *record_path, const char *adapter, const char *bridge, GArray *addresses,
             GArray *routes, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *data = NULL;
    g_autoptr(GError) local_error = NULL;
    gsize len;

    g_key_file_set_string(kf, GROUP, "adapter", adapter);
    g_key_file_set_string(kf, GROUP, "bridge", bridge);
    for (guint i = 0; i < addresses->len; i++) {
        const VswAddress *a = &g_array_index(addresses, VswAddress, i);
        g_autofree char *group = g_strdup_printf("address %u", i);

        g_key_file_set_string(kf, group, "address", a->cidr);
        g_key_file_set_string(kf, group, "broadcast", a->broadcast);
        g_key_file_set_uint64(kf, group, "scope", a->scope);
        g_key_file_set_string(kf, group, "label", a->label);
    }
    for (guint i = 0; i < routes->len; i++) {
        const VswRoute *r = &g_array_index(routes, VswRoute, i);
        g_autofree char *group = route_group(i);

        g_key_file_set_string(kf, group, "destination", r->destination);
        g_key_file_set_string(kf, group, "gateway", r->gateway);
        g_key_file_set_string(kf, group, "source", r->source);
        g_key_file_set_uint64(kf, group, "metric", r->metric);
        g_key_file_set_uint64(kf, group, "protocol", r->protocol);
        g_key_file_set_uint64(kf, group, "scope", r->scope);
    }
    data = g_key_file_to_data(kf, &len, NULL);
    if (!g_file_set_contents_full(record_path, data, (gssize)len,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, &local_error)) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_STATE,
                    _("Cannot record the addresses of “%s” before moving them: %s"), adapter,
                    local_error->message);
        return FALSE;
    }
    return TRUE;
}

static gboolean
read_record(const char *record_path, char **ret_adapter, char **ret_bridge, GArray **ret_addresses,
            GArray **ret_routes, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local_error = NULL;
    g_autoptr(GArray) routes = g_array_new(FALSE, TRUE, sizeof(VswRoute));
    g_autofree char *adapter = NULL;
    g_autofree char *bridge = NULL;
    g_autoptr(GArray) addresses = g_array_new(FALSE, TRUE, sizeof(VswAddress));

    if (!g_key_file_load_from_file(kf, record_path, G_KEY_FILE_NONE, &local_error) ||
        !(adapter = g_key_file_get_string(kf, GROUP, "adapter", &local_error)) ||
        !(bridge = g_key_file_get_string(kf, GROUP, "bridge", &local_error))) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_STATE, _("Cannot read the record “%s”: %s"),
                    record_path, local_error->message);
        return FALSE;
    }
    for (guint i = 0;; i++) {
        g_autofree char *group = g_strdup_printf("address %u", i);
        g_autofree char *cidr = NULL;
        g_autofree char *broadcast = NULL;
        g_autofree char *label = NULL;
        VswAddress a = {.scope = 0};

        if (!g_key_file_has_group(kf, group))
            break;
        cidr = g_key_file_get_string(kf, group, "address", NULL);
        broadcast = g_key_file_get_string(kf, group, "broadcast", NULL);
        label = g_key_file_get_string(kf, group, "label", NULL);
        g_strlcpy(a.cidr, cidr ? cidr : "", sizeof a.cidr);
        g_strlcpy(a.broadcast, broadcast ? broadcast : "", sizeof a.broadcast);
        g_strlcpy(a.label, label ? label : "", sizeof a.label);
        a.scope = (guint8)g_key_file_get_uint64(kf, group, "scope", NULL);
        g_array_append_val(addresses, a);
    }
    for (guint i = 0;; i++) {
        g_autofree char *group = route_group(i);
        g_autofree char *destination = NULL;
        g_autofree char *gateway = NULL;
        g_autofree char *source = NULL;
        VswRoute r = {0};

        if (!g_key_file_has_group(kf, group))
            break;
        destination = g_key_file_get_string(kf, group, "destination", NULL);
        gateway = g_key_file_get_string(kf, group, "gateway", NULL);
        source = g_key_file_get_string(kf, group, "source", NULL);
        g_strlcpy(r.destination, destination ? destination : "", sizeof r.destination);
        g_strlcpy(r.gateway, gateway ? gateway : "", sizeof r.gateway);
        g_strlcpy(r.source, source ? source : "", sizeof r.source);
        r.metric = (guint)g_key_file_get_uint64(kf, group, "metric", NULL);
        r.protocol = (guint8)g_key_file_get_uint64(kf, group, "protocol", NULL);
        r.scope = (guint8)g_key_file_get_uint64(kf, group, "scope", NULL);
        g_array_append_val(routes, r);
    }
    if (ret_adapter)
        *ret_adapter = g_steal_pointer(&adapter);
    if (ret_bridge)
        *ret_bridge = g_steal_pointer(&bridge);
    if (ret_addresses)
        *ret_addresses = g_steal_pointer(&addresses);
    if (ret_routes)
        *ret_routes = g_steal_pointer(&routes);
    return TRUE;
}

gboolean
vsw_share_read(const char *record_path, char **ret_adapter, char **ret_bridge)
{
    return read_record(record_path, ret_adapter, ret_bridge, NULL, NULL, NULL);
}

gboolean
vsw_share_move(VswPlatform *platform, const char *adapter, const char *bridge,
               const char *record_path, GError **error)
{
    g_autoptr(GArray) addresses = NULL;
    g_autoptr(GArray) all_routes = NULL;
    g_autoptr(GArray) routes = g_array_new(FALSE, TRUE, sizeof(VswRoute));
    VswLink bridge_link;

    addresses = vsw_platform_list_address_details(platform, adapter, error);
    if (!addresses)
        return FALSE;
    all_routes = vsw_platform_list_routes(platform, adapter, error);
    if (!all_routes)
        return FALSE;
    if (!vsw_platform_link_get(platform, bridge, &bridge_link, error))
        return FALSE;
    for (guint i = 0; i < all_routes->len; i++) {
        const VswRoute *r = &g_array_index(all_routes, VswRoute, i);

        if (r->protocol != RTPROT_KERNEL)
            g_array_append_val(routes, *r);
    }
    if (!write_record(record_path, adapter, bridge, addresses, routes, error))
        return FALSE;

    for (guint i = 0; i < routes->len; i++) {
        if (!vsw_platform_route_delete(platform, &g_array_index(routes, VswRoute, i), error))
            goto fail;
    }
    /* Secondaries before their primary (deleting a primary takes its secondaries along), then
     * in the original order on the bridge, so primaries stay primaries. */
    for (guint i = addresses->len; i-- > 0;) {
        if (!vsw_platform_address_delete(platform, adapter,
                                         g_array_index(addresses, VswAddress, i).cidr, error))
            goto fail;
    }
    for (guint i = 0; i < addresses->len; i++) {
        /* The label names the link ("eth0:1"): on the bridge it is the bridge's own. */
        VswAddress a = g_array_index(addresses, VswAddress, i);

        a.label[0] = '\0';
        if (!vsw_platform_address_add_details(platform, bridge, &a, error))
            goto fail;
    }
    for (guint i = 0; i < routes->len; i++) {
        VswRoute r = g_array_index(routes, VswRoute, i);

        r.ifindex = bridge_link.ifindex;
        if (!vsw_platform_route_add(platform, &r, error))
            goto fail;
    }
    return TRUE;

fail:
    vsw_share_restore(platform, record_path, NULL);
    return FALSE;
}

gboolean
vsw_share_restore(VswPlatform *platform, const char *record_path, GError **error)
{
    g_autofree char *adapter = NULL;
    g_autofree char *bridge = NULL;
    g_autoptr(GArray) addresses = NULL;
    g_autoptr(GArray) routes = NULL;
    VswLink adapter_link;
    VswLink bridge_link;
    gboolean have_bridge;
    gboolean ok = TRUE;

    if (!read_record(record_path, &adapter, &bridge, &addresses, &routes, error))
        return FALSE;
    have_bridge = vsw_platform_link_get(platform, bridge, &bridge_link, NULL);
    if (have_bridge) {
        for (guint i = 0; i < routes->len; i++) {
            VswRoute r = g_array_index(routes, VswRoute, i);

            r.ifindex = bridge_link.ifindex;
            vsw_platform_route_delete(platform, &r, NULL);
        }
        for (guint i = addresses->len; i-- > 0;)
            vsw_platform_address_delete(platform, bridge,
                                        g_array_index(addresses, VswAddress, i).cidr, NULL);
    }
    if (!vsw_platform_link_get(platform, adapter, &adapter_link, error)) {
        /* The adapter is gone: nothing to give back to; keep no record of it. */
        g_unlink(record_path);
        return FALSE;
    }
    if (have_bridge && adapter_link.master == bridge_link.ifindex)
        vsw_platform_link_set_master(platform, adapter, NULL, NULL);
    /* Routes need the link up; the adapter was up when it was shared. */
    vsw_platform_link_set_up(platform, adapter, TRUE, NULL);
    /* Exactly as recorded, order included (the first address of a subnet is its primary): what
     * is still there goes first. */
    for (guint i = addresses->len; i-- > 0;)
        vsw_platform_address_delete(platform, adapter, g_array_index(addresses, VswAddress, i).cidr,
                                    NULL);
    for (guint i = 0; i < addresses->len; i++) {
        g_autoptr(GError) local_error = NULL;

        if (!vsw_platform_address_add_details(
                platform, adapter, &g_array_index(addresses, VswAddress, i), &local_error) &&
            !g_error_matches(local_error, VSW_ERROR, VSW_ERROR_EXISTS)) {
            if (ok && error)
                g_propagate_error(error, g_steal_pointer(&local_error));
            ok = FALSE;
        }
    }
    for (guint i = 0; i < routes->len; i++) {
        g_autoptr(GError) local_error = NULL;
        VswRoute r = g_array_index(routes, VswRoute, i);

        r.ifindex = adapter_link.ifindex;
        if (!vsw_platform_route_add(platform, &r, &local_error) &&
            !g_error_matches(local_error, VSW_ERROR, VSW_ERROR_EXISTS)) {
            if (ok && error)
                g_propagate_error(error, g_steal_pointer(&local_error));
            ok = FALSE;
        }
    }
    g_unlink(record_path);
    return ok;
}
