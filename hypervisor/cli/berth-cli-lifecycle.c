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

static char *shutdown_timeout;

static const GOptionEntry shutdown_options[] = {
    {"timeout", 0, 0, G_OPTION_ARG_FILENAME, &shutdown_timeout,
     N_("How long the guest may take (default 120); after that the command fails and the VM "
        "keeps running"),
     N_("SECONDS")},
    G_OPTION_ENTRY_NULL,
};

static int
run_action(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autoptr(GVariant) reply = NULL;
    g_auto(GStrv) args = NULL;
    const char *method = NULL;
    gboolean is_shutdown = command == &berth_cli_command_shutdown;
    guint64 timeout = 0;
    int exit_status;

    for (guint i = 0; i < G_N_ELEMENTS(berth_cli_actions); i++) {
        if (g_str_equal(berth_cli_actions[i].command, command->name))
            method = berth_cli_actions[i].method;
    }
    g_assert(method != NULL);
    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    if (shutdown_timeout != NULL &&
        !g_ascii_string_to_unsigned(shutdown_timeout, 10, 0, G_MAXUINT32, &timeout, NULL)) {
        berth_cli_error(command->name, _("--timeout wants a number of seconds, not “%s”"),
                        shutdown_timeout);
        return 1;
    }
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail(command->name, error);
    vm = berth_client_find_vm_sync(connection, args[0], NULL, &error);
    if (vm == NULL)
        return berth_cli_fail(command->name, error);
    /* Start, ShutDown and Save take as long as the guest takes: the VM proxy's default timeout
     * (BERTH_CLIENT_VM_TIMEOUT_MS) waits for them. */
    reply = g_dbus_proxy_call_sync(G_DBUS_PROXY(vm), method,
                                   is_shutdown ? g_variant_new("(u)", (guint32)timeout) : NULL,
                                   G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    if (reply == NULL)
        return berth_cli_fail(command->name, error);
    return 0;
}

static int
run_screenshot(const BerthCliCommand *command, int argc, char **argv)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autoptr(GVariant) png = NULL;
    const guint8 *data;
    gsize size = 0;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("screenshot", error);
    vm = berth_client_find_vm_sync(connection, args[0], NULL, &error);
    if (vm == NULL || !berth_dbus_virtual_machine_call_screenshot_sync(vm, &png, NULL, &error))
        return berth_cli_fail("screenshot", error);
    data = g_variant_get_fixed_array(png, &size, 1);
    if (!g_file_set_contents(args[1], (const char *)data, (gssize)size, &error))
        return berth_cli_fail("screenshot", error);
    return 0;
}

/* One entry a command: the names are the table's, the options shutdown's alone. */
#define BERTH_CLI_ACTION(NAME, SUMMARY)                                              \
    {                                                                                \
        .name = NAME, .run = run_action, .summary = SUMMARY, .parameters = N_("VM"), \
    }

const BerthCliCommand berth_cli_command_start =
    BERTH_CLI_ACTION("start", N_("Start a VM (or restore its saved state)"));
const BerthCliCommand berth_cli_command_turn_off =
    BERTH_CLI_ACTION("turn-off", N_("Turn a VM off at once"));
const BerthCliCommand berth_cli_command_save =
    BERTH_CLI_ACTION("save", N_("Save a VM's state and stop it"));
const BerthCliCommand berth_cli_command_pause = BERTH_CLI_ACTION("pause", N_("Pause a VM"));
const BerthCliCommand berth_cli_command_resume =
    BERTH_CLI_ACTION("resume", N_("Resume a paused VM"));
const BerthCliCommand berth_cli_command_reset = BERTH_CLI_ACTION("reset", N_("Reset a VM"));

const BerthCliCommand berth_cli_command_shutdown = {
    .name = "shutdown",
    .run = run_action,
    .summary = N_("Ask a VM's guest to shut down"),
    .parameters = N_("VM"),
    .options = shutdown_options,
};

const BerthCliCommand berth_cli_command_screenshot = {
    .name = "screenshot",
    .run = run_screenshot,
    .summary = N_("Save a VM's screen as PNG"),
    .parameters = N_("VM FILE.png"),
};
