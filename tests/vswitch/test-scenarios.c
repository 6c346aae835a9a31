/* test-scenarios.c: switches made by VswNetwork carrying real traffic between network
 * namespaces, without guests (those are berthd's end-to-end tests). The test moves itself into a
 * namespace of its own (the "host"); every other machine is a namespace held by a sleeping
 * process of ours ("unshare -n sleep"), reached with nsenter, and wired to the host by a veth
 * pair: the LAN behind a physical adapter, or a VM's adapter plugged into a switch port.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hvx-net-address.h"
#include "vsw-error.h"
#include "vsw-network.h"
#include "vsw-wait.h"
#include "vsw-nft.h"
#include "vsw-platform-linux.h"

typedef struct {
    GPid pid;
    char *name;
} Ns;

typedef struct {
    VswPlatform *platform;
    VswNetwork *network;
    char *dir;
    GPtrArray *namespaces; /* of Ns* */
    guint links_before;
} Fixture;

/* ---- helpers ----------------------------------------------------------------------------- */

static int
sh(const char *command, char **ret_output)
{
    g_autoptr(GError) error = NULL;
    const char *argv[] = {"/bin/sh", "-c", command, NULL};
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = -1;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                      &error))
        g_error("%s: %s", command, error->message);
    g_test_message("$ %s -> %d%s%s", command, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                   out[0] ? "\n" : "", out);
    if (err[0])
        g_test_message("stderr: %s", err);
    if (ret_output)
        *ret_output = g_steal_pointer(&out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
sh_ok(const char *command)
{
    if (sh(command, NULL) != 0)
        g_error("failed: %s", command);
}

static Ns *
ns_new(Fixture *f, const char *name)
{
    Ns *ns = g_new0(Ns, 1);
    const char *argv[] = {"/usr/bin/unshare", "-n", "/bin/sleep", "600", NULL};
    g_autoptr(GError) error = NULL;
    g_autofree char *own = NULL;
    char self_ns[64] = "";
    char child_ns[64] = "";

    ns->name = g_strdup(name);
    g_assert_true(
        g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &ns->pid, &error));
    g_assert_no_error(error);
    g_ptr_array_add(f->namespaces, ns);
    /* Wait until it has its own namespace. */
    g_assert_cmpint(readlink("/proc/self/ns/net", self_ns, sizeof self_ns - 1), >, 0);
    for (guint i = 0; i < 500; i++) {
        g_autofree char *path = g_strdup_printf("/proc/%d/ns/net", ns->pid);

        memset(child_ns, 0, sizeof child_ns);
        if (readlink(path, child_ns, sizeof child_ns - 1) > 0 && strcmp(child_ns, self_ns) != 0)
            break;
        g_usleep(10000);
    }
    g_assert_cmpstr(child_ns, !=, self_ns);
    own = g_strdup_printf("nsenter -t %d -n ip link set lo up", ns->pid);
    sh_ok(own);
    return ns;
}

static void
ns_free(gpointer data)
{
    Ns *ns = data;

    kill(ns->pid, SIGKILL);
    waitpid(ns->pid, NULL, 0);
    g_spawn_close_pid(ns->pid);
    g_free(ns->name);
    g_free(ns);
}

static int G_GNUC_PRINTF(3, 4) ns_sh(Ns *ns, char **ret_output, const char *format, ...)
{
    g_autofree char *command = NULL;
    g_autofree char *wrapped = NULL;
    va_list args;

    va_start(args, format);
    command = g_strdup_vprintf(format, args);
    va_end(args);
    wrapped = g_strdup_printf("nsenter -t %d -n sh -c '%s'", ns->pid, command);
    return sh(wrapped, ret_output);
}

/* A veth pair: @host_end stays here, the other end goes into @ns as eth0 with @cidr and @mac. */
static void
plug(Fixture *f, Ns *ns, const char *host_end, const char *cidr, const char *mac)
{
    g_autofree char *cmd = g_strdup_printf(
        "ip link add %s type veth peer name %sp && ip link set %sp netns %d && ip link set %s up",
        host_end, host_end, host_end, ns->pid, host_end);

    sh_ok(cmd);
    g_assert_cmpint(ns_sh(ns, NULL,
                          "ip link set %sp name eth0 && ip link set eth0 address %s && "
                          "ip link set eth0 up%s%s",
                          host_end, mac, cidr ? " && ip addr add dev eth0 " : "", cidr ? cidr : ""),
                    ==, 0);
}

