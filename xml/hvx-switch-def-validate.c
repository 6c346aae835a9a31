/* hvx-switch-def-validate.c: the rules of a switch definition: which fields each type allows,
 * the host address and the DHCP range.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvx-defs-private.h"
#include "hvx-names.h"

/* A dotted-quad IPv4 address, strictly: four decimal numbers 0-255. */
static gboolean
hvx_parse_ipv4(const char *text, guint32 *ret)
{
    g_auto(GStrv) parts = g_strsplit(text, ".", -1);
    guint32 address = 0;

    if (g_strv_length(parts) != 4)
        return FALSE;
    for (guint i = 0; i < 4; i++) {
        guint value = 0;
        gsize len = strlen(parts[i]);

        if (len == 0 || len > 3)
            return FALSE;
        for (const char *p = parts[i]; *p != '\0'; p++) {
            if (!g_ascii_isdigit(*p))
                return FALSE;
            value = value * 10 + (guint)(*p - '0');
        }
        if (value > 255)
            return FALSE;
        address = (address << 8) | value;
    }
    *ret = address;
    return TRUE;
}

static gboolean
hvx_parse_cidr(const char *text, guint32 *ret_address, guint *ret_prefix)
{
    const char *slash = strchr(text, '/');
    g_autofree char *address = NULL;
    guint prefix = 0;
    gsize digits;

    if (slash == NULL)
        return FALSE;
    digits = strlen(slash + 1);
    if (digits == 0 || digits > 2)
        return FALSE;
    for (const char *p = slash + 1; *p != '\0'; p++) {
        if (!g_ascii_isdigit(*p))
            return FALSE;
        prefix = prefix * 10 + (guint)(*p - '0');
    }
    if (prefix > 32)
        return FALSE;
    address = g_strndup(text, (gsize)(slash - text));
    if (!hvx_parse_ipv4(address, ret_address))
        return FALSE;
    *ret_prefix = prefix;
    return TRUE;
}

static guint32
hvx_netmask(guint prefix)
{
    return prefix == 0 ? 0 : G_MAXUINT32 << (32 - prefix);
}

/* Which elements each type allows. */
static gboolean
hvx_switch_validate_fields(HvxParseContext *ctx, const HvxSwitchDef *def)
{
    const char *type = hvx_switch_type_to_string(def->type);
    gboolean ok = TRUE;

    if (def->adapter_line != 0 && def->type != HVX_SWITCH_TYPE_EXTERNAL) {
        hvx_xml_error(ctx, def->adapter_line,
                      _("<adapter> is only for external switches, not for type \"%s\""), type);
        ok = FALSE;
    }
    if (def->type == HVX_SWITCH_TYPE_EXTERNAL && def->adapter_line == 0) {
        hvx_xml_error(ctx, def->line,
                      _("<switch type=\"external\">: the element <adapter> is required"));
        ok = FALSE;
    }
    if (def->address_line != 0 && def->type != HVX_SWITCH_TYPE_INTERNAL) {
        hvx_xml_error(ctx, def->address_line,
                      _("<address> is only for internal switches, not for type \"%s\""), type);
        ok = FALSE;
    }
    if (def->nat_line != 0 && def->type != HVX_SWITCH_TYPE_INTERNAL) {
        hvx_xml_error(ctx, def->nat_line,
                      _("<nat/> is only for internal switches, not for type \"%s\""), type);
        ok = FALSE;
    }
    if (def->dhcp_line != 0 && def->type != HVX_SWITCH_TYPE_INTERNAL) {
        hvx_xml_error(ctx, def->dhcp_line,
                      _("<dhcp> is only for internal switches, not for type \"%s\""), type);
        ok = FALSE;
    }
    if (def->vlan_line != 0 && def->type == HVX_SWITCH_TYPE_PRIVATE) {
        hvx_xml_error(ctx, def->vlan_line,
                      _("<vlan> is not allowed on a private switch: the host is not on it"));
        ok = FALSE;
    }
    if (def->adapter_name != NULL && !hvx_ifname_is_valid(def->adapter_name)) {
        hvx_xml_error(ctx, def->adapter_line,
                      _("<adapter name=\"%s\">: not a network interface name (1-15 characters, "
                        "no spaces, \"/\" or \":\")"),
                      def->adapter_name);
        ok = FALSE;
    }
    return ok;
}

