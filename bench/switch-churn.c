/* switch-churn.c: how long VswNetwork takes to create and then delete N switches (100 by
 * default), on the kernel, inside a network namespace of its own.
 *
 *   switch-churn [--switches N] [--rounds R] [--type internal|private|nat|dhcp]
 *
 * "nat" (the default) is an internal switch with a host address and masquerade rules, like the
 * Default Switch without its dnsmasq; "dhcp" adds dnsmasq. Prints the median over the rounds.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsw-network.h"
#include "vsw-wait.h"
#include "vsw-nft.h"
#include "vsw-platform-linux.h"

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double
median(double *v, guint n)
{
    qsort(v, n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
    int switches = 100;
    int rounds = 3;
    g_autofree char *type = g_strdup("nat");
    GOptionEntry entries[] = {
        {"switches", 0, 0, G_OPTION_ARG_INT, &switches, "Switches per round (100)", "N"},
        {"rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds (3)", "R"},
        {"type", 0, 0, G_OPTION_ARG_STRING, &type, "internal, private, nat or dhcp (nat)", "T"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("- VswNetwork create/delete time");
    g_autoptr(GError) error = NULL;
    g_autoptr(VswPlatform) platform = NULL;
    g_autoptr(VswNetwork) network = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *state = NULL;
    g_autofree char *runtime = NULL;
    g_autofree double *create = NULL;
    g_autofree double *delete = NULL;
    g_autofree char *rm = NULL;

    g_option_context_add_main_entries(context, entries, NULL);
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        fprintf(stderr, "switch-churn: %s\n", error->message);
        return 2;
    }
    if (switches < 1 || switches > 250 || rounds < 1) {
        fprintf(stderr, "switch-churn: 1 to 250 switches, at least one round\n");
        return 2;
    }
    /* Never on the host's network. */
    if (unshare(CLONE_NEWNET) < 0) {
        fprintf(stderr, "switch-churn: cannot make a network namespace: %s\n", g_strerror(errno));
        return 77;
    }
    dir = g_dir_make_tmp("switch-churn-XXXXXX", &error);
    g_assert_no_error(error);
    state = g_build_filename(dir, "state", NULL);
    runtime = g_build_filename(dir, "run", NULL);
    platform = vsw_platform_linux_new(&error);
    g_assert_no_error(error);
    network = vsw_network_new(platform, state, runtime, &error);
    g_assert_no_error(error);
    create = g_new0(double, rounds);
    delete = g_new0(double, rounds);

    printf("switch-churn: %d %s switches, %d rounds\n", switches, type, rounds);
    for (int r = 0; r < rounds; r++) {
        g_autoptr(GPtrArray) defs =
            g_ptr_array_new_with_free_func((GDestroyNotify)hvx_switch_def_free);
        gint64 t0, t1, t2;

        for (int i = 0; i < switches; i++) {
            gboolean private = strcmp(type, "private") == 0;
            HvxSwitchDef *def =
                hvx_switch_def_new(private ? HVX_SWITCH_TYPE_PRIVATE : HVX_SWITCH_TYPE_INTERNAL);

            g_free(def->name);
            def->name = g_strdup_printf("Switch %d", i);
            def->uuid = g_strdup_printf("%08x-0000-4000-8000-%012x", 0x5c000000 + i, i);
            def->adapter_share_with_host = FALSE;
            if (!private) {
                def->address = g_strdup_printf("10.%d.%d.1/24", 100 + i / 200, i % 200);
                def->nat = strcmp(type, "nat") == 0 || strcmp(type, "dhcp") == 0;
            }
            if (strcmp(type, "dhcp") == 0) {
                def->dhcp_first = g_strdup_printf("10.%d.%d.10", 100 + i / 200, i % 200);
                def->dhcp_last = g_strdup_printf("10.%d.%d.99", 100 + i / 200, i % 200);
            }
            g_ptr_array_add(defs, def);
        }
        t0 = g_get_monotonic_time();
        for (guint i = 0; i < defs->len; i++) {
            if (!vsw_wait_apply_switch(network, g_ptr_array_index(defs, i), &error)) {
                fprintf(stderr, "switch-churn: %s\n", error->message);
                return 1;
            }
        }
        t1 = g_get_monotonic_time();
        for (guint i = 0; i < defs->len; i++) {
            const HvxSwitchDef *def = g_ptr_array_index(defs, i);

            if (!vsw_wait_remove_switch(network, def->uuid, &error)) {
                fprintf(stderr, "switch-churn: %s\n", error->message);
                return 1;
            }
        }
        t2 = g_get_monotonic_time();
        create[r] = (t1 - t0) / 1e6;
        delete[r] = (t2 - t1) / 1e6;
        printf("round %d: create %.3f s (%.1f ms each), delete %.3f s (%.1f ms each), rules left "
               "%d\n",
               r + 1, create[r], create[r] * 1000 / switches, delete[r],
               delete[r] * 1000 / switches, vsw_nft_count(vsw_network_get_nft(network), "berth:*"));
    }
    printf("median: create %.3f s, delete %.3f s for %d switches\n", median(create, rounds),
           median(delete, rounds), switches);

    /* The kernel's own pace, for scale: the same bridges (up, with the address) made and deleted
     * by one `ip -batch`, no checks, no rules. */
    for (int r = 0; r < rounds; r++) {
        g_autoptr(GString) add = g_string_new(NULL);
        g_autoptr(GString) del = g_string_new(NULL);
        g_autofree char *add_file = g_build_filename(dir, "add.batch", NULL);
        g_autofree char *del_file = g_build_filename(dir, "del.batch", NULL);
        g_autofree char *add_cmd = g_strdup_printf("ip -batch %s", add_file);
        g_autofree char *del_cmd = g_strdup_printf("ip -batch %s", del_file);
        gint64 t0, t1, t2;

        for (int i = 0; i < switches; i++) {
            g_string_append_printf(add, "link add bench%d type bridge\nlink set bench%d up\n", i,
                                   i);
            if (strcmp(type, "private") != 0)
                g_string_append_printf(add, "addr add 10.%d.%d.1/24 dev bench%d\n", 100 + i / 200,
                                       i % 200, i);
            g_string_append_printf(del, "link del bench%d\n", i);
        }
        g_file_set_contents(add_file, add->str, -1, NULL);
        g_file_set_contents(del_file, del->str, -1, NULL);
        t0 = g_get_monotonic_time();
        if (system(add_cmd) != 0)
            return 1;
        t1 = g_get_monotonic_time();
        if (system(del_cmd) != 0)
            return 1;
        t2 = g_get_monotonic_time();
        create[r] = (t1 - t0) / 1e6;
        delete[r] = (t2 - t1) / 1e6;
    }
    printf("baseline (ip -batch, bridges and addresses only): create %.3f s, delete %.3f s\n",
           median(create, rounds), median(delete, rounds));
    rm = g_strdup_printf("rm -rf '%s'", dir);
    if (system(rm) != 0)
        fprintf(stderr, "switch-churn: cannot remove %s\n", dir);
    return 0;
}
