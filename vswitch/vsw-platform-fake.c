/* vsw-platform-fake.c: a VswPlatform kept in memory, with the kernel's answers, for unit tests.
 *
 * A tap's fd is the write end of a pipe whose read end the fake keeps: when the caller closes
 * every copy, the read end hangs up and the fake drops the tap, as the kernel drops a
 * non-persistent tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "hvx-net-address.h"
#include "vsw-platform-fake.h"

typedef struct {
    VswLink link;
    GArray *addresses; /* of FakeAddress */
    GArray *vlans;     /* of VswVlan */
    int tap_fd;        /* read end of the tap's pipe, or -1 */
    int peer;          /* a veth's other end */
    guint bandwidth;   /* Mbit/s, 0 = none */
    gboolean wireless;
} FakeLink;

typedef struct {
    guint32 address_be;
    guint prefix;
    VswAddress details;
} FakeAddress;

struct _VswPlatformFake {
    VswPlatform parent_instance;

    GPtrArray *links; /* of FakeLink */
    int next_ifindex;
    gboolean no_vlan_filtering;
    GArray *routes;       /* of VswRoute */
    guint fail_countdown; /* the change that fails, counting from 1; 0 = none */
    int fail_errno;
    guint changes;
};

G_DEFINE_FINAL_TYPE(VswPlatformFake, vsw_platform_fake, VSW_TYPE_PLATFORM)

/* Every change to the fake host goes through here first: it counts changes and fails the one
 * vsw_platform_fake_fail_nth() asked for. */
static int
change(VswPlatform *platform)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);

    self->changes++;
    if (self->fail_countdown > 0 && --self->fail_countdown == 0)
        return -self->fail_errno;
    return 0;
}

#define CHANGE(platform)                  \
    do {                                  \
        int change_r_ = change(platform); \
        if (change_r_ < 0)                \
            return change_r_;             \
    } while (0)

static void
fake_link_free(gpointer data)
{
    FakeLink *fl = data;

    g_array_unref(fl->addresses);
    g_array_unref(fl->vlans);
    if (fl->tap_fd >= 0)
        close(fl->tap_fd);
    g_free(fl);
}

static FakeLink *
fake_link_new(VswPlatformFake *self, const char *name, VswLinkKind kind)
{
    FakeLink *fl = g_new0(FakeLink, 1);

    g_strlcpy(fl->link.name, name, sizeof fl->link.name);
    fl->link.ifindex = self->next_ifindex++;
    fl->link.kind = kind;
    if (kind != VSW_LINK_KIND_OTHER) {
        /* Locally administered, unicast, like the kernel's random MACs. */
        for (guint i = 0; i < 6; i++)
            fl->link.mac[i] = (guint8)g_random_int_range(0, 256);
        fl->link.mac[0] = (guint8)((fl->link.mac[0] & 0xfe) | 0x02);
    }
    fl->addresses = g_array_new(FALSE, FALSE, sizeof(FakeAddress));
    fl->vlans = g_array_new(FALSE, FALSE, sizeof(VswVlan));
    fl->tap_fd = -1;
    g_ptr_array_add(self->links, fl);
    return fl;
}

static FakeLink *
find_index(VswPlatformFake *self, int ifindex)
{
    for (guint i = 0; i < self->links->len; i++) {
        FakeLink *fl = g_ptr_array_index(self->links, i);

        if (fl->link.ifindex == ifindex)
            return fl;
    }
    return NULL;
}

static FakeLink *
find_name(VswPlatformFake *self, const char *name)
{
    for (guint i = 0; i < self->links->len; i++) {
        FakeLink *fl = g_ptr_array_index(self->links, i);

        if (strcmp(fl->link.name, name) == 0)
            return fl;
    }
    return NULL;
}

static void
release_port(FakeLink *port)
{
    port->link.master = 0;
    g_array_set_size(port->vlans, 0);
}

static void
remove_link(VswPlatformFake *self, FakeLink *fl)
{
    /* Deleting a bridge frees its ports. */
    for (guint i = 0; i < self->links->len; i++) {
        FakeLink *other = g_ptr_array_index(self->links, i);

        if (other->link.master == fl->link.ifindex)
            release_port(other);
    }
    /* The kernel drops the routes out of a link that goes. */
    for (guint i = 0; i < self->routes->len;) {
        if (g_array_index(self->routes, VswRoute, i).ifindex == fl->link.ifindex)
            g_array_remove_index(self->routes, i);
        else
            i++;
    }
    if (fl->peer) {
        FakeLink *peer = find_index(self, fl->peer);

        fl->peer = 0;
        if (peer) {
            peer->peer = 0;
            remove_link(self, peer);
        }
    }
    g_ptr_array_remove(self->links, fl);
}

