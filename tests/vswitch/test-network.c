/* test-network.c: VswNetwork's contract. Built twice from this one source: against the fake
 * backend (rules kept in memory, no dnsmasq), and with VSW_TEST_REAL against the kernel, nftables
 * and dnsmasq inside a network namespace the test makes for itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vsw-error.h"
#include "vsw-network.h"
#include "vsw-wait.h"
#include "vsw-nft.h"
#include "vsw-platform-fake.h"
#include "vsw-platform-linux.h"
#include "berth-test.h"

#ifndef VSW_TEST_REAL
#define VSW_TEST_REAL 0
#endif

#define UUID_A   "a1a1a1a1-0000-4000-8000-000000000001"
#define UUID_B   "b2b2b2b2-0000-4000-8000-000000000002"
#define UUID_A2  "a1a1a1a1-0000-4000-8000-000000000003" /* same bridge name as UUID_A */
#define BRIDGE_A "bswa1a1a1a1"
#define BRIDGE_B "bswb2b2b2b2"
#define ADAPTER  "vswteth0"
#define PEER     "vswtpeer0"
#define WLAN     "vswtwlan0"
#define TAP1     "btp11111111n0"
#define TAP2     "btp22222222n0"

typedef struct {
    VswPlatform *platform;
    VswNetwork *network;
    char *dir;
    char *sysfs;
    guint links_before;
} Fixture;

static guint
count_links(VswPlatform *platform)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) links = vsw_platform_list_links(platform, &error);

    guint n = 0;

    g_assert_no_error(error);
    /* The fake's adapters cannot be deleted, as physical ones; they are not counted. */
    for (guint i = 0; i < links->len; i++)
        n += g_array_index(links, VswLink, i).kind != VSW_LINK_KIND_ETHER;
    return n;
}

static int
count_rules(Fixture *f, const char *tag)
{
    return vsw_nft_count(vsw_network_get_nft(f->network), tag);
}

/* A wired adapter for external switches: a veth end on the kernel, a fake ether link else. */
static void
add_adapter(Fixture *f, const char *name, gboolean wireless)
{
    g_autoptr(GError) error = NULL;

#if VSW_TEST_REAL
    g_autofree char *peer = g_strconcat(name, "p", NULL);
    g_autofree char *dir = g_build_filename(f->sysfs, "class", "net", name, NULL);

    g_assert_true(vsw_platform_veth_add(f->platform, name, peer, &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_link_set_up(f->platform, peer, TRUE, &error));
    g_assert_no_error(error);
    if (wireless) {
        g_autofree char *phy = g_build_filename(dir, "phy80211", NULL);

        g_assert_cmpint(g_mkdir_with_parents(phy, 0755), ==, 0);
    }
#else
    vsw_platform_fake_add_adapter(VSW_PLATFORM_FAKE(f->platform), name, wireless);
#endif
    g_assert_true(vsw_platform_link_set_up(f->platform, name, TRUE, &error));
    g_assert_no_error(error);
}

static void
remove_adapter(Fixture *f, const char *name)
{
#if VSW_TEST_REAL
    g_autoptr(GError) error = NULL;

    g_assert_true(vsw_platform_link_delete(f->platform, name, &error));
    g_assert_no_error(error);
#endif
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *state = NULL;
    g_autofree char *runtime = NULL;

    f->dir = g_dir_make_tmp("vsw-test-XXXXXX", &error);
    g_assert_no_error(error);
    f->sysfs = g_build_filename(f->dir, "sys", NULL);
    state = g_build_filename(f->dir, "state", NULL);
    runtime = g_build_filename(f->dir, "run", NULL);
#if VSW_TEST_REAL
    f->platform = vsw_platform_linux_new(&error);
    g_assert_no_error(error);
    vsw_platform_linux_set_sysfs_root(VSW_PLATFORM_LINUX(f->platform), f->sysfs);
#else
    f->platform = vsw_platform_fake_new();
    /* Like this kernel; test_vlan_filtering() covers the other way. */
    vsw_platform_fake_set_vlan_filtering(VSW_PLATFORM_FAKE(f->platform), FALSE);
#endif
    f->network = vsw_network_new(f->platform, state, runtime, &error);
    g_assert_no_error(error);
    f->links_before = count_links(f->platform);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    /* Everything a test made, it removed: no link, no rule. */
    g_assert_cmpuint(count_links(f->platform), ==, f->links_before);
    g_assert_cmpint(count_rules(f, "berth:*"), ==, 0);
    g_clear_object(&f->network);
    g_clear_object(&f->platform);
    berth_test_remove_tree(f->dir);
    g_free(f->dir);
    g_free(f->sysfs);
}

static HvxSwitchDef *
make_def(HvxSwitchType type, const char *name, const char *uuid)
{
    HvxSwitchDef *def = hvx_switch_def_new(type);

    g_free(def->name);
    def->name = g_strdup(name);
    def->uuid = g_strdup(uuid);
    def->adapter_share_with_host = FALSE;
    return def;
}

static HvxSwitchDef *
make_internal(const char *name, const char *uuid, const char *address, gboolean nat,
              const char *first, const char *last)
{
    HvxSwitchDef *def = make_def(HVX_SWITCH_TYPE_INTERNAL, name, uuid);

    def->address = g_strdup(address);
    def->nat = nat;
    def->dhcp_first = g_strdup(first);
    def->dhcp_last = g_strdup(last);
    return def;
}

static void
apply_ok(Fixture *f, const HvxSwitchDef *def)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = vsw_wait_apply_switch(f->network, def, &error);

    g_assert_no_error(error);
    g_assert_true(ok);
    g_assert_null(vsw_network_switch_status(f->network, def->uuid));
}

