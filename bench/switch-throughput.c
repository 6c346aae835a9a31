/* switch-throughput.c: VM-to-VM TCP throughput over a private switch made by VswNetwork (its taps,
 * per-port rules and nftables tables) against the same two QEMUs on a bare bridge, in the same run,
 * inside a network namespace of its own.
 *
 *   switch-throughput --build BUILDDIR [--rounds R] [--seconds S]
 *
 * Two test guests (direct kernel boot, TCG) are booted once, each on a tap from
 * vsw_network_port_add() handed to QEMU as `-netdev tap,fd=3`. Guest 1 runs `iperf3 -s`; guest 2
 * runs `iperf3 -c` for S seconds in each setup, strictly alternating, R times each:
 *   berth: the taps on the switch's bridge with their per-port rules (MAC, DHCP and router
 *          guards, VLAN checks, host isolation) in Berth's nftables tables;
 *   bare:  the rules dropped, Berth's tables deleted, the taps moved to a bridge made by hand
 *          (`ip link add benchbr0 type bridge`), as one would wire two QEMUs without Berth.
 * Moving the same taps between the two keeps everything else equal (guests, QEMU processes,
 * their CPU placement). The receiver's rate counts. Target: berth / bare >= 0.95.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vsw-network.h"
#include "vsw-wait.h"
#include "vsw-nft.h"
#include "vsw-platform-linux.h"

#define SWITCH_UUID "7e570000-0000-4000-8000-000000000001"

typedef struct {
    GSubprocess *qemu;
    GSocketConnection *serial;
    GDataInputStream *in;
    char *socket_path;
} Guest;

static GPtrArray *running; /* of GSubprocess: QEMUs to end if the benchmark dies */
static char *build_dir;
static char *work_dir;
static int seconds = 10;

static G_GNUC_NORETURN G_GNUC_PRINTF(1, 2) void die(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    fprintf(stderr, "switch-throughput: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    /* QEMU outlives its parent: end ours. */
    for (guint i = 0; running && i < running->len; i++)
        g_subprocess_force_exit(g_ptr_array_index(running, i));
    exit(1);
}

static void
sh(const char *command)
{
    int status = system(command);

    if (status != 0)
        die("failed (%d): %s", status, command);
}

static char *
read_line(Guest *g, const char *want_prefix, int timeout_s)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_s * G_USEC_PER_SEC;

    g_socket_set_timeout(g_socket_connection_get_socket(g->serial), (guint)timeout_s);
    while (g_get_monotonic_time() < deadline) {
        g_autoptr(GError) error = NULL;
        g_autofree char *line = g_data_input_stream_read_line(g->in, NULL, NULL, &error);
        char *p;

        if (!line)
            die("serial of guest: %s", error ? error->message : "closed");
        while ((p = strchr(line, '\r')))
            memmove(p, p + 1, strlen(p));
        if (g_str_has_prefix(line, "BERTH-FAIL"))
            die("guest: %s", line);
        if (strstr(line, want_prefix))
            return g_steal_pointer(&line);
    }
    die("no “%s” from the guest within %d s", want_prefix, timeout_s);
}

static void
send_line(Guest *g, const char *line)
{
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(g->serial));
    g_autofree char *text = g_strconcat(line, "\n", NULL);

    if (!g_output_stream_write_all(out, text, strlen(text), NULL, NULL, NULL))
        die("cannot write to the guest's serial port");
}

