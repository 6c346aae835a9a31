/* hvx-switch-def.h: the model of a virtual switch definition (<switch>), parser and writer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "hvx-enums.h"
#include "hvx-net-address.h"

G_BEGIN_DECLS

typedef struct {
    HvxSwitchType type;
    char *name;
    char *uuid;  /* NULL until assigned, see hvx_switch_def_ensure_uuid() */
    char *notes; /* NULL = none */

    /* External only (required there). */
    char *adapter_name;
    gboolean adapter_share_with_host;

    /* Internal only: the host's address as written, e.g. "192.168.211.1/24". */
    char *address;
    gboolean nat;
    char *dhcp_first; /* both NULL = no DHCP */
    char *dhcp_last;

    /* External and internal: VLAN of the management OS; has_vlan FALSE = untagged. */
    gboolean has_vlan;
    guint vlan;

    guint line;
    guint name_line;
    guint uuid_line;
    guint adapter_line;
    guint address_line;
    guint nat_line;
    guint dhcp_line;
    guint vlan_line;
} HvxSwitchDef;

HvxSwitchDef *hvx_switch_def_new(HvxSwitchType type);
void hvx_switch_def_free(HvxSwitchDef *def);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvxSwitchDef, hvx_switch_def_free)

/* Same contract as hvx_vm_def_parse_file(). */
HvxSwitchDef *hvx_switch_def_parse_file(const char *path, GError **error);
HvxSwitchDef *hvx_switch_def_parse_string(const char *text, gssize len, const char *source_name,
                                          GError **error);
char *hvx_switch_def_format(const HvxSwitchDef *def);
const char *hvx_switch_def_ensure_uuid(HvxSwitchDef *def);

/* An internal switch's host address and DHCP range, parsed. */
typedef struct {
    gboolean has_host;
    HvxIpv4Cidr host;
    gboolean has_dhcp;
    HvxIpv4Range dhcp;
} HvxSwitchAddresses;

/* @def's <address> and <dhcp> under the rules of hvx-net-address.h (a host address for a
 * switch, a DHCP range in its subnet), and NAT and DHCP only with a host address: what
 * `berth validate` checks and what vswitch/ uses, with the same messages. A switch that is not
 * internal has neither (which fields a type allows is hvx_switch_def_validate()'s). On failure,
 * HVX_ERROR_INVALID and the line of the element at fault in @ret_line (0 when not parsed). */
gboolean hvx_switch_def_get_addresses(const HvxSwitchDef *def, HvxSwitchAddresses *ret_addresses,
                                      guint *ret_line, GError **error);

/* The bridge interface name: "bsw" + the first 8 hex digits of the UUID (11 characters, shorter
 * than IFNAMSIZ). NULL when the switch has no UUID yet. */
char *hvx_switch_def_bridge_name(const HvxSwitchDef *def);

G_END_DECLS
