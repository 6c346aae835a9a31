/* berth-cli.h: the commands of the berth CLI, one file each (berth-cli-NAME.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A command gets its own arguments (argv[0] is the command's name) and returns the exit
 * status. It prints its results on stdout and its errors on stderr. */
typedef int (*BerthCliCommandFunc)(int argc, char **argv);

typedef struct {
    const char *name;
    BerthCliCommandFunc run;
    const char *summary; /* N_() marked; shown translated by --help */
} BerthCliCommand;

/* The command table, NULL-terminated. */
const BerthCliCommand *berth_cli_commands(void);
const BerthCliCommand *berth_cli_find_command(const char *name);

/* "berth: message" (or "berth COMMAND: message") on stderr. */
void berth_cli_error(const char *command, const char *format, ...) G_GNUC_PRINTF(2, 3);

int berth_cli_validate(int argc, char **argv);

G_END_DECLS
