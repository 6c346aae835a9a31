/* vsw-platform.c: the abstract backend; argument checks, name lookups and error messages.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "hvx-net-address.h"
#include "vsw-error.h"
#include "vsw-platform.h"

G_DEFINE_ABSTRACT_TYPE(VswPlatform, vsw_platform, G_TYPE_OBJECT)

static void
vsw_platform_class_init(VswPlatformClass *klass)
{
}

static void
vsw_platform_init(VswPlatform *self)
{
}

const char *
vsw_link_kind_to_string(VswLinkKind kind)
{
    static const char *const names[] = {"other", "ether", "bridge", "tap", "veth"};

    g_return_val_if_fail((guint)kind < G_N_ELEMENTS(names), NULL);
    return names[kind];
}

/* The detail after "Cannot …: " when @name cannot be an interface name, or NULL. */
static char *
name_problem(const char *name)
{
    if (name[0] == '\0')
        return g_strdup(_("The name is empty"));
    if (strlen(name) >= IFNAMSIZ)
        return g_strdup_printf(_("The name is longer than %d characters"), IFNAMSIZ - 1);
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return g_strdup(_("The name is reserved"));
    for (const char *p = name; *p; p++) {
        if (*p == '/' || *p == ':' || g_ascii_isspace(*p) || g_ascii_iscntrl(*p))
            return g_strdup(_("The name contains a character that is not allowed"));
    }
    return NULL;
}

static void
set_errno_error(GError **error, int errsv, const char *what)
{
    g_set_error(error, VSW_ERROR, vsw_error_from_errno(errsv), "%s: %s", what, g_strerror(errsv));
}

/* A backend's result: TRUE when it succeeded, else FALSE with "@what: <errno's text>". */
static gboolean
check_result(int r, const char *what, GError **error)
{
    if (r >= 0)
        return TRUE;
    set_errno_error(error, -r, what);
    return FALSE;
}

GArray *
vsw_platform_list_links(VswPlatform *self, GError **error)
{
    GArray *links = NULL;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    r = VSW_PLATFORM_GET_CLASS(self)->list_links(self, &links);
    if (!check_result(r, _("Cannot list the network interfaces"), error))
        return NULL;
    return links;
}

/* Finds the link named @name, or (@name NULL) the one with @ifindex; on failure the error reads
 * "@what: No such device". */
static gboolean
find_link(VswPlatform *self, const char *name, int ifindex, VswLink *ret_link, const char *what,
          GError **error)
{
    g_autoptr(GArray) links = NULL;

    if (!check_result(VSW_PLATFORM_GET_CLASS(self)->list_links(self, &links), what, error))
        return FALSE;
    for (guint i = 0; i < links->len; i++) {
        const VswLink *link = &g_array_index(links, VswLink, i);

        if (name ? strcmp(link->name, name) == 0 : link->ifindex == ifindex) {
            if (ret_link)
                *ret_link = *link;
            return TRUE;
        }
    }
    set_errno_error(error, ENODEV, what);
    return FALSE;
}

static gboolean
lookup(VswPlatform *self, const char *name, VswLink *ret_link, const char *what, GError **error)
{
    return find_link(self, name, 0, ret_link, what, error);
}

static gboolean
lookup_index(VswPlatform *self, int ifindex, VswLink *ret_link, const char *what, GError **error)
{
    return find_link(self, NULL, ifindex, ret_link, what, error);
}

gboolean
vsw_platform_link_get(VswPlatform *self, const char *name, VswLink *ret_link, GError **error)
{
    g_autofree char *what = NULL;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    what = g_strdup_printf(_("Cannot find the network interface “%s”"), name);
    return lookup(self, name, ret_link, what, error);
}

gboolean
vsw_platform_bridge_add(VswPlatform *self, const char *name, GError **error)
{
    g_autofree char *what = NULL;
    g_autofree char *problem = NULL;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    what = g_strdup_printf(_("Cannot create the bridge “%s”"), name);
    problem = name_problem(name);
    if (problem) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, "%s: %s", what, problem);
        return FALSE;
    }
    r = VSW_PLATFORM_GET_CLASS(self)->bridge_add(self, name);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