static void
remove_ok(Fixture *f, const char *uuid)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = vsw_wait_remove_switch(f->network, uuid, &error);

    g_assert_no_error(error);
    g_assert_true(ok);
}

static void
assert_addresses(Fixture *f, const char *link, const char *expected)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) addresses = vsw_platform_list_addresses(f->platform, link, &error);
    g_autofree char *joined = NULL;

    g_assert_no_error(error);
    joined = g_strjoinv(" ", addresses);
    g_assert_cmpstr(joined, ==, expected);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The link's routes as text, sorted, with the kernel's own routes left out unless @all. */
static char *
routes_of(Fixture *f, const char *link)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) routes = vsw_platform_list_routes(f->platform, link, &error);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    g_assert_no_error(error);
    for (guint i = 0; i < routes->len; i++) {
        const VswRoute *r = &g_array_index(routes, VswRoute, i);

        g_ptr_array_add(lines, g_strdup_printf("%s via %s src %s metric %u proto %u scope %u",
                                               r->destination, r->gateway, r->source, r->metric,
                                               r->protocol, r->scope));
    }
    g_ptr_array_sort(lines, compare_strings);
    g_ptr_array_add(lines, NULL);
    return g_strjoinv("; ", (char **)lines->pdata);
}

static void
assert_master(Fixture *f, const char *link, const char *bridge)
{
    VswLink l;
    VswLink b = {.ifindex = 0};

    g_assert_true(vsw_platform_link_get(f->platform, link, &l, NULL));
    if (bridge)
        g_assert_true(vsw_platform_link_get(f->platform, bridge, &b, NULL));
    g_assert_cmpint(l.master, ==, b.ifindex);
}

/* ---- tests ------------------------------------------------------------------------------- */

static void
test_internal(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def =
        make_internal("NAT", UUID_A, "10.201.0.1/24", TRUE, "10.201.0.100", "10.201.0.200");
    VswLink bridge;

    apply_ok(f, def);
    g_assert_true(vsw_platform_link_get(f->platform, BRIDGE_A, &bridge, NULL));
    g_assert_cmpint(bridge.kind, ==, VSW_LINK_KIND_BRIDGE);
    g_assert_true(bridge.up);
    assert_addresses(f, BRIDGE_A, "10.201.0.1/24");
    /* masquerade + two forward accepts */
    g_assert_cmpint(count_rules(f, "berth:sw:" BRIDGE_A), ==, 3);
#if VSW_TEST_REAL
    g_assert_cmpint(vsw_network_get_dnsmasq_pid(f->network, UUID_A), >, 0);
#endif

    /* Applying again changes nothing; reshaping to no NAT and no DHCP drops the rules. */
    apply_ok(f, def);
    g_assert_cmpint(count_rules(f, "berth:sw:" BRIDGE_A), ==, 3);
    def->nat = FALSE;
    g_clear_pointer(&def->dhcp_first, g_free);
    g_clear_pointer(&def->dhcp_last, g_free);
    g_free(def->address);
    def->address = g_strdup("10.202.0.1/16");
    apply_ok(f, def);
    g_assert_cmpint(count_rules(f, "berth:sw:" BRIDGE_A), ==, 0);
    assert_addresses(f, BRIDGE_A, "10.202.0.1/16");
    g_assert_cmpint(vsw_network_get_dnsmasq_pid(f->network, UUID_A), ==, 0);

    remove_ok(f, UUID_A);
    g_assert_false(vsw_platform_link_get(f->platform, BRIDGE_A, NULL, NULL));
}

