/* hvx-switch-def.c: the switch definition model: construction, defaults, derived names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvx-names.h"
#include "hvx-switch-def.h"

HvxSwitchDef *
hvx_switch_def_new(HvxSwitchType type)
{
    HvxSwitchDef *def;

    g_return_val_if_fail(type < HVX_SWITCH_TYPE_LAST, NULL);

    def = g_new0(HvxSwitchDef, 1);
    def->type = type;
    def->name = g_strdup("");
    def->adapter_share_with_host = TRUE;
    return def;
}

void
hvx_switch_def_free(HvxSwitchDef *def)
{
    if (def == NULL)
        return;
    g_free(def->name);
    g_free(def->uuid);
    g_free(def->notes);
    g_free(def->adapter_name);
    g_free(def->address);
    g_free(def->dhcp_first);
    g_free(def->dhcp_last);
    g_free(def);
}

const char *
hvx_switch_def_ensure_uuid(HvxSwitchDef *def)
{
    g_return_val_if_fail(def != NULL, NULL);

    if (def->uuid == NULL)
        def->uuid = g_uuid_string_random();
    return def->uuid;
}

char *
hvx_switch_def_bridge_name(const HvxSwitchDef *def)
{
    g_return_val_if_fail(def != NULL, NULL);

    return hvx_bridge_name(def->uuid);
}
