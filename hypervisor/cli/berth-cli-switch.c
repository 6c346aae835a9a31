/* berth-cli-switch.c: "berth switch list|define|delete|new|dumpxml": the virtual switches
 * berthd keeps, like Hyper-V's Get-/New-/Remove-VMSwitch.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "berth-cli.h"
#include "hvx.h"

/* The Switch interfaces' properties (a{sv} each) among berthd's objects. */
static GPtrArray *
list_switches(GDBusConnection *connection, GError **error)
{
    g_autoptr(GPtrArray) objects =
        berth_cli_list_objects(connection, BERTH_SWITCH_INTERFACE, error);
    GPtrArray *switches;

    if (objects == NULL)
        return NULL;
    switches = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
    for (guint i = 0; i < objects->len; i++)
        g_ptr_array_add(switches, g_variant_get_child_value(g_ptr_array_index(objects, i), 1));
    return switches;
}

static int
compare_by_name(gconstpointer a, gconstpointer b)
{
    GVariant *pa = *(GVariant *const *)a;
    GVariant *pb = *(GVariant *const *)b;

    return g_utf8_collate(berth_cli_dict_string(pa, "Name"), berth_cli_dict_string(pb, "Name"));
}

/* What the switch connects to, in a few words. */
static char *
describe_connection(GVariant *sw)
{
    const char *type = berth_cli_dict_string(sw, "SwitchType");
    g_autoptr(GString) text = g_string_new(NULL);
    const char *first = "";
    const char *last = "";

    if (g_str_equal(type, "external")) {
        g_string_append(text, berth_cli_dict_string(sw, "Adapter"));
        if (berth_cli_dict_bool(sw, "ShareWithHost"))
            /* Translators: after the adapter's name in "berth switch list". */
            g_string_append(text, _(" (shared with the host)"));
    } else if (g_str_equal(type, "internal")) {
        g_string_append(text, berth_cli_dict_string(sw, "Address"));
        if (berth_cli_dict_bool(sw, "Nat"))
            g_string_append(text, _(", NAT"));
        g_variant_lookup(sw, "DhcpRange", "(&s&s)", &first, &last);
        if (*first != '\0')
            /* Translators: the DHCP range, e.g. ", DHCP 192.168.1.100-192.168.1.199". */
            g_string_append_printf(text, _(", DHCP %s-%s"), first, last);
    } else {
        g_string_append(text, _("VMs only"));
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

static void
print_json(GPtrArray *switches)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autoptr(JsonGenerator) generator = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_begin_array(builder);
    for (guint i = 0; i < switches->len; i++) {
        GVariant *sw = g_ptr_array_index(switches, i);
        const char *first = "";
        const char *last = "";
        guint32 vlan = 0;
        g_autofree const char **vms = NULL;

        g_variant_lookup(sw, "DhcpRange", "(&s&s)", &first, &last);
        g_variant_lookup(sw, "Vlan", "u", &vlan);
        if (!g_variant_lookup(sw, "ConnectedVms", "^a&s", &vms))
            vms = g_new0(const char *, 1);
        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "name");
        json_builder_add_string_value(builder, berth_cli_dict_string(sw, "Name"));
        json_builder_set_member_name(builder, "uuid");
        json_builder_add_string_value(builder, berth_cli_dict_string(sw, "Uuid"));
        json_builder_set_member_name(builder, "type");
        json_builder_add_string_value(builder, berth_cli_dict_string(sw, "SwitchType"));
        json_builder_set_member_name(builder, "default");
        json_builder_add_boolean_value(builder, berth_cli_dict_bool(sw, "IsDefault"));
        json_builder_set_member_name(builder, "adapter");
        json_builder_add_string_value(builder, berth_cli_dict_string(sw, "Adapter"));
        json_builder_set_member_name(builder, "share-with-host");
        json_builder_add_boolean_value(builder, berth_cli_dict_bool(sw, "ShareWithHost"));
        json_builder_set_member_name(builder, "address");
        json_builder_add_string_value(builder, berth_cli_dict_string(sw, "Address"));
        json_builder_set_member_name(builder, "nat");
        json_builder_add_boolean_value(builder, berth_cli_dict_bool(sw, "Nat"));
        json_builder_set_member_name(builder, "dhcp-first");
        json_builder_add_string_value(builder, first);
        json_builder_set_member_name(builder, "dhcp-last");
        json_builder_add_string_value(builder, last);
        json_builder_set_member_name(builder, "vlan");
        json_builder_add_int_value(builder, vlan);
        json_builder_set_member_name(builder, "bridge");
        json_builder_add_string_value(builder, berth_cli_dict_string(sw, "Bridge"));
        json_builder_set_member_name(builder, "connected-vms");
        json_builder_begin_array(builder);
        for (guint k = 0; vms[k] != NULL; k++)
            json_builder_add_string_value(builder, vms[k]);
        json_builder_end_array(builder);
        json_builder_set_member_name(builder, "status");
        json_builder_add_string_value(builder, berth_cli_dict_string(sw, "Status"));
        json_builder_end_object(builder);
    }
    json_builder_end_array(builder);
    root = json_builder_get_root(builder);
    json_generator_set_root(generator, root);
    json_generator_set_pretty(generator, TRUE);
    text = json_generator_to_data(generator, NULL);
    printf("%s\n", text);
}