static void
test_private(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_PRIVATE, "Lab", UUID_B);

    apply_ok(f, def);
    assert_addresses(f, BRIDGE_B, "");
    g_assert_cmpint(count_rules(f, "berth:*"), ==, 0);
    remove_ok(f, UUID_B);
}

static void
add_route(Fixture *f, const char *link, const char *destination, const char *gateway, guint metric)
{
    g_autoptr(GError) error = NULL;
    VswRoute r = {.metric = metric, .protocol = 4 /* static */};
    VswLink l;

    g_assert_true(vsw_platform_link_get(f->platform, link, &l, NULL));
    r.ifindex = l.ifindex;
    g_strlcpy(r.destination, destination, sizeof r.destination);
    g_strlcpy(r.gateway, gateway, sizeof r.gateway);
    g_assert_true(vsw_platform_route_add(f->platform, &r, &error));
    g_assert_no_error(error);
}

static void
prepare_lan_adapter(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    add_adapter(f, ADAPTER, FALSE);
    g_assert_true(vsw_platform_address_add(f->platform, ADAPTER, "10.77.0.2/24", &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_address_add(f->platform, ADAPTER, "10.77.1.2/24", &error));
    g_assert_no_error(error);
    add_route(f, ADAPTER, "0.0.0.0/0", "10.77.0.1", 100);
    add_route(f, ADAPTER, "10.88.0.0/16", "10.77.0.1", 0);
}

static void
test_external_shared(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_EXTERNAL, "LAN", UUID_A);
    g_autofree char *routes_before = NULL;
    g_autofree char *routes_moved = NULL;
    g_autofree char *routes_after = NULL;
    VswLink adapter;
    VswLink bridge;

    prepare_lan_adapter(f);
    routes_before = routes_of(f, ADAPTER);
    g_assert_true(strstr(routes_before, "0.0.0.0/0 via 10.77.0.1 src  metric 100") != NULL);
    def->adapter_name = g_strdup(ADAPTER);
    def->adapter_share_with_host = TRUE;
    apply_ok(f, def);

    assert_master(f, ADAPTER, BRIDGE_A);
    assert_addresses(f, ADAPTER, "");
    assert_addresses(f, BRIDGE_A, "10.77.0.2/24 10.77.1.2/24");
    routes_moved = routes_of(f, BRIDGE_A);
    g_assert_cmpstr(routes_moved, ==, routes_before);
    g_assert_cmpstr(routes_of(f, ADAPTER), ==, "");
    /* The bridge took the adapter's MAC. */
    g_assert_true(vsw_platform_link_get(f->platform, ADAPTER, &adapter, NULL));
    g_assert_true(vsw_platform_link_get(f->platform, BRIDGE_A, &bridge, NULL));
    g_assert_cmpmem(adapter.mac, 6, bridge.mac, 6);

    /* Not sharing any more: the addresses go back, the adapter stays enslaved. */
    def->adapter_share_with_host = FALSE;
    apply_ok(f, def);
    assert_master(f, ADAPTER, BRIDGE_A);
    assert_addresses(f, ADAPTER, "10.77.0.2/24 10.77.1.2/24");
    assert_addresses(f, BRIDGE_A, "");
    def->adapter_share_with_host = TRUE;
    apply_ok(f, def);
    assert_addresses(f, ADAPTER, "");

    remove_ok(f, UUID_A);
    assert_master(f, ADAPTER, NULL);
    assert_addresses(f, ADAPTER, "10.77.0.2/24 10.77.1.2/24");
    routes_after = routes_of(f, ADAPTER);
    g_assert_cmpstr(routes_after, ==, routes_before);
    remove_adapter(f, ADAPTER);
}

static void
expect_refused(Fixture *f, const HvxSwitchDef *def, VswError code, const char *fragment)
{
    g_autoptr(GError) error = NULL;
    guint links = count_links(f->platform);
    int rules = count_rules(f, "berth:*");

    g_assert_false(vsw_network_check_switch(f->network, def, &error));
    g_assert_error(error, VSW_ERROR, (int)code);
    if (!strstr(error->message, fragment))
        g_error("“%s” does not say “%s”", error->message, fragment);
    g_clear_error(&error);
    g_assert_false(vsw_wait_apply_switch(f->network, def, &error));
    g_assert_error(error, VSW_ERROR, (int)code);
    /* Nothing half-made. */
    g_assert_cmpuint(count_links(f->platform), ==, links);
    g_assert_cmpint(count_rules(f, "berth:*"), ==, rules);
}