static gboolean
ping(Ns *from, const char *address)
{
    if (from)
        return ns_sh(from, NULL, "busybox ping -c 2 -W 2 %s", address) == 0;
    else {
        g_autofree char *cmd = g_strdup_printf("busybox ping -c 2 -W 2 %s", address);

        return sh(cmd, NULL) == 0;
    }
}

static guint
count_links(Fixture *f)
{
    g_autoptr(GArray) links = vsw_platform_list_links(f->platform, NULL);

    return links->len;
}

static int
count_rules(Fixture *f)
{
    return vsw_nft_count(vsw_network_get_nft(f->network), "berth:*");
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

static void
apply_ok(Fixture *f, const HvxSwitchDef *def)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(vsw_wait_apply_switch(f->network, def, &error));
    g_assert_no_error(error);
}

static void
remove_ok(Fixture *f, const char *uuid)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(vsw_wait_remove_switch(f->network, uuid, &error));
    g_assert_no_error(error);
}

static void
parse_mac(const char *text, guint8 mac[6])
{
    g_autoptr(GError) error = NULL;

    g_assert_true(hvx_mac_parse(text, NULL, mac, &error));
    g_assert_no_error(error);
}

/* Puts the veth @host_end on the switch as a VM port, guards on. */
static void
port(Fixture *f, const char *uuid, const char *host_end, const char *mac, guint vlan)
{
    g_autoptr(GError) error = NULL;
    VswPortConfig config = {
        .switch_uuid = uuid,
        .tap_name = host_end,
        .vlan = vlan,
        .dhcp_guard = TRUE,
        .router_guard = TRUE,
    };

    parse_mac(mac, config.mac);
    g_assert_true(vsw_network_port_update(f->network, &config, &error));
    g_assert_no_error(error);
}

static void
unplug(Fixture *f, const char *host_end)
{
    g_autofree char *cmd = g_strdup_printf("ip link del %s", host_end);

    g_assert_true(vsw_network_port_remove(f->network, host_end, NULL));
    sh_ok(cmd);
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *state = NULL;
    g_autofree char *runtime = NULL;

    f->dir = g_dir_make_tmp("vsw-scenario-XXXXXX", &error);
    g_assert_no_error(error);
    state = g_build_filename(f->dir, "state", NULL);
    runtime = g_build_filename(f->dir, "run", NULL);
    f->platform = vsw_platform_linux_new(&error);
    g_assert_no_error(error);
    f->network = vsw_network_new(f->platform, state, runtime, &error);
    g_assert_no_error(error);
    f->namespaces = g_ptr_array_new_with_free_func(ns_free);
    f->links_before = count_links(f);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);

    g_clear_pointer(&f->namespaces, g_ptr_array_unref);
    /* Each test removed what it made: no link, no rule. */
    g_assert_cmpuint(count_links(f), ==, f->links_before);
    g_assert_cmpint(count_rules(f), ==, 0);
    g_clear_object(&f->network);
    g_clear_object(&f->platform);
    sh_ok(cmd);
    g_free(f->dir);
}

#define UUID_EXT  "e0e0e0e0-0000-4000-8000-000000000001"
#define UUID_NAT  "e1e1e1e1-0000-4000-8000-000000000002"
#define UUID_PRIV "e2e2e2e2-0000-4000-8000-000000000003"
#define UUID_PRV2 "e3e3e3e3-0000-4000-8000-000000000004"

/* ---- scenarios --------------------------------------------------------------------------- */

/* External switch sharing the host's adapter: the LAN stays reachable from the host, a VM on the
 * switch is on the LAN, and the host's addresses and routes come back exactly. */
