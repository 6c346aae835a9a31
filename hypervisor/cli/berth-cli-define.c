/* berth-cli-define.c: "berth define FILE", "berth dumpxml VM", "berth rename VM NEW" and
 * "berth delete VM [--delete-disks]": the definitions berthd keeps.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

static int
run_define(const BerthCliCommand *command, int argc, char **argv)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusHost) host = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;
    const char *file;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    file = args[0];
    if (!g_file_get_contents(file, &xml, NULL, &error))
        return berth_cli_fail("define", error);
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("define", error);
    host = berth_client_get_host_sync(connection, NULL, &error);
    if (host == NULL ||
        !berth_dbus_host_call_define_virtual_machine_sync(host, xml, &path, NULL, &error)) {
        /* berthd names the text it validated "vm.xml"; the person knows it as FILE. */
        if (g_error_matches(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION))
            return berth_cli_fail_invalid_definition("define", "vm.xml", file, error);
        return berth_cli_fail("define", error);
    }
    vm = berth_client_get_vm_sync(connection, path, NULL, &error);
    if (vm == NULL)
        return berth_cli_fail("define", error);
    /* Translators: "Defined “Web server” (6f1c2a3e-…)". */
    printf(_("Defined “%s” (%s)\n"), berth_dbus_virtual_machine_get_name(vm),
           berth_dbus_virtual_machine_get_uuid(vm));
    return 0;
}

static int
run_dumpxml(const BerthCliCommand *command, int argc, char **argv)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autofree char *xml = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("dumpxml", error);
    vm = berth_client_find_vm_sync(connection, args[0], NULL, &error);
    if (vm == NULL || !berth_dbus_virtual_machine_call_get_definition_sync(vm, &xml, NULL, &error))
        return berth_cli_fail("dumpxml", error);
    fputs(xml, stdout);
    return 0;
}

static int
run_rename(const BerthCliCommand *command, int argc, char **argv)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("rename", error);
    vm = berth_client_find_vm_sync(connection, args[0], NULL, &error);
    if (vm == NULL || !berth_dbus_virtual_machine_call_rename_sync(vm, args[1], NULL, &error))
        return berth_cli_fail("rename", error);
    return 0;
}

static gboolean delete_disks;

static const GOptionEntry delete_options[] = {
    {"delete-disks", 0, 0, G_OPTION_ARG_NONE, &delete_disks,
     N_("Delete the VM's disks inside its folder too"), NULL},
    G_OPTION_ENTRY_NULL,
};

static int
run_delete(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_auto(GStrv) args = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("delete", error);
    vm = berth_client_find_vm_sync(connection, args[0], NULL, &error);
    if (vm == NULL || !berth_dbus_virtual_machine_call_delete_sync(vm, delete_disks, NULL, &error))
        return berth_cli_fail("delete", error);
    return 0;
}

const BerthCliCommand berth_cli_command_define = {
    .name = "define",
    .run = run_define,
    .summary = N_("Create or update a VM from a definition file"),
    .parameters = N_("FILE"),
};

const BerthCliCommand berth_cli_command_dumpxml = {
    .name = "dumpxml",
    .run = run_dumpxml,
    .summary = N_("Print a VM's definition"),
    .parameters = N_("VM"),
};

const BerthCliCommand berth_cli_command_rename = {
    .name = "rename",
    .run = run_rename,
    .summary = N_("Rename a VM"),
    .parameters = N_("VM NEW-NAME"),
};

const BerthCliCommand berth_cli_command_delete = {
    .name = "delete",
    .run = run_delete,
    .summary = N_("Delete a VM (and optionally its disks)"),
    .parameters = N_("VM"),
    .options = delete_options,
    .description = N_("Deletes the VM's definition and berthd's files for it."),
};
