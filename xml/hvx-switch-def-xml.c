/* hvx-switch-def-xml.c: <switch> parse and format, one pair of functions per element.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvx-defs-private.h"

#define ATTRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* <adapter name share-with-host/>, external only */
static gboolean
hvx_adapter_parse(HvxParseContext *ctx, xmlNode *node, HvxSwitchDef *def)
{
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("name", "share-with-host"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_string(ctx, node, "name", TRUE, &def->adapter_name);
    ok &= hvx_xml_get_bool(ctx, node, "share-with-host", &def->adapter_share_with_host);
    return ok;
}

static void
hvx_adapter_format(GString *out, const HvxSwitchDef *def)
{
    if (def->adapter_name == NULL)
        return;
    g_string_append(out, "  <adapter");
    hvx_xml_attr_string(out, "name", def->adapter_name);
    hvx_xml_attr_bool(out, "share-with-host", def->adapter_share_with_host);
    g_string_append(out, "/>\n");
}

/* <address>CIDR</address>, internal only */
static gboolean
hvx_address_parse(HvxParseContext *ctx, xmlNode *node, HvxSwitchDef *def)
{
    g_free(def->address);
    def->address = hvx_xml_get_text(ctx, node);
    return def->address != NULL;
}

static void
hvx_address_format(GString *out, const HvxSwitchDef *def)
{
    if (def->address != NULL)
        hvx_xml_text_element(out, "  ", "address", def->address);
}

/* <nat/>, internal only */
static gboolean
hvx_nat_parse(HvxParseContext *ctx, xmlNode *node, HvxSwitchDef *def)
{
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS(NULL));
    ok &= hvx_xml_check_empty(ctx, node);
    def->nat = TRUE;
    return ok;
}

static void
hvx_nat_format(GString *out, const HvxSwitchDef *def)
{
    if (def->nat)
        g_string_append(out, "  <nat/>\n");
}

/* <dhcp first last/>, internal only */
static gboolean
hvx_dhcp_parse(HvxParseContext *ctx, xmlNode *node, HvxSwitchDef *def)
{
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("first", "last"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_string(ctx, node, "first", TRUE, &def->dhcp_first);
    ok &= hvx_xml_get_string(ctx, node, "last", TRUE, &def->dhcp_last);
    return ok;
}

static void
hvx_dhcp_format(GString *out, const HvxSwitchDef *def)
{
    if (def->dhcp_first == NULL)
        return;
    g_string_append(out, "  <dhcp");
    hvx_xml_attr_string(out, "first", def->dhcp_first);
    hvx_xml_attr_string(out, "last", def->dhcp_last);
    g_string_append(out, "/>\n");
}

/* <vlan id/>: the management OS's VLAN, external and internal */
static gboolean
hvx_vlan_parse(HvxParseContext *ctx, xmlNode *node, HvxSwitchDef *def)
{
    guint64 id = 0;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("id"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_uint(ctx, node, "id", 0, HVX_VLAN_MAX, TRUE, &id, NULL);
    def->has_vlan = TRUE;
    def->vlan = (guint)id;
    return ok;
}

static void
hvx_vlan_format(GString *out, const HvxSwitchDef *def)
{
    if (def->has_vlan)
        g_string_append_printf(out, "  <vlan id=\"%u\"/>\n", def->vlan);
}

typedef gboolean (*HvxSwitchElementParse)(HvxParseContext *ctx, xmlNode *node, HvxSwitchDef *def);

static const struct {
    const char *name;
    HvxSwitchElementParse parse;
    gsize line_offset;
} hvx_switch_elements[] = {
    {"adapter", hvx_adapter_parse, G_STRUCT_OFFSET(HvxSwitchDef, adapter_line)},
    {"address", hvx_address_parse, G_STRUCT_OFFSET(HvxSwitchDef, address_line)},
    {"nat", hvx_nat_parse, G_STRUCT_OFFSET(HvxSwitchDef, nat_line)},
    {"dhcp", hvx_dhcp_parse, G_STRUCT_OFFSET(HvxSwitchDef, dhcp_line)},
    {"vlan", hvx_vlan_parse, G_STRUCT_OFFSET(HvxSwitchDef, vlan_line)},
};

static gboolean
hvx_switch_child_parse(HvxParseContext *ctx, xmlNode *root, xmlNode *child, HvxSwitchDef *def,
                       guint *notes_line)
{
    const char *name = HVX_NAME(child);

    if (child->ns != NULL) {
        hvx_xml_unknown_element(ctx, root, child);
        return FALSE;
    }
    if (g_str_equal(name, "name") || g_str_equal(name, "uuid") || g_str_equal(name, "notes")) {
        guint *line = g_str_equal(name, "name")   ? &def->name_line
                      : g_str_equal(name, "uuid") ? &def->uuid_line
                                                  : notes_line;
        char **field = g_str_equal(name, "name")   ? &def->name
                       : g_str_equal(name, "uuid") ? &def->uuid
                                                   : &def->notes;

        if (!hvx_xml_check_once(ctx, child, line))
            return FALSE;
        return hvx_xml_replace_text(ctx, child, field);
    }
    for (guint i = 0; i < G_N_ELEMENTS(hvx_switch_elements); i++) {
        if (!g_str_equal(name, hvx_switch_elements[i].name))
            continue;
        if (!hvx_xml_check_once(ctx, child,
                                &G_STRUCT_MEMBER(guint, def, hvx_switch_elements[i].line_offset)))
            return FALSE;
        return hvx_switch_elements[i].parse(ctx, child, def);
    }
    hvx_xml_unknown_element(ctx, root, child);
    return FALSE;
}

HvxSwitchDef *
hvx_switch_def_parse_node(HvxParseContext *ctx, xmlNode *root)
{
    g_autoptr(HvxSwitchDef) def = NULL;
    int type = HVX_SWITCH_TYPE_PRIVATE;
    guint notes_line = 0;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, root, ATTRS("type"));
    ok &= hvx_xml_check_no_text(ctx, root);
    ok &= hvx_xml_get_enum(ctx, root, "type", hvx_switch_type_names(), TRUE, &type);
    def = hvx_switch_def_new(type);
    def->line = hvx_xml_line(root);
    g_clear_pointer(&def->name, g_free);

    for_each_child (child, root)
        ok &= hvx_switch_child_parse(ctx, root, child, def, &notes_line);

    if (def->name == NULL) {
        hvx_xml_error(ctx, def->line, _("<%s>: the element <%s> is required"), "switch", "name");
        return NULL;
    }
    return ok ? g_steal_pointer(&def) : NULL;
}

char *
hvx_switch_def_format(const HvxSwitchDef *def)
{
    GString *out;

    g_return_val_if_fail(def != NULL, NULL);

    out = g_string_new(NULL);
    g_string_append_printf(out, "<switch type=\"%s\">\n", hvx_switch_type_to_string(def->type));
    hvx_xml_text_element(out, "  ", "name", def->name);
    if (def->uuid != NULL)
        hvx_xml_text_element(out, "  ", "uuid", def->uuid);
    if (def->notes != NULL)
        hvx_xml_text_element(out, "  ", "notes", def->notes);
    hvx_adapter_format(out, def);
    hvx_address_format(out, def);
    hvx_nat_format(out, def);
    hvx_dhcp_format(out, def);
    hvx_vlan_format(out, def);
    g_string_append(out, "</switch>\n");
    return g_string_free(out, FALSE);
}
