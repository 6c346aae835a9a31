/* hvx-switch-def.h: the model of a virtual switch definition (<switch>), parser and writer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "hvx-enums.h"

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

/* The bridge interface name: "bsw" + the first 8 hex digits of the UUID (11 characters, shorter
 * than IFNAMSIZ). NULL when the switch has no UUID yet. */
char *hvx_switch_def_bridge_name(const HvxSwitchDef *def);

G_END_DECLS
