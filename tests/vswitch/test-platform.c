/* test-platform.c: VswPlatform's contract. Built twice from this one source: against the fake
 * backend, and with VSW_TEST_REAL against the kernel inside a network namespace the test makes
 * for itself, so the host's interfaces are never touched.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vsw-error.h"
#include "vsw-platform-fake.h"
#include "vsw-platform-linux.h"

#ifndef VSW_TEST_REAL
#define VSW_TEST_REAL 0
#endif

#define BRIDGE "vswtbr0"
#define TAP    "vswttap0"

typedef struct {
    VswPlatform *platform;
    guint links_before;
} Fixture;

static guint
count_links(VswPlatform *platform)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) links = vsw_platform_list_links(platform, &error);

    g_assert_no_error(error);
    return links->len;
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

#if VSW_TEST_REAL
    f->platform = vsw_platform_linux_new(&error);
#else
    f->platform = vsw_platform_fake_new();
#endif
    g_assert_no_error(error);
    f->links_before = count_links(f->platform);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    /* Everything a test made, it deleted. */
    g_assert_cmpuint(count_links(f->platform), ==, f->links_before);
    g_clear_object(&f->platform);
}

static void
assert_error(GError *error, VswError code, const char *message)
{
    g_assert_error(error, VSW_ERROR, (int)code);
    g_assert_cmpstr(error->message, ==, message);
}

static void
add_bridge(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    gboolean ok = vsw_platform_bridge_add(f->platform, BRIDGE, &error);

    g_assert_no_error(error);
    g_assert_true(ok);
}

static void
delete_link(Fixture *f, const char *name)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(vsw_platform_link_delete(f->platform, name, &error));
    g_assert_no_error(error);
}

static gboolean
link_exists(Fixture *f, const char *name)
{
    return vsw_platform_link_get(f->platform, name, NULL, NULL);
}