static void
test_external_lan(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_EXTERNAL, "LAN", UUID_EXT);
    Ns *lan = ns_new(f, "lan");
    Ns *vm = ns_new(f, "vm");
    g_autofree char *addr_before = NULL, *routes_before = NULL;
    g_autofree char *addr_after = NULL, *routes_after = NULL;
    g_autofree char *bridge_routes = NULL;

    /* The host's "physical" adapter, with an address and a default route into the LAN. */
    plug(f, lan, "vswlan0", "10.90.0.1/24", "02:00:00:00:90:01");
    sh_ok("ip addr add 10.90.0.2/24 dev vswlan0 && ip route add default via 10.90.0.1 dev vswlan0 "
          "metric 50 && ip route add 10.99.0.0/16 via 10.90.0.1 dev vswlan0 proto static");
    g_assert_true(ping(NULL, "10.90.0.1"));
    sh("ip -4 addr show dev vswlan0 | grep inet", &addr_before);
    sh("ip route show", &routes_before);

    def->adapter_name = g_strdup("vswlan0");
    def->adapter_share_with_host = TRUE;
    apply_ok(f, def);
    g_assert_cmpint(sh("ip -4 addr show dev vswlan0 | grep -q inet", NULL), !=, 0);
    sh("ip route show dev bswe0e0e0e0", &bridge_routes);
    g_assert_nonnull(strstr(bridge_routes, "default via 10.90.0.1 metric 50"));
    g_assert_nonnull(strstr(bridge_routes, "10.99.0.0/16 via 10.90.0.1 proto static"));
    g_assert_true(ping(NULL, "10.90.0.1"));
    g_assert_true(ping(lan, "10.90.0.2"));

    /* A VM on the switch reaches the LAN host. */
    plug(f, vm, "btpe0e0e0e0n0", "10.90.0.50/24", "52:54:00:00:90:50");
    port(f, UUID_EXT, "btpe0e0e0e0n0", "52:54:00:00:90:50", 0);
    g_assert_true(ping(vm, "10.90.0.1"));
    g_assert_true(ping(vm, "10.90.0.2"));
    unplug(f, "btpe0e0e0e0n0");

    remove_ok(f, UUID_EXT);
    sh("ip -4 addr show dev vswlan0 | grep inet", &addr_after);
    sh("ip route show", &routes_after);
    g_assert_cmpstr(addr_after, ==, addr_before);
    g_assert_cmpstr(routes_after, ==, routes_before);
    g_assert_true(ping(NULL, "10.90.0.1"));
    sh_ok("ip link del vswlan0");
}

static void
write_udhcpc_script(Fixture *f, char **ret_path)
{
    g_autofree char *path = g_build_filename(f->dir, "udhcpc.sh", NULL);

    g_assert_true(g_file_set_contents(path,
                                      "#!/bin/sh\n"
                                      "case \"$1\" in\n"
                                      "bound|renew)\n"
                                      "  ip addr flush dev \"$interface\"\n"
                                      "  ip addr add \"$ip/$mask\" dev \"$interface\"\n"
                                      "  [ -n \"$router\" ] && ip route add default via "
                                      "\"$router\" dev \"$interface\"\n"
                                      "  ;;\n"
                                      "esac\n"
                                      "exit 0\n",
                                      -1, NULL));
    g_assert_cmpint(g_chmod(path, 0755), ==, 0);
    *ret_path = g_steal_pointer(&path);
}

/* Internal switch with NAT and DHCP: a VM gets its lease from Berth's dnsmasq and reaches the LAN
 * host through masquerade (the LAN has no route back to the switch's subnet). */
