/* hvx-switch-def-validate.c: the rules of a switch definition: which fields each type allows,
 * the host address and the DHCP range.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvx-defs-private.h"
#include "hvx-error.h"
#include "hvx-names.h"
#include "hvx-net-address.h"

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

gboolean
hvx_switch_def_get_addresses(const HvxSwitchDef *def, HvxSwitchAddresses *ret_addresses,
                             guint *ret_line, GError **error)
{
    HvxSwitchAddresses addresses = {0};
    guint line = 0;

    g_return_val_if_fail(def != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (def->type != HVX_SWITCH_TYPE_INTERNAL)
        goto done;
    if (def->address == NULL) {
        if (def->nat) {
            line = def->nat_line;
            g_set_error(error, HVX_ERROR, HVX_ERROR_INVALID,
                        _("<nat/> needs an <address> for the host"));
            goto fail;
        }
        if (def->dhcp_first != NULL || def->dhcp_last != NULL) {
            line = def->dhcp_line;
            g_set_error(error, HVX_ERROR, HVX_ERROR_INVALID,
                        _("<dhcp> needs an <address> for the host"));
            goto fail;
        }
        goto done;
    }
    line = def->address_line;
    if (!hvx_ipv4_host_cidr_parse(def->address, "<address>", &addresses.host, error))
        goto fail;
    addresses.has_host = TRUE;
    if (def->dhcp_first == NULL && def->dhcp_last == NULL)
        goto done;
    line = def->dhcp_line;
    if (!hvx_ipv4_range_parse(def->dhcp_first, def->dhcp_last, &addresses.host, "<dhcp>",
                              &addresses.dhcp, error))
        goto fail;
    addresses.has_dhcp = TRUE;

done:
    if (ret_addresses != NULL)
        *ret_addresses = addresses;
    return TRUE;

fail:
    if (ret_line != NULL)
        *ret_line = line;
    return FALSE;
}

static gboolean
hvx_switch_validate_addresses(HvxParseContext *ctx, const HvxSwitchDef *def)
{
    g_autoptr(GError) error = NULL;
    guint line = 0;

    if (hvx_switch_def_get_addresses(def, NULL, &line, &error))
        return TRUE;
    hvx_xml_error(ctx, line, "%s", error->message);
    return FALSE;
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
