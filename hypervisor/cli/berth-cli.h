/* berth-cli.h: the commands of the berth CLI, one file each (berth-cli-NAME.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "berth-client.h"

G_BEGIN_DECLS

typedef struct _BerthCliCommand BerthCliCommand;

/* A command gets itself and its own arguments (argv[0] is the command's name) and returns the
 * exit status: 0, 1 when it failed, 2 when the command line was wrong. It prints its results on
 * stdout and its errors on stderr. */
typedef int (*BerthCliCommandFunc)(const BerthCliCommand *command, int argc, char **argv);

/* How a command is called. Its options are parsed by GOptionContext (berth-cli-syntax.c), which
 * gives every command the same --help and the same usage errors; bash completion reads the same
 * table ("berth __complete"). */
struct _BerthCliCommand {
    const char *name;            /* "list", "switch new" */
    BerthCliCommandFunc run;     /* berth_cli_run_group for a group of commands */
    const char *summary;         /* N_(): one line, shown by "berth --help" */
    const char *parameters;      /* N_(): "VM [NAME]", "FILE…"; NULL when it takes none. Words
                                  * in [] are optional, a word with … repeats. VM and SWITCH
                                  * name berthd's VMs and switches; FILE, SOURCE, TARGET files. */
    const GOptionEntry *options; /* NULL-terminated, or NULL. Values are G_OPTION_ARG_FILENAME
                                  * (the bytes as given: ARG_STRING converts from the locale's
                                  * charset and refuses a UTF-8 name under LC_ALL=C); a value
                                  * named FILE completes as a file, "a|b" as a choice. */
    const char *description;     /* N_(): shown by --help after the options, or NULL */
    const BerthCliCommand *const *subcommands; /* a group's commands (NULL-terminated) */
};

/* berth itself: its global options (--connect, --version) and every command
 * (berth-cli-commands.c). */
extern const BerthCliCommand berth_cli_main_command;

/* Parses @argv by @command's options with GOptionContext: --help prints the command's help and
 * exits 0. Returns the positional arguments (NULL-terminated; for a group, the subcommand and
 * its arguments), or NULL with *ret_exit set to 2 after printing a usage error: an unknown
 * option, an option without its value, or (not for groups) missing or extra arguments. */
char **berth_cli_parse_args(const BerthCliCommand *command, int argc, char **argv, int *ret_exit);
/* The words of @parameters without their brackets and dots, and how many arguments are needed
 * and allowed (G_MAXUINT: no limit). "VM [NAME]" → {VM, NAME}, 1, 2; "FILE…" → {FILE}, 1,
 * G_MAXUINT. */
char **berth_cli_parameter_words(const char *parameters, guint *ret_min, guint *ret_max);
/* "berth COMMAND: message" and the command's usage line on stderr; returns 2. */
int berth_cli_usage_error(const BerthCliCommand *command, const char *format, ...)
    G_GNUC_PRINTF(2, 3);
/* Runs the subcommand @args[0] of the group @command (@args: its positional arguments). */
int berth_cli_run_subcommand(const BerthCliCommand *command, char **args);
/* A group's run function ("berth", "berth switch …", "berth disk …"): its options, then the
 * subcommand. */
int berth_cli_run_group(const BerthCliCommand *command, int argc, char **argv);
/* The command called @name among @group's subcommands (the last word of their names). */
const BerthCliCommand *berth_cli_find_subcommand(const BerthCliCommand *group, const char *name);

/* "berth __complete CWORD WORD…" (berth-cli-complete.c): what bash may complete COMP_WORDS
 * [CWORD] with. Hidden: not in the command table. */
int berth_cli_complete(int argc, char **argv);

/* "berth: message" (or "berth COMMAND: message") on stderr. */
void berth_cli_error(const char *command, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* Talking to berthd (berth-cli-client.c, over hypervisor/api/berth-client.h). */
void berth_cli_set_address(const char *address);
/* The address --connect gave, or NULL. */
const char *berth_cli_get_address(void);
/* berth_client_connect_sync() with --connect's address. */
GDBusConnection *berth_cli_connect(GError **error);
/* Prints berth_client_error_message() of @error as one line and returns 1. */
int berth_cli_fail(const char *command, GError *error);
/* Prints an InvalidDefinition @error, whose lines read "SOURCE:LINE: message" (@source: the
 * name the text was checked under, "vm.xml" or "switch.xml"), as the person knows it: pointing
 * into @file, or without the line number when the text came from options (@file NULL); other
 * lines as "berth COMMAND: line". Returns 1. */
int berth_cli_fail_invalid_definition(const char *command, const char *source, const char *file,
                                      GError *error);

/* Sizes and disk jobs (berth-cli-disk.c). "20G" → bytes (suffix K, M, G or T, powers of 1024). */
gboolean berth_cli_parse_size(const char *text, guint64 *ret_bytes);
/* Waits for the Job at @path to end; 0 when it succeeded, else 1 with its error printed. */
int berth_cli_wait_for_job(GDBusConnection *connection, const char *command, const char *path);

/* Prints @rows (of NULL-terminated string arrays, @n_columns each) under @headers, columns
 * padded to their widest cell (berth-cli-table.c). */
void berth_cli_print_table(const char *const *headers, guint n_columns, GPtrArray *rows);

/* Each of berthd's objects that has @interface, from one GetManagedObjects call: GVariants of
 * type "(oa{sv})", the object's path and that interface's properties, in berthd's order. */
GPtrArray *berth_cli_list_objects(GDBusConnection *connection, const char *interface,
                                  GError **error);

/* @key's value in an a{sv}: "" or FALSE when absent. */
const char *berth_cli_dict_string(GVariant *dict, const char *key);
gboolean berth_cli_dict_bool(GVariant *dict, const char *key);

/* The commands, one or more a file. */
extern const BerthCliCommand berth_cli_command_validate;
extern const BerthCliCommand berth_cli_command_host;
extern const BerthCliCommand berth_cli_command_list;
extern const BerthCliCommand berth_cli_command_define;
extern const BerthCliCommand berth_cli_command_new;
extern const BerthCliCommand berth_cli_command_dumpxml;
extern const BerthCliCommand berth_cli_command_rename;
extern const BerthCliCommand berth_cli_command_delete;
extern const BerthCliCommand berth_cli_command_start;
extern const BerthCliCommand berth_cli_command_shutdown;
extern const BerthCliCommand berth_cli_command_turn_off;
extern const BerthCliCommand berth_cli_command_save;
extern const BerthCliCommand berth_cli_command_pause;
extern const BerthCliCommand berth_cli_command_resume;
extern const BerthCliCommand berth_cli_command_reset;
extern const BerthCliCommand berth_cli_command_screenshot;
extern const BerthCliCommand berth_cli_command_connect;
extern const BerthCliCommand berth_cli_command_serial;
extern const BerthCliCommand berth_cli_command_disk;
extern const BerthCliCommand berth_cli_command_checkpoint;
extern const BerthCliCommand berth_cli_command_checkpoints;
extern const BerthCliCommand berth_cli_command_apply;
extern const BerthCliCommand berth_cli_command_delete_checkpoint;
extern const BerthCliCommand berth_cli_command_switch;
extern const BerthCliCommand berth_cli_command_adapters;
extern const BerthCliCommand berth_cli_command_mac_range;

G_END_DECLS