static void
test_internal_nat_dhcp(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_INTERNAL, "NAT", UUID_NAT);
    g_autoptr(GError) error = NULL;
    g_autofree char *script = NULL;
    g_autofree char *vm_addr = NULL;
    g_auto(GStrv) leases = NULL;
    Ns *lan = ns_new(f, "lan");
    Ns *vm = ns_new(f, "vm");
    int pid;
    int new_pid = 0;

    plug(f, lan, "vswlan1", "10.91.0.1/24", "02:00:00:00:91:01");
    sh_ok("ip addr add 10.91.0.2/24 dev vswlan1");

    def->address = g_strdup("10.92.0.1/24");
    def->nat = TRUE;
    def->dhcp_first = g_strdup("10.92.0.100");
    def->dhcp_last = g_strdup("10.92.0.150");
    apply_ok(f, def);
    plug(f, vm, "btpe1e1e1e1n0", NULL, "52:54:00:00:92:50");
    port(f, UUID_NAT, "btpe1e1e1e1n0", "52:54:00:00:92:50", 0);

    write_udhcpc_script(f, &script);
    g_assert_cmpint(ns_sh(vm, NULL, "busybox udhcpc -i eth0 -n -q -t 5 -T 1 -s %s", script), ==, 0);
    ns_sh(vm, &vm_addr, "ip -4 -o addr show dev eth0");
    g_assert_nonnull(strstr(vm_addr, "inet 10.92.0.1"));
    leases = vsw_network_leases(f->network, UUID_NAT, "52:54:00:00:92:50");
    g_assert_cmpuint(g_strv_length(leases), ==, 1);
    g_assert_true(g_str_has_prefix(leases[0], "10.92.0."));
    g_assert_nonnull(strstr(vm_addr, leases[0]));

    /* The host on the switch, and the LAN host through NAT. */
    g_assert_true(ping(vm, "10.92.0.1"));
    g_assert_true(ping(vm, "10.91.0.1"));
    /* Without the masquerade rule, the LAN's replies have nowhere to go. */
    g_assert_true(vsw_nft_remove(vsw_network_get_nft(f->network), "berth:sw:bswe1e1e1e1", NULL));
    g_assert_false(ping(vm, "10.91.0.1"));
    apply_ok(f, def);
    g_assert_true(ping(vm, "10.91.0.1"));

    /* dnsmasq dies: it is started again. */
    pid = vsw_network_get_dnsmasq_pid(f->network, UUID_NAT);
    g_assert_cmpint(pid, >, 0);
    g_test_expect_message("vswitch", G_LOG_LEVEL_WARNING,
                          "dnsmasq for the bridge “bswe1e1e1e1” ended unexpectedly*");
    kill(pid, SIGKILL);
    for (guint i = 0; i < 400 && (new_pid == 0 || new_pid == pid); i++) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(10000);
        new_pid = vsw_network_get_dnsmasq_pid(f->network, UUID_NAT);
    }
    g_test_assert_expected_messages();
    g_assert_cmpint(new_pid, >, 0);
    g_assert_cmpint(new_pid, !=, pid);
    /* The new one still has the lease: the same address comes back. */
    ns_sh(vm, NULL, "ip addr flush dev eth0");
    g_assert_cmpint(ns_sh(vm, NULL, "busybox udhcpc -i eth0 -n -q -t 5 -T 1 -s %s", script), ==, 0);
    {
        g_autofree char *again = NULL;

        ns_sh(vm, &again, "ip -4 -o addr show dev eth0");
        g_assert_nonnull(strstr(again, leases[0]));
    }

    unplug(f, "btpe1e1e1e1n0");
    remove_ok(f, UUID_NAT);
    g_assert_cmpint(vsw_network_get_dnsmasq_pid(f->network, UUID_NAT), ==, 0);
    sh_ok("ip link del vswlan1");
    (void)error;
}

/* Private switch: the VMs reach each other; the host does not reach them even with an address on
 * the bridge; a VM on another private switch does not either. */
