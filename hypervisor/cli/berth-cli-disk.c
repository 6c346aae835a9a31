/* berth-cli-disk.c: "berth disk create|info|convert|resize": virtual disks, made by berthd as
 * jobs that this command waits for.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "berth-cli.h"

/* "20G" → 21474836480. */
gboolean
berth_cli_parse_size(const char *text, guint64 *ret_bytes)
{
    g_autofree char *number = g_strdup(text);
    gsize len = strlen(number);
    guint64 value;
    guint shift = 0;

    if (len > 0) {
        switch (g_ascii_toupper(number[len - 1])) {
        case 'K':
            shift = 10;
            break;
        case 'M':
            shift = 20;
            break;
        case 'G':
            shift = 30;
            break;
        case 'T':
            shift = 40;
            break;
        default:
            break;
        }
        if (shift != 0)
            number[len - 1] = '\0';
    }
    if (!g_ascii_string_to_unsigned(number, 10, 1, G_MAXUINT64 >> shift, &value, NULL))
        return FALSE;
    *ret_bytes = value << shift;
    return TRUE;
}

typedef struct {
    GMainLoop *loop;
    BerthDBusJob *job;
    gboolean interrupted;
} BerthCliJobWait;

static void
on_job_changed(GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer user_data)
{
    BerthCliJobWait *wait = user_data;

    if (g_strcmp0(berth_dbus_job_get_state(wait->job), "running") != 0)
        g_main_loop_quit(wait->loop);
}

static gboolean
on_job_interrupt(gpointer user_data)
{
    BerthCliJobWait *wait = user_data;

    /* The first ^C cancels the job; berthd then removes what it had written. */
    if (!wait->interrupted)
        berth_dbus_job_call_cancel(wait->job, NULL, NULL, NULL);
    wait->interrupted = TRUE;
    return G_SOURCE_CONTINUE;
}

int
berth_cli_wait_for_job(GDBusConnection *connection, const char *command, const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BerthDBusJob) job = NULL;
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    BerthCliJobWait wait = {loop, NULL, FALSE};
    guint sigint;
    const char *state;

    job = berth_client_get_job_sync(connection, path, NULL, &error);
    if (job == NULL)
        return berth_cli_fail(command, error);
    wait.job = job;
    g_signal_connect(job, "g-properties-changed", G_CALLBACK(on_job_changed), &wait);
    sigint = g_unix_signal_add(SIGINT, on_job_interrupt, &wait);
    if (g_strcmp0(berth_dbus_job_get_state(job), "running") == 0)
        g_main_loop_run(loop);
    g_source_remove(sigint);

    state = berth_dbus_job_get_state(job);
    if (g_strcmp0(state, "succeeded") == 0)
        return 0;
    if (g_strcmp0(state, "cancelled") == 0)
        berth_cli_error(command, _("cancelled"));
    else
        berth_cli_error(command, "%s", berth_dbus_job_get_error(job));
    return 1;
}

static void
print_info(GVariant *info)
{
    const char *format = "", *type = "", *parent = NULL;
    guint64 virtual_size = 0, file_size = 0;

    g_variant_lookup(info, "format", "&s", &format);
    g_variant_lookup(info, "type", "&s", &type);
    g_variant_lookup(info, "virtual-size", "t", &virtual_size);
    g_variant_lookup(info, "file-size", "t", &file_size);
    g_variant_lookup(info, "parent", "&s", &parent);
    printf("%-14s %s\n", _("Format:"), format);
    printf("%-14s %s\n", _("Type:"), type);
    printf("%-14s %" G_GUINT64_FORMAT "\n", _("Virtual size:"), virtual_size);
    printf("%-14s %" G_GUINT64_FORMAT "\n", _("File size:"), file_size);
    if (parent != NULL)
        printf("%-14s %s\n", _("Parent:"), parent);
}

/* The disk commands' options; each command takes only those that mean something to it. */
static char *disk_size;
static char *disk_format;
static char *disk_parent;
static gboolean disk_fixed;

#define DISK_SIZE_OPTION                                                                         \
    {                                                                                            \
        "size", 0, 0, G_OPTION_ARG_FILENAME, &disk_size,                                         \
            N_("In bytes or with a suffix: K, M, G or T (powers of 1024), e.g. 20G"), N_("SIZE") \
    }
#define DISK_FORMAT_OPTION                                                \
    {                                                                     \
        "format", 0, 0, G_OPTION_ARG_FILENAME, &disk_format,              \
            N_("The disk's format (default: VHDX)"), "vhdx|vhd|qcow2|raw" \
    }
#define DISK_FIXED_OPTION                                              \
    {                                                                  \
        "fixed", 0, 0, G_OPTION_ARG_NONE, &disk_fixed,                 \
            N_("Allocate the whole size now (default: dynamic)"), NULL \
    }

