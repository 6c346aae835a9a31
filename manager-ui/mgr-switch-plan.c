/* mgr-switch-plan.c: checks for the Virtual Switch Manager.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib/gi18n.h>

#include "hvx-names.h"
#include "mgr-switch-plan.h"

void
mgr_adapter_info_free(MgrAdapterInfo *info)
{
    if (info == NULL)
        return;
    g_free(info->name);
    g_free(info->reason);
    g_free(info->used_by);
    g_strfreev(info->addresses);
    g_free(info);
}

GPtrArray *
mgr_adapter_infos_from_variant(GVariant *adapters)
{
    GPtrArray *infos = g_ptr_array_new_with_free_func((GDestroyNotify)mgr_adapter_info_free);
    GVariantIter iter;
    GVariant *dict;

    if (adapters == NULL)
        return infos;
    g_variant_iter_init(&iter, adapters);
    while ((dict = g_variant_iter_next_value(&iter)) != NULL) {
        MgrAdapterInfo *info = g_new0(MgrAdapterInfo, 1);
        const char *kind = "wired";

        if (!g_variant_lookup(dict, "name", "s", &info->name))
            info->name = g_strdup("");
        g_variant_lookup(dict, "kind", "&s", &kind);
        info->wireless = g_str_equal(kind, "wireless");
        g_variant_lookup(dict, "up", "b", &info->up);
        if (!g_variant_lookup(dict, "usable", "b", &info->usable))
            info->usable = !info->wireless;
        if (!g_variant_lookup(dict, "reason", "s", &info->reason))
            info->reason = g_strdup("");
        if (!g_variant_lookup(dict, "used-by", "s", &info->used_by))
            info->used_by = g_strdup("");
        if (!g_variant_lookup(dict, "addresses", "^as", &info->addresses))
            info->addresses = g_new0(char *, 1);
        g_ptr_array_add(infos, info);
        g_variant_unref(dict);
    }
    return infos;
}

MgrAdapterInfo *
mgr_adapter_infos_find(GPtrArray *infos, const char *name)
{
    for (guint i = 0; infos != NULL && name != NULL && i < infos->len; i++) {
        MgrAdapterInfo *info = g_ptr_array_index(infos, i);

        if (g_str_equal(info->name, name))
            return info;
    }
    return NULL;
}

char *
mgr_switch_plan_strip_locations(const char *message)
{
    g_auto(GStrv) lines = g_strsplit(message != NULL ? message : "", "\n", -1);
    GString *out = g_string_new(NULL);

    for (guint i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];
        const char *colon = strchr(line, ':');

        /* "switch.xml:3: <dhcp>: …" → "<dhcp>: …" */
        if (colon != NULL && g_ascii_isdigit(colon[1])) {
            const char *after = strchr(colon + 1, ':');

            if (after != NULL)
                line = after[1] == ' ' ? after + 2 : after + 1;
        }
        if (*line == '\0')
            continue;
        if (out->len > 0)
            g_string_append_c(out, '\n');
        g_string_append(out, line);
    }
    return g_string_free(out, FALSE);
}