static void
test_bad_input(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) ext = make_def(HVX_SWITCH_TYPE_EXTERNAL, "Ext", UUID_B);
    g_autoptr(HvxSwitchDef) nat =
        make_internal("NAT", UUID_A, "10.203.0.1/24", TRUE, "10.203.0.10", "10.203.0.20");
    g_autoptr(HvxSwitchDef) other =
        make_internal("Other", UUID_B, "10.203.0.129/25", FALSE, NULL, NULL);
    g_autoptr(GError) error = NULL;

    ext->adapter_name = g_strdup("vswtnone0");
    expect_refused(f, ext, VSW_ERROR_NOT_FOUND, "Adapter: there is no network adapter");

    add_adapter(f, WLAN, TRUE);
    g_free(ext->adapter_name);
    ext->adapter_name = g_strdup(WLAN);
    expect_refused(f, ext, VSW_ERROR_WIRELESS, "internal switch with NAT");

    /* An adapter on someone else's bridge. */
    add_adapter(f, ADAPTER, FALSE);
    g_assert_true(vsw_platform_bridge_add(f->platform, "vswtbr0", &error));
    g_assert_no_error(error);
    g_assert_true(vsw_platform_link_set_master(f->platform, ADAPTER, "vswtbr0", &error));
    g_assert_no_error(error);
    g_free(ext->adapter_name);
    ext->adapter_name = g_strdup(ADAPTER);
    expect_refused(f, ext, VSW_ERROR_BUSY, "already connected to the bridge “vswtbr0”");
    g_assert_true(vsw_platform_link_delete(f->platform, "vswtbr0", &error));
    g_assert_no_error(error);

    /* Subnets: against another switch, against a host route. */
    apply_ok(f, nat);
    expect_refused(f, other, VSW_ERROR_OVERLAPS, "overlaps the switch “NAT”");
    g_free(other->address);
    other->address = g_strdup("10.77.0.200/24");
    g_assert_true(vsw_platform_address_add(f->platform, ADAPTER, "10.77.0.2/24", &error));
    g_assert_no_error(error);
#if !VSW_TEST_REAL
    /* The fake makes no routes for addresses by itself. */
    {
        VswLink l;
        VswRoute r = {.destination = "10.77.0.0/24", .protocol = 2, .scope = 253};

        vsw_platform_link_get(f->platform, ADAPTER, &l, NULL);
        r.ifindex = l.ifindex;
        g_assert_true(vsw_platform_route_add(f->platform, &r, NULL));
    }
#endif
    expect_refused(f, other, VSW_ERROR_OVERLAPS, "overlaps the host's route “10.77.0.0/24");

    /* DHCP range outside the subnet, reversed, over the host's address. */
    g_free(other->address);
    other->address = g_strdup("10.204.0.1/24");
    other->dhcp_first = g_strdup("10.204.1.10");
    other->dhcp_last = g_strdup("10.204.1.20");
    expect_refused(f, other, VSW_ERROR_INVALID_ARGUMENT,
                   "<dhcp>: \"10.204.1.10\" is outside 10.204.0.0/24, the subnet of the host's "
                   "address 10.204.0.1/24");
    g_free(other->dhcp_first);
    other->dhcp_first = g_strdup("10.204.0.1");
    g_free(other->dhcp_last);
    other->dhcp_last = g_strdup("10.204.0.9");
    expect_refused(f, other, VSW_ERROR_INVALID_ARGUMENT, "includes the host's own address");

    /* Names: same name, same bridge name. */
    g_free(other->dhcp_first);
    g_free(other->dhcp_last);
    other->dhcp_first = other->dhcp_last = NULL;
    g_free(other->name);
    other->name = g_strdup("NAT");
    expect_refused(f, other, VSW_ERROR_EXISTS, "Name: there is already a switch named “NAT”");
    g_free(other->name);
    other->name = g_strdup("Other");
    g_free(other->uuid);
    other->uuid = g_strdup(UUID_A2);
    expect_refused(f, other, VSW_ERROR_EXISTS, "its bridge name “" BRIDGE_A "”");

    /* A private switch with an address. */
    {
        g_autoptr(HvxSwitchDef) priv = make_def(HVX_SWITCH_TYPE_PRIVATE, "P", UUID_B);

        priv->address = g_strdup("10.205.0.1/24");
        expect_refused(f, priv, VSW_ERROR_INVALID_ARGUMENT, "are only for internal switches");
    }

    /* Two Default Switches. */
    g_assert_true(vsw_network_set_default_switch(f->network, UUID_A, &error));
    g_assert_no_error(error);
    g_assert_false(vsw_network_set_default_switch(f->network, UUID_B, &error));
    g_assert_error(error, VSW_ERROR, VSW_ERROR_EXISTS);
    g_assert_nonnull(strstr(error->message, "“NAT” is already the Default Switch"));
    g_clear_error(&error);
    g_assert_cmpstr(vsw_network_get_default_switch(f->network), ==, UUID_A);

    remove_ok(f, UUID_A);
    g_assert_null(vsw_network_get_default_switch(f->network));
    assert_master(f, ADAPTER, NULL);
    remove_adapter(f, ADAPTER);
    remove_adapter(f, WLAN);
}

