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

#define SWITCH_INTERFACE "org.berth.Berth1.Switch"
/* berthd names the text it validated "switch.xml". */
#define BERTHD_SOURCE_PREFIX "switch.xml:"

BerthDBusSwitch *
berth_cli_find_switch(GDBusConnection *connection, const char *name_or_uuid, GError **error)
{
    g_autoptr(BerthDBusHost) host = berth_cli_get_host(connection, error);
    g_autofree char *path = NULL;

    if (host == NULL ||
        !berth_dbus_host_call_find_switch_sync(host, name_or_uuid, &path, NULL, error))
        return NULL;
    return berth_dbus_switch_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE, "org.berth.Berth1",
                                            path, NULL, error);
}

/* The Switch interfaces' properties (a{sv} each) among berthd's objects. */
static GPtrArray *
list_switches(GDBusConnection *connection, GError **error)
{
    g_autoptr(GPtrArray) objects = berth_cli_list_objects(connection, SWITCH_INTERFACE, error);
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

static int
switch_list(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(GPtrArray) switches = NULL;
    g_autoptr(GPtrArray) rows = NULL;
    const char *usage = _("Usage: berth switch list [--json]");
    gboolean json = FALSE;

    for (int i = 1; i < argc; i++) {
        if (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h")) {
            printf("%s\n", usage);
            return 0;
        } else if (g_str_equal(argv[i], "--json")) {
            json = TRUE;
        } else {
            berth_cli_error("switch list", "%s", usage);
            return 1;
        }
    }
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("switch list", error);
    switches = list_switches(connection, &error);
    if (switches == NULL)
        return berth_cli_fail("switch list", error);
    g_ptr_array_sort(switches, compare_by_name);
    if (json) {
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

/* berthd's "switch.xml:LINE: message" lines, told about @file (or without the prefix). */
static void
print_invalid_definition(const char *command, const char *file, const char *message)
{
    g_auto(GStrv) lines = g_strsplit(message, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];

        if (*line == '\0')
            continue;
        if (g_str_has_prefix(line, BERTHD_SOURCE_PREFIX)) {
            const char *rest = line + strlen(BERTHD_SOURCE_PREFIX);

            if (file != NULL) {
                fprintf(stderr, "%s:%s\n", file, rest);
                continue;
            }
            /* No file to point into: drop the line number too. */
            while (g_ascii_isdigit(*rest))
                rest++;
            if (*rest == ':')
                rest++;
            line = g_strstrip((char *)rest);
        }
        berth_cli_error(command, "%s", line);
    }
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
    host = berth_cli_get_host(connection, &error);
    if (host == NULL || !berth_dbus_host_call_define_switch_sync(host, xml, &path, NULL, &error)) {
        g_autofree char *name = g_dbus_error_get_remote_error(error);

        if (g_strcmp0(name, "org.berth.Berth1.Error.InvalidDefinition") == 0) {
            g_dbus_error_strip_remote_error(error);
            print_invalid_definition(command, file, error->message);
            return 1;
        }
        return berth_cli_fail(command, error);
    }
    sw = berth_dbus_switch_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE, "org.berth.Berth1",
                                          path, NULL, &error);
    if (sw == NULL)
        return berth_cli_fail(command, error);
    /* Translators: "Defined the switch “Lab” (6f1c2a3e-…): Active". */
    printf(_("Defined the switch “%s” (%s): %s\n"), berth_dbus_switch_get_name(sw),
           berth_dbus_switch_get_uuid(sw), berth_dbus_switch_get_status(sw));
    return 0;
}

static int
switch_define(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    int exit_status;

    if (!berth_cli_simple_args(argc, argv, 1, _("Usage: berth switch define FILE"), &exit_status))
        return exit_status;
    if (!g_file_get_contents(argv[argc - 1], &xml, NULL, &error))
        return berth_cli_fail("switch define", error);
    return define_switch("switch define", xml, argv[argc - 1]);
}

static int
switch_dumpxml(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusSwitch) sw = NULL;
    g_autofree char *xml = NULL;
    int exit_status;

    if (!berth_cli_simple_args(argc, argv, 1, _("Usage: berth switch dumpxml NAME"), &exit_status))
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("switch dumpxml", error);
    sw = berth_cli_find_switch(connection, argv[argc - 1], &error);
    if (sw == NULL || !berth_dbus_switch_call_get_definition_sync(sw, &xml, NULL, &error))
        return berth_cli_fail("switch dumpxml", error);
    fputs(xml, stdout);
    return 0;
}

static int
switch_delete(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusSwitch) sw = NULL;
    int exit_status;

    if (!berth_cli_simple_args(argc, argv, 1, _("Usage: berth switch delete NAME"), &exit_status))
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("switch delete", error);
    sw = berth_cli_find_switch(connection, argv[argc - 1], &error);
    if (sw == NULL || !berth_dbus_switch_call_delete_sync(sw, NULL, &error))
        return berth_cli_fail("switch delete", error);
    return 0;
}

static const char *
new_usage(void)
{
    return _("Usage: berth switch new NAME --type external|internal|private [OPTION…]\n\n"
             "  --adapter IF         the host's adapter an external switch uses\n"
             "  --share-with-host    external: the host keeps using the adapter\n"
             "  --address CIDR       internal: the host's address, e.g. 192.168.50.1/24\n"
             "  --nat                internal: VMs reach the outside through the host (NAT)\n"
             "  --dhcp FIRST-LAST    internal: hand out addresses in this range\n"
             "  --vlan ID            external, internal: the host's VLAN on the switch\n"
             "  --notes TEXT         a note kept with the switch");
}

