/* hvx-net-address.c: IPv4 addresses, CIDRs, DHCP ranges and MAC addresses, parsed strictly
 * with messages that name the value and the rule.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvx-error.h"
#include "hvx-net-address.h"

#define EXAMPLE_IPV4 "192.168.211.1"
#define EXAMPLE_CIDR "192.168.211.1/24"

static void hvx_net_error(GError **error, const char *field, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* HVX_ERROR_INVALID: "FIELD: message", or the message alone without a field. */
static void
hvx_net_error(GError **error, const char *field, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    if (error == NULL)
        return;
    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    if (field != NULL)
        g_set_error(error, HVX_ERROR, HVX_ERROR_INVALID, "%s: %s", field, message);
    else
        g_set_error_literal(error, HVX_ERROR, HVX_ERROR_INVALID, message);
}

/* The dotted quad @len bytes long at @text; @whole is what the message quotes (the address, or
 * the CIDR it is part of), @example the form to suggest. */
static gboolean
hvx_ipv4_parse_part(const char *text, gsize len, const char *whole, const char *example,
                    const char *field, guint32 *ret_address, GError **error)
{
    g_autofree char *part = g_strndup(text, len);
    g_auto(GStrv) numbers = g_strsplit(part, ".", -1);
    guint32 address = 0;

    if (*whole == '\0') {
        hvx_net_error(error, field, _("the value is empty; write it like %s"), example);
        return FALSE;
    }
    if (strchr(part, ':') != NULL && g_hostname_is_ip_address(part)) {
        hvx_net_error(error, field,
                      _("\"%s\" is an IPv6 address; only IPv4 is supported here, like %s"), whole,
                      example);
        return FALSE;
    }
    /* The form first, then the numbers: a leading zero or a large number in something that is
     * four numbers is worth its own message. */
    if (g_strv_length(numbers) != 4)
        goto malformed;
    for (guint i = 0; i < 4; i++) {
        if (numbers[i][0] == '\0')
            goto malformed;
        for (const char *p = numbers[i]; *p != '\0'; p++)
            if (!g_ascii_isdigit(*p))
                goto malformed;
    }
    for (guint i = 0; i < 4; i++) {
        if (numbers[i][0] == '0' && numbers[i][1] != '\0') {
            hvx_net_error(error, field,
                          _("\"%s\" has a leading zero in \"%s\": write the numbers without "
                            "leading zeros (some programs read them as octal)"),
                          whole, numbers[i]);
            return FALSE;
        }
    }
    for (guint i = 0; i < 4; i++) {
        if (strlen(numbers[i]) > 3 || atoi(numbers[i]) > 255) {
            hvx_net_error(error, field,
                          _("\"%s\" has the number %s: each of the four numbers must be from 0 "
                            "to 255"),
                          whole, numbers[i]);
            return FALSE;
        }
        address = (address << 8) | (guint32)atoi(numbers[i]);
    }
    *ret_address = address;
    return TRUE;

malformed:
    hvx_net_error(error, field,
                  _("\"%s\" is not an IPv4 address: write four numbers from 0 to 255 separated by "
                    "dots, like %s"),
                  whole, example);
    return FALSE;
}

gboolean
hvx_ipv4_parse(const char *text, const char *field, guint32 *ret_address, GError **error)
{
    guint32 address;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (text == NULL)
        text = "";
    if (!hvx_ipv4_parse_part(text, strlen(text), text, EXAMPLE_IPV4, field, &address, error))
        return FALSE;
    if (ret_address != NULL)
        *ret_address = address;
    return TRUE;
}

char *
hvx_ipv4_to_string(guint32 address)
{
    return g_strdup_printf("%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff,
                           (address >> 8) & 0xff, address & 0xff);
}

guint32
hvx_ipv4_netmask(guint prefix)
{
    g_return_val_if_fail(prefix <= 32, G_MAXUINT32);

    return prefix == 0 ? 0 : G_MAXUINT32 << (32 - prefix);
}