static void
test_adapters(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) adapters = NULL;
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_EXTERNAL, "LAN", UUID_A);
    gboolean seen_wired = FALSE, seen_wlan = FALSE;

    add_adapter(f, ADAPTER, FALSE);
    add_adapter(f, WLAN, TRUE);
    def->adapter_name = g_strdup(ADAPTER);
    apply_ok(f, def);
    adapters = vsw_network_list_adapters(f->network, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < adapters->len; i++) {
        VswAdapter *a = g_ptr_array_index(adapters, i);

        if (strcmp(a->name, ADAPTER) == 0) {
            seen_wired = TRUE;
            g_assert_false(a->wireless);
            g_assert_true(a->up);
            g_assert_cmpstr(a->used_by, ==, BRIDGE_A);
            g_assert_false(a->usable);
            g_assert_nonnull(a->reason);
        } else if (strcmp(a->name, WLAN) == 0) {
            seen_wlan = TRUE;
            g_assert_true(a->wireless);
            g_assert_false(a->usable);
            g_assert_cmpuint(strlen(a->mac), ==, 17);
        }
    }
    g_assert_true(seen_wired && seen_wlan);
    remove_ok(f, UUID_A);
    remove_adapter(f, ADAPTER);
    remove_adapter(f, WLAN);
}

static int
add_port(Fixture *f, const char *uuid, const char *tap, guint vlan, guint bandwidth)
{
    g_autoptr(GError) error = NULL;
    VswPortConfig config = {
        .switch_uuid = uuid,
        .tap_name = tap,
        .mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
        .vlan = vlan,
        .bandwidth_max = bandwidth,
        .dhcp_guard = TRUE,
        .router_guard = TRUE,
    };
    int vhost = -2;
    int fd = vsw_network_port_add(f->network, &config, &vhost, &error);

    g_assert_no_error(error);
    g_assert_cmpint(fd, >=, 0);
    if (vhost >= 0)
        close(vhost);
    else
        g_assert_cmpint(vhost, ==, -1);
    return fd;
}