static const GOptionEntry create_options[] = {
    DISK_SIZE_OPTION,
    DISK_FORMAT_OPTION,
    DISK_FIXED_OPTION,
    {"parent", 0, 0, G_OPTION_ARG_FILENAME, &disk_parent,
     N_("Make a differencing disk on top of this one (its size by default)"), N_("FILE")},
    G_OPTION_ENTRY_NULL,
};

static const GOptionEntry convert_options[] = {
    DISK_FORMAT_OPTION,
    DISK_FIXED_OPTION,
    G_OPTION_ENTRY_NULL,
};

static const GOptionEntry resize_options[] = {
    DISK_SIZE_OPTION,
    G_OPTION_ENTRY_NULL,
};

static int
run_disk(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusHost) host = NULL;
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) args = NULL;
    g_autofree char *job = NULL;
    const char *name = command->name + strlen("disk ");
    guint64 size = 0;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    if (disk_size == NULL &&
        (g_str_equal(name, "resize") || (g_str_equal(name, "create") && disk_parent == NULL)))
        return berth_cli_usage_error(command, _("--size is missing"));
    if (disk_size != NULL && !berth_cli_parse_size(disk_size, &size)) {
        berth_cli_error(command->name, _("invalid size “%s”, e.g. 20G"), disk_size);
        return 1;
    }
    /* berthd has no working directory of ours. */
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(files, g_canonicalize_filename(args[i], NULL));

    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail(command->name, error);
    host = berth_client_get_host_sync(connection, NULL, &error);
    if (host == NULL)
        return berth_cli_fail(command->name, error);

    if (g_str_equal(name, "info")) {
        g_autoptr(GVariant) info = NULL;

        if (!berth_dbus_host_call_inspect_disk_sync(host, g_ptr_array_index(files, 0), &info, NULL,
                                                    &error))
            return berth_cli_fail(command->name, error);
        print_info(info);
        return 0;
    }
    if (g_str_equal(name, "resize")) {
        if (!berth_dbus_host_call_resize_disk_sync(host, g_ptr_array_index(files, 0), size, &job,
                                                   NULL, &error))
            return berth_cli_fail(command->name, error);
    } else {
        GVariantBuilder options;

        g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
        if (disk_format != NULL)
            g_variant_builder_add(&options, "{sv}", "format", g_variant_new_string(disk_format));
        if (disk_fixed)
            g_variant_builder_add(&options, "{sv}", "fixed", g_variant_new_boolean(TRUE));
        if (g_str_equal(name, "create")) {
            if (disk_size != NULL)
                g_variant_builder_add(&options, "{sv}", "size-bytes", g_variant_new_uint64(size));
            if (disk_parent != NULL) {
                g_autofree char *absolute = g_canonicalize_filename(disk_parent, NULL);

                g_variant_builder_add(&options, "{sv}", "parent", g_variant_new_string(absolute));
            }
            if (!berth_dbus_host_call_create_disk_sync(host, g_ptr_array_index(files, 0),
                                                       g_variant_builder_end(&options), &job, NULL,
                                                       &error))
                return berth_cli_fail(command->name, error);
        } else if (!berth_dbus_host_call_convert_disk_sync(
                       host, g_ptr_array_index(files, 0), g_ptr_array_index(files, 1),
                       g_variant_builder_end(&options), &job, NULL, &error)) {
            return berth_cli_fail(command->name, error);
        }
    }
    return berth_cli_wait_for_job(connection, command->name, job);
}

static const BerthCliCommand berth_cli_command_disk_create = {
    .name = "disk create",
    .run = run_disk,
    .summary = N_("Create a virtual hard disk"),
    .parameters = N_("FILE"),
    .options = create_options,
    .description = N_("--size is needed unless the disk has a --parent."),
};

static const BerthCliCommand berth_cli_command_disk_info = {
    .name = "disk info",
    .run = run_disk,
    .summary = N_("Show a disk's format, type, sizes and parent"),
    .parameters = N_("FILE"),
};

static const BerthCliCommand berth_cli_command_disk_convert = {
    .name = "disk convert",
    .run = run_disk,
    .summary = N_("Copy a disk into another format or type"),
    .parameters = N_("SOURCE TARGET"),
    .options = convert_options,
};

static const BerthCliCommand berth_cli_command_disk_resize = {
    .name = "disk resize",
    .run = run_disk,
    .summary = N_("Grow a disk to a new size"),
    .parameters = N_("FILE"),
    .options = resize_options,
};

static const BerthCliCommand *const disk_commands[] = {
    &berth_cli_command_disk_create,
    &berth_cli_command_disk_info,
    &berth_cli_command_disk_convert,
    &berth_cli_command_disk_resize,
    NULL,
};

const BerthCliCommand berth_cli_command_disk = {
    .name = "disk",
    .run = berth_cli_run_group,
    .summary = N_("Create, inspect, convert or resize virtual disks"),
    .parameters = N_("COMMAND [ARGUMENT…]"),
    .subcommands = disk_commands,
};