gboolean
vsw_platform_link_delete(VswPlatform *self, const char *name, GError **error)
{
    g_autofree char *what = NULL;
    VswLink link;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    what = g_strdup_printf(_("Cannot delete the network interface “%s”"), name);
    if (!lookup(self, name, &link, what, error))
        return FALSE;
    r = VSW_PLATFORM_GET_CLASS(self)->link_delete(self, link.ifindex);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

int
vsw_platform_tap_add(VswPlatform *self, const char *name, const char *bridge, GError **error)
{
    g_autofree char *what = NULL;
    g_autofree char *problem = NULL;
    g_autofree char *bridge_what = NULL;
    VswLink master;
    VswLink tap;
    int fd;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), -1);
    g_return_val_if_fail(name != NULL, -1);
    g_return_val_if_fail(bridge != NULL, -1);

    what = g_strdup_printf(_("Cannot create the tap “%s”"), name);
    problem = name_problem(name);
    if (problem) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, "%s: %s", what, problem);
        return -1;
    }
    bridge_what =
        g_strdup_printf(_("Cannot connect the tap “%s” to the bridge “%s”"), name, bridge);
    if (!lookup(self, bridge, &master, bridge_what, error))
        return -1;
    if (lookup(self, name, NULL, what, NULL)) {
        set_errno_error(error, EEXIST, what);
        return -1;
    }
    fd = VSW_PLATFORM_GET_CLASS(self)->tap_add(self, name);
    if (!check_result(fd, what, error))
        return -1;
    /* Closing the only fd of a non-persistent tap removes it: nothing half-made is left. */
    if (!lookup(self, name, &tap, what, error)) {
        close(fd);
        return -1;
    }
    r = VSW_PLATFORM_GET_CLASS(self)->link_set_master(self, tap.ifindex, master.ifindex);
    if (r < 0) {
        close(fd);
        set_errno_error(error, -r, bridge_what);
        return -1;
    }
    return fd;
}

gboolean
vsw_platform_link_set_master(VswPlatform *self, const char *name, const char *master,
                             GError **error)
{
    g_autofree char *what = NULL;
    VswLink link;
    VswLink bridge = {.ifindex = 0};
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    if (master)
        what = g_strdup_printf(_("Cannot connect “%s” to the bridge “%s”"), name, master);
    else
        what = g_strdup_printf(_("Cannot disconnect “%s” from its bridge"), name);
    if (!lookup(self, name, &link, what, error))
        return FALSE;
    if (master && !lookup(self, master, &bridge, what, error))
        return FALSE;
    r = VSW_PLATFORM_GET_CLASS(self)->link_set_master(self, link.ifindex, bridge.ifindex);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

gboolean
vsw_platform_link_set_up(VswPlatform *self, const char *name, gboolean up, GError **error)
{
    g_autofree char *what = NULL;
    VswLink link;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    if (up)
        what = g_strdup_printf(_("Cannot bring the network interface “%s” up"), name);
    else
        what = g_strdup_printf(_("Cannot take the network interface “%s” down"), name);
    if (!lookup(self, name, &link, what, error))
        return FALSE;
    r = VSW_PLATFORM_GET_CLASS(self)->link_set_up(self, link.ifindex, up);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

/* @text parsed by libhvx's rules, or @error "WHAT: why not". */
static gboolean
parse_cidr(const char *text, const char *what, HvxIpv4Cidr *ret_cidr, GError **error)
{
    g_autoptr(GError) local_error = NULL;

    if (hvx_ipv4_cidr_parse(text, NULL, ret_cidr, &local_error))
        return TRUE;
    g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, "%s: %s", what, local_error->message);
    return FALSE;
}

/* An optional address (@text "" = none), the same way. */
static gboolean
check_optional_ipv4(const char *text, const char *what, GError **error)
{
    g_autoptr(GError) local_error = NULL;

    if (text[0] == '\0' || hvx_ipv4_parse(text, NULL, NULL, &local_error))
        return TRUE;
    g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, "%s: %s", what, local_error->message);
    return FALSE;
}