static void
test_ports(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) a = make_def(HVX_SWITCH_TYPE_PRIVATE, "A", UUID_A);
    g_autoptr(HvxSwitchDef) b = make_def(HVX_SWITCH_TYPE_PRIVATE, "B", UUID_B);
    g_autoptr(GError) error = NULL;
    VswPortConfig config = {
        .switch_uuid = UUID_B,
        .tap_name = TAP1,
        .mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
        .mac_spoofing = TRUE,
    };
    guint mbit = 0;
    VswLink tap;
    int fd1, fd2;

    apply_ok(f, a);
    apply_ok(f, b);
    fd1 = add_port(f, UUID_A, TAP1, 5, 100);
    fd2 = add_port(f, UUID_A, TAP2, 0, 0);
    g_assert_true(vsw_platform_link_get(f->platform, TAP1, &tap, NULL));
    g_assert_cmpint(tap.kind, ==, VSW_LINK_KIND_TAP);
    g_assert_true(tap.up);
    assert_master(f, TAP1, BRIDGE_A);
    g_assert_true(vsw_platform_get_bandwidth(f->platform, TAP1, &mbit, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(mbit, ==, 100);
    /* MAC guard, DHCP guard, 2 router guards, ingress policing, mark, forward check, input and
     * output (the host is not on a private switch). */
    g_assert_cmpint(count_rules(f, "berth:port:" TAP1), ==, 9);
    /* MAC guard, DHCP guard, 2 router guards, forward check, input and output. */
    g_assert_cmpint(count_rules(f, "berth:port:" TAP2), ==, 7);

    /* A second port with a taken name fails and leaves nothing. */
    {
        VswPortConfig dup = config;
        int vhost;

        dup.switch_uuid = UUID_A;
        g_assert_cmpint(vsw_network_port_add(f->network, &dup, &vhost, &error), ==, -1);
        g_assert_error(error, VSW_ERROR, VSW_ERROR_EXISTS);
        g_clear_error(&error);
        g_assert_cmpint(count_rules(f, "berth:port:" TAP1), ==, 9);
    }

    /* Move TAP1 to switch B, untagged, spoofing allowed, no limit. */
    g_assert_true(vsw_network_port_update(f->network, &config, &error));
    g_assert_no_error(error);
    assert_master(f, TAP1, BRIDGE_B);
    g_assert_cmpint(count_rules(f, "berth:port:" TAP1), ==, 3);
    g_assert_true(vsw_platform_get_bandwidth(f->platform, TAP1, &mbit, &error));
    g_assert_cmpuint(mbit, ==, 0);

    /* An unknown switch. */
    config.switch_uuid = "c3c3c3c3-0000-4000-8000-000000000009";
    g_assert_false(vsw_network_port_update(f->network, &config, &error));
    g_assert_error(error, VSW_ERROR, VSW_ERROR_NOT_FOUND);
    g_clear_error(&error);
    assert_master(f, TAP1, BRIDGE_B);

    /* QEMU ends: the taps go with their fds; berthd drops the rules. */
    close(fd1);
    close(fd2);
    g_assert_false(vsw_platform_link_get(f->platform, TAP1, NULL, NULL));
    g_assert_true(vsw_network_port_remove(f->network, TAP1, &error));
    g_assert_true(vsw_network_port_remove(f->network, TAP2, &error));
    g_assert_true(vsw_network_port_remove(f->network, "btp99999999n0", &error));
    g_assert_no_error(error);
    remove_ok(f, UUID_A);
    remove_ok(f, UUID_B);
}

static void
test_pick_subnet(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *first = vsw_network_pick_subnet(f->network, &error);
    g_autofree char *second = NULL;
    g_autofree char *third = NULL;
    g_autoptr(HvxSwitchDef) def = NULL;

    g_assert_no_error(error);
    g_assert_cmpstr(first, ==, "172.23.144.1/24");
    def = make_internal("Default Switch", UUID_A, first, TRUE, NULL, NULL);
    apply_ok(f, def);
    second = vsw_network_pick_subnet(f->network, &error);
    g_assert_cmpstr(second, ==, "172.23.145.1/24");
    /* A host route over the next one. */
    add_adapter(f, ADAPTER, FALSE);
    add_route(f, ADAPTER, "172.23.144.0/23", "", 0);
    add_route(f, ADAPTER, "172.23.146.0/24", "", 0);
    third = vsw_network_pick_subnet(f->network, &error);
    g_assert_cmpstr(third, ==, "172.23.147.1/24");
    remove_ok(f, UUID_A);
    remove_adapter(f, ADAPTER);
#if !VSW_TEST_REAL
    {
        g_autoptr(GArray) routes = vsw_platform_list_routes(f->platform, ADAPTER, NULL);
        for (guint i = 0; i < routes->len; i++)
            vsw_platform_route_delete(f->platform, &g_array_index(routes, VswRoute, i), NULL);
    }
#endif
}

static void
test_leases(Fixture *f, gconstpointer data)
{
    g_autofree char *path = g_build_filename(f->dir, "state", "dnsmasq-" BRIDGE_A ".leases", NULL);
    g_auto(GStrv) none = NULL;
    g_auto(GStrv) leases = NULL;

    none = vsw_network_leases(f->network, UUID_A, "52:54:00:12:34:56");
    g_assert_cmpuint(g_strv_length(none), ==, 0);
    g_assert_true(g_file_set_contents(path,
                                      "1700000000 52:54:00:12:34:56 10.1.0.50 guest *\n"
                                      "1700000001 52:54:00:aa:bb:cc 10.1.0.51 other 01:52\n",
                                      -1, NULL));
    leases = vsw_network_leases(f->network, UUID_A, "52:54:00:12:34:56");
    g_assert_cmpuint(g_strv_length(leases), ==, 1);
    g_assert_cmpstr(leases[0], ==, "10.1.0.50");
}

/* A berthd that was killed: its switches, shared adapter, rules and dnsmasq stay; the next one
 * keeps what is still defined and removes the rest. */
static void
test_sync(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) ext = make_def(HVX_SWITCH_TYPE_EXTERNAL, "LAN", UUID_A);
    g_autoptr(HvxSwitchDef) nat =
        make_internal("NAT", UUID_B, "10.206.0.1/24", TRUE, "10.206.0.10", "10.206.0.20");
    g_autoptr(GPtrArray) defs = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *routes_before = NULL;
    g_autofree char *state = g_build_filename(f->dir, "state", NULL);
    g_autofree char *runtime = g_build_filename(f->dir, "run", NULL);
    g_autofree char *pid_file = g_build_filename(runtime, "dnsmasq-" BRIDGE_B ".pid", NULL);
    /* The berthd that is "killed" below ran on a main context never run again: a dead berthd
     * supervises nothing (it does not restart the dnsmasq the next one ends). */
    g_autoptr(GMainContext) dead = g_main_context_new();
    VswNetwork *crashed;
    int fd;
    G_GNUC_UNUSED int dnsmasq_pid;

    prepare_lan_adapter(f);
    routes_before = routes_of(f, ADAPTER);
    ext->adapter_name = g_strdup(ADAPTER);
    ext->adapter_share_with_host = TRUE;
    g_main_context_push_thread_default(dead);
    apply_ok(f, ext);
    apply_ok(f, nat);
    g_main_context_pop_thread_default(dead);
    fd = add_port(f, UUID_B, TAP1, 0, 0);
    close(fd); /* the VM died with berthd */
    dnsmasq_pid = vsw_network_get_dnsmasq_pid(f->network, UUID_B);

    /* "kill -9": the old object is leaked on purpose, its dnsmasq keeps running. */
    crashed = g_steal_pointer(&f->network);
    (void)crashed;
    f->network = vsw_network_new(f->platform, state, runtime, &error);
    g_assert_no_error(error);

    /* Only the external switch is still defined. */
    g_ptr_array_add(defs, ext);
    g_assert_true(vsw_wait_sync(f->network, defs, &error));
    g_assert_no_error(error);
    g_assert_null(vsw_network_switch_status(f->network, UUID_A));
    assert_master(f, ADAPTER, BRIDGE_A);
    assert_addresses(f, BRIDGE_A, "10.77.0.2/24 10.77.1.2/24");
    g_assert_false(vsw_platform_link_get(f->platform, BRIDGE_B, NULL, NULL));
    g_assert_cmpint(count_rules(f, "berth:*"), ==, 0);
#if VSW_TEST_REAL
    {
        g_autofree char *proc = g_strdup_printf("/proc/%d/cmdline", dnsmasq_pid);

        g_assert_cmpint(dnsmasq_pid, >, 0);
        /* Ended (a zombie of ours at most, since this test process was its parent). */
        for (guint i = 0; i < 100; i++) {
            g_autofree char *stat_path = g_strdup_printf("/proc/%d/stat", dnsmasq_pid);
            g_autofree char *stat = NULL;

            if (!g_file_get_contents(stat_path, &stat, NULL, NULL) ||
                strstr(strrchr(stat, ')'), ") Z"))
                break;
            g_usleep(20000);
        }
        g_assert_false(g_file_test(pid_file, G_FILE_TEST_EXISTS));
    }
#endif

    /* Nothing is defined any more: the shared adapter gets everything back. */
    g_ptr_array_set_size(defs, 0);
    g_assert_true(vsw_wait_sync(f->network, defs, &error));
    g_assert_no_error(error);
    assert_master(f, ADAPTER, NULL);
    assert_addresses(f, ADAPTER, "10.77.0.2/24 10.77.1.2/24");
    g_assert_cmpstr(routes_of(f, ADAPTER), ==, routes_before);
    g_assert_false(vsw_platform_link_get(f->platform, BRIDGE_A, NULL, NULL));
    remove_adapter(f, ADAPTER);
}

