/* berth-cli-connect-vm.c: berth connect VM, which opens the VM's console (vmconnect).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

/* vmconnect: $BERTH_VMCONNECT, else the one built beside this berth (build tree), else PATH. */
static char *
find_vmconnect(void)
{
    const char *env = g_getenv("BERTH_VMCONNECT");
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);

    if (env != NULL && *env != '\0')
        return g_strdup(env);
    if (self != NULL) {
        g_autofree char *dir = g_path_get_dirname(self);
        g_autofree char *built = g_build_filename(dir, "..", "..", "vmconnect", "vmconnect", NULL);

        if (g_file_test(built, G_FILE_TEST_IS_EXECUTABLE))
            return g_canonicalize_filename(built, NULL);
    }
    return g_find_program_in_path("vmconnect");
}

static int
run_connect(const BerthCliCommand *command, int argc, char **argv)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autofree char *vmconnect = NULL;
    const char *address = berth_cli_get_address();
    GPtrArray *child_argv;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;

    /* Say "no such VM" here rather than in a window that opens only to fail. */
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail(command->name, error);
    vm = berth_client_find_vm_sync(connection, args[0], NULL, &error);
    if (vm == NULL)
        return berth_cli_fail(command->name, error);

    vmconnect = find_vmconnect();
    if (vmconnect == NULL) {
        berth_cli_error(command->name, _("vmconnect, Berth's console window, is not installed"));
        return 1;
    }
    child_argv = g_ptr_array_new();
    g_ptr_array_add(child_argv, vmconnect);
    if (address != NULL) {
        g_ptr_array_add(child_argv, (char *)"--connect");
        g_ptr_array_add(child_argv, (char *)address);
    }
    g_ptr_array_add(child_argv, berth_dbus_virtual_machine_get_uuid(vm) != NULL
                                    ? (char *)berth_dbus_virtual_machine_get_uuid(vm)
                                    : args[0]);
    g_ptr_array_add(child_argv, NULL);
    execv(vmconnect, (char **)child_argv->pdata);
    berth_cli_error(command->name, _("Cannot run %s: %s"), vmconnect, g_strerror(errno));
    g_ptr_array_free(child_argv, TRUE);
    return 1;
}

const BerthCliCommand berth_cli_command_connect = {
    .name = "connect",
    .run = run_connect,
    .summary = N_("Open a VM's console window (vmconnect)"),
    .parameters = N_("VM"),
};
