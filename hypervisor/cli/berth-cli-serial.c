/* berth-cli-serial.c: "berth serial VM [--follow] [--send LINE]": COM1's log, live, or a line
 * written to it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "berth-cli.h"

typedef struct {
    BerthDBusVirtualMachine *vm;
    GMainLoop *loop; /* following */
    guint64 offset;
    gboolean waiting; /* following, and berthd is away */
    GError *error;
} BerthCliSerial;

/* Prints what COM1's log holds from state->offset on; FALSE with state->error on failure. */
static gboolean
berth_cli_serial_drain(BerthCliSerial *state)
{
    while (TRUE) {
        g_autoptr(GVariant) data = NULL;
        guint64 next = 0;
        const guint8 *bytes;
        gsize size = 0;

        if (!berth_dbus_virtual_machine_call_read_serial_sync(state->vm, state->offset, &data,
                                                              &next, NULL, &state->error))
            return FALSE;
        bytes = g_variant_get_fixed_array(data, &size, 1);
        if (size > 0) {
            fwrite(bytes, 1, size, stdout);
            fflush(stdout);
        }
        if (next == state->offset || size == 0) {
            state->offset = next;
            return TRUE;
        }
        state->offset = next;
    }
}

/* berthd is not on the bus (stopped, killed, restarting), as opposed to refusing the call. */
static gboolean
berthd_away(const GError *error)
{
    return g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
           g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
           g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY);
}

/* Following goes on across a restart of berthd: the log keeps what the guest wrote meanwhile,
 * and reading resumes at the same offset. */
static void
berth_cli_serial_poke(BerthCliSerial *state)
{
    if (state->error != NULL)
        return;
    if (berth_cli_serial_drain(state)) {
        state->waiting = FALSE;
        return;
    }
    if (berthd_away(state->error)) {
        if (!state->waiting)
            g_printerr(_("berth serial: berthd went away; waiting for it to come back\n"));
        state->waiting = TRUE;
        g_clear_error(&state->error);
        return;
    }
    g_main_loop_quit(state->loop);
}

/* Signals and ReadSerial share offsets: the signal only says when to read, so what is printed
 * is the log, each byte once, whatever signals were missed. */
static void
on_serial_output(BerthDBusVirtualMachine *vm, GVariant *data, guint64 offset, gpointer user_data)
{
    berth_cli_serial_poke(user_data);
}

/* The signal says when; a slow tick catches anything a signal could not (a restarted berthd). */
static gboolean
on_tick(gpointer user_data)
{
    berth_cli_serial_poke(user_data);
    return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt(gpointer user_data)
{
    g_main_loop_quit(user_data);
    return G_SOURCE_REMOVE;
}

static gboolean serial_follow;
static char *serial_send;

static const GOptionEntry serial_options[] = {
    {"follow", 'f', 0, G_OPTION_ARG_NONE, &serial_follow,
     N_("Keep printing what the guest writes until interrupted"), NULL},
    {"send", 0, 0, G_OPTION_ARG_FILENAME, &serial_send, N_("Write LINE and a newline to COM1"),
     N_("LINE")},
    G_OPTION_ENTRY_NULL,
};

static int
run_serial(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_auto(GStrv) args = NULL;
    const char *send;
    gboolean follow;
    BerthCliSerial state = {0};
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    send = serial_send;
    follow = serial_follow;
    if (send != NULL && follow)
        return berth_cli_usage_error(command, _("--follow and --send do not go together"));
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("serial", error);
    vm = berth_client_find_vm_sync(connection, args[0], NULL, &error);
    if (vm == NULL)
        return berth_cli_fail("serial", error);
    if (send != NULL) {
        if (!berth_dbus_virtual_machine_call_send_serial_sync(vm, send, NULL, &error))
            return berth_cli_fail("serial", error);
        return 0;
    }

    state.vm = vm;
    if (follow) {
        g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);

        state.loop = loop;
        g_signal_connect(vm, "serial-output", G_CALLBACK(on_serial_output), &state);
        g_timeout_add(1000, on_tick, &state);
        g_unix_signal_add(SIGINT, on_interrupt, loop);
        g_unix_signal_add(SIGTERM, on_interrupt, loop);
        berth_cli_serial_poke(&state);
        if (state.error == NULL)
            g_main_loop_run(loop);
    } else {
        berth_cli_serial_drain(&state);
    }
    if (state.error != NULL) {
        g_autoptr(GError) serial_error = state.error;

        return berth_cli_fail("serial", serial_error);
    }
    return 0;
}

const BerthCliCommand berth_cli_command_serial = {
    .name = "serial",
    .run = run_serial,
    .summary = N_("Print, follow or write a VM's serial port (COM1)"),
    .parameters = N_("VM"),
    .options = serial_options,
    .description = N_("Prints COM1's log."),
};