#if !VSW_TEST_REAL
/* A kernel with bridge VLAN filtering: ports are access ports, no emulation rules. */
static void
test_vlan_filtering(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_INTERNAL, "Tagged", UUID_A);
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) vlans = NULL;
    int fd;

    vsw_platform_fake_set_vlan_filtering(VSW_PLATFORM_FAKE(f->platform), TRUE);
    apply_ok(f, def);
    fd = add_port(f, UUID_A, TAP1, 5, 0);
    vlans = vsw_platform_port_list_vlans(f->platform, TAP1, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(vlans->len, ==, 1);
    g_assert_cmpuint(g_array_index(vlans, VswVlan, 0).vid, ==, 5);
    g_assert_true(g_array_index(vlans, VswVlan, 0).pvid);
    /* MAC guard, DHCP guard, 2 router guards; no marks. */
    g_assert_cmpint(count_rules(f, "berth:port:" TAP1), ==, 4);
    close(fd);
    g_assert_true(vsw_network_port_remove(f->network, TAP1, NULL));
    remove_ok(f, UUID_A);
}

/* Every change of apply_switch failing in turn: each failure leaves the host as it was. */
static void
test_rollback(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) ext = make_def(HVX_SWITCH_TYPE_EXTERNAL, "LAN", UUID_A);
    g_autoptr(HvxSwitchDef) nat =
        make_internal("NAT", UUID_B, "10.207.0.1/24", TRUE, "10.207.0.10", "10.207.0.20");
    VswPlatformFake *fake = VSW_PLATFORM_FAKE(f->platform);
    g_autofree char *routes_before = NULL;
    const HvxSwitchDef *defs[] = {ext, nat};

    prepare_lan_adapter(f);
    routes_before = routes_of(f, ADAPTER);
    ext->adapter_name = g_strdup(ADAPTER);
    ext->adapter_share_with_host = TRUE;
    for (guint d = 0; d < G_N_ELEMENTS(defs); d++) {
        guint n;

        for (n = 1;; n++) {
            g_autoptr(GError) error = NULL;
            guint links = count_links(f->platform);

            vsw_platform_fake_fail_nth(fake, n, EIO);
            if (vsw_wait_apply_switch(f->network, defs[d], &error))
                break;
            g_assert_error(error, VSW_ERROR, VSW_ERROR_FAILED);
            g_assert_cmpuint(count_links(f->platform), ==, links);
            g_assert_cmpint(count_rules(f, "berth:*"), ==, 0);
            assert_addresses(f, ADAPTER, "10.77.0.2/24 10.77.1.2/24");
            g_assert_cmpstr(routes_of(f, ADAPTER), ==, routes_before);
            assert_master(f, ADAPTER, NULL);
            g_assert_nonnull(vsw_network_switch_status(f->network, defs[d]->uuid));
        }
        vsw_platform_fake_fail_nth(fake, 0, 0);
        g_test_message("%s: %u changes, each failure rolled back", defs[d]->name, n - 1);
        g_assert_cmpuint(n, >, 3);
        remove_ok(f, defs[d]->uuid);
        g_assert_cmpstr(routes_of(f, ADAPTER), ==, routes_before);
    }
}
#endif