/* Drops the taps whose fds the caller has closed. */
static void
reap_taps(VswPlatformFake *self)
{
    for (guint i = 0; i < self->links->len;) {
        FakeLink *fl = g_ptr_array_index(self->links, i);
        struct pollfd pfd = {.fd = fl->tap_fd, .events = POLLIN};

        if (fl->tap_fd >= 0 && poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR))) {
            remove_link(self, fl);
            continue;
        }
        i++;
    }
}

static int
fake_list_links(VswPlatform *platform, GArray **ret_links)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);
    GArray *links = g_array_new(FALSE, FALSE, sizeof(VswLink));

    reap_taps(self);
    for (guint i = 0; i < self->links->len; i++)
        g_array_append_val(links, ((FakeLink *)g_ptr_array_index(self->links, i))->link);
    *ret_links = links;
    return 0;
}

static int
fake_bridge_add(VswPlatform *platform, const char *name)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);

    CHANGE(platform);
    reap_taps(self);
    if (find_name(self, name))
        return -EEXIST;
    fake_link_new(self, name, VSW_LINK_KIND_BRIDGE)->link.vlan_filtering = !self->no_vlan_filtering;
    return 0;
}

static int
fake_link_delete(VswPlatform *platform, int ifindex)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);
    FakeLink *fl;

    CHANGE(platform);
    reap_taps(self);
    fl = find_index(self, ifindex);
    if (!fl)
        return -ENODEV;
    if (fl->link.kind == VSW_LINK_KIND_OTHER || fl->link.kind == VSW_LINK_KIND_ETHER)
        return -EOPNOTSUPP;
    remove_link(self, fl);
    return 0;
}

static int
fake_tap_add(VswPlatform *platform, const char *name)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);
    FakeLink *fl;
    int fds[2];

    CHANGE(platform);
    reap_taps(self);
    if (find_name(self, name))
        return -EBUSY; /* what TUNSETIFF says for a name in use by another device */
    if (!g_unix_open_pipe(fds, FD_CLOEXEC, NULL))
        return -EMFILE;
    fl = fake_link_new(self, name, VSW_LINK_KIND_TAP);
    fl->tap_fd = fds[0];
    return fds[1];
}

static int
fake_link_set_master(VswPlatform *platform, int ifindex, int master)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);
    FakeLink *fl;
    FakeLink *bridge = NULL;

    CHANGE(platform);
    reap_taps(self);
    fl = find_index(self, ifindex);
    if (!fl)
        return -ENODEV;
    if (master == 0) {
        release_port(fl);
        return 0;
    }
    bridge = find_index(self, master);
    if (!bridge)
        return -ENODEV;
    if (bridge->link.kind != VSW_LINK_KIND_BRIDGE)
        return -EOPNOTSUPP;
    if (bridge == fl)
        return -ELOOP;
    if (fl->link.master == master)
        return 0;
    release_port(fl);
    fl->link.master = master;
    if (bridge->link.vlan_filtering) {
        /* The kernel puts a new port on the default VLAN 1, PVID and untagged. */
        VswVlan vlan = {.vid = 1, .pvid = TRUE, .untagged = TRUE};

        g_array_append_val(fl->vlans, vlan);
    }
    return 0;
}

static int
fake_link_set_up(VswPlatform *platform, int ifindex, gboolean up)
{
    FakeLink *fl = find_index(VSW_PLATFORM_FAKE(platform), ifindex);

    CHANGE(platform);
    if (!fl)
        return -ENODEV;
    fl->link.up = up;
    /* The fake's links always have a cable in. */
    fl->link.carrier = up;
    return 0;
}

static int
find_address(FakeLink *fl, guint32 address_be, guint prefix)
{
    for (guint i = 0; i < fl->addresses->len; i++) {
        FakeAddress *a = &g_array_index(fl->addresses, FakeAddress, i);

        if (a->address_be == address_be && a->prefix == prefix)
            return (int)i;
    }
    return -1;
}

static int
fake_address_add(VswPlatform *platform, int ifindex, guint32 address_be, guint prefix,
                 const VswAddress *details)
{
    FakeLink *fl = find_index(VSW_PLATFORM_FAKE(platform), ifindex);
    FakeAddress a = {.address_be = address_be, .prefix = prefix};
    HvxIpv4Cidr cidr = {g_ntohl(address_be), prefix};
    g_autofree char *text = hvx_ipv4_cidr_to_string(&cidr);

    if (details) {
        a.details = *details;
    } else if (prefix < 31) {
        g_autofree char *broadcast = hvx_ipv4_to_string(hvx_ipv4_cidr_broadcast(&cidr));

        g_strlcpy(a.details.broadcast, broadcast, sizeof a.details.broadcast);
    }
    g_strlcpy(a.details.cidr, text, sizeof a.details.cidr);

    CHANGE(platform);
    if (!fl)
        return -ENODEV;
    if (find_address(fl, address_be, prefix) >= 0)
        return -EEXIST;
    g_array_append_val(fl->addresses, a);
    return 0;
}

