/* hvx-net-address.h: IPv4 addresses, CIDRs, DHCP ranges and MAC addresses: the one parser and
 * the one set of rules every part of Berth uses (definitions, berthd, vswitch/, the CLI, the
 * manager), so what `berth validate` accepts is what the switch code can use.
 *
 * Errors are HVX_ERROR_INVALID with "FIELD: message", the message naming the value and the
 * rule broken; @field is what the caller calls the value ("<address>", "MAC address range"),
 * or NULL for the message alone. Pass @error NULL to ask only whether a text is valid.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Addresses are guint32 in host byte order: 192.168.1.2 is 0xc0a80102. */

/* A dotted quad, strictly: four decimal numbers 0-255 without leading zeros ("010" could be
 * read as octal 8 by inet_aton, and glibc's inet_pton refuses it), no spaces, no other forms.
 * IPv6 gets its own message. */
gboolean hvx_ipv4_parse(const char *text, const char *field, guint32 *ret_address, GError **error);
char *hvx_ipv4_to_string(guint32 address);

/* 0 → 0.0.0.0, 24 → 255.255.255.0, 32 → 255.255.255.255. */
guint32 hvx_ipv4_netmask(guint prefix);

typedef struct {
    guint32 address;
    guint prefix; /* 0-32 */
} HvxIpv4Cidr;

/* "ADDRESS/PREFIX" of any kind (an interface address or a route as the kernel has them):
 * the prefix is required, 0-32 without leading zeros; host bits may be set. */
gboolean hvx_ipv4_cidr_parse(const char *text, const char *field, HvxIpv4Cidr *ret_cidr,
                             GError **error);
char *hvx_ipv4_cidr_to_string(const HvxIpv4Cidr *cidr);
guint32 hvx_ipv4_cidr_network(const HvxIpv4Cidr *cidr);
guint32 hvx_ipv4_cidr_broadcast(const HvxIpv4Cidr *cidr);
gboolean hvx_ipv4_cidr_contains(const HvxIpv4Cidr *cidr, guint32 address);
gboolean hvx_ipv4_cidr_overlap(const HvxIpv4Cidr *a, const HvxIpv4Cidr *b);

/* The host's address on a switch (an internal switch's <address>), on top of
 * hvx_ipv4_cidr_parse(): a prefix from 8 to 30 (/31 and /32 leave no address for a VM besides
 * the host; below /8 the subnet would be larger than a class A network), an address inside the
 * subnet (neither its network nor its broadcast address), and not in 0.0.0.0/8, loopback
 * (127.0.0.0/8), multicast (224.0.0.0/4) or reserved (240.0.0.0/4) space. */
gboolean hvx_ipv4_host_cidr_parse(const char *text, const char *field, HvxIpv4Cidr *ret_cidr,
                                  GError **error);

typedef struct {
    guint32 first;
    guint32 last;
} HvxIpv4Range;

/* A DHCP range for VMs on the subnet of the host address @host: two addresses
 * (hvx_ipv4_parse()) inside that subnet, neither its network nor its broadcast address,
 * @first <= @last, the host's own address not in between. */
gboolean hvx_ipv4_range_parse(const char *first, const char *last, const HvxIpv4Cidr *host,
                              const char *field, HvxIpv4Range *ret_range, GError **error);

/* "FIRST-LAST" (as `berth switch new --dhcp` takes it) split in two; only the dash is
 * checked here, the addresses by hvx_ipv4_range_parse(). */
gboolean hvx_ipv4_range_split(const char *text, const char *field, char **ret_first,
                              char **ret_last, GError **error);

/* A network adapter's MAC address: six pairs of hex digits separated by ':' (either case),
 * unicast (the lowest bit of the first byte clear) and not all zero. */
gboolean hvx_mac_parse(const char *text, const char *field, guint8 ret_mac[6], GError **error);
/* Lower case: "52:54:00:a0:00:01", the one form Berth writes. */
char *hvx_mac_to_string(const guint8 mac[6]);
guint64 hvx_mac_to_number(const guint8 mac[6]);
void hvx_mac_from_number(guint64 number, guint8 ret_mac[6]);

typedef struct {
    guint8 first[6];
    guint8 last[6];
} HvxMacRange;

/* The range dynamic MAC addresses come from: two MAC addresses (hvx_mac_parse()) in one
 * OUI-sized block (the first three bytes equal), @first <= @last. */
gboolean hvx_mac_range_parse(const char *first, const char *last, const char *field,
                             HvxMacRange *ret_range, GError **error);

G_END_DECLS