static void
test_private_isolation(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_PRIVATE, "Lab", UUID_PRIV);
    g_autoptr(HvxSwitchDef) other = make_def(HVX_SWITCH_TYPE_PRIVATE, "Lab 2", UUID_PRV2);
    Ns *a = ns_new(f, "a");
    Ns *b = ns_new(f, "b");
    Ns *c = ns_new(f, "c");

    apply_ok(f, def);
    apply_ok(f, other);
    plug(f, a, "btpe2e2e2e2n0", "10.93.0.1/24", "52:54:00:00:93:01");
    plug(f, b, "btpe2e2e2e2n1", "10.93.0.2/24", "52:54:00:00:93:02");
    plug(f, c, "btpe3e3e3e3n0", "10.93.0.3/24", "52:54:00:00:93:03");
    port(f, UUID_PRIV, "btpe2e2e2e2n0", "52:54:00:00:93:01", 0);
    port(f, UUID_PRIV, "btpe2e2e2e2n1", "52:54:00:00:93:02", 0);
    port(f, UUID_PRV2, "btpe3e3e3e3n0", "52:54:00:00:93:03", 0);
    g_assert_true(ping(a, "10.93.0.2"));
    g_assert_true(ping(b, "10.93.0.1"));
    g_assert_false(ping(c, "10.93.0.1"));
    /* The host tries anyway. */
    sh_ok("ip addr add 10.93.0.254/24 dev bswe2e2e2e2");
    g_assert_false(ping(NULL, "10.93.0.1"));
    g_assert_false(ping(a, "10.93.0.254"));
    sh_ok("ip addr del 10.93.0.254/24 dev bswe2e2e2e2");

    unplug(f, "btpe2e2e2e2n0");
    unplug(f, "btpe2e2e2e2n1");
    unplug(f, "btpe3e3e3e3n0");
    remove_ok(f, UUID_PRIV);
    remove_ok(f, UUID_PRV2);
}

/* VLANs on a kernel without bridge VLAN filtering (emulated with nftables): same VLAN talks,
 * different VLANs and untagged do not; the host (management OS on VLAN 5) reaches VLAN 5 only. */
static void
test_vlan(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_INTERNAL, "VLANs", UUID_NAT);
    Ns *a = ns_new(f, "a5");
    Ns *b = ns_new(f, "b5");
    Ns *c = ns_new(f, "c7");
    Ns *d = ns_new(f, "d0");

    def->address = g_strdup("10.94.0.254/24");
    def->has_vlan = TRUE;
    def->vlan = 5;
    apply_ok(f, def);
    plug(f, a, "btpe1e1e1e1n1", "10.94.0.1/24", "52:54:00:00:94:01");
    plug(f, b, "btpe1e1e1e1n2", "10.94.0.2/24", "52:54:00:00:94:02");
    plug(f, c, "btpe1e1e1e1n3", "10.94.0.3/24", "52:54:00:00:94:03");
    plug(f, d, "btpe1e1e1e1n4", "10.94.0.4/24", "52:54:00:00:94:04");
    port(f, UUID_NAT, "btpe1e1e1e1n1", "52:54:00:00:94:01", 5);
    port(f, UUID_NAT, "btpe1e1e1e1n2", "52:54:00:00:94:02", 5);
    port(f, UUID_NAT, "btpe1e1e1e1n3", "52:54:00:00:94:03", 7);
    port(f, UUID_NAT, "btpe1e1e1e1n4", "52:54:00:00:94:04", 0);
    g_assert_true(ping(a, "10.94.0.2"));
    g_assert_false(ping(a, "10.94.0.3"));
    g_assert_false(ping(c, "10.94.0.2"));
    g_assert_false(ping(d, "10.94.0.1"));
    g_assert_true(ping(NULL, "10.94.0.1"));
    g_assert_false(ping(NULL, "10.94.0.3"));
    g_assert_false(ping(NULL, "10.94.0.4"));

    /* Moving c to VLAN 5 without unplugging it. */
    port(f, UUID_NAT, "btpe1e1e1e1n3", "52:54:00:00:94:03", 5);
    g_assert_true(ping(c, "10.94.0.2"));

    for (guint i = 1; i <= 4; i++) {
        g_autofree char *name = g_strdup_printf("btpe1e1e1e1n%u", i);

        unplug(f, name);
    }
    remove_ok(f, UUID_NAT);
}

/* MAC spoofing guard: a VM that changes its MAC is cut off until it takes its own back; with
 * spoofing allowed it passes. */