static int
fake_address_delete(VswPlatform *platform, int ifindex, guint32 address_be, guint prefix)
{
    FakeLink *fl = find_index(VSW_PLATFORM_FAKE(platform), ifindex);
    int i;

    CHANGE(platform);
    if (!fl)
        return -ENODEV;
    i = find_address(fl, address_be, prefix);
    if (i < 0)
        return -EADDRNOTAVAIL;
    g_array_remove_index(fl->addresses, (guint)i);
    return 0;
}

static int
fake_list_addresses(VswPlatform *platform, int ifindex, GArray **ret_addresses)
{
    FakeLink *fl = find_index(VSW_PLATFORM_FAKE(platform), ifindex);
    GArray *addresses;

    if (!fl)
        return -ENODEV;
    addresses = g_array_new(FALSE, TRUE, sizeof(VswAddress));
    for (guint i = 0; i < fl->addresses->len; i++)
        g_array_append_val(addresses, g_array_index(fl->addresses, FakeAddress, i).details);
    *ret_addresses = addresses;
    return 0;
}

static int
fake_port_set_pvid(VswPlatform *platform, int ifindex, guint16 vid)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);
    FakeLink *fl = find_index(self, ifindex);
    FakeLink *bridge;
    VswVlan vlan = {.vid = vid, .pvid = TRUE, .untagged = TRUE};

    CHANGE(platform);
    if (!fl)
        return -ENODEV;
    bridge = fl->link.master ? find_index(self, fl->link.master) : NULL;
    if (!bridge || !bridge->link.vlan_filtering)
        return -EOPNOTSUPP;
    g_array_set_size(fl->vlans, 0);
    g_array_append_val(fl->vlans, vlan);
    return 0;
}

static int
fake_port_list_vlans(VswPlatform *platform, int ifindex, GArray **ret_vlans)
{
    FakeLink *fl = find_index(VSW_PLATFORM_FAKE(platform), ifindex);
    GArray *vlans;

    if (!fl)
        return -ENODEV;
    vlans = g_array_new(FALSE, FALSE, sizeof(VswVlan));
    g_array_append_vals(vlans, fl->vlans->data, fl->vlans->len);
    *ret_vlans = vlans;
    return 0;
}

static int
fake_veth_add(VswPlatform *platform, const char *name, const char *peer)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);
    FakeLink *a;
    FakeLink *b;

    CHANGE(platform);
    reap_taps(self);
    if (find_name(self, name) || find_name(self, peer))
        return -EEXIST;
    a = fake_link_new(self, name, VSW_LINK_KIND_VETH);
    b = fake_link_new(self, peer, VSW_LINK_KIND_VETH);
    a->peer = b->link.ifindex;
    b->peer = a->link.ifindex;
    return 0;
}

static int
fake_link_set_mac(VswPlatform *platform, int ifindex, const guint8 *mac)
{
    FakeLink *fl = find_index(VSW_PLATFORM_FAKE(platform), ifindex);

    CHANGE(platform);
    if (!fl)
        return -ENODEV;
    if (fl->link.kind == VSW_LINK_KIND_OTHER)
        return -EOPNOTSUPP;
    memcpy(fl->link.mac, mac, 6);
    return 0;
}

static int
fake_list_routes(VswPlatform *platform, GArray **ret_routes)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);
    GArray *routes = g_array_new(FALSE, FALSE, sizeof(VswRoute));

    reap_taps(self);
    g_array_append_vals(routes, self->routes->data, self->routes->len);
    *ret_routes = routes;
    return 0;
}

/* The kernel tells routes apart by destination, metric and (for deletion) whatever else is
 * given; the fake compares destination, gateway, metric and interface. */
static int
find_route(VswPlatformFake *self, const VswRoute *route)
{
    for (guint i = 0; i < self->routes->len; i++) {
        const VswRoute *r = &g_array_index(self->routes, VswRoute, i);

        if (strcmp(r->destination, route->destination) == 0 && r->metric == route->metric &&
            strcmp(r->gateway, route->gateway) == 0 && r->ifindex == route->ifindex)
            return (int)i;
    }
    return -1;
}

