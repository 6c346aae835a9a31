/* berth-cli-lifecycle.c: "berth start|shutdown|turn-off|save|pause|resume|reset VM" and
 * "berth screenshot VM FILE.png".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

static const struct {
    const char *command;
    const char *method;
} berth_cli_actions[] = {
    {"start", "Start"}, {"shutdown", "ShutDown"}, {"turn-off", "TurnOff"}, {"save", "Save"},
    {"pause", "Pause"}, {"resume", "Resume"},     {"reset", "Reset"},
};

int
berth_cli_lifecycle(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *usage = NULL;
    const char *command = argv[0];
    const char *method = NULL;
    const char *name = NULL;
    gboolean is_shutdown = g_str_equal(command, "shutdown");
    guint64 timeout = 0;

    for (guint i = 0; i < G_N_ELEMENTS(berth_cli_actions); i++) {
        if (g_str_equal(berth_cli_actions[i].command, command))
            method = berth_cli_actions[i].method;
    }
    g_assert(method != NULL);
    usage = is_shutdown ? g_strdup(_("Usage: berth shutdown [--timeout SECONDS] VM"))
                        : g_strdup_printf(_("Usage: berth %s VM"), command);

    for (int i = 1; i < argc; i++) {
        if (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h")) {
            printf("%s\n", usage);
            return 0;
        } else if (is_shutdown && g_str_equal(argv[i], "--timeout") && i + 1 < argc) {
            if (!g_ascii_string_to_unsigned(argv[++i], 10, 0, G_MAXUINT32, &timeout, NULL)) {
                berth_cli_error(command, _("--timeout wants a number of seconds"));
                return 1;
            }
        } else if (argv[i][0] == '-' || name != NULL) {
            berth_cli_error(command, "%s", usage);
            return 1;
        } else {
            name = argv[i];
        }
    }
    if (name == NULL) {
        berth_cli_error(command, "%s", usage);
        return 1;
    }
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail(command, error);
    vm = berth_cli_find_vm(connection, name, &error);
    if (vm == NULL)
        return berth_cli_fail(command, error);
    /* Start, ShutDown and Save take as long as the guest takes: no D-Bus timeout. */
    reply = g_dbus_connection_call_sync(
        connection, "org.berth.Berth1", g_dbus_proxy_get_object_path(G_DBUS_PROXY(vm)),
        "org.berth.Berth1.VirtualMachine", method,
        is_shutdown ? g_variant_new("(u)", (guint32)timeout) : NULL, G_VARIANT_TYPE_UNIT,
        G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, &error);
    if (reply == NULL)
        return berth_cli_fail(command, error);
    return 0;
}

int
berth_cli_screenshot(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autoptr(GVariant) png = NULL;
    const guint8 *data;
    gsize size = 0;
    int exit_status;

    if (!berth_cli_simple_args(argc, argv, 2, _("Usage: berth screenshot VM FILE.png"),
                               &exit_status))
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("screenshot", error);
    vm = berth_cli_find_vm(connection, argv[argc - 2], &error);
    if (vm == NULL || !berth_dbus_virtual_machine_call_screenshot_sync(vm, &png, NULL, &error))
        return berth_cli_fail("screenshot", error);
    data = g_variant_get_fixed_array(png, &size, 1);
    if (!g_file_set_contents(argv[argc - 1], (const char *)data, (gssize)size, &error))
        return berth_cli_fail("screenshot", error);
    return 0;
}