static void
test_guards(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_PRIVATE, "Guarded", UUID_PRIV);
    g_autoptr(GError) error = NULL;
    Ns *a = ns_new(f, "a");
    Ns *b = ns_new(f, "b");
    VswPortConfig config = {.switch_uuid = UUID_PRIV, .tap_name = "btpe2e2e2e2n0"};

    apply_ok(f, def);
    plug(f, a, "btpe2e2e2e2n0", "10.95.0.1/24", "52:54:00:00:95:01");
    plug(f, b, "btpe2e2e2e2n1", "10.95.0.2/24", "52:54:00:00:95:02");
    port(f, UUID_PRIV, "btpe2e2e2e2n0", "52:54:00:00:95:01", 0);
    port(f, UUID_PRIV, "btpe2e2e2e2n1", "52:54:00:00:95:02", 0);
    g_assert_true(ping(a, "10.95.0.2"));
    ns_sh(a, NULL, "ip link set eth0 address 52:54:00:00:95:66");
    ns_sh(b, NULL, "ip neigh flush all");
    g_assert_false(ping(a, "10.95.0.2"));
    parse_mac("52:54:00:00:95:01", config.mac);
    config.mac_spoofing = TRUE;
    g_assert_true(vsw_network_port_update(f->network, &config, &error));
    g_assert_no_error(error);
    g_assert_true(ping(a, "10.95.0.2"));
    config.mac_spoofing = FALSE;
    g_assert_true(vsw_network_port_update(f->network, &config, &error));
    g_assert_false(ping(a, "10.95.0.2"));
    ns_sh(a, NULL, "ip link set eth0 address 52:54:00:00:95:01");
    ns_sh(b, NULL, "ip neigh flush all");
    g_assert_true(ping(a, "10.95.0.2"));

    unplug(f, "btpe2e2e2e2n0");
    unplug(f, "btpe2e2e2e2n1");
    remove_ok(f, UUID_PRIV);
}

/* DHCP guard: a VM running its own DHCP server gives no lease to its neighbour. */
static void
test_dhcp_guard(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_PRIVATE, "Rogue", UUID_PRIV);
    g_autoptr(GError) error = NULL;
    g_autofree char *script = NULL;
    Ns *rogue = ns_new(f, "rogue");
    Ns *victim = ns_new(f, "victim");
    VswPortConfig config = {.switch_uuid = UUID_PRIV, .tap_name = "btpe2e2e2e2n0"};
    g_autofree char *pid_file = g_build_filename(f->dir, "rogue.pid", NULL);
    g_autofree char *lease_file = g_build_filename(f->dir, "rogue.leases", NULL);
    g_autofree char *pid_text = NULL;

    apply_ok(f, def);
    plug(f, rogue, "btpe2e2e2e2n0", "10.96.0.1/24", "52:54:00:00:96:01");
    plug(f, victim, "btpe2e2e2e2n1", NULL, "52:54:00:00:96:02");
    parse_mac("52:54:00:00:96:01", config.mac);
    config.dhcp_guard = TRUE;
    g_assert_true(vsw_network_port_update(f->network, &config, &error));
    g_assert_no_error(error);
    port(f, UUID_PRIV, "btpe2e2e2e2n1", "52:54:00:00:96:02", 0);
    g_assert_cmpint(ns_sh(rogue, NULL,
                          "/usr/sbin/dnsmasq --conf-file=/dev/null --port=0 --bind-interfaces "
                          "--interface=eth0 --dhcp-range=10.96.0.10,10.96.0.20,1h "
                          "--dhcp-leasefile=%s --pid-file=%s",
                          lease_file, pid_file),
                    ==, 0);
    write_udhcpc_script(f, &script);
    g_assert_cmpint(ns_sh(victim, NULL, "busybox udhcpc -i eth0 -n -q -t 3 -T 1 -s %s", script), !=,
                    0);
    /* Without the guard the same server is heard. */
    config.dhcp_guard = FALSE;
    g_assert_true(vsw_network_port_update(f->network, &config, &error));
    g_assert_cmpint(ns_sh(victim, NULL, "busybox udhcpc -i eth0 -n -q -t 3 -T 1 -s %s", script), ==,
                    0);
    g_assert_true(g_file_get_contents(pid_file, &pid_text, NULL, NULL));
    kill(atoi(pid_text), SIGTERM);

    unplug(f, "btpe2e2e2e2n0");
    unplug(f, "btpe2e2e2e2n1");
    remove_ok(f, UUID_PRIV);
}