static gboolean
hvx_switch_validate_dhcp_address(HvxParseContext *ctx, const HvxSwitchDef *def, const char *attr,
                                 const char *text, guint32 network, guint32 mask, guint32 *ret)
{
    if (!hvx_parse_ipv4(text, ret)) {
        hvx_xml_error(ctx, def->dhcp_line,
                      _("<dhcp %s=\"%s\">: not an IPv4 address like 192.168.211.100"), attr, text);
        return FALSE;
    }
    if ((*ret & mask) != network || *ret == network || *ret == (network | ~mask)) {
        hvx_xml_error(ctx, def->dhcp_line,
                      _("<dhcp %s=\"%s\">: not a host address in the subnet of <address> %s"), attr,
                      text, def->address);
        return FALSE;
    }
    return TRUE;
}

static gboolean
hvx_switch_validate_addresses(HvxParseContext *ctx, const HvxSwitchDef *def)
{
    guint32 address, network, mask, first, last;
    guint prefix;
    gboolean ok = TRUE;

    if (def->type != HVX_SWITCH_TYPE_INTERNAL)
        return TRUE;
    if (def->address == NULL) {
        if (def->nat) {
            hvx_xml_error(ctx, def->nat_line, _("<nat/> needs an <address> for the host"));
            ok = FALSE;
        }
        if (def->dhcp_first != NULL) {
            hvx_xml_error(ctx, def->dhcp_line, _("<dhcp> needs an <address> for the host"));
            ok = FALSE;
        }
        return ok;
    }
    if (!hvx_parse_cidr(def->address, &address, &prefix)) {
        hvx_xml_error(ctx, def->address_line,
                      _("<address>: \"%s\" is not an IPv4 address with a prefix length, like "
                        "192.168.211.1/24"),
                      def->address);
        return FALSE;
    }
    mask = hvx_netmask(prefix);
    network = address & mask;
    if (prefix > 30) {
        hvx_xml_error(ctx, def->address_line,
                      _("<address>: the prefix length must be at most 30 to leave room for VMs"));
        return FALSE;
    }
    if (address == network || address == (network | ~mask)) {
        hvx_xml_error(ctx, def->address_line,
                      _("<address>: %s is the network or broadcast address of its subnet"),
                      def->address);
        return FALSE;
    }
    if (def->dhcp_first == NULL)
        return TRUE;
    if (!hvx_switch_validate_dhcp_address(ctx, def, "first", def->dhcp_first, network, mask,
                                          &first) ||
        !hvx_switch_validate_dhcp_address(ctx, def, "last", def->dhcp_last, network, mask, &last))
        return FALSE;
    if (first > last) {
        hvx_xml_error(ctx, def->dhcp_line, _("<dhcp>: first (%s) comes after last (%s)"),
                      def->dhcp_first, def->dhcp_last);
        return FALSE;
    }
    if (address >= first && address <= last) {
        hvx_xml_error(ctx, def->dhcp_line,
                      _("<dhcp>: the range includes the host's own address from <address>"));
        return FALSE;
    }
    return TRUE;
}

gboolean
hvx_switch_def_validate(const HvxSwitchDef *def, HvxParseContext *ctx)
{
    g_autofree char *reason = NULL;
    gboolean ok = TRUE;

    if (!hvx_name_is_valid(def->name, &reason)) {
        hvx_xml_error(ctx, def->name_line, _("<name>: %s"), reason);
        ok = FALSE;
    }
    if (def->uuid != NULL && !g_uuid_string_is_valid(def->uuid)) {
        hvx_xml_error(ctx, def->uuid_line,
                      _("<uuid>: \"%s\" is not a UUID like 6f1c2a3e-8b4d-4c5e-9f60-718293a4b5c6"),
                      def->uuid);
        ok = FALSE;
    }
    ok &= hvx_switch_validate_fields(ctx, def);
    if (ok)
        ok &= hvx_switch_validate_addresses(ctx, def);
    return ok;
}
