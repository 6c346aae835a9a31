/* berth-cli-host.c: "berth host": the accelerator berthd uses and what the host offers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

static const char *
yes_no(GVariant *capabilities, const char *key)
{
    gboolean value = FALSE;

    g_variant_lookup(capabilities, key, "b", &value);
    return value ? _("yes") : _("no");
}

static int
run_host(const BerthCliCommand *command, int argc, char **argv)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusHost) host = NULL;
    g_autofree const char **flags = NULL;
    g_autofree char *flags_text = NULL;
    GVariant *capabilities;
    guint32 cpus = 0;
    guint64 memory_mib = 0;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("host", error);
    host = berth_client_get_host_sync(connection, NULL, &error);
    if (host == NULL)
        return berth_cli_fail("host", error);
    if (berth_dbus_host_get_version(host) == NULL) {
        berth_cli_error("host", _("berthd is not running on this bus"));
        return 1;
    }
    capabilities = berth_dbus_host_get_capabilities(host);
    g_variant_lookup(capabilities, "cpus", "u", &cpus);
    g_variant_lookup(capabilities, "memory-mib", "t", &memory_mib);
    if (!g_variant_lookup(capabilities, "hyperv-flags", "^a&s", &flags))
        flags = g_new0(const char *, 1);
    flags_text = g_strjoinv(" ", (char **)flags);

    printf("%-18s %s\n", _("berthd:"), berth_dbus_host_get_version(host));
    printf("%-18s %s\n", _("Accelerator:"), berth_dbus_host_get_accelerator(host));
    printf("%-18s %s\n", _("Why:"), berth_dbus_host_get_accelerator_reason(host));
    printf("%-18s %s\n", _("UEFI:"), yes_no(capabilities, "uefi"));
    printf("%-18s %s\n", _("Secure Boot:"), yes_no(capabilities, "secure-boot"));
    printf("%-18s %s\n", _("TPM:"), yes_no(capabilities, "tpm"));
    printf("%-18s %s\n", _("Hyper-V flags:"), *flags_text != '\0' ? flags_text : _("none"));
    printf("%-18s %u\n", _("CPUs:"), cpus);
    printf("%-18s %" G_GUINT64_FORMAT " MiB\n", _("Memory:"), memory_mib);
    return 0;
}

const BerthCliCommand berth_cli_command_host = {
    .name = "host",
    .run = run_host,
    .summary = N_("Show the accelerator and what the host offers"),
};