static gboolean
address_change(VswPlatform *self, const char *name, const char *cidr, const VswAddress *details,
               gboolean add, GError **error)
{
    g_autofree char *what = NULL;
    VswLink link;
    HvxIpv4Cidr address;
    int r;

    if (add)
        what = g_strdup_printf(_("Cannot add the address %s to “%s”"), cidr, name);
    else
        what = g_strdup_printf(_("Cannot remove the address %s from “%s”"), cidr, name);
    if (!parse_cidr(cidr, what, &address, error))
        return FALSE;
    if (!lookup(self, name, &link, what, error))
        return FALSE;
    if (add)
        r = VSW_PLATFORM_GET_CLASS(self)->address_add(self, link.ifindex, g_htonl(address.address),
                                                      address.prefix, details);
    else
        r = VSW_PLATFORM_GET_CLASS(self)->address_delete(self, link.ifindex,
                                                         g_htonl(address.address), address.prefix);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

gboolean
vsw_platform_address_add(VswPlatform *self, const char *name, const char *cidr, GError **error)
{
    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL && cidr != NULL, FALSE);

    return address_change(self, name, cidr, NULL, TRUE, error);
}

gboolean
vsw_platform_address_delete(VswPlatform *self, const char *name, const char *cidr, GError **error)
{
    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL && cidr != NULL, FALSE);

    return address_change(self, name, cidr, NULL, FALSE, error);
}

GArray *
vsw_platform_list_address_details(VswPlatform *self, const char *name, GError **error)
{
    g_autofree char *what = NULL;
    GArray *addresses = NULL;
    VswLink link;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), NULL);
    g_return_val_if_fail(name != NULL, NULL);

    what = g_strdup_printf(_("Cannot list the addresses of “%s”"), name);
    if (!lookup(self, name, &link, what, error))
        return NULL;
    r = VSW_PLATFORM_GET_CLASS(self)->list_addresses(self, link.ifindex, &addresses);
    if (!check_result(r, what, error))
        return NULL;
    return addresses;
}

GStrv
vsw_platform_list_addresses(VswPlatform *self, const char *name, GError **error)
{
    g_autoptr(GArray) addresses = NULL;
    GStrvBuilder *builder;
    GStrv result;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), NULL);
    g_return_val_if_fail(name != NULL, NULL);

    addresses = vsw_platform_list_address_details(self, name, error);
    if (!addresses)
        return NULL;
    builder = g_strv_builder_new();
    for (guint i = 0; i < addresses->len; i++)
        g_strv_builder_add(builder, g_array_index(addresses, VswAddress, i).cidr);
    result = g_strv_builder_end(builder);
    g_strv_builder_unref(builder);
    return result;
}

gboolean
vsw_platform_address_add_details(VswPlatform *self, const char *name, const VswAddress *address,
                                 GError **error)
{
    g_autofree char *what = NULL;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL && address != NULL, FALSE);

    what = g_strdup_printf(_("Cannot add the address %s to “%s”"), address->cidr, name);
    if (!check_optional_ipv4(address->broadcast, what, error))
        return FALSE;
    return address_change(self, name, address->cidr, address, TRUE, error);
}