/* Mbit/s the receiver saw in `iperf3 -c ADDRESS` from @client to a one-off server in @server. */
static double
iperf(Ns *client, Ns *server, const char *address, gboolean reverse)
{
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    double mbits = -1;

    g_assert_cmpint(ns_sh(server, NULL, "timeout 30 iperf3 -s -1 -D"), ==, 0);
    g_usleep(300000);
    g_assert_cmpint(ns_sh(client, &out, "iperf3 -c %s -t 4 -f m%s", address, reverse ? " -R" : ""),
                    ==, 0);
    lines = g_strsplit(out, "\n", -1);
    /* "[  5]   0.00-4.00   sec  1.45 GBytes  3089 Mbits/sec    receiver" */
    for (guint i = 0; lines[i]; i++) {
        const char *p = strstr(lines[i], " Mbits/sec");

        if (p && strstr(lines[i], "receiver")) {
            while (p > lines[i] && p[-1] != ' ')
                p--;
            mbits = g_ascii_strtod(p, NULL);
        }
    }
    g_assert_cmpfloat(mbits, >, 0);
    return mbits;
}

/* A port limited to 10 Mbit/s: what the VM sends (nftables policing) and what it receives (tbf
 * on its port) stay under the limit; without it, both go far over. */
static void
test_bandwidth(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_PRIVATE, "Slow", UUID_PRIV);
    g_autoptr(GError) error = NULL;
    Ns *a = ns_new(f, "a");
    Ns *b = ns_new(f, "b");
    VswPortConfig config = {.switch_uuid = UUID_PRIV, .tap_name = "btpe2e2e2e2n0"};
    double sent, received, free_sent, free_received;

    if (!g_file_test("/usr/bin/iperf3", G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip("iperf3 is not installed");
        return;
    }
    apply_ok(f, def);
    plug(f, a, "btpe2e2e2e2n0", "10.98.0.1/24", "52:54:00:00:98:01");
    plug(f, b, "btpe2e2e2e2n1", "10.98.0.2/24", "52:54:00:00:98:02");
    parse_mac("52:54:00:00:98:01", config.mac);
    config.bandwidth_max = 10;
    g_assert_true(vsw_network_port_update(f->network, &config, &error));
    g_assert_no_error(error);
    port(f, UUID_PRIV, "btpe2e2e2e2n1", "52:54:00:00:98:02", 0);
    g_assert_true(ping(a, "10.98.0.2"));
    sent = iperf(a, b, "10.98.0.2", FALSE);
    received = iperf(a, b, "10.98.0.2", TRUE);
    g_test_message("limited to 10 Mbit/s: sends %.1f, receives %.1f", sent, received);
    /* The kernel's policer lets a bucket of one second's worth (plus the burst) through at once,
     * tbf a few milliseconds' worth: over 4 s, at most 10 * 5/4 and a margin. */
    g_assert_cmpfloat(sent, <, 13.75);
    g_assert_cmpfloat(received, <, 11);

    config.bandwidth_max = 0;
    g_assert_true(vsw_network_port_update(f->network, &config, &error));
    g_assert_no_error(error);
    free_sent = iperf(a, b, "10.98.0.2", FALSE);
    free_received = iperf(a, b, "10.98.0.2", TRUE);
    g_test_message("unlimited: sends %.1f, receives %.1f", free_sent, free_received);
    g_assert_cmpfloat(free_sent, >, 30);
    g_assert_cmpfloat(free_received, >, 30);

    unplug(f, "btpe2e2e2e2n0");
    unplug(f, "btpe2e2e2e2n1");
    remove_ok(f, UUID_PRIV);
}

/* Failures on the kernel roll back: dnsmasq cannot start (its lease file is a folder) after the
 * bridge, address and NAT rules were made; a bridge name taken by another interface. */