static Guest *
guest_start(int tap_fd, int index)
{
    Guest *g = g_new0(Guest, 1);
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
    g_autofree char *kernel = g_build_filename(build_dir, "tests/guest/vmlinuz", NULL);
    g_autofree char *initrd = g_build_filename(build_dir, "tests/guest/initrd.img", NULL);
    g_autofree char *cmdline_path = g_build_filename(build_dir, "tests/guest/cmdline", NULL);
    g_autofree char *cmdline = NULL;
    g_autofree char *chardev = NULL;
    g_autofree char *device = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketAddress) address = NULL;

    if (!g_file_get_contents(cmdline_path, &cmdline, NULL, &error))
        die("%s (build the test guest first: meson compile -C BUILD)", error->message);
    g_strstrip(cmdline);
    g->socket_path = g_strdup_printf("%s/serial%d.sock", work_dir, index);
    chardev = g_strdup_printf("socket,id=s0,path=%s,server=on,wait=off", g->socket_path);
    device = g_strdup_printf("virtio-net-pci,netdev=n0,mac=52:54:00:7e:57:%02x", index);
    g_subprocess_launcher_take_fd(launcher, tap_fd, 3);
    g->qemu = g_subprocess_launcher_spawn(
        launcher, &error, "qemu-system-x86_64", "-accel", "tcg", "-machine", "pc", "-m", "512",
        "-smp", "1", "-nodefaults", "-display", "none", "-kernel", kernel, "-initrd", initrd,
        "-append", cmdline, "-chardev", chardev, "-serial", "chardev:s0", "-netdev",
        "tap,id=n0,fd=3", "-device", device, NULL);
    if (!g->qemu)
        die("qemu: %s", error->message);
    if (!running)
        running = g_ptr_array_new();
    g_ptr_array_add(running, g->qemu);
    address = g_unix_socket_address_new(g->socket_path);
    for (guint i = 0; i < 500 && !g->serial; i++) {
        g_clear_error(&error);
        g->serial = g_socket_client_connect(client, G_SOCKET_CONNECTABLE(address), NULL, &error);
        if (!g->serial)
            g_usleep(20000);
    }
    if (!g->serial)
        die("cannot reach the guest's serial socket: %s", error->message);
    g->in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(g->serial)));
    g_data_input_stream_set_newline_type(g->in, G_DATA_STREAM_NEWLINE_TYPE_LF);
    return g;
}

static void
guest_stop(Guest *g)
{
    g_ptr_array_remove(running, g->qemu);
    g_subprocess_force_exit(g->qemu);
    g_subprocess_wait(g->qemu, NULL, NULL);
    g_clear_object(&g->in);
    g_clear_object(&g->serial);
    g_clear_object(&g->qemu);
    g_unlink(g->socket_path);
    g_free(g->socket_path);
    g_free(g);
}

static VswNetwork *network;
static VswPortConfig ports[2];

static void
setup_berth(void)
{
    g_autoptr(GError) error = NULL;

    sh("ip link set btp7e570000n0 nomaster && ip link set btp7e570000n1 nomaster");
    for (guint i = 0; i < 2; i++) {
        if (!vsw_network_port_update(network, &ports[i], &error))
            die("%s", error->message);
    }
}

static void
setup_bare(void)
{
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 2; i++) {
        if (!vsw_network_port_remove(network, ports[i].tap_name, &error))
            die("%s", error->message);
    }
    if (!vsw_nft_drop_tables(vsw_network_get_nft(network), &error))
        die("%s", error->message);
    sh("ip link set btp7e570000n0 master benchbr0 && ip link set btp7e570000n1 master benchbr0");
}