gboolean
vsw_platform_port_set_pvid(VswPlatform *self, const char *name, guint vid, GError **error)
{
    g_autofree char *what = NULL;
    VswLink link;
    VswLink bridge;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    what = g_strdup_printf(_("Cannot put the port “%s” on VLAN %u"), name, vid);
    if (vid < 1 || vid > 4094) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, "%s: %s", what,
                    _("VLAN ids go from 1 to 4094"));
        return FALSE;
    }
    if (!lookup(self, name, &link, what, error))
        return FALSE;
    if (link.master == 0) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_NOT_SUPPORTED, "%s: %s", what,
                    _("It is not connected to a bridge"));
        return FALSE;
    }
    if (!lookup_index(self, link.master, &bridge, what, error))
        return FALSE;
    if (!bridge.vlan_filtering) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_NOT_SUPPORTED, "%s: %s", what,
                    _("Its bridge does not filter VLANs; this kernel lacks bridge VLAN "
                      "filtering"));
        return FALSE;
    }
    r = VSW_PLATFORM_GET_CLASS(self)->port_set_pvid(self, link.ifindex, (guint16)vid);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

static int
compare_vlans(gconstpointer a, gconstpointer b)
{
    return (int)((const VswVlan *)a)->vid - (int)((const VswVlan *)b)->vid;
}

GArray *
vsw_platform_port_list_vlans(VswPlatform *self, const char *name, GError **error)
{
    g_autofree char *what = NULL;
    GArray *vlans = NULL;
    VswLink link;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), NULL);
    g_return_val_if_fail(name != NULL, NULL);

    what = g_strdup_printf(_("Cannot read the VLANs of the port “%s”"), name);
    if (!lookup(self, name, &link, what, error))
        return NULL;
    r = VSW_PLATFORM_GET_CLASS(self)->port_list_vlans(self, link.ifindex, &vlans);
    if (!check_result(r, what, error))
        return NULL;
    g_array_sort(vlans, compare_vlans);
    return vlans;
}

gboolean
vsw_platform_veth_add(VswPlatform *self, const char *name, const char *peer, GError **error)
{
    g_autofree char *what = NULL;
    g_autofree char *problem = NULL;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL && peer != NULL, FALSE);

    what = g_strdup_printf(_("Cannot create the veth pair “%s” and “%s”"), name, peer);
    problem = name_problem(name);
    if (!problem)
        problem = name_problem(peer);
    if (!problem && strcmp(name, peer) == 0)
        problem = g_strdup(_("Both ends have the same name"));
    if (problem) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, "%s: %s", what, problem);
        return FALSE;
    }
    r = VSW_PLATFORM_GET_CLASS(self)->veth_add(self, name, peer);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

gboolean
vsw_platform_link_set_mac(VswPlatform *self, const char *name, const guint8 mac[6], GError **error)
{
    g_autofree char *what = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GError) local_error = NULL;
    VswLink link;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL && mac != NULL, FALSE);

    text = hvx_mac_to_string(mac);
    what = g_strdup_printf(_("Cannot set the MAC address of “%s” to %s"), name, text);
    /* An adapter's address by libhvx's rule: unicast, not all zero. */
    if (!hvx_mac_parse(text, NULL, NULL, &local_error)) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, "%s: %s", what,
                    local_error->message);
        return FALSE;
    }
    if (!lookup(self, name, &link, what, error))
        return FALSE;
    r = VSW_PLATFORM_GET_CLASS(self)->link_set_mac(self, link.ifindex, mac);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

GArray *
vsw_platform_list_routes(VswPlatform *self, const char *name, GError **error)
{
    g_autoptr(GArray) routes = NULL;
    VswLink link = {.ifindex = 0};
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), NULL);

    if (name) {
        g_autofree char *what = g_strdup_printf(_("Cannot list the routes of “%s”"), name);

        if (!lookup(self, name, &link, what, error))
            return NULL;
    }
    r = VSW_PLATFORM_GET_CLASS(self)->list_routes(self, &routes);
    if (!check_result(r, _("Cannot list the routes"), error))
        return NULL;
    if (name) {
        for (guint i = 0; i < routes->len;) {
            if (g_array_index(routes, VswRoute, i).ifindex != link.ifindex)
                g_array_remove_index(routes, i);
            else
                i++;
        }
    }
    return g_steal_pointer(&routes);
}

