/* berth-cli.h: the commands of the berth CLI, one file each (berth-cli-NAME.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "berth-dbus.h"

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

/* Talking to berthd (berth-cli-client.c). The address of --connect, else $BERTH_BUS_ADDRESS,
 * else the system bus when berthd is there, else the session bus. */
void berth_cli_set_address(const char *address);
/* The address --connect gave, or NULL. */
const char *berth_cli_get_address(void);
GDBusConnection *berth_cli_connect(GError **error);
BerthDBusHost *berth_cli_get_host(GDBusConnection *connection, GError **error);
/* The VM called @name_or_uuid (FindVirtualMachine); NotFound says so by name. */
BerthDBusVirtualMachine *berth_cli_find_vm(GDBusConnection *connection, const char *name_or_uuid,
                                           GError **error);
/* Prints @error (without GDBus's remote-error prefix) as one line and returns 1. */
int berth_cli_fail(const char *command, GError *error);

/* Parses "COMMAND [--help] ARG…" without options: @n_args positional arguments expected;
 * prints @usage for --help (sets *ret_exit to 0) or a usage error (*ret_exit 1). */
gboolean berth_cli_simple_args(int argc, char **argv, guint n_args, const char *usage,
                               int *ret_exit);

/* Sizes and disk jobs (berth-cli-disk.c). "20G" → bytes (suffix K, M, G or T, powers of 1024). */
gboolean berth_cli_parse_size(const char *text, guint64 *ret_bytes);
/* Waits for the Job at @path to end; 0 when it succeeded, else 1 with its error printed. */
int berth_cli_wait_for_job(GDBusConnection *connection, const char *command, const char *path);

/* Prints @rows (of NULL-terminated string arrays, @n_columns each) under @headers, columns
 * padded to their widest cell (berth-cli-table.c). */
void berth_cli_print_table(const char *const *headers, guint n_columns, GPtrArray *rows);

/* The switch called @name_or_uuid (FindSwitch). */
BerthDBusSwitch *berth_cli_find_switch(GDBusConnection *connection, const char *name_or_uuid,
                                       GError **error);

/* Each of berthd's objects that has @interface, from one GetManagedObjects call: GVariants of
 * type "(oa{sv})", the object's path and that interface's properties, in berthd's order. */
GPtrArray *berth_cli_list_objects(GDBusConnection *connection, const char *interface,
                                  GError **error);

/* @key's value in an a{sv}: "" or FALSE when absent. */
const char *berth_cli_dict_string(GVariant *dict, const char *key);
gboolean berth_cli_dict_bool(GVariant *dict, const char *key);

int berth_cli_validate(int argc, char **argv);
int berth_cli_host(int argc, char **argv);
int berth_cli_list(int argc, char **argv);
int berth_cli_define(int argc, char **argv);
int berth_cli_dumpxml(int argc, char **argv);
int berth_cli_delete(int argc, char **argv);
int berth_cli_rename(int argc, char **argv);
int berth_cli_lifecycle(int argc, char **argv); /* start, shutdown, turn-off, save, … */
int berth_cli_screenshot(int argc, char **argv);
int berth_cli_serial(int argc, char **argv);
int berth_cli_disk(int argc, char **argv);
int berth_cli_checkpoint(int argc, char **argv);
int berth_cli_checkpoints(int argc, char **argv);
int berth_cli_checkpoint_action(int argc, char **argv); /* apply, delete-checkpoint */
int berth_cli_new(int argc, char **argv);
int berth_cli_connect_vm(int argc, char **argv);
int berth_cli_switch(int argc, char **argv); /* switch list|define|delete|new|dumpxml */
int berth_cli_adapters(int argc, char **argv);
int berth_cli_mac_range(int argc, char **argv);

G_END_DECLS