/* The value of option argv[*i] ("--x VALUE" or "--x=VALUE"). */
static const char *
option_value(int argc, char **argv, int *i, const char *option)
{
    gsize len = strlen(option);

    if (argv[*i][len] == '=')
        return argv[*i] + len + 1;
    if (*i + 1 >= argc) {
        /* Translators: %s is an option such as --adapter. */
        berth_cli_error("switch new", _("%s needs a value"), option);
        return NULL;
    }
    return argv[++*i];
}

static gboolean
is_option(const char *arg, const char *option)
{
    gsize len = strlen(option);

    return strncmp(arg, option, len) == 0 && (arg[len] == '\0' || arg[len] == '=');
}

static int
switch_new(int argc, char **argv)
{
    g_autoptr(HvxSwitchDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    const char *name = NULL;
    const char *type = NULL;
    const char *adapter = NULL;
    const char *address = NULL;
    const char *dhcp = NULL;
    const char *vlan = NULL;
    const char *notes = NULL;
    gboolean share = FALSE;
    gboolean nat = FALSE;
    int type_value;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **target = NULL;
        const char *option = NULL;

        if (g_str_equal(arg, "--help") || g_str_equal(arg, "-h")) {
            printf("%s\n", new_usage());
            return 0;
        } else if (g_str_equal(arg, "--share-with-host")) {
            share = TRUE;
            continue;
        } else if (g_str_equal(arg, "--nat")) {
            nat = TRUE;
            continue;
        }
        if (is_option(arg, "--type"))
            target = &type, option = "--type";
        else if (is_option(arg, "--adapter"))
            target = &adapter, option = "--adapter";
        else if (is_option(arg, "--address"))
            target = &address, option = "--address";
        else if (is_option(arg, "--dhcp"))
            target = &dhcp, option = "--dhcp";
        else if (is_option(arg, "--vlan"))
            target = &vlan, option = "--vlan";
        else if (is_option(arg, "--notes"))
            target = &notes, option = "--notes";
        if (target != NULL) {
            *target = option_value(argc, argv, &i, option);
            if (*target == NULL)
                return 1;
        } else if (arg[0] == '-' || name != NULL) {
            /* Translators: %s is what was not understood. */
            berth_cli_error("switch new", _("unexpected “%s”; see “berth switch new --help”"), arg);
            return 1;
        } else {
            name = arg;
        }
    }
    if (name == NULL || type == NULL) {
        berth_cli_error("switch new", "%s", new_usage());
        return 1;
    }
    type_value = hvx_switch_type_from_string(type);
    if (type_value < 0) {
        berth_cli_error("switch new", _("--type must be external, internal or private, not “%s”"),
                        type);
        return 1;
    }
    def = hvx_switch_def_new((HvxSwitchType)type_value);
    def->name = g_strdup(name);
    def->notes = g_strdup(notes);
    def->adapter_name = g_strdup(adapter);
    def->adapter_share_with_host = share;
    def->address = g_strdup(address);
    def->nat = nat;
    if (dhcp != NULL) {
        const char *dash = strchr(dhcp, '-');

        if (dash == NULL || dash == dhcp || dash[1] == '\0') {
            berth_cli_error(
                "switch new",
                _("--dhcp needs a range FIRST-LAST, e.g. 192.168.50.100-192.168.50.199"));
            return 1;
        }
        def->dhcp_first = g_strndup(dhcp, (gsize)(dash - dhcp));
        def->dhcp_last = g_strdup(dash + 1);
    }
    if (vlan != NULL) {
        guint64 id = 0;

        if (!g_ascii_string_to_unsigned(vlan, 10, 1, 4094, &id, NULL)) {
            berth_cli_error("switch new", _("--vlan must be a number from 1 to 4094, not “%s”"),
                            vlan);
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

static const struct {
    const char *name;
    BerthCliCommandFunc run;
} switch_commands[] = {
    {"list", switch_list}, {"define", switch_define},   {"delete", switch_delete},
    {"new", switch_new},   {"dumpxml", switch_dumpxml},
};

int
berth_cli_switch(int argc, char **argv)
{
    const char *usage =
        _("Usage: berth switch COMMAND …\n\n"
          "  list [--json]       the virtual switches, their connection, VMs and status\n"
          "  define FILE         create or update a switch from a definition file\n"
          "  new NAME --type …   create a switch from options (see “berth switch new --help”)\n"
          "  dumpxml NAME        print a switch's definition\n"
          "  delete NAME         delete a switch no VM uses");

    if (argc < 2 || g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) {
        if (argc < 2) {
            berth_cli_error("switch", "%s", usage);
            return 1;
        }
        printf("%s\n", usage);
        return 0;
    }
    for (guint i = 0; i < G_N_ELEMENTS(switch_commands); i++) {
        if (g_str_equal(switch_commands[i].name, argv[1])) {
            /* Messages name the whole command: "berth switch define: …". */
            g_autofree char *full = g_strconcat("switch ", argv[1], NULL);

            argv[1] = full;
            return switch_commands[i].run(argc - 1, argv + 1);
        }
    }
    /* Translators: %s is the unknown subcommand. */
    berth_cli_error("switch", _("unknown command “%s”; see “berth switch --help”"), argv[1]);
    return 1;
}
