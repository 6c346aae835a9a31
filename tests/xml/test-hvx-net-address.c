/* test-hvx-net-address.c: the IPv4, CIDR, DHCP range and MAC rules of xml/hvx-net-address.h,
 * one line per case: what is parsed, the text, and either "= " and the form it is written back
 * in or the whole error message (the field is "F").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "hvx.h"

/* ipv4, cidr (any CIDR), host (a switch's host address), range ("HOST FIRST LAST"), split
 * (FIRST-LAST), mac, mac-range ("FIRST LAST"). */
static const struct {
    const char *kind;
    const char *input;
    const char *expected;
} cases[] = {
    {"ipv4", "192.168.1.1", "= 192.168.1.1"},
    {"ipv4", "0.0.0.0", "= 0.0.0.0"},
    {"ipv4", "255.255.255.255", "= 255.255.255.255"},
    {"ipv4", "10.0.0.1", "= 10.0.0.1"},
    {"ipv4", "192.168.010.1",
     "F: \"192.168.010.1\" has a leading zero in \"010\": write the numbers without leading zeros "
     "(some programs read them as octal)"},
    {"ipv4", "00.1.2.3",
     "F: \"00.1.2.3\" has a leading zero in \"00\": write the numbers without leading zeros "
     "(some programs read them as octal)"},
    {"ipv4", "192.168.1.256",
     "F: \"192.168.1.256\" has the number 256: each of the four numbers must be from 0 to 255"},
    {"ipv4", "1.2.3.1000",
     "F: \"1.2.3.1000\" has the number 1000: each of the four numbers must be from 0 to 255"},
    {"ipv4", "", "F: the value is empty; write it like 192.168.211.1"},
    {"ipv4", "192.168.1",
     "F: \"192.168.1\" is not an IPv4 address: write four numbers from 0 to 255 separated by "
     "dots, like 192.168.211.1"},
    {"ipv4", "1.2.3.4.5",
     "F: \"1.2.3.4.5\" is not an IPv4 address: write four numbers from 0 to 255 separated by "
     "dots, like 192.168.211.1"},
    {"ipv4", "1..3.4",
     "F: \"1..3.4\" is not an IPv4 address: write four numbers from 0 to 255 separated by dots, "
     "like 192.168.211.1"},
    {"ipv4", " 10.0.0.1",
     "F: \" 10.0.0.1\" is not an IPv4 address: write four numbers from 0 to 255 separated by "
     "dots, like 192.168.211.1"},
    {"ipv4", "+1.2.3.4",
     "F: \"+1.2.3.4\" is not an IPv4 address: write four numbers from 0 to 255 separated by "
     "dots, like 192.168.211.1"},
    {"ipv4", "0x7f.0.0.1",
     "F: \"0x7f.0.0.1\" is not an IPv4 address: write four numbers from 0 to 255 separated by "
     "dots, like 192.168.211.1"},
    {"ipv4", "10.0.0.1/24",
     "F: \"10.0.0.1/24\" is not an IPv4 address: write four numbers from 0 to 255 separated by "
     "dots, like 192.168.211.1"},
    {"ipv4", "fd00::1",
     "F: \"fd00::1\" is an IPv6 address; only IPv4 is supported here, like 192.168.211.1"},
    {"ipv4", "::ffff:10.0.0.1",
     "F: \"::ffff:10.0.0.1\" is an IPv6 address; only IPv4 is supported here, like "
     "192.168.211.1"},

    {"cidr", "10.1.2.3/8", "= 10.1.2.3/8"},
    {"cidr", "0.0.0.0/0", "= 0.0.0.0/0"},
    {"cidr", "10.0.0.0/24", "= 10.0.0.0/24"},
    {"cidr", "10.0.0.5/32", "= 10.0.0.5/32"},
    {"cidr", "10.0.0.1",
     "F: \"10.0.0.1\" has no prefix length: write the subnet's size after a slash, like "
     "192.168.211.1/24"},
    {"cidr", "10.0.0.1/",
     "F: \"10.0.0.1/\" has the prefix length \"\": it must be a number from 0 to 32 without "
     "leading zeros"},
    {"cidr", "10.0.0.1/33",
     "F: \"10.0.0.1/33\" has the prefix length \"33\": it must be a number from 0 to 32 without "
     "leading zeros"},
    {"cidr", "10.0.0.1/024",
     "F: \"10.0.0.1/024\" has the prefix length \"024\": it must be a number from 0 to 32 "
     "without leading zeros"},
    {"cidr", "10.0.0.1/08",
     "F: \"10.0.0.1/08\" has the prefix length \"08\": it must be a number from 0 to 32 without "
     "leading zeros"},
    {"cidr", "10.0.0.1/-1",
     "F: \"10.0.0.1/-1\" has the prefix length \"-1\": it must be a number from 0 to 32 without "
     "leading zeros"},
    {"cidr", "10.0.0.1/24/24",
     "F: \"10.0.0.1/24/24\" has the prefix length \"24/24\": it must be a number from 0 to 32 "
     "without leading zeros"},
    {"cidr", "10.0.0.1/255.255.255.0",
     "F: \"10.0.0.1/255.255.255.0\" has the prefix length \"255.255.255.0\": it must be a number "
     "from 0 to 32 without leading zeros"},
    {"cidr", "192.168.010.1/24",
     "F: \"192.168.010.1/24\" has a leading zero in \"010\": write the numbers without leading "
     "zeros (some programs read them as octal)"},
    {"cidr", "fd00::1/64",
     "F: \"fd00::1/64\" is an IPv6 address; only IPv4 is supported here, like 192.168.211.1/24"},
    {"cidr", "", "F: the value is empty; write it like 192.168.211.1/24"},
    {"cidr", "/24",
     "F: \"/24\" is not an IPv4 address: write four numbers from 0 to 255 separated by dots, "
     "like 192.168.211.1/24"},

    {"host", "192.168.211.1/24", "= 192.168.211.1/24"},
    {"host", "10.0.0.1/8", "= 10.0.0.1/8"},
    {"host", "10.0.0.2/30", "= 10.0.0.2/30"},
    {"host", "172.16.5.4/12", "= 172.16.5.4/12"},
    {"host", "192.168.211.254/24", "= 192.168.211.254/24"},
    {"host", "192.168.010.1/24",
     "F: \"192.168.010.1/24\" has a leading zero in \"010\": write the numbers without leading "
     "zeros (some programs read them as octal)"},
    {"host", "192.168.211.1",
     "F: \"192.168.211.1\" has no prefix length: write the subnet's size after a slash, like "
     "192.168.211.1/24"},
    {"host", "192.168.211.1/31",
     "F: \"192.168.211.1/31\": a /31 subnet has two addresses and no broadcast address, for "
     "point-to-point links only; use a prefix length from 8 to 30"},
    {"host", "192.168.211.1/32",
     "F: \"192.168.211.1/32\": a /32 is a single address, with no room for VMs; use a prefix "
     "length from 8 to 30"},
    {"host", "10.0.0.1/7",
     "F: \"10.0.0.1/7\": a /7 subnet is too large for a switch; use a prefix length from 8 to 30"},
    {"host", "10.0.0.1/0",
     "F: \"10.0.0.1/0\": a /0 subnet is too large for a switch; use a prefix length from 8 to 30"},
    {"host", "192.168.211.0/24",
     "F: \"192.168.211.0/24\" is the network address of 192.168.211.0/24; the host needs an "
     "address inside the subnet, like 192.168.211.1/24"},
    {"host", "192.168.211.255/24",
     "F: \"192.168.211.255/24\" is the broadcast address of 192.168.211.0/24; the host needs an "
     "address inside the subnet, like 192.168.211.1/24"},
    {"host", "192.168.211.130/25", "= 192.168.211.130/25"},
    {"host", "192.168.211.128/25",
     "F: \"192.168.211.128/25\" is the network address of 192.168.211.128/25; the host needs an "
     "address inside the subnet, like 192.168.211.129/25"},
    {"host", "10.0.0.3/30",
     "F: \"10.0.0.3/30\" is the broadcast address of 10.0.0.0/30; the host needs an address "
     "inside the subnet, like 10.0.0.1/30"},
    {"host", "0.1.2.3/8",
     "F: \"0.1.2.3/8\" is in 0.0.0.0/8, which means \"this network\" and cannot be a host's "
     "address"},
    {"host", "127.0.0.1/8",
     "F: \"127.0.0.1/8\" is a loopback address (127.0.0.0/8), which cannot be used on a switch"},
    {"host", "224.0.0.1/24",
     "F: \"224.0.0.1/24\" is a multicast address (224.0.0.0/4), which cannot be a host's "
     "address"},
    {"host", "239.1.1.1/16",
     "F: \"239.1.1.1/16\" is a multicast address (224.0.0.0/4), which cannot be a host's "
     "address"},
    {"host", "250.0.0.1/24",
     "F: \"250.0.0.1/24\" is in the reserved range 240.0.0.0/4, which cannot be a host's "
     "address"},
    {"host", "2001:db8::1/64",
     "F: \"2001:db8::1/64\" is an IPv6 address; only IPv4 is supported here, like "
     "192.168.211.1/24"},

    {"range", "192.168.211.1/24 192.168.211.100 192.168.211.199",
     "= 192.168.211.100-192.168.211.199"},
    {"range", "192.168.211.1/24 192.168.211.2 192.168.211.254", "= 192.168.211.2-192.168.211.254"},
    {"range", "192.168.211.1/24 192.168.211.50 192.168.211.50", "= 192.168.211.50-192.168.211.50"},
    {"range", "192.168.211.254/24 192.168.211.1 192.168.211.253",
     "= 192.168.211.1-192.168.211.253"},
    {"range", "192.168.211.1/24 192.168.211.0 192.168.211.99",
     "F: \"192.168.211.0\" is the network address of 192.168.211.0/24; VMs cannot use it"},
    {"range", "192.168.211.1/24 192.168.211.100 192.168.211.255",
     "F: \"192.168.211.255\" is the broadcast address of 192.168.211.0/24; VMs cannot use it"},
    {"range", "192.168.211.1/24 192.168.211.100 192.168.212.10",
     "F: \"192.168.212.10\" is outside 192.168.211.0/24, the subnet of the host's address "
     "192.168.211.1/24"},
    {"range", "192.168.211.1/24 10.0.0.1 192.168.211.10",
     "F: \"10.0.0.1\" is outside 192.168.211.0/24, the subnet of the host's address "
     "192.168.211.1/24"},
    {"range", "192.168.211.1/24 192.168.211.199 192.168.211.100",
     "F: the first address 192.168.211.199 comes after the last 192.168.211.100"},
    {"range", "192.168.211.1/24 192.168.211.1 192.168.211.50",
     "F: the range 192.168.211.1-192.168.211.50 includes the host's own address 192.168.211.1"},
    {"range", "192.168.211.50/24 192.168.211.10 192.168.211.90",
     "F: the range 192.168.211.10-192.168.211.90 includes the host's own address 192.168.211.50"},
    {"range", "192.168.211.1/24 192.168.211.010 192.168.211.20",
     "F: \"192.168.211.010\" has a leading zero in \"010\": write the numbers without leading "
     "zeros (some programs read them as octal)"},
    {"range", "192.168.211.1/24 fd00::10 fd00::20",
     "F: \"fd00::10\" is an IPv6 address; only IPv4 is supported here, like 192.168.211.1"},
    {"range", "192.168.211.1/24 192.168.211.10 -",
     "F: the value is empty; write it like 192.168.211.1"},

    {"split", "10.0.0.10-10.0.0.20", "= 10.0.0.10 10.0.0.20"},
    {"split", "10.0.0.10-x", "= 10.0.0.10 x"},
    {"split", "10.0.0.10",
     "F: \"10.0.0.10\" is not a range: write FIRST-LAST, like 192.168.211.100-192.168.211.199"},
    {"split", "-10.0.0.20",
     "F: \"-10.0.0.20\" is not a range: write FIRST-LAST, like 192.168.211.100-192.168.211.199"},
    {"split", "10.0.0.10-",
     "F: \"10.0.0.10-\" is not a range: write FIRST-LAST, like 192.168.211.100-192.168.211.199"},
    {"split", "1-2-3",
     "F: \"1-2-3\" is not a range: write FIRST-LAST, like 192.168.211.100-192.168.211.199"},

    {"mac", "52:54:00:a0:00:01", "= 52:54:00:a0:00:01"},
    {"mac", "00:15:5D:0A:BC:DE", "= 00:15:5d:0a:bc:de"},
    {"mac", "02:00:00:00:00:00", "= 02:00:00:00:00:00"},
    {"mac", "00:00:00:00:00:00",
     "F: \"00:00:00:00:00:00\" is the all-zero MAC address, which no adapter may have"},
    {"mac", "01:00:5e:00:00:01",
     "F: \"01:00:5e:00:00:01\" is a multicast MAC address (the lowest bit of its first byte is "
     "set); an adapter needs a unicast one"},
    {"mac", "ff:ff:ff:ff:ff:ff",
     "F: \"ff:ff:ff:ff:ff:ff\" is a multicast MAC address (the lowest bit of its first byte is "
     "set); an adapter needs a unicast one"},
    {"mac", "52:54:00:a0:00",
     "F: \"52:54:00:a0:00\" is not a MAC address: write six pairs of hex digits separated by "
     "colons, like 52:54:00:a0:00:01"},
    {"mac", "52-54-00-a0-00-01",
     "F: \"52-54-00-a0-00-01\" is not a MAC address: write six pairs of hex digits separated by "
     "colons, like 52:54:00:a0:00:01"},
    {"mac", "52:54:00:a0:00:0g",
     "F: \"52:54:00:a0:00:0g\" is not a MAC address: write six pairs of hex digits separated by "
     "colons, like 52:54:00:a0:00:01"},
    {"mac", "5:54:00:a0:00:011",
     "F: \"5:54:00:a0:00:011\" is not a MAC address: write six pairs of hex digits separated by "
     "colons, like 52:54:00:a0:00:01"},
    {"mac", "",
     "F: \"\" is not a MAC address: write six pairs of hex digits separated by colons, like "
     "52:54:00:a0:00:01"},
    {"mac", "dynamic",
     "F: \"dynamic\" is not a MAC address: write six pairs of hex digits separated by colons, "
     "like 52:54:00:a0:00:01"},

    {"mac-range", "52:54:00:a0:00:00 52:54:00:a0:ff:ff", "= 52:54:00:a0:00:00 52:54:00:a0:ff:ff"},
    {"mac-range", "52:54:00:A0:00:00 52:54:00:A0:00:00", "= 52:54:00:a0:00:00 52:54:00:a0:00:00"},
    {"mac-range", "01:00:00:aa:00:00 01:00:00:aa:00:ff",
     "F: \"01:00:00:aa:00:00\" is a multicast MAC address (the lowest bit of its first byte is "
     "set); an adapter needs a unicast one"},
    {"mac-range", "02:00:00:aa:00:00 03:00:00:aa:00:ff",
     "F: \"03:00:00:aa:00:ff\" is a multicast MAC address (the lowest bit of its first byte is "
     "set); an adapter needs a unicast one"},
    {"mac-range", "02:00:00:aa:00:00 02:00:01:aa:00:00",
     "F: 02:00:00:aa:00:00 and 02:00:01:aa:00:00 are in different blocks: the first three bytes "
     "must be equal"},
    {"mac-range", "02:00:00:aa:0f:00 02:00:00:aa:00:00",
     "F: the first address 02:00:00:aa:0f:00 comes after the last 02:00:00:aa:00:00"},
    {"mac-range", "nonsense 02:00:00:aa:00:00",
     "F: \"nonsense\" is not a MAC address: write six pairs of hex digits separated by colons, "
     "like 52:54:00:a0:00:01"},
};