static gboolean list_json;

static const GOptionEntry list_options[] = {
    {"json", 0, 0, G_OPTION_ARG_NONE, &list_json, N_("A JSON array of the switches"), NULL},
    G_OPTION_ENTRY_NULL,
};

static int
switch_list(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(GPtrArray) switches = NULL;
    g_autoptr(GPtrArray) rows = NULL;
    g_auto(GStrv) args = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("switch list", error);
    switches = list_switches(connection, &error);
    if (switches == NULL)
        return berth_cli_fail("switch list", error);
    g_ptr_array_sort(switches, compare_by_name);
    if (list_json) {
        print_json(switches);
        return 0;
    }
    rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    for (guint i = 0; i < switches->len; i++) {
        GVariant *sw = g_ptr_array_index(switches, i);
        g_autofree const char **vms = NULL;
        char **row = g_new0(char *, 6);

        if (!g_variant_lookup(sw, "ConnectedVms", "^a&s", &vms))
            vms = g_new0(const char *, 1);
        row[0] = g_strdup(berth_cli_dict_string(sw, "Name"));
        row[1] = g_strdup(berth_cli_dict_string(sw, "SwitchType"));
        row[2] = describe_connection(sw);
        row[3] = g_strdup_printf("%u", g_strv_length((char **)vms));
        row[4] = g_strdup(berth_cli_dict_string(sw, "Status"));
        g_ptr_array_add(rows, row);
    }
    {
        const char *headers[] = {_("Name"), _("Type"), _("Connection"), _("VMs"), _("Status")};

        berth_cli_print_table(headers, G_N_ELEMENTS(headers), rows);
    }
    return 0;
}

/* DefineSwitch; prints what was defined. @file: for error messages, NULL for "switch new". */
static int
define_switch(const char *command, const char *xml, const char *file)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusHost) host = NULL;
    g_autoptr(BerthDBusSwitch) sw = NULL;
    g_autofree char *path = NULL;

    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail(command, error);
    host = berth_client_get_host_sync(connection, NULL, &error);
    if (host == NULL || !berth_dbus_host_call_define_switch_sync(host, xml, &path, NULL, &error)) {
        if (g_error_matches(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION))
            return berth_cli_fail_invalid_definition(command, "switch.xml", file, error);
        return berth_cli_fail(command, error);
    }
    sw = berth_client_get_switch_sync(connection, path, NULL, &error);
    if (sw == NULL)
        return berth_cli_fail(command, error);
    /* Translators: "Defined the switch “Lab” (6f1c2a3e-…): Active". */
    printf(_("Defined the switch “%s” (%s): %s\n"), berth_dbus_switch_get_name(sw),
           berth_dbus_switch_get_uuid(sw), berth_dbus_switch_get_status(sw));
    return 0;
}

static int
switch_define(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_auto(GStrv) args = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    if (!g_file_get_contents(args[0], &xml, NULL, &error))
        return berth_cli_fail("switch define", error);
    return define_switch("switch define", xml, args[0]);
}

static int
switch_dumpxml(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusSwitch) sw = NULL;
    g_autofree char *xml = NULL;
    g_auto(GStrv) args = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("switch dumpxml", error);
    sw = berth_client_find_switch_sync(connection, args[0], NULL, &error);
    if (sw == NULL || !berth_dbus_switch_call_get_definition_sync(sw, &xml, NULL, &error))
        return berth_cli_fail("switch dumpxml", error);
    fputs(xml, stdout);
    return 0;
}

static int
switch_delete(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusSwitch) sw = NULL;
    g_auto(GStrv) args = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("switch delete", error);
    sw = berth_client_find_switch_sync(connection, args[0], NULL, &error);
    if (sw == NULL || !berth_dbus_switch_call_delete_sync(sw, NULL, &error))
        return berth_cli_fail("switch delete", error);
    return 0;
}

static char *new_type;
static char *new_adapter;
static char *new_address;
static char *new_dhcp;
static char *new_vlan;
static char *new_notes;
static gboolean new_share;
static gboolean new_nat;