static double
iperf(Guest *client)
{
    g_autofree char *cmd = g_strdup_printf("run iperf3 -c 10.77.7.1 -t %d -f m", seconds);
    g_autofree char *line = NULL;
    double mbits = 0;
    char *p;

    send_line(client, "run ping -c 2 -W 5 10.77.7.1");
    g_free(read_line(client, "BERTH-OK run", 60));
    send_line(client, cmd);
    /* "[  5]   0.00-10.00  sec   123 MBytes   103 Mbits/sec                  receiver" */
    line = read_line(client, "receiver", seconds + 120);
    p = strstr(line, " Mbits/sec");
    if (p) {
        while (p > line && p[-1] != ' ')
            p--;
        mbits = g_ascii_strtod(p, NULL);
    }
    g_free(read_line(client, "BERTH-OK run", 30));
    if (mbits <= 0)
        die("cannot read the rate from: %s", line);
    return mbits;
}

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
    int rounds = 3;
    GOptionEntry entries[] = {
        {"build", 0, 0, G_OPTION_ARG_FILENAME, &build_dir, "The meson build dir", "DIR"},
        {"rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds (3)", "R"},
        {"seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "iperf3 time per measure (10)", "S"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("- switch throughput");
    g_autoptr(GError) error = NULL;
    g_autofree double *berth = NULL;
    g_autofree double *bare = NULL;
    g_autofree char *rm = NULL;
    double mb, mh, ratio;

    g_option_context_add_main_entries(context, entries, NULL);
    if (!g_option_context_parse(context, &argc, &argv, &error) || !build_dir || rounds < 1) {
        fprintf(stderr, "usage: switch-throughput --build BUILDDIR [--rounds R] [--seconds S]\n");
        return 2;
    }
    if (unshare(CLONE_NEWNET) < 0) {
        fprintf(stderr, "switch-throughput: cannot make a network namespace: %s\n",
                g_strerror(errno));
        return 77;
    }
    sh("ip link set lo up");
    work_dir = g_dir_make_tmp("switch-throughput-XXXXXX", &error);
    if (!work_dir)
        die("%s", error->message);
    berth = g_new0(double, rounds);
    bare = g_new0(double, rounds);
    {
        g_autoptr(VswPlatform) platform = vsw_platform_linux_new(&error);
        g_autofree char *state = g_build_filename(work_dir, "state", NULL);
        g_autofree char *runtime = g_build_filename(work_dir, "run", NULL);
        g_autoptr(HvxSwitchDef) def = hvx_switch_def_new(HVX_SWITCH_TYPE_PRIVATE);
        int fds[2];
        Guest *server;
        Guest *client;

        if (!platform)
            die("%s", error->message);
        network = vsw_network_new(platform, state, runtime, &error);
        if (!network)
            die("%s", error->message);
        g_free(def->name);
        def->name = g_strdup("Throughput");
        def->uuid = g_strdup(SWITCH_UUID);
        if (!vsw_wait_apply_switch(network, def, &error))
            die("%s", error->message);
        sh("ip link add benchbr0 type bridge && ip link set benchbr0 up");
        for (guint i = 0; i < 2; i++) {
            int vhost;

            ports[i] = (VswPortConfig){
                .switch_uuid = SWITCH_UUID,
                .tap_name = i == 0 ? "btp7e570000n0" : "btp7e570000n1",
                .mac = {0x52, 0x54, 0x00, 0x7e, 0x57, (guint8)(i + 1)},
                .dhcp_guard = TRUE,
                .router_guard = TRUE,
            };
            fds[i] = vsw_network_port_add(network, &ports[i], &vhost, &error);
            if (fds[i] < 0)
                die("%s", error->message);
            if (vhost >= 0)
                close(vhost); /* not used, to compare like with like */
        }
        /* The fds go to QEMU (take_fd): the taps go with it. */
        server = guest_start(fds[0], 1);
        client = guest_start(fds[1], 2);
        g_free(read_line(server, "BERTH-GUEST-READY", 300));
        g_free(read_line(client, "BERTH-GUEST-READY", 300));
        send_line(server, "ip 10.77.7.1/24");
        g_free(read_line(server, "BERTH-OK ip", 30));
        send_line(client, "ip 10.77.7.2/24");
        g_free(read_line(client, "BERTH-OK ip", 30));
        send_line(server, "run iperf3 -s -D");
        g_free(read_line(server, "BERTH-OK run", 30));

        /* A first run in each setup warms QEMU's translation caches up; it is not counted. */
        setup_bare();
        iperf(client);
        setup_berth();
        iperf(client);
        printf("switch-throughput: %d rounds of %d s per setup, two TCG guests\n", rounds, seconds);
        for (int r = 0; r < rounds; r++) {
            /* Strictly alternating: every measure follows a change of setup (a setup measured
             * twice in a row came out slower on its second run, whichever it was). */
            gboolean berth_first = TRUE;

            for (int k = 0; k < 2; k++) {
                if ((k == 0) == berth_first) {
                    setup_berth();
                    berth[r] = iperf(client);
                } else {
                    setup_bare();
                    bare[r] = iperf(client);
                }
            }
            printf("round %d: berth %.0f Mbit/s, bare %.0f Mbit/s (%s first)\n", r + 1, berth[r],
                   bare[r], berth_first ? "berth" : "bare");
            fflush(stdout);
        }
        guest_stop(server);
        guest_stop(client);
        for (guint i = 0; i < 2; i++)
            vsw_network_port_remove(network, ports[i].tap_name, NULL);
        if (!vsw_wait_remove_switch(network, SWITCH_UUID, &error))
            die("%s", error->message);
        sh("ip link del benchbr0");
        g_clear_object(&network);
    }
    {
        g_autofree double *ratios = g_new0(double, rounds);

        for (int r = 0; r < rounds; r++)
            ratios[r] = berth[r] / bare[r];
        printf("median of the rounds' ratios: %.3f\n", median(ratios, rounds));
    }
    mb = median(berth, rounds);
    mh = median(bare, rounds);
    ratio = mb / mh;
    printf("median: berth %.0f Mbit/s, bare bridge %.0f Mbit/s, ratio %.3f\n", mb, mh, ratio);
    printf("verdict: %s (target ratio >= 0.95)\n", ratio >= 0.95 ? "met" : "NOT met");
    rm = g_strdup_printf("rm -rf '%s'", work_dir);
    if (system(rm) != 0)
        fprintf(stderr, "switch-throughput: cannot remove %s\n", work_dir);
    return ratio >= 0.95 ? 0 : 1;
}