char *
mgr_switch_plan_check(const HvxSwitchDef *def, const char *const *switch_names,
                      const char *self_name, GPtrArray *adapters)
{
    g_autofree char *folded = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(HvxSwitchDef) parsed = NULL;
    g_autoptr(GError) error = NULL;
    char *reason = NULL;

    g_return_val_if_fail(def != NULL, NULL);

    if (def->name == NULL || *def->name == '\0')
        return g_strdup(_("Give the virtual switch a name."));
    if (!hvx_name_is_valid(def->name, &reason))
        return reason;
    folded = g_utf8_casefold(def->name, -1);
    for (guint i = 0; switch_names != NULL && switch_names[i] != NULL; i++) {
        g_autofree char *other = g_utf8_casefold(switch_names[i], -1);
        g_autofree char *self = self_name != NULL ? g_utf8_casefold(self_name, -1) : NULL;

        if (g_str_equal(folded, other) && g_strcmp0(other, self) != 0)
            return g_strdup_printf(_("A virtual switch named “%s” already exists."),
                                   switch_names[i]);
    }
    if (def->type == HVX_SWITCH_TYPE_EXTERNAL) {
        MgrAdapterInfo *info;

        if (def->adapter_name == NULL || *def->adapter_name == '\0')
            return g_strdup(_("Choose the network adapter the external switch connects to."));
        info = mgr_adapter_infos_find(adapters, def->adapter_name);
        if (info == NULL)
            return g_strdup_printf(_("This computer has no network adapter “%s”."),
                                   def->adapter_name);
        if (!info->usable)
            return g_strdup_printf(
                _("The adapter “%s” cannot be used for an external switch: %s"), info->name,
                *info->reason != '\0' ? info->reason
                : info->wireless      ? _("wireless adapters cannot be bridged; use an internal "
                                               "switch with NAT instead")
                                      : _("it is in use"));
    }
    xml = hvx_switch_def_format(def);
    parsed = hvx_switch_def_parse_string(xml, -1, "switch.xml", &error);
    if (parsed == NULL)
        return mgr_switch_plan_strip_locations(error->message);
    return NULL;
}

static gboolean
adapter_has_host_addresses(GPtrArray *adapters, const char *name)
{
    MgrAdapterInfo *info = mgr_adapter_infos_find(adapters, name);

    return info != NULL && info->addresses != NULL && info->addresses[0] != NULL;
}

gboolean
mgr_switch_plan_may_cut_host(const HvxSwitchDef *old, const HvxSwitchDef *def, GPtrArray *adapters)
{
    gboolean was_external = old != NULL && old->type == HVX_SWITCH_TYPE_EXTERNAL;
    gboolean is_external = def != NULL && def->type == HVX_SWITCH_TYPE_EXTERNAL;

    if (is_external && !def->adapter_share_with_host &&
        adapter_has_host_addresses(adapters, def->adapter_name))
        return TRUE;
    if (was_external && !is_external)
        return TRUE; /* the adapter's addresses move back from the bridge */
    if (was_external && is_external &&
        (g_strcmp0(old->adapter_name, def->adapter_name) != 0 ||
         old->adapter_share_with_host != def->adapter_share_with_host))
        return TRUE;
    if (!was_external && is_external && def->adapter_share_with_host &&
        adapter_has_host_addresses(adapters, def->adapter_name))
        return TRUE; /* the host's addresses move to the bridge: a short interruption */
    return FALSE;
}

const char *
mgr_switch_type_label(HvxSwitchType type)
{
    switch (type) {
    case HVX_SWITCH_TYPE_EXTERNAL:
        return _("External");
    case HVX_SWITCH_TYPE_INTERNAL:
        return _("Internal");
    case HVX_SWITCH_TYPE_PRIVATE:
        return _("Private");
    case HVX_SWITCH_TYPE_LAST:
        break;
    }
    g_return_val_if_reached("");
}

const char *
mgr_switch_type_explanation(HvxSwitchType type)
{
    switch (type) {
    case HVX_SWITCH_TYPE_EXTERNAL:
        return _("Creates a virtual switch that binds to the physical network adapter so that "
                 "virtual machines can access a physical network.");
    case HVX_SWITCH_TYPE_INTERNAL:
        return _("Creates a virtual switch that can be used only by the virtual machines that "
                 "run on this physical computer, and between the virtual machines and the "
                 "physical computer. With NAT, the virtual machines also reach the outside "
                 "through the computer's own connection. An internal virtual switch does not "
                 "provide connectivity to a physical network connection.");
    case HVX_SWITCH_TYPE_PRIVATE:
        return _("Creates a virtual switch that can be used only by the virtual machines that "
                 "run on this physical computer.");
    case HVX_SWITCH_TYPE_LAST:
        break;
    }
    g_return_val_if_reached("");
}