char *
vsw_route_to_string(VswPlatform *self, const VswRoute *route)
{
    GString *s = g_string_new(NULL);
    g_autoptr(GArray) links = NULL;

    if (strcmp(route->destination, "0.0.0.0/0") == 0)
        g_string_append(s, "default");
    else
        g_string_append(s, route->destination);
    if (route->gateway[0])
        g_string_append_printf(s, " via %s", route->gateway);
    if (self && VSW_PLATFORM_GET_CLASS(self)->list_links(self, &links) == 0) {
        for (guint i = 0; i < links->len; i++) {
            if (g_array_index(links, VswLink, i).ifindex == route->ifindex)
                g_string_append_printf(s, " dev %s", g_array_index(links, VswLink, i).name);
        }
    }
    if (route->source[0])
        g_string_append_printf(s, " src %s", route->source);
    if (route->metric)
        g_string_append_printf(s, " metric %u", route->metric);
    return g_string_free(s, FALSE);
}

static gboolean
check_route(const VswRoute *route, const char *what, GError **error)
{
    HvxIpv4Cidr destination;

    return parse_cidr(route->destination, what, &destination, error) &&
           check_optional_ipv4(route->gateway, what, error) &&
           check_optional_ipv4(route->source, what, error);
}

static gboolean
route_change(VswPlatform *self, const VswRoute *route, gboolean add, GError **error)
{
    g_autofree char *text = vsw_route_to_string(self, route);
    g_autofree char *what = add ? g_strdup_printf(_("Cannot add the route “%s”"), text)
                                : g_strdup_printf(_("Cannot remove the route “%s”"), text);
    VswPlatformClass *klass = VSW_PLATFORM_GET_CLASS(self);

    return check_route(route, what, error) &&
           check_result(add ? klass->route_add(self, route) : klass->route_delete(self, route),
                        what, error);
}

gboolean
vsw_platform_route_add(VswPlatform *self, const VswRoute *route, GError **error)
{
    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(route != NULL, FALSE);

    return route_change(self, route, TRUE, error);
}

gboolean
vsw_platform_route_delete(VswPlatform *self, const VswRoute *route, GError **error)
{
    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(route != NULL, FALSE);

    return route_change(self, route, FALSE, error);
}

gboolean
vsw_platform_set_bandwidth(VswPlatform *self, const char *name, guint mbit, GError **error)
{
    g_autofree char *what = NULL;
    VswLink link;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    if (mbit)
        what = g_strdup_printf(_("Cannot limit “%s” to %u Mbit/s"), name, mbit);
    else
        what = g_strdup_printf(_("Cannot remove the bandwidth limit of “%s”"), name);
    if (mbit > 100000) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT, "%s: %s", what,
                    _("The limit goes up to 100000 Mbit/s"));
        return FALSE;
    }
    if (!lookup(self, name, &link, what, error))
        return FALSE;
    r = VSW_PLATFORM_GET_CLASS(self)->set_bandwidth(self, link.ifindex, mbit);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

gboolean
vsw_platform_get_bandwidth(VswPlatform *self, const char *name, guint *ret_mbit, GError **error)
{
    g_autofree char *what = NULL;
    VswLink link;
    int r;

    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL && ret_mbit != NULL, FALSE);

    what = g_strdup_printf(_("Cannot read the bandwidth limit of “%s”"), name);
    if (!lookup(self, name, &link, what, error))
        return FALSE;
    r = VSW_PLATFORM_GET_CLASS(self)->get_bandwidth(self, link.ifindex, ret_mbit);
    if (!check_result(r, what, error))
        return FALSE;
    return TRUE;
}

gboolean
vsw_platform_link_is_wireless(VswPlatform *self, const char *name)
{
    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    return VSW_PLATFORM_GET_CLASS(self)->is_wireless(self, name) > 0;
}

gboolean
vsw_platform_is_kernel(VswPlatform *self)
{
    g_return_val_if_fail(VSW_IS_PLATFORM(self), FALSE);

    return VSW_PLATFORM_GET_CLASS(self)->is_kernel && VSW_PLATFORM_GET_CLASS(self)->is_kernel(self);
}