static const GOptionEntry new_options[] = {
    {"type", 0, 0, G_OPTION_ARG_FILENAME, &new_type, N_("The kind of switch (required)"),
     "external|internal|private"},
    {"adapter", 0, 0, G_OPTION_ARG_FILENAME, &new_adapter,
     N_("The host's adapter an external switch uses"), N_("IF")},
    {"share-with-host", 0, 0, G_OPTION_ARG_NONE, &new_share,
     N_("External: the host keeps using the adapter"), NULL},
    {"address", 0, 0, G_OPTION_ARG_FILENAME, &new_address,
     N_("Internal: the host's address, e.g. 192.168.50.1/24"), N_("CIDR")},
    {"nat", 0, 0, G_OPTION_ARG_NONE, &new_nat,
     N_("Internal: VMs reach the outside through the host (NAT)"), NULL},
    {"dhcp", 0, 0, G_OPTION_ARG_FILENAME, &new_dhcp,
     N_("Internal: hand out addresses in this range"), N_("FIRST-LAST")},
    {"vlan", 0, 0, G_OPTION_ARG_FILENAME, &new_vlan,
     N_("External, internal: the host's VLAN on the switch"), N_("ID")},
    {"notes", 0, 0, G_OPTION_ARG_FILENAME, &new_notes, N_("A note kept with the switch"),
     N_("TEXT")},
    G_OPTION_ENTRY_NULL,
};

static int
switch_new(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(HvxSwitchDef) def = NULL;
    g_autofree char *xml = NULL;
    g_auto(GStrv) args = NULL;
    int type_value;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    if (new_type == NULL)
        return berth_cli_usage_error(command, _("--type is missing"));
    type_value = hvx_switch_type_from_string(new_type);
    if (type_value < 0) {
        berth_cli_error("switch new", _("--type must be external, internal or private, not “%s”"),
                        new_type);
        return 1;
    }
    def = hvx_switch_def_new((HvxSwitchType)type_value);
    def->name = g_strdup(args[0]);
    def->notes = g_strdup(new_notes);
    def->adapter_name = g_strdup(new_adapter);
    def->adapter_share_with_host = new_share;
    def->address = g_strdup(new_address);
    def->nat = new_nat;
    if (new_dhcp != NULL) {
        g_autoptr(GError) error = NULL;

        /* The addresses themselves are checked with the definition, by libhvx's rules. */
        if (!hvx_ipv4_range_split(new_dhcp, "--dhcp", &def->dhcp_first, &def->dhcp_last, &error)) {
            berth_cli_error("switch new", "%s", error->message);
            return 1;
        }
    }
    if (new_vlan != NULL) {
        guint64 id = 0;

        if (!g_ascii_string_to_unsigned(new_vlan, 10, 1, 4094, &id, NULL)) {
            berth_cli_error("switch new", _("--vlan must be a number from 1 to 4094, not “%s”"),
                            new_vlan);
            return 1;
        }
        def->has_vlan = TRUE;
        def->vlan = (guint)id;
    }
    /* What the options mean for the switch is xml/'s and berthd's to check: the same rules
     * and words as for a definition file. */
    xml = hvx_switch_def_format(def);
    return define_switch("switch new", xml, NULL);
}

static const BerthCliCommand berth_cli_command_switch_list = {
    .name = "switch list",
    .run = switch_list,
    .summary = N_("List the virtual switches, their connection, VMs and status"),
    .options = list_options,
};

static const BerthCliCommand berth_cli_command_switch_define = {
    .name = "switch define",
    .run = switch_define,
    .summary = N_("Create or update a switch from a definition file"),
    .parameters = N_("FILE"),
};

static const BerthCliCommand berth_cli_command_switch_new = {
    .name = "switch new",
    .run = switch_new,
    .summary = N_("Create a switch from options"),
    .parameters = N_("NAME"),
    .options = new_options,
};

static const BerthCliCommand berth_cli_command_switch_dumpxml = {
    .name = "switch dumpxml",
    .run = switch_dumpxml,
    .summary = N_("Print a switch's definition"),
    .parameters = N_("SWITCH"),
};

static const BerthCliCommand berth_cli_command_switch_delete = {
    .name = "switch delete",
    .run = switch_delete,
    .summary = N_("Delete a switch no VM uses"),
    .parameters = N_("SWITCH"),
};

static const BerthCliCommand *const switch_commands[] = {
    &berth_cli_command_switch_list,   &berth_cli_command_switch_define,
    &berth_cli_command_switch_new,    &berth_cli_command_switch_dumpxml,
    &berth_cli_command_switch_delete, NULL,
};

const BerthCliCommand berth_cli_command_switch = {
    .name = "switch",
    .run = berth_cli_run_group,
    .summary = N_("List, create, change or delete virtual switches"),
    .parameters = N_("COMMAND [ARGUMENT…]"),
    .subcommands = switch_commands,
};
