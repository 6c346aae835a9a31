/* berth-cli-commands.c: the table of berth's commands. Later commands (list, start, …) that talk
 * to berthd over D-Bus are added here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

static const BerthCliCommand berth_cli_command_table[] = {
    {"validate", berth_cli_validate, N_("Check VM and switch definition files")},
    {NULL, NULL, NULL},
};

const BerthCliCommand *
berth_cli_commands(void)
{
    return berth_cli_command_table;
}

const BerthCliCommand *
berth_cli_find_command(const char *name)
{
    g_return_val_if_fail(name != NULL, NULL);

    for (const BerthCliCommand *c = berth_cli_command_table; c->name != NULL; c++) {
        if (g_str_equal(c->name, name))
            return c;
    }
    return NULL;
}

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