/* Runs one case's parser; the written-back form in @ret_text when it succeeds. */
static gboolean
parse(const char *kind, const char *input, const char *field, char **ret_text, GError **error)
{
    g_auto(GStrv) words = g_strsplit(input, " ", -1);
    guint32 address;
    HvxIpv4Cidr cidr;
    guint8 mac[6];

    if (g_str_equal(kind, "ipv4")) {
        if (!hvx_ipv4_parse(input, field, &address, error))
            return FALSE;
        *ret_text = hvx_ipv4_to_string(address);
    } else if (g_str_equal(kind, "cidr") || g_str_equal(kind, "host")) {
        if (g_str_equal(kind, "cidr") ? !hvx_ipv4_cidr_parse(input, field, &cidr, error)
                                      : !hvx_ipv4_host_cidr_parse(input, field, &cidr, error))
            return FALSE;
        *ret_text = hvx_ipv4_cidr_to_string(&cidr);
    } else if (g_str_equal(kind, "range")) {
        HvxIpv4Range range;
        g_autofree char *first = NULL;
        g_autofree char *last = NULL;

        g_assert_cmpuint(g_strv_length(words), ==, 3);
        g_assert_true(hvx_ipv4_host_cidr_parse(words[0], NULL, &cidr, NULL));
        /* "-" stands for an empty end, as the manager sends one left blank. */
        if (!hvx_ipv4_range_parse(g_str_equal(words[1], "-") ? "" : words[1],
                                  g_str_equal(words[2], "-") ? "" : words[2], &cidr, field, &range,
                                  error))
            return FALSE;
        first = hvx_ipv4_to_string(range.first);
        last = hvx_ipv4_to_string(range.last);
        *ret_text = g_strdup_printf("%s-%s", first, last);
    } else if (g_str_equal(kind, "split")) {
        g_autofree char *first = NULL;
        g_autofree char *last = NULL;

        if (!hvx_ipv4_range_split(input, field, &first, &last, error))
            return FALSE;
        *ret_text = g_strdup_printf("%s %s", first, last);
    } else if (g_str_equal(kind, "mac")) {
        if (!hvx_mac_parse(input, field, mac, error))
            return FALSE;
        *ret_text = hvx_mac_to_string(mac);
    } else if (g_str_equal(kind, "mac-range")) {
        HvxMacRange range;
        g_autofree char *first = NULL;
        g_autofree char *last = NULL;

        g_assert_cmpuint(g_strv_length(words), ==, 2);
        if (!hvx_mac_range_parse(words[0], words[1], field, &range, error))
            return FALSE;
        first = hvx_mac_to_string(range.first);
        last = hvx_mac_to_string(range.last);
        *ret_text = g_strdup_printf("%s %s", first, last);
    } else {
        g_error("unknown kind %s", kind);
    }
    return TRUE;
}