gboolean
hvx_ipv4_cidr_parse(const char *text, const char *field, HvxIpv4Cidr *ret_cidr, GError **error)
{
    const char *slash;
    const char *digits;
    HvxIpv4Cidr cidr;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (text == NULL)
        text = "";
    slash = strchr(text, '/');
    if (!hvx_ipv4_parse_part(text, slash != NULL ? (gsize)(slash - text) : strlen(text), text,
                             EXAMPLE_CIDR, field, &cidr.address, error))
        return FALSE;
    if (slash == NULL) {
        hvx_net_error(error, field,
                      _("\"%s\" has no prefix length: write the subnet's size after a slash, "
                        "like %s"),
                      text, EXAMPLE_CIDR);
        return FALSE;
    }
    digits = slash + 1;
    if (digits[0] == '\0' || strlen(digits) > 2 || (digits[0] == '0' && digits[1] != '\0') ||
        !g_ascii_isdigit(digits[0]) || (digits[1] != '\0' && !g_ascii_isdigit(digits[1])) ||
        atoi(digits) > 32) {
        hvx_net_error(error, field,
                      _("\"%s\" has the prefix length \"%s\": it must be a number from 0 to 32 "
                        "without leading zeros"),
                      text, digits);
        return FALSE;
    }
    cidr.prefix = (guint)atoi(digits);
    if (ret_cidr != NULL)
        *ret_cidr = cidr;
    return TRUE;
}

char *
hvx_ipv4_cidr_to_string(const HvxIpv4Cidr *cidr)
{
    g_autofree char *address = hvx_ipv4_to_string(cidr->address);

    return g_strdup_printf("%s/%u", address, cidr->prefix);
}

guint32
hvx_ipv4_cidr_network(const HvxIpv4Cidr *cidr)
{
    return cidr->address & hvx_ipv4_netmask(cidr->prefix);
}

guint32
hvx_ipv4_cidr_broadcast(const HvxIpv4Cidr *cidr)
{
    return cidr->address | ~hvx_ipv4_netmask(cidr->prefix);
}

gboolean
hvx_ipv4_cidr_contains(const HvxIpv4Cidr *cidr, guint32 address)
{
    return (address & hvx_ipv4_netmask(cidr->prefix)) == hvx_ipv4_cidr_network(cidr);
}

gboolean
hvx_ipv4_cidr_overlap(const HvxIpv4Cidr *a, const HvxIpv4Cidr *b)
{
    guint32 mask = hvx_ipv4_netmask(MIN(a->prefix, b->prefix));

    return (a->address & mask) == (b->address & mask);
}

/* The subnet of @cidr as "192.168.211.0/24". */
static char *
hvx_ipv4_subnet_to_string(const HvxIpv4Cidr *cidr)
{
    HvxIpv4Cidr subnet = {hvx_ipv4_cidr_network(cidr), cidr->prefix};

    return hvx_ipv4_cidr_to_string(&subnet);
}

