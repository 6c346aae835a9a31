/* berth-cli-commands.c: the table of berth's commands.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

static const BerthCliCommand berth_cli_command_table[] = {
    {"validate", berth_cli_validate, N_("Check VM and switch definition files")},
    {"host", berth_cli_host, N_("Show the accelerator and what the host offers")},
    {"list", berth_cli_list, N_("List the virtual machines")},
    {"define", berth_cli_define, N_("Create or update a VM from a definition file")},
    {"new", berth_cli_new, N_("Create a VM from options, like Hyper-V's New-VM")},
    {"dumpxml", berth_cli_dumpxml, N_("Print a VM's definition")},
    {"rename", berth_cli_rename, N_("Rename a VM")},
    {"delete", berth_cli_delete, N_("Delete a VM (and optionally its disks)")},
    {"start", berth_cli_lifecycle, N_("Start a VM (or restore its saved state)")},
    {"shutdown", berth_cli_lifecycle, N_("Ask a VM's guest to shut down")},
    {"turn-off", berth_cli_lifecycle, N_("Turn a VM off at once")},
    {"save", berth_cli_lifecycle, N_("Save a VM's state and stop it")},
    {"pause", berth_cli_lifecycle, N_("Pause a VM")},
    {"resume", berth_cli_lifecycle, N_("Resume a paused VM")},
    {"reset", berth_cli_lifecycle, N_("Reset a VM")},
    {"screenshot", berth_cli_screenshot, N_("Save a VM's screen as PNG")},
    {"connect", berth_cli_connect_vm, N_("Open a VM's console window (vmconnect)")},
    {"serial", berth_cli_serial, N_("Print, follow or write a VM's serial port (COM1)")},
    {"disk", berth_cli_disk, N_("Create, inspect, convert or resize virtual disks")},
    {"checkpoint", berth_cli_checkpoint, N_("Take a checkpoint of a VM")},
    {"checkpoints", berth_cli_checkpoints, N_("List a VM's checkpoints as a tree")},
    {"apply", berth_cli_checkpoint_action, N_("Apply a checkpoint (the VM must be off)")},
    {"delete-checkpoint", berth_cli_checkpoint_action, N_("Delete a checkpoint")},
    {"switch", berth_cli_switch, N_("List, create, change or delete virtual switches")},
    {"adapters", berth_cli_adapters, N_("List the host's physical network adapters")},
    {"mac-range", berth_cli_mac_range, N_("Show or set the range of dynamic MAC addresses")},
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