int
main(int argc, char **argv)
{
#if VSW_TEST_REAL
    /* Never on the host's interfaces or rules: a namespace of our own, or no test at all. */
    if (unshare(CLONE_NEWNET) < 0) {
        printf("1..0 # SKIP cannot make a network namespace (needs CAP_NET_ADMIN): %s\n",
               g_strerror(errno));
        return 77;
    }
    if (access("/dev/net/tun", R_OK | W_OK) < 0 || access("/usr/sbin/dnsmasq", X_OK) < 0) {
        printf("1..0 # SKIP /dev/net/tun or /usr/sbin/dnsmasq is missing\n");
        return 77;
    }
#endif
    g_test_init(&argc, &argv, NULL);

#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("/vswitch/network/internal", test_internal);
    ADD("/vswitch/network/private", test_private);
    ADD("/vswitch/network/external-shared", test_external_shared);
    ADD("/vswitch/network/bad-input", test_bad_input);
    ADD("/vswitch/network/adapters", test_adapters);
    ADD("/vswitch/network/ports", test_ports);
    ADD("/vswitch/network/pick-subnet", test_pick_subnet);
    ADD("/vswitch/network/leases", test_leases);
    ADD("/vswitch/network/sync", test_sync);
#if !VSW_TEST_REAL
    ADD("/vswitch/network/rollback", test_rollback);
    ADD("/vswitch/network/vlan-filtering", test_vlan_filtering);
#endif
#undef ADD

    return g_test_run();
}