gboolean
hvx_ipv4_host_cidr_parse(const char *text, const char *field, HvxIpv4Cidr *ret_cidr, GError **error)
{
    HvxIpv4Cidr cidr;
    guint first_byte;
    g_autofree char *subnet = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!hvx_ipv4_cidr_parse(text, field, &cidr, error))
        return FALSE;
    if (cidr.prefix == 32) {
        hvx_net_error(error, field,
                      _("\"%s\": a /32 is a single address, with no room for VMs; use a prefix "
                        "length from 8 to 30"),
                      text);
        return FALSE;
    }
    if (cidr.prefix == 31) {
        hvx_net_error(error, field,
                      _("\"%s\": a /31 subnet has two addresses and no broadcast address, for "
                        "point-to-point links only; use a prefix length from 8 to 30"),
                      text);
        return FALSE;
    }
    if (cidr.prefix < 8) {
        hvx_net_error(error, field,
                      _("\"%s\": a /%u subnet is too large for a switch; use a prefix length from "
                        "8 to 30"),
                      text, cidr.prefix);
        return FALSE;
    }
    /* With at least /8 the whole subnet shares the first byte: checking the address is checking
     * the subnet. */
    first_byte = cidr.address >> 24;
    if (first_byte == 0) {
        hvx_net_error(error, field,
                      _("\"%s\" is in 0.0.0.0/8, which means \"this network\" and cannot be a "
                        "host's address"),
                      text);
        return FALSE;
    }
    if (first_byte == 127) {
        hvx_net_error(error, field,
                      _("\"%s\" is a loopback address (127.0.0.0/8), which cannot be used on a "
                        "switch"),
                      text);
        return FALSE;
    }
    if (first_byte >= 224 && first_byte <= 239) {
        hvx_net_error(error, field,
                      _("\"%s\" is a multicast address (224.0.0.0/4), which cannot be a host's "
                        "address"),
                      text);
        return FALSE;
    }
    if (first_byte >= 240) {
        hvx_net_error(error, field,
                      _("\"%s\" is in the reserved range 240.0.0.0/4, which cannot be a host's "
                        "address"),
                      text);
        return FALSE;
    }
    subnet = hvx_ipv4_subnet_to_string(&cidr);
    if (cidr.address == hvx_ipv4_cidr_network(&cidr) ||
        cidr.address == hvx_ipv4_cidr_broadcast(&cidr)) {
        HvxIpv4Cidr suggestion = {hvx_ipv4_cidr_network(&cidr) + 1, cidr.prefix};
        g_autofree char *example = hvx_ipv4_cidr_to_string(&suggestion);

        if (cidr.address == hvx_ipv4_cidr_network(&cidr))
            hvx_net_error(error, field,
                          _("\"%s\" is the network address of %s; the host needs an address "
                            "inside the subnet, like %s"),
                          text, subnet, example);
        else
            hvx_net_error(error, field,
                          _("\"%s\" is the broadcast address of %s; the host needs an address "
                            "inside the subnet, like %s"),
                          text, subnet, example);
        return FALSE;
    }
    if (ret_cidr != NULL)
        *ret_cidr = cidr;
    return TRUE;
}

/* One end of a DHCP range on @host's subnet. */
static gboolean
hvx_ipv4_range_end_parse(const char *text, const HvxIpv4Cidr *host, const char *field,
                         guint32 *ret_address, GError **error)
{
    g_autofree char *subnet = hvx_ipv4_subnet_to_string(host);
    g_autofree char *host_text = hvx_ipv4_cidr_to_string(host);
    guint32 address;

    if (!hvx_ipv4_parse(text, field, &address, error))
        return FALSE;
    if (!hvx_ipv4_cidr_contains(host, address)) {
        hvx_net_error(error, field, _("\"%s\" is outside %s, the subnet of the host's address %s"),
                      text, subnet, host_text);
        return FALSE;
    }
    if (address == hvx_ipv4_cidr_network(host)) {
        hvx_net_error(error, field, _("\"%s\" is the network address of %s; VMs cannot use it"),
                      text, subnet);
        return FALSE;
    }
    if (address == hvx_ipv4_cidr_broadcast(host)) {
        hvx_net_error(error, field, _("\"%s\" is the broadcast address of %s; VMs cannot use it"),
                      text, subnet);
        return FALSE;
    }
    *ret_address = address;
    return TRUE;
}

gboolean
hvx_ipv4_range_parse(const char *first, const char *last, const HvxIpv4Cidr *host,
                     const char *field, HvxIpv4Range *ret_range, GError **error)
{
    HvxIpv4Range range;

    g_return_val_if_fail(host != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!hvx_ipv4_range_end_parse(first, host, field, &range.first, error) ||
        !hvx_ipv4_range_end_parse(last, host, field, &range.last, error))
        return FALSE;
    if (range.first > range.last) {
        hvx_net_error(error, field, _("the first address %s comes after the last %s"), first, last);
        return FALSE;
    }
    if (host->address >= range.first && host->address <= range.last) {
        g_autofree char *host_address = hvx_ipv4_to_string(host->address);

        hvx_net_error(error, field, _("the range %s-%s includes the host's own address %s"), first,
                      last, host_address);
        return FALSE;
    }
    if (ret_range != NULL)
        *ret_range = range;
    return TRUE;
}