static void
test_case(gconstpointer data)
{
    guint i = GPOINTER_TO_UINT(data);
    const char *expected = cases[i].expected;
    g_autofree char *text = NULL;
    g_autofree char *quiet_text = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) bare_error = NULL;
    gboolean ok = parse(cases[i].kind, cases[i].input, "F", &text, &error);

    g_test_message("%s \"%s\"", cases[i].kind, cases[i].input);
    /* Without a GError the answer is the same. */
    g_assert_cmpint(parse(cases[i].kind, cases[i].input, "F", &quiet_text, NULL), ==, ok);
    if (g_str_has_prefix(expected, "= ")) {
        g_assert_no_error(error);
        g_assert_cmpstr(text, ==, expected + 2);
        return;
    }
    g_assert_false(ok);
    g_assert_error(error, HVX_ERROR, HVX_ERROR_INVALID);
    g_assert_cmpstr(error->message, ==, expected);
    /* Without a field: the same message without "F: ". */
    g_free(text);
    text = NULL;
    g_assert_false(parse(cases[i].kind, cases[i].input, NULL, &text, &bare_error));
    g_assert_cmpstr(bare_error->message, ==, expected + strlen("F: "));
}

static void
test_netmask_and_overlap(void)
{
    HvxIpv4Cidr a = {0xc0a8d301, 24}, b = {0xc0a8d381, 25}, c = {0xc0a8d401, 24},
                wide = {0xc0a80001, 16};

    g_assert_cmphex(hvx_ipv4_netmask(0), ==, 0);
    g_assert_cmphex(hvx_ipv4_netmask(8), ==, 0xff000000);
    g_assert_cmphex(hvx_ipv4_netmask(24), ==, 0xffffff00);
    g_assert_cmphex(hvx_ipv4_netmask(32), ==, 0xffffffff);
    g_assert_cmphex(hvx_ipv4_cidr_network(&a), ==, 0xc0a8d300);
    g_assert_cmphex(hvx_ipv4_cidr_broadcast(&a), ==, 0xc0a8d3ff);
    g_assert_true(hvx_ipv4_cidr_contains(&a, 0xc0a8d3fe));
    g_assert_false(hvx_ipv4_cidr_contains(&a, 0xc0a8d401));
    g_assert_true(hvx_ipv4_cidr_overlap(&a, &b));
    g_assert_false(hvx_ipv4_cidr_overlap(&a, &c));
    g_assert_true(hvx_ipv4_cidr_overlap(&c, &wide));
}

static void
test_mac_numbers(void)
{
    guint8 mac[6];

    hvx_mac_from_number(0x525400a0ffffULL + 1, mac);
    g_assert_cmpuint(hvx_mac_to_number(mac), ==, 0x525400a10000ULL);
    g_assert_cmphex(mac[3], ==, 0xa1);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/net-address/%s/%u", cases[i].kind, i);

        g_test_add_data_func(path, GUINT_TO_POINTER(i), test_case);
    }
    g_test_add_func("/net-address/netmask-and-overlap", test_netmask_and_overlap);
    g_test_add_func("/net-address/mac-numbers", test_mac_numbers);
    return g_test_run();
}
