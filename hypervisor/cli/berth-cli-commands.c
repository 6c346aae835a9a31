/* berth-cli-commands.c: berth's global options and the table of its commands.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

static gboolean
on_connect(const char *option, const char *value, gpointer data, GError **error)
{
    berth_cli_set_address(value);
    return TRUE;
}

static gboolean
on_version(const char *option, const char *value, gpointer data, GError **error)
{
    printf("berth %s\n", BERTH_VERSION);
    exit(0);
}

static const GOptionEntry berth_cli_main_options[] = {
    {"connect", 0, 0, G_OPTION_ARG_CALLBACK, on_connect,
     N_("berthd's D-Bus bus (else $BERTH_BUS_ADDRESS, else the system bus when berthd runs "
        "there, else the session bus)"),
     N_("ADDRESS")},
    {"version", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_version,
     N_("Print the version and exit"), NULL},
    G_OPTION_ENTRY_NULL,
};

static const BerthCliCommand *const berth_cli_command_table[] = {
    &berth_cli_command_validate,
    &berth_cli_command_host,
    &berth_cli_command_list,
    &berth_cli_command_define,
    &berth_cli_command_new,
    &berth_cli_command_dumpxml,
    &berth_cli_command_rename,
    &berth_cli_command_delete,
    &berth_cli_command_start,
    &berth_cli_command_shutdown,
    &berth_cli_command_turn_off,
    &berth_cli_command_save,
    &berth_cli_command_pause,
    &berth_cli_command_resume,
    &berth_cli_command_reset,
    &berth_cli_command_screenshot,
    &berth_cli_command_connect,
    &berth_cli_command_serial,
    &berth_cli_command_disk,
    &berth_cli_command_checkpoint,
    &berth_cli_command_checkpoints,
    &berth_cli_command_apply,
    &berth_cli_command_delete_checkpoint,
    &berth_cli_command_switch,
    &berth_cli_command_adapters,
    &berth_cli_command_mac_range,
    NULL,
};

const BerthCliCommand berth_cli_main_command = {
    .name = "",
    .run = berth_cli_run_group,
    .summary = N_("Manage Berth's virtual machines and virtual switches through berthd."),
    .parameters = N_("COMMAND [ARGUMENT…]"),
    .options = berth_cli_main_options,
    .subcommands = berth_cli_command_table,
};

void
berth_cli_error(const char *command, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    if (command != NULL)
        fprintf(stderr, "berth %s: %s\n", command, message);
    else
        fprintf(stderr, "berth: %s\n", message);
}