gboolean
hvx_ipv4_range_split(const char *text, const char *field, char **ret_first, char **ret_last,
                     GError **error)
{
    const char *dash;

    g_return_val_if_fail(text != NULL, FALSE);
    g_return_val_if_fail(ret_first != NULL && ret_last != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    dash = strchr(text, '-');
    if (dash == NULL || dash == text || dash[1] == '\0' || strchr(dash + 1, '-') != NULL) {
        hvx_net_error(error, field,
                      _("\"%s\" is not a range: write FIRST-LAST, like "
                        "192.168.211.100-192.168.211.199"),
                      text);
        return FALSE;
    }
    *ret_first = g_strndup(text, (gsize)(dash - text));
    *ret_last = g_strdup(dash + 1);
    return TRUE;
}

gboolean
hvx_mac_parse(const char *text, const char *field, guint8 ret_mac[6], GError **error)
{
    guint8 mac[6];
    gboolean zero = TRUE;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (text == NULL)
        text = "";
    if (strlen(text) != 17)
        goto malformed;
    for (guint i = 0; i < 6; i++) {
        const char *p = text + i * 3;

        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]) || (i < 5 && p[2] != ':'))
            goto malformed;
        mac[i] = (guint8)(g_ascii_xdigit_value(p[0]) * 16 + g_ascii_xdigit_value(p[1]));
        zero &= mac[i] == 0;
    }
    if (zero) {
        hvx_net_error(error, field,
                      _("\"%s\" is the all-zero MAC address, which no adapter may have"), text);
        return FALSE;
    }
    if ((mac[0] & 1) != 0) {
        hvx_net_error(error, field,
                      _("\"%s\" is a multicast MAC address (the lowest bit of its first byte is "
                        "set); an adapter needs a unicast one"),
                      text);
        return FALSE;
    }
    if (ret_mac != NULL)
        memcpy(ret_mac, mac, 6);
    return TRUE;

malformed:
    hvx_net_error(error, field,
                  _("\"%s\" is not a MAC address: write six pairs of hex digits separated by "
                    "colons, like 52:54:00:a0:00:01"),
                  text);
    return FALSE;
}

char *
hvx_mac_to_string(const guint8 mac[6])
{
    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                           mac[5]);
}

guint64
hvx_mac_to_number(const guint8 mac[6])
{
    guint64 number = 0;

    for (guint i = 0; i < 6; i++)
        number = (number << 8) | mac[i];
    return number;
}

void
hvx_mac_from_number(guint64 number, guint8 ret_mac[6])
{
    for (int i = 5; i >= 0; i--) {
        ret_mac[i] = (guint8)(number & 0xff);
        number >>= 8;
    }
}

gboolean
hvx_mac_range_parse(const char *first, const char *last, const char *field, HvxMacRange *ret_range,
                    GError **error)
{
    HvxMacRange range;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!hvx_mac_parse(first, field, range.first, error) ||
        !hvx_mac_parse(last, field, range.last, error))
        return FALSE;
    if (memcmp(range.first, range.last, 3) != 0) {
        hvx_net_error(error, field,
                      _("%s and %s are in different blocks: the first three bytes must be equal"),
                      first, last);
        return FALSE;
    }
    if (hvx_mac_to_number(range.first) > hvx_mac_to_number(range.last)) {
        hvx_net_error(error, field, _("the first address %s comes after the last %s"), first, last);
        return FALSE;
    }
    if (ret_range != NULL)
        *ret_range = range;
    return TRUE;
}