static int
fake_route_add(VswPlatform *platform, const VswRoute *route)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);
    FakeLink *fl = find_index(self, route->ifindex);

    CHANGE(platform);
    if (!fl)
        return -ENODEV;
    if (!fl->link.up)
        return -ENETDOWN;
    if (find_route(self, route) >= 0)
        return -EEXIST;
    g_array_append_val(self->routes, *route);
    return 0;
}

static int
fake_route_delete(VswPlatform *platform, const VswRoute *route)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(platform);
    int i;

    CHANGE(platform);
    i = find_route(self, route);
    if (i < 0)
        return -ESRCH;
    g_array_remove_index(self->routes, (guint)i);
    return 0;
}

static int
fake_set_bandwidth(VswPlatform *platform, int ifindex, guint mbit)
{
    FakeLink *fl = find_index(VSW_PLATFORM_FAKE(platform), ifindex);

    CHANGE(platform);
    if (!fl)
        return -ENODEV;
    fl->bandwidth = mbit;
    return 0;
}

static int
fake_get_bandwidth(VswPlatform *platform, int ifindex, guint *ret_mbit)
{
    FakeLink *fl = find_index(VSW_PLATFORM_FAKE(platform), ifindex);

    if (!fl)
        return -ENODEV;
    *ret_mbit = fl->bandwidth;
    return 0;
}

static int
fake_is_wireless(VswPlatform *platform, const char *name)
{
    FakeLink *fl = find_name(VSW_PLATFORM_FAKE(platform), name);

    if (!fl)
        return -ENODEV;
    return fl->wireless ? 1 : 0;
}

static void
vsw_platform_fake_finalize(GObject *object)
{
    VswPlatformFake *self = VSW_PLATFORM_FAKE(object);

    g_ptr_array_unref(self->links);
    g_array_unref(self->routes);
    G_OBJECT_CLASS(vsw_platform_fake_parent_class)->finalize(object);
}

static void
vsw_platform_fake_class_init(VswPlatformFakeClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    VswPlatformClass *platform_class = VSW_PLATFORM_CLASS(klass);

    object_class->finalize = vsw_platform_fake_finalize;
    platform_class->list_links = fake_list_links;
    platform_class->bridge_add = fake_bridge_add;
    platform_class->link_delete = fake_link_delete;
    platform_class->tap_add = fake_tap_add;
    platform_class->link_set_master = fake_link_set_master;
    platform_class->link_set_up = fake_link_set_up;
    platform_class->address_add = fake_address_add;
    platform_class->address_delete = fake_address_delete;
    platform_class->list_addresses = fake_list_addresses;
    platform_class->port_set_pvid = fake_port_set_pvid;
    platform_class->port_list_vlans = fake_port_list_vlans;
    platform_class->veth_add = fake_veth_add;
    platform_class->link_set_mac = fake_link_set_mac;
    platform_class->list_routes = fake_list_routes;
    platform_class->route_add = fake_route_add;
    platform_class->route_delete = fake_route_delete;
    platform_class->set_bandwidth = fake_set_bandwidth;
    platform_class->get_bandwidth = fake_get_bandwidth;
    platform_class->is_wireless = fake_is_wireless;
}

static void
vsw_platform_fake_init(VswPlatformFake *self)
{
    FakeLink *lo;

    self->links = g_ptr_array_new_with_free_func(fake_link_free);
    self->routes = g_array_new(FALSE, FALSE, sizeof(VswRoute));
    self->next_ifindex = 1;
    lo = fake_link_new(self, "lo", VSW_LINK_KIND_OTHER);
    lo->link.up = FALSE; /* as in a fresh network namespace */
}

VswPlatform *
vsw_platform_fake_new(void)
{
    return g_object_new(VSW_TYPE_PLATFORM_FAKE, NULL);
}

void
vsw_platform_fake_set_vlan_filtering(VswPlatformFake *self, gboolean supported)
{
    g_return_if_fail(VSW_IS_PLATFORM_FAKE(self));

    self->no_vlan_filtering = !supported;
}

void
vsw_platform_fake_add_adapter(VswPlatformFake *self, const char *name, gboolean wireless)
{
    FakeLink *fl;

    g_return_if_fail(VSW_IS_PLATFORM_FAKE(self));
    g_return_if_fail(find_name(self, name) == NULL);

    fl = fake_link_new(self, name, VSW_LINK_KIND_ETHER);
    fl->wireless = wireless;
}

void
vsw_platform_fake_fail_nth(VswPlatformFake *self, guint n, int errsv)
{
    g_return_if_fail(VSW_IS_PLATFORM_FAKE(self));

    self->fail_countdown = n;
    self->fail_errno = errsv;
}

guint
vsw_platform_fake_get_changes(VswPlatformFake *self)
{
    g_return_val_if_fail(VSW_IS_PLATFORM_FAKE(self), 0);

    return self->changes;
}