static void
test_rollback(Fixture *f, gconstpointer data)
{
    g_autoptr(HvxSwitchDef) def = make_def(HVX_SWITCH_TYPE_INTERNAL, "Broken", UUID_NAT);
    g_autoptr(GError) error = NULL;
    g_autofree char *lease_dir =
        g_build_filename(f->dir, "state", "dnsmasq-bswe1e1e1e1.leases", NULL);
    guint links = count_links(f);

    def->address = g_strdup("10.97.0.1/24");
    def->nat = TRUE;
    def->dhcp_first = g_strdup("10.97.0.10");
    def->dhcp_last = g_strdup("10.97.0.20");
    g_assert_cmpint(g_mkdir_with_parents(lease_dir, 0755), ==, 0);
    g_assert_false(vsw_wait_apply_switch(f->network, def, &error));
    g_assert_error(error, VSW_ERROR, VSW_ERROR_PROCESS);
    g_test_message("%s", error->message);
    g_clear_error(&error);
    g_assert_cmpuint(count_links(f), ==, links);
    g_assert_cmpint(count_rules(f), ==, 0);
    g_assert_nonnull(vsw_network_switch_status(f->network, UUID_NAT));
    g_assert_cmpint(g_rmdir(lease_dir), ==, 0);

    /* The bridge's name is taken by a veth. */
    sh_ok("ip link add bswe1e1e1e1 type veth peer name vswclash0");
    links = count_links(f);
    g_assert_false(vsw_wait_apply_switch(f->network, def, &error));
    g_assert_error(error, VSW_ERROR, VSW_ERROR_EXISTS);
    g_clear_error(&error);
    g_assert_cmpuint(count_links(f), ==, links);
    g_assert_cmpint(count_rules(f), ==, 0);
    sh_ok("ip link del bswe1e1e1e1");

    /* The adapter vanishes between two applies: the switch says so. */
    {
        g_autoptr(HvxSwitchDef) ext = make_def(HVX_SWITCH_TYPE_EXTERNAL, "Ext", UUID_EXT);

        sh_ok("ip link add vswgone0 type veth peer name vswgone0p");
        ext->adapter_name = g_strdup("vswgone0");
        apply_ok(f, ext);
        g_assert_null(vsw_network_switch_status(f->network, UUID_EXT));
        sh_ok("ip link del vswgone0");
        g_assert_cmpstr(vsw_network_switch_status(f->network, UUID_EXT), ==,
                        "The adapter vswgone0 has vanished");
        links = count_links(f);
        g_assert_false(vsw_wait_apply_switch(f->network, ext, &error));
        g_assert_error(error, VSW_ERROR, VSW_ERROR_NOT_FOUND);
        g_clear_error(&error);
        g_assert_cmpuint(count_links(f), ==, links);
        remove_ok(f, UUID_EXT);
    }
}

int
main(int argc, char **argv)
{
    if (unshare(CLONE_NEWNET) < 0) {
        printf("1..0 # SKIP cannot make a network namespace (needs CAP_NET_ADMIN): %s\n",
               g_strerror(errno));
        return 77;
    }
    if (access("/usr/sbin/dnsmasq", X_OK) < 0 || access("/usr/bin/busybox", X_OK) < 0 ||
        access("/usr/bin/nsenter", X_OK) < 0) {
        printf("1..0 # SKIP dnsmasq, busybox or nsenter is missing\n");
        return 77;
    }
    system("ip link set lo up");
    g_test_init(&argc, &argv, NULL);

#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("/vswitch/scenario/external-lan", test_external_lan);
    ADD("/vswitch/scenario/internal-nat-dhcp", test_internal_nat_dhcp);
    ADD("/vswitch/scenario/private-isolation", test_private_isolation);
    ADD("/vswitch/scenario/vlan", test_vlan);
    ADD("/vswitch/scenario/mac-guard", test_guards);
    ADD("/vswitch/scenario/dhcp-guard", test_dhcp_guard);
    ADD("/vswitch/scenario/bandwidth", test_bandwidth);
    ADD("/vswitch/scenario/rollback", test_rollback);
#undef ADD

    return g_test_run();
}
