/* test-address-agreement.c: `berth validate` (libhvx parsing a switch file) and the switch code
 * (vsw_network_check_switch(), what berthd runs before it builds a switch) accept the same host
 * addresses and DHCP ranges and refuse the same ones with the same words. One line per case:
 * <address>, <dhcp first>, <dhcp last> (NULL = absent), and NULL for a valid switch or the
 * message both must give.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gstdio.h>

#include "hvx.h"
#include "vsw-error.h"
#include "vsw-network.h"
#include "vsw-platform-fake.h"

#define UUID "c3c3c3c3-0000-4000-8000-000000000003"

static const struct {
    const char *address;
    const char *first;
    const char *last;
    const char *expected;
} cases[] = {
    {"192.168.211.1/24", "192.168.211.100", "192.168.211.199", NULL},
    {"10.20.0.1/16", NULL, NULL, NULL},
    {"10.30.0.2/30", "10.30.0.1", "10.30.0.1", NULL},
    {"192.168.010.1/24", NULL, NULL,
     "<address>: \"192.168.010.1/24\" has a leading zero in \"010\": write the numbers without "
     "leading zeros (some programs read them as octal)"},
    {"192.168.211.1", NULL, NULL,
     "<address>: \"192.168.211.1\" has no prefix length: write the subnet's size after a slash, "
     "like 192.168.211.1/24"},
    {"192.168.211.1/31", NULL, NULL,
     "<address>: \"192.168.211.1/31\": a /31 subnet has two addresses and no broadcast address, "
     "for point-to-point links only; use a prefix length from 8 to 30"},
    {"192.168.211.1/32", NULL, NULL,
     "<address>: \"192.168.211.1/32\": a /32 is a single address, with no room for VMs; use a "
     "prefix length from 8 to 30"},
    {"10.0.0.1/4", NULL, NULL,
     "<address>: \"10.0.0.1/4\": a /4 subnet is too large for a switch; use a prefix length from "
     "8 to 30"},
    {"192.168.211.0/24", NULL, NULL,
     "<address>: \"192.168.211.0/24\" is the network address of 192.168.211.0/24; the host needs "
     "an address inside the subnet, like 192.168.211.1/24"},
    {"192.168.211.255/24", NULL, NULL,
     "<address>: \"192.168.211.255/24\" is the broadcast address of 192.168.211.0/24; the host "
     "needs an address inside the subnet, like 192.168.211.1/24"},
    {"10.1.2.3/016", NULL, NULL,
     "<address>: \"10.1.2.3/016\" has the prefix length \"016\": it must be a number from 0 to 32 "
     "without leading zeros"},
    {"127.0.0.1/8", NULL, NULL,
     "<address>: \"127.0.0.1/8\" is a loopback address (127.0.0.0/8), which cannot be used on a "
     "switch"},
    {"fd00:211::1/64", NULL, NULL,
     "<address>: \"fd00:211::1/64\" is an IPv6 address; only IPv4 is supported here, like "
     "192.168.211.1/24"},
    {"192.168.211.1/24", "192.168.211.0100", "192.168.211.199",
     "<dhcp>: \"192.168.211.0100\" has a leading zero in \"0100\": write the numbers without "
     "leading zeros (some programs read them as octal)"},
    {"192.168.211.1/24", "192.168.211.100", "192.168.212.10",
     "<dhcp>: \"192.168.212.10\" is outside 192.168.211.0/24, the subnet of the host's address "
     "192.168.211.1/24"},
    {"192.168.211.1/24", "192.168.211.100", "192.168.211.255",
     "<dhcp>: \"192.168.211.255\" is the broadcast address of 192.168.211.0/24; VMs cannot use "
     "it"},
    {"192.168.211.1/24", "192.168.211.199", "192.168.211.100",
     "<dhcp>: the first address 192.168.211.199 comes after the last 192.168.211.100"},
    {"192.168.211.1/24", "192.168.211.1", "192.168.211.50",
     "<dhcp>: the range 192.168.211.1-192.168.211.50 includes the host's own address "
     "192.168.211.1"},
    {"192.168.211.1/24", "fd00::100", "fd00::199",
     "<dhcp>: \"fd00::100\" is an IPv6 address; only IPv4 is supported here, like 192.168.211.1"},
};

static char *
switch_xml(guint i)
{
    GString *xml = g_string_new("<switch type=\"internal\">\n  <name>Lab</name>\n");

    g_string_append_printf(xml, "  <address>%s</address>\n", cases[i].address);
    if (cases[i].first != NULL)
        g_string_append_printf(xml, "  <dhcp first=\"%s\" last=\"%s\"/>\n", cases[i].first,
                               cases[i].last);
    g_string_append(xml, "</switch>\n");
    return g_string_free(xml, FALSE);
}

static void
test_case(gconstpointer data)
{
    guint i = GPOINTER_TO_UINT(data);
    const char *expected = cases[i].expected;
    g_autofree char *xml = switch_xml(i);
    g_autofree char *dir = g_dir_make_tmp("vsw-agree-XXXXXX", NULL);
    g_autofree char *state = g_build_filename(dir, "state", NULL);
    g_autofree char *runtime = g_build_filename(dir, "run", NULL);
    g_autoptr(VswPlatform) platform = vsw_platform_fake_new();
    g_autoptr(VswNetwork) network = NULL;
    g_autoptr(HvxSwitchDef) parsed = NULL;
    g_autoptr(HvxSwitchDef) def = hvx_switch_def_new(HVX_SWITCH_TYPE_INTERNAL);
    g_autoptr(GError) validate_error = NULL;
    g_autoptr(GError) switch_error = NULL;
    gboolean switch_ok;

    g_test_message("%s", xml);
    network = vsw_network_new(platform, state, runtime, &switch_error);
    g_assert_no_error(switch_error);

    /* What `berth validate` runs. */
    parsed = hvx_switch_def_parse_string(xml, -1, "switch.xml", &validate_error);

    /* What berthd's DefineSwitch runs before building, given the same fields. */
    def->name = g_strdup("Lab");
    def->uuid = g_strdup(UUID);
    def->address = g_strdup(cases[i].address);
    def->dhcp_first = g_strdup(cases[i].first);
    def->dhcp_last = g_strdup(cases[i].last);
    switch_ok = vsw_network_check_switch(network, def, &switch_error);

    if (expected == NULL) {
        g_assert_no_error(validate_error);
        g_assert_nonnull(parsed);
        g_assert_no_error(switch_error);
        g_assert_true(switch_ok);
    } else {
        guint line = cases[i].first != NULL && g_str_has_prefix(expected, "<dhcp>") ? 4 : 3;
        g_autofree char *located = g_strdup_printf("switch.xml:%u: %s", line, expected);

        g_assert_null(parsed);
        g_assert_error(validate_error, HVX_ERROR, HVX_ERROR_INVALID);
        g_assert_cmpstr(validate_error->message, ==, located);
        g_assert_false(switch_ok);
        g_assert_error(switch_error, VSW_ERROR, VSW_ERROR_INVALID_ARGUMENT);
        g_assert_cmpstr(switch_error->message, ==, expected);
    }
    g_clear_object(&network);
    g_rmdir(runtime);
    g_rmdir(state);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/address-agreement/%u", i);

        g_test_add_data_func(path, GUINT_TO_POINTER(i), test_case);
    }
    return g_test_run();
}