static void
test_bridge(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    static const guint8 zero_mac[6] = {0};
    VswLink link;

    add_bridge(f);
    g_assert_cmpuint(count_links(f->platform), ==, f->links_before + 1);
    g_assert_true(vsw_platform_link_get(f->platform, BRIDGE, &link, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(link.name, ==, BRIDGE);
    g_assert_cmpint(link.ifindex, >, 0);
    g_assert_cmpstr(vsw_link_kind_to_string(link.kind), ==, "bridge");
#if VSW_TEST_REAL
    if (!link.vlan_filtering)
        g_test_message("this kernel lacks bridge VLAN filtering");
#else
    g_assert_true(link.vlan_filtering);
#endif
    g_assert_false(link.up);
    g_assert_cmpint(link.master, ==, 0);
    g_assert_true(memcmp(link.mac, zero_mac, 6) != 0);

    g_assert_true(vsw_platform_link_set_up(f->platform, BRIDGE, TRUE, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_link_get(f->platform, BRIDGE, &link, NULL));
    g_assert_true(link.up);
    g_assert_true(vsw_platform_link_set_up(f->platform, BRIDGE, FALSE, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_link_get(f->platform, BRIDGE, &link, NULL));
    g_assert_false(link.up);

    delete_link(f, BRIDGE);
    g_assert_false(link_exists(f, BRIDGE));
}

/* The kernel drops a closed tap at once; allow it a moment anyway. */
static gboolean
wait_gone(Fixture *f, const char *name)
{
    for (guint i = 0; i < 100; i++) {
        if (!link_exists(f, name))
            return TRUE;
        g_usleep(10 * 1000);
    }
    return FALSE;
}

static void
test_tap(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    VswLink bridge;
    VswLink tap;
    int fd;

    add_bridge(f);
    g_assert_true(vsw_platform_link_get(f->platform, BRIDGE, &bridge, NULL));

    fd = vsw_platform_tap_add(f->platform, TAP, BRIDGE, &error);
    g_assert_no_error(error);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(fcntl(fd, F_GETFD), >=, 0);
    g_assert_true(vsw_platform_link_get(f->platform, TAP, &tap, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(vsw_link_kind_to_string(tap.kind), ==, "tap");
    g_assert_cmpint(tap.master, ==, bridge.ifindex);

    /* Released and enslaved again. */
    g_assert_true(vsw_platform_link_set_master(f->platform, TAP, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_link_get(f->platform, TAP, &tap, NULL));
    g_assert_cmpint(tap.master, ==, 0);
    g_assert_true(vsw_platform_link_set_master(f->platform, TAP, BRIDGE, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_link_get(f->platform, TAP, &tap, NULL));
    g_assert_cmpint(tap.master, ==, bridge.ifindex);

    /* Closing the fd removes a non-persistent tap. */
    g_assert_cmpint(close(fd), ==, 0);
    g_assert_true(wait_gone(f, TAP));

    /* Deleting the link removes it while the fd is still open. */
    fd = vsw_platform_tap_add(f->platform, TAP, BRIDGE, &error);
    g_assert_no_error(error);
    g_assert_cmpint(fd, >=, 0);
    delete_link(f, TAP);
    g_assert_false(link_exists(f, TAP));
    g_assert_cmpint(close(fd), ==, 0);

    delete_link(f, BRIDGE);
}

static void
test_addresses(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) addresses = NULL;

    add_bridge(f);
    addresses = vsw_platform_list_addresses(f->platform, BRIDGE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(g_strv_length(addresses), ==, 0);
    g_clear_pointer(&addresses, g_strfreev);

    g_assert_true(vsw_platform_address_add(f->platform, BRIDGE, "10.77.0.1/24", &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_address_add(f->platform, BRIDGE, "172.31.9.5/16", &error));
    g_assert_no_error(error);
    addresses = vsw_platform_list_addresses(f->platform, BRIDGE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(g_strv_length(addresses), ==, 2);
    g_assert_true(g_strv_contains((const char *const *)addresses, "10.77.0.1/24"));
    g_assert_true(g_strv_contains((const char *const *)addresses, "172.31.9.5/16"));
    g_clear_pointer(&addresses, g_strfreev);

    g_assert_false(vsw_platform_address_add(f->platform, BRIDGE, "10.77.0.1/24", &error));
    assert_error(error, VSW_ERROR_EXISTS,
                 "Cannot add the address 10.77.0.1/24 to “" BRIDGE "”: File exists");
    g_clear_error(&error);
    g_assert_false(vsw_platform_address_add(f->platform, BRIDGE, "10.77.0.300/24", &error));
    assert_error(error, VSW_ERROR_INVALID_ARGUMENT,
                 "Cannot add the address 10.77.0.300/24 to “" BRIDGE "”: \"10.77.0.300/24\" has "
                 "the number 300: each of the four numbers must be from 0 to 255");
    g_clear_error(&error);

    g_assert_true(vsw_platform_address_delete(f->platform, BRIDGE, "10.77.0.1/24", &error));
    g_assert_no_error(error);
    addresses = vsw_platform_list_addresses(f->platform, BRIDGE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(g_strv_length(addresses), ==, 1);
    g_assert_cmpstr(addresses[0], ==, "172.31.9.5/16");
    g_assert_false(vsw_platform_address_delete(f->platform, BRIDGE, "10.77.0.1/24", &error));
    assert_error(error, VSW_ERROR_NOT_FOUND,
                 "Cannot remove the address 10.77.0.1/24 from “" BRIDGE
                 "”: Cannot assign requested address");
    g_clear_error(&error);

    delete_link(f, BRIDGE);
}

static void
assert_only_vlan(Fixture *f, const char *port, guint vid)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) vlans = vsw_platform_port_list_vlans(f->platform, port, &error);
    const VswVlan *vlan;

    g_assert_no_error(error);
    g_assert_cmpuint(vlans->len, ==, 1);
    vlan = &g_array_index(vlans, VswVlan, 0);
    g_assert_cmpuint(vlan->vid, ==, vid);
    g_assert_true(vlan->pvid);
    g_assert_true(vlan->untagged);
}

/* Without VLAN filtering, a PVID is refused with the reason and the port is left alone. */
static void
assert_no_vlans(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    g_assert_false(vsw_platform_port_set_pvid(f->platform, TAP, 42, &error));
    assert_error(error, VSW_ERROR_NOT_SUPPORTED,
                 "Cannot put the port “" TAP "” on VLAN 42: Its bridge does not filter VLANs; "
                 "this kernel lacks bridge VLAN filtering");
}

static void
test_vlan(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    VswLink bridge;
    int fd;

    add_bridge(f);
    fd = vsw_platform_tap_add(f->platform, TAP, BRIDGE, &error);
    g_assert_no_error(error);

    g_assert_false(vsw_platform_port_set_pvid(f->platform, BRIDGE, 42, &error));
    assert_error(error, VSW_ERROR_NOT_SUPPORTED,
                 "Cannot put the port “" BRIDGE "” on VLAN 42: It is not connected to a bridge");
    g_clear_error(&error);

    g_assert_true(vsw_platform_link_get(f->platform, BRIDGE, &bridge, NULL));
    if (!bridge.vlan_filtering) {
        assert_no_vlans(f);
        close(fd);
        g_assert_true(wait_gone(f, TAP));
        delete_link(f, BRIDGE);
        g_test_skip("this kernel lacks bridge VLAN filtering");
        return;
    }

    /* A new port starts on the default VLAN 1. */
    assert_only_vlan(f, TAP, 1);
    g_assert_true(vsw_platform_port_set_pvid(f->platform, TAP, 42, &error));
    g_assert_no_error(error);
    assert_only_vlan(f, TAP, 42);
    g_assert_true(vsw_platform_port_set_pvid(f->platform, TAP, 4094, &error));
    g_assert_no_error(error);
    assert_only_vlan(f, TAP, 4094);

    g_assert_false(vsw_platform_port_set_pvid(f->platform, TAP, 4095, &error));
    assert_error(error, VSW_ERROR_INVALID_ARGUMENT,
                 "Cannot put the port “" TAP "” on VLAN 4095: VLAN ids go from 1 to 4094");
    g_clear_error(&error);
    assert_only_vlan(f, TAP, 4094);

    close(fd);
    g_assert_true(wait_gone(f, TAP));
    delete_link(f, BRIDGE);
}

#if !VSW_TEST_REAL
static void
test_vlan_unsupported(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    VswLink bridge;
    int fd;

    vsw_platform_fake_set_vlan_filtering(VSW_PLATFORM_FAKE(f->platform), FALSE);
    add_bridge(f);
    g_assert_true(vsw_platform_link_get(f->platform, BRIDGE, &bridge, NULL));
    g_assert_false(bridge.vlan_filtering);
    fd = vsw_platform_tap_add(f->platform, TAP, BRIDGE, &error);
    g_assert_no_error(error);
    assert_no_vlans(f);
    close(fd);
    g_assert_true(wait_gone(f, TAP));
    delete_link(f, BRIDGE);
}
#endif

static void
test_errors(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    int fd;

    add_bridge(f);
    g_assert_false(vsw_platform_bridge_add(f->platform, BRIDGE, &error));
    assert_error(error, VSW_ERROR_EXISTS, "Cannot create the bridge “" BRIDGE "”: File exists");
    g_clear_error(&error);

    g_assert_false(vsw_platform_bridge_add(f->platform, "vswt0123456789ab", &error));
    assert_error(error, VSW_ERROR_INVALID_ARGUMENT,
                 "Cannot create the bridge “vswt0123456789ab”: The name is longer than 15 "
                 "characters");
    g_clear_error(&error);

    g_assert_false(vsw_platform_link_delete(f->platform, "vswtnope", &error));
    assert_error(error, VSW_ERROR_NOT_FOUND,
                 "Cannot delete the network interface “vswtnope”: No such device");
    g_clear_error(&error);

    g_assert_false(vsw_platform_link_set_up(f->platform, "vswtnope", TRUE, &error));
    assert_error(error, VSW_ERROR_NOT_FOUND,
                 "Cannot bring the network interface “vswtnope” up: No such device");
    g_clear_error(&error);

    fd = vsw_platform_tap_add(f->platform, TAP, "vswtnope", &error);
    g_assert_cmpint(fd, ==, -1);
    assert_error(error, VSW_ERROR_NOT_FOUND,
                 "Cannot connect the tap “" TAP "” to the bridge “vswtnope”: No such device");
    g_clear_error(&error);

    fd = vsw_platform_tap_add(f->platform, BRIDGE, BRIDGE, &error);
    g_assert_cmpint(fd, ==, -1);
    assert_error(error, VSW_ERROR_EXISTS, "Cannot create the tap “" BRIDGE "”: File exists");
    g_clear_error(&error);

    fd = vsw_platform_tap_add(f->platform, "vswttap0123456789", BRIDGE, &error);
    g_assert_cmpint(fd, ==, -1);
    assert_error(error, VSW_ERROR_INVALID_ARGUMENT,
                 "Cannot create the tap “vswttap0123456789”: The name is longer than 15 "
                 "characters");
    g_clear_error(&error);

    g_assert_false(vsw_platform_address_add(f->platform, "vswtnope", "10.77.0.1/24", &error));
    assert_error(error, VSW_ERROR_NOT_FOUND,
                 "Cannot add the address 10.77.0.1/24 to “vswtnope”: No such device");
    g_clear_error(&error);

    /* A bridge cannot be its own port. */
    g_assert_false(vsw_platform_link_set_master(f->platform, BRIDGE, BRIDGE, &error));
    g_assert_error(error, VSW_ERROR, VSW_ERROR_FAILED);
    g_assert_true(g_str_has_prefix(error->message,
                                   "Cannot connect “" BRIDGE "” to the bridge “" BRIDGE "”: "));
    g_clear_error(&error);

    delete_link(f, BRIDGE);
}

static void
test_veth_mac(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    const guint8 mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    const guint8 multicast[6] = {0x01, 0x11, 0x22, 0x33, 0x44, 0x55};
    VswLink a;
    VswLink b;

    g_assert_true(vsw_platform_veth_add(f->platform, "vswtva", "vswtvb", &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_link_get(f->platform, "vswtva", &a, NULL));
    g_assert_true(vsw_platform_link_get(f->platform, "vswtvb", &b, NULL));
    g_assert_cmpstr(vsw_link_kind_to_string(a.kind), ==, "veth");
    g_assert_cmpstr(vsw_link_kind_to_string(b.kind), ==, "veth");

    g_assert_true(vsw_platform_link_set_mac(f->platform, "vswtva", mac, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_link_get(f->platform, "vswtva", &a, NULL));
    g_assert_cmpmem(a.mac, 6, mac, 6);
    g_assert_false(vsw_platform_link_set_mac(f->platform, "vswtva", multicast, &error));
    g_assert_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);

    g_assert_false(vsw_platform_veth_add(f->platform, "vswtva", "vswtvc", &error));
    assert_error(error, VSW_ERROR_EXISTS,
                 "Cannot create the veth pair “vswtva” and “vswtvc”: File exists");
    g_clear_error(&error);
    g_assert_false(link_exists(f, "vswtvc"));

    /* Deleting one end deletes the pair. */
    delete_link(f, "vswtva");
    g_assert_false(link_exists(f, "vswtvb"));
}

static char *
route_text(Fixture *f, const char *link)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) routes = vsw_platform_list_routes(f->platform, link, &error);
    GString *s = g_string_new(NULL);

    g_assert_no_error(error);
    for (guint i = 0; i < routes->len; i++) {
        const VswRoute *r = &g_array_index(routes, VswRoute, i);

        if (r->protocol == 2) /* the kernel's own, for the address (real backend only) */
            continue;
        g_string_append_printf(s, "%s%s via %s metric %u proto %u;", s->len ? " " : "",
                               r->destination, r->gateway, r->metric, r->protocol);
    }
    return g_string_free(s, FALSE);
}

static void
test_routes(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    VswRoute def = {
        .destination = "0.0.0.0/0", .gateway = "10.66.0.1", .metric = 100, .protocol = 4};
    VswRoute net = {.destination = "10.67.0.0/16", .gateway = "10.66.0.1", .protocol = 3};
    VswRoute bad = {.destination = "10.67.0.0", .protocol = 3};
    g_autofree char *text = NULL;
    g_autofree char *after = NULL;
    VswLink link;

    g_assert_true(vsw_platform_veth_add(f->platform, "vswtva", "vswtvb", &error));
    g_assert_true(vsw_platform_link_get(f->platform, "vswtva", &link, NULL));
    def.ifindex = net.ifindex = bad.ifindex = link.ifindex;
    /* A route needs its link up. */
    g_assert_false(vsw_platform_route_add(f->platform, &def, &error));
    g_assert_nonnull(error);
    g_assert_true(g_str_has_prefix(
        error->message, "Cannot add the route “default via 10.66.0.1 dev vswtva metric 100”: "));
    g_clear_error(&error);
    g_assert_true(vsw_platform_link_set_up(f->platform, "vswtva", TRUE, NULL));
    g_assert_true(vsw_platform_link_set_up(f->platform, "vswtvb", TRUE, NULL));
    g_assert_true(vsw_platform_address_add(f->platform, "vswtva", "10.66.0.2/24", NULL));
#if !VSW_TEST_REAL
    {
        VswRoute kernel = {
            .destination = "10.66.0.0/24", .protocol = 2, .scope = 253, .ifindex = link.ifindex};

        g_assert_true(vsw_platform_route_add(f->platform, &kernel, NULL));
    }
#endif
    g_assert_true(vsw_platform_route_add(f->platform, &def, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_route_add(f->platform, &net, &error));
    g_assert_no_error(error);
    g_assert_false(vsw_platform_route_add(f->platform, &net, &error));
    g_assert_error(error, VSW_ERROR, VSW_ERROR_EXISTS);
    g_clear_error(&error);
    g_assert_false(vsw_platform_route_add(f->platform, &bad, &error));
    g_assert_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);
    text = route_text(f, "vswtva");
    g_assert_true(strstr(text, "0.0.0.0/0 via 10.66.0.1 metric 100 proto 4;") != NULL);
    g_assert_true(strstr(text, "10.67.0.0/16 via 10.66.0.1 metric 0 proto 3;") != NULL);

    g_assert_true(vsw_platform_route_delete(f->platform, &def, &error));
    g_assert_no_error(error);
    after = route_text(f, "vswtva");
    g_assert_cmpstr(after, ==, "10.67.0.0/16 via 10.66.0.1 metric 0 proto 3;");
    g_assert_false(vsw_platform_route_delete(f->platform, &def, &error));
    g_assert_nonnull(error);
    g_clear_error(&error);
    delete_link(f, "vswtva");
}

static void
test_address_details(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) list = NULL;
    VswAddress plain = {.cidr = "10.68.0.2/24"};
    VswAddress alias = {.cidr = "10.68.1.2/24", .broadcast = "10.68.1.255", .label = "vswtva:1"};

    add_bridge(f);
    g_assert_true(vsw_platform_veth_add(f->platform, "vswtva", "vswtvb", &error));
    g_assert_true(vsw_platform_address_add_details(f->platform, "vswtva", &plain, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_address_add_details(f->platform, "vswtva", &alias, &error));
    g_assert_no_error(error);
    list = vsw_platform_list_address_details(f->platform, "vswtva", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(list->len, ==, 2);
    g_assert_cmpstr(g_array_index(list, VswAddress, 0).cidr, ==, "10.68.0.2/24");
    g_assert_cmpstr(g_array_index(list, VswAddress, 0).broadcast, ==, "");
    g_assert_cmpstr(g_array_index(list, VswAddress, 1).broadcast, ==, "10.68.1.255");
#if VSW_TEST_REAL
    /* The kernel fills the label in with the link's name when none is given. */
    g_assert_cmpstr(g_array_index(list, VswAddress, 0).label, ==, "vswtva");
#endif
    g_assert_cmpstr(g_array_index(list, VswAddress, 1).label, ==, "vswtva:1");
    delete_link(f, "vswtva");
    delete_link(f, BRIDGE);
}

static void
test_bandwidth(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    guint mbit = 1;
    int fd;

    add_bridge(f);
    fd = vsw_platform_tap_add(f->platform, TAP, BRIDGE, &error);
    g_assert_no_error(error);
    g_assert_true(vsw_platform_get_bandwidth(f->platform, TAP, &mbit, &error));
    g_assert_cmpuint(mbit, ==, 0);
    g_assert_true(vsw_platform_set_bandwidth(f->platform, TAP, 250, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_get_bandwidth(f->platform, TAP, &mbit, &error));
    g_assert_cmpuint(mbit, ==, 250);
    g_assert_true(vsw_platform_set_bandwidth(f->platform, TAP, 10, &error));
    g_assert_true(vsw_platform_get_bandwidth(f->platform, TAP, &mbit, &error));
    g_assert_cmpuint(mbit, ==, 10);
    g_assert_true(vsw_platform_set_bandwidth(f->platform, TAP, 0, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_get_bandwidth(f->platform, TAP, &mbit, &error));
    g_assert_cmpuint(mbit, ==, 0);
    /* None to remove is no error. */
    g_assert_true(vsw_platform_set_bandwidth(f->platform, TAP, 0, &error));
    g_assert_no_error(error);
    g_assert_false(vsw_platform_set_bandwidth(f->platform, TAP, 200000, &error));
    g_assert_error(error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);
    close(fd);
    g_assert_true(wait_gone(f, TAP));
    delete_link(f, BRIDGE);
}

static void
test_wireless(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(vsw_platform_veth_add(f->platform, "vswtva", "vswtvb", &error));
#if VSW_TEST_REAL
    {
        g_autofree char *root = g_dir_make_tmp("vsw-sysfs-XXXXXX", NULL);
        g_autofree char *phy = g_build_filename(root, "class/net/vswtva/phy80211", NULL);
        g_autofree char *wireless = g_build_filename(root, "class/net/vswtvb/wireless", NULL);
        g_autofree char *rm = g_strdup_printf("rm -rf '%s'", root);

        /* The real sysfs: a veth is no wireless adapter. */
        g_assert_false(vsw_platform_link_is_wireless(f->platform, "vswtva"));
        g_assert_cmpint(g_mkdir_with_parents(phy, 0755), ==, 0);
        g_assert_cmpint(g_mkdir_with_parents(wireless, 0755), ==, 0);
        vsw_platform_linux_set_sysfs_root(VSW_PLATFORM_LINUX(f->platform), root);
        g_assert_true(vsw_platform_link_is_wireless(f->platform, "vswtva"));
        g_assert_true(vsw_platform_link_is_wireless(f->platform, "vswtvb"));
        g_assert_cmpint(system(rm), ==, 0);
        g_assert_false(vsw_platform_link_is_wireless(f->platform, "vswtva"));
    }
#else
    g_assert_false(vsw_platform_link_is_wireless(f->platform, "vswtva"));
    vsw_platform_fake_add_adapter(VSW_PLATFORM_FAKE(f->platform), "wlan0", TRUE);
    g_assert_true(vsw_platform_link_is_wireless(f->platform, "wlan0"));
    f->links_before++; /* the fake's adapters stay, like physical ones */
#endif
    delete_link(f, "vswtva");
}

int
main(int argc, char **argv)
{
#if VSW_TEST_REAL
    /* Never on the host's interfaces: a namespace of our own, or no test at all. */
    if (unshare(CLONE_NEWNET) < 0) {
        printf("1..0 # SKIP cannot make a network namespace (needs CAP_NET_ADMIN): %s\n",
               g_strerror(errno));
        return 77;
    }
    if (access("/dev/net/tun", R_OK | W_OK) < 0) {
        printf("1..0 # SKIP /dev/net/tun is missing: %s\n", g_strerror(errno));
        return 77;
    }
#endif
    g_test_init(&argc, &argv, NULL);

#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("/vswitch/platform/bridge", test_bridge);
    ADD("/vswitch/platform/tap", test_tap);
    ADD("/vswitch/platform/addresses", test_addresses);
    ADD("/vswitch/platform/vlan", test_vlan);
#if !VSW_TEST_REAL
    ADD("/vswitch/platform/vlan-unsupported", test_vlan_unsupported);
#endif
    ADD("/vswitch/platform/errors", test_errors);
    ADD("/vswitch/platform/veth-mac", test_veth_mac);
    ADD("/vswitch/platform/routes", test_routes);
    ADD("/vswitch/platform/address-details", test_address_details);
    ADD("/vswitch/platform/bandwidth", test_bandwidth);
    ADD("/vswitch/platform/wireless", test_wireless);
#undef ADD

    return g_test_run();
}
