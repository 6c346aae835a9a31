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

static const char berth_cli_disk_usage[] =
    N_("Usage: berth disk create FILE --size SIZE [--format vhdx|vhd|qcow2|raw] [--fixed]\n"
       "                         [--parent FILE]\n"
       "       berth disk info FILE\n"
       "       berth disk convert SOURCE TARGET [--format vhdx|vhd|qcow2|raw] [--fixed]\n"
       "       berth disk resize FILE --size SIZE\n\n"
       "SIZE is in bytes or with a suffix: K, M, G or T (powers of 1024), e.g. 20G.");

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

    job = berth_dbus_job_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE, "org.berth.Berth1",
                                        path, NULL, &error);
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

int
berth_cli_disk(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusHost) host = NULL;
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *job = NULL;
    const char *command;
    const char *format = NULL;
    const char *parent = NULL;
    gboolean fixed = FALSE;
    gboolean has_size = FALSE;
    guint64 size = 0;
    guint wanted_files;

    if (argc < 2 || g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) {
        fprintf(argc < 2 ? stderr : stdout, "%s\n", _(berth_cli_disk_usage));
        return argc < 2 ? 1 : 0;
    }
    command = argv[1];
    if (g_str_equal(command, "create") || g_str_equal(command, "info") ||
        g_str_equal(command, "resize"))
        wanted_files = 1;
    else if (g_str_equal(command, "convert"))
        wanted_files = 2;
    else {
        berth_cli_error("disk", _("unknown disk command “%s”; see “berth disk --help”"), command);
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;

        if (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h")) {
            printf("%s\n", _(berth_cli_disk_usage));
            return 0;
        } else if (g_str_equal(argv[i], "--size") && value != NULL) {
            if (!berth_cli_parse_size(value, &size)) {
                berth_cli_error("disk", _("invalid size “%s”, e.g. 20G"), value);
                return 1;
            }
            has_size = TRUE;
            i++;
        } else if (g_str_equal(argv[i], "--format") && value != NULL) {
            format = value;
            i++;
        } else if (g_str_equal(argv[i], "--parent") && value != NULL) {
            parent = value;
            i++;
        } else if (g_str_equal(argv[i], "--fixed")) {
            fixed = TRUE;
        } else if (argv[i][0] == '-') {
            berth_cli_error("disk", _("unknown option “%s”; see “berth disk --help”"), argv[i]);
            return 1;
        } else {
            /* berthd has no working directory of ours. */
            g_ptr_array_add(files, g_canonicalize_filename(argv[i], NULL));
        }
    }
    if (files->len != wanted_files || (g_str_equal(command, "resize") && !has_size) ||
        (g_str_equal(command, "create") && !has_size && parent == NULL)) {
        berth_cli_error("disk", "%s", _(berth_cli_disk_usage));
        return 1;
    }

    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("disk", error);
    host = berth_cli_get_host(connection, &error);
    if (host == NULL)
        return berth_cli_fail("disk", error);

    if (g_str_equal(command, "info")) {
        g_autoptr(GVariant) info = NULL;

        if (!berth_dbus_host_call_inspect_disk_sync(host, g_ptr_array_index(files, 0), &info, NULL,
                                                    &error))
            return berth_cli_fail("disk", error);
        print_info(info);
        return 0;
    }
    if (g_str_equal(command, "resize")) {
        if (!berth_dbus_host_call_resize_disk_sync(host, g_ptr_array_index(files, 0), size, &job,
                                                   NULL, &error))
            return berth_cli_fail("disk", error);
    } else {
        GVariantBuilder options;

        g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
        if (format != NULL)
            g_variant_builder_add(&options, "{sv}", "format", g_variant_new_string(format));
        if (fixed)
            g_variant_builder_add(&options, "{sv}", "fixed", g_variant_new_boolean(TRUE));
        if (g_str_equal(command, "create")) {
            if (has_size)
                g_variant_builder_add(&options, "{sv}", "size-bytes", g_variant_new_uint64(size));
            if (parent != NULL) {
                g_autofree char *absolute = g_canonicalize_filename(parent, NULL);

                g_variant_builder_add(&options, "{sv}", "parent", g_variant_new_string(absolute));
            }
            if (!berth_dbus_host_call_create_disk_sync(host, g_ptr_array_index(files, 0),
                                                       g_variant_builder_end(&options), &job, NULL,
                                                       &error))
                return berth_cli_fail("disk", error);
        } else if (!berth_dbus_host_call_convert_disk_sync(
                       host, g_ptr_array_index(files, 0), g_ptr_array_index(files, 1),
                       g_variant_builder_end(&options), &job, NULL, &error)) {
            return berth_cli_fail("disk", error);
        }
    }
    return berth_cli_wait_for_job(connection, "disk", job);
}
