/* berth-cli-adapters.c: "berth adapters [--json]", the host's physical network adapters, and
 * "berth mac-range [FIRST LAST]", the range dynamic MAC addresses come from.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "berth-cli.h"

static gboolean adapters_json;

static const GOptionEntry adapters_options[] = {
    {"json", 0, 0, G_OPTION_ARG_NONE, &adapters_json, N_("A JSON array of the adapters"), NULL},
    G_OPTION_ENTRY_NULL,
};

static int
run_adapters(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusHost) host = NULL;
    g_autoptr(GVariant) adapters = NULL;
    g_auto(GStrv) args = NULL;
    int exit_status;
    gsize n;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("adapters", error);
    host = berth_client_get_host_sync(connection, NULL, &error);
    if (host == NULL || !berth_dbus_host_call_list_adapters_sync(host, &adapters, NULL, &error))
        return berth_cli_fail("adapters", error);
    n = g_variant_n_children(adapters);
    if (adapters_json) {
        g_autoptr(JsonNode) root = json_gvariant_serialize(adapters);
        g_autoptr(JsonGenerator) generator = json_generator_new();
        g_autofree char *text = NULL;

        json_generator_set_root(generator, root);
        json_generator_set_pretty(generator, TRUE);
        text = json_generator_to_data(generator, NULL);
        printf("%s\n", text);
        return 0;
    }
    {
        const char *headers[] = {_("Name"),      _("Kind"),    _("Link"),  _("MAC"),
                                 _("Addresses"), _("Used by"), _("Usable")};
        g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

        for (gsize i = 0; i < n; i++) {
            g_autoptr(GVariant) adapter = g_variant_get_child_value(adapters, i);
            g_autofree const char **addresses = NULL;
            const char *kind = berth_cli_dict_string(adapter, "kind");
            const char *reason = berth_cli_dict_string(adapter, "reason");
            char **row = g_new0(char *, G_N_ELEMENTS(headers) + 1);

            if (!g_variant_lookup(adapter, "addresses", "^a&s", &addresses))
                addresses = g_new0(const char *, 1);
            row[0] = g_strdup(berth_cli_dict_string(adapter, "name"));
            row[1] = g_strdup(g_str_equal(kind, "wireless") ? _("wireless") : _("wired"));
            row[2] = g_strdup(berth_cli_dict_bool(adapter, "up") ? _("up") : _("down"));
            row[3] = g_strdup(berth_cli_dict_string(adapter, "mac"));
            row[4] = addresses[0] != NULL ? g_strjoinv(" ", (char **)addresses) : g_strdup("-");
            row[5] = g_strdup(*berth_cli_dict_string(adapter, "used-by") != '\0'
                                  ? berth_cli_dict_string(adapter, "used-by")
                                  : "-");
            row[6] = berth_cli_dict_bool(adapter, "usable")
                         ? g_strdup(_("yes"))
                         /* Translators: "no: <why>" in the Usable column. */
                         : g_strdup_printf(_("no: %s"), reason);
            g_ptr_array_add(rows, row);
        }
        berth_cli_print_table(headers, G_N_ELEMENTS(headers), rows);
    }
    return 0;
}

static int
run_mac_range(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusHost) host = NULL;
    g_auto(GStrv) args = NULL;
    const char *first = NULL;
    const char *last = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    if (g_strv_length(args) == 1)
        return berth_cli_usage_error(command, _("%s is missing"), _("LAST"));
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("mac-range", error);
    host = berth_client_get_host_sync(connection, NULL, &error);
    if (host == NULL)
        return berth_cli_fail("mac-range", error);
    if (args[0] != NULL &&
        !berth_dbus_host_call_set_mac_address_range_sync(host, args[0], args[1], NULL, &error))
        return berth_cli_fail("mac-range", error);
    if (args[0] != NULL) {
        /* The proxy's cache follows PropertiesChanged; read the answer fresh. */
        g_clear_object(&host);
        host = berth_client_get_host_sync(connection, NULL, &error);
        if (host == NULL)
            return berth_cli_fail("mac-range", error);
    }
    {
        GVariant *range = berth_dbus_host_get_mac_address_range(host);

        if (range == NULL) {
            berth_cli_error("mac-range", _("berthd did not say its MAC address range"));
            return 1;
        }
        g_variant_get(range, "(&s&s)", &first, &last);
        printf("%s %s\n", first, last);
    }
    return 0;
}

const BerthCliCommand berth_cli_command_adapters = {
    .name = "adapters",
    .run = run_adapters,
    .summary = N_("List the host's physical network adapters"),
    .options = adapters_options,
    .description = N_("Lists the host's physical network adapters and whether an external "
                      "switch can use them."),
};

const BerthCliCommand berth_cli_command_mac_range = {
    .name = "mac-range",
    .run = run_mac_range,
    .summary = N_("Show or set the range of dynamic MAC addresses"),
    .parameters = N_("[FIRST LAST]"),
    .description = N_("Prints the range dynamic MAC addresses come from, or sets it, e.g.\n"
                      "berth mac-range 52:54:00:a0:00:00 52:54:00:a0:ff:ff"),
};
