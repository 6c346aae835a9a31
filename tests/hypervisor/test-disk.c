/* test-disk.c: disks created, inspected, converted and expanded through the real qemu-img, and
 * the HvdJob they report into. Skipped without qemu-img.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE /* unshare */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/wait.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "hvd-disk-probe.h"
#include "hvd-disk.h"
#include "hvd-error.h"
#include "hvd-job.h"
#include "berth-test.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)

/* The patterned raw disk convert tests start from, made once: enough data that qemu-img
 * reports progress many times (every 1/64th) and a cancel lands midway. */
#define BIG_MIB 128
static char *shared_dir;
static char *big_raw;

/* ---- Helpers ---------------------------------------------------------------------------- */

static char *
make_dir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("berth-disk-XXXXXX", &error);

    g_assert_no_error(error);
    return dir;
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* Names in @dir, sorted, joined by spaces: shows leftovers (temporary files) at once. */
static char *
list_dir(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    g_assert_nonnull(dir);
    while ((name = g_dir_read_name(dir)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

static void
on_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GAsyncResult **ret = user_data;

    *ret = g_object_ref(result);
}

static GAsyncResult *
wait_for(GAsyncResult **result)
{
    while (*result == NULL)
        g_main_context_iteration(NULL, TRUE);
    return *result;
}

static gboolean
create(const char *path, HvdDiskFormat format, guint64 size, gboolean fixed, const char *parent,
       HvdJob *job, GError **error)
{
    HvdDiskCreateOptions options = {format, size, fixed, parent};
    g_autoptr(GAsyncResult) result = NULL;

    hvd_disk_create_async(path, &options, job, NULL, on_done, &result);
    return hvd_disk_create_finish(wait_for(&result), error);
}

static HvdDiskInfo *
inspect(const char *path, GError **error)
{
    g_autoptr(GAsyncResult) result = NULL;

    hvd_disk_inspect_async(path, NULL, on_done, &result);
    return hvd_disk_inspect_finish(wait_for(&result), error);
}

static gboolean
convert(const char *source, const char *target, HvdDiskFormat format, HvdJob *job, GError **error)
{
    g_autoptr(GAsyncResult) result = NULL;

    hvd_disk_convert_async(source, target, format, FALSE, job, NULL, on_done, &result);
    return hvd_disk_convert_finish(wait_for(&result), error);
}

static gboolean
resize(const char *path, guint64 size, HvdJob *job, GError **error)
{
    g_autoptr(GAsyncResult) result = NULL;

    hvd_disk_resize_async(path, size, job, NULL, on_done, &result);
    return hvd_disk_resize_finish(wait_for(&result), error);
}

static gboolean
have_qemu_img(void)
{
    g_autofree char *found = g_find_program_in_path("qemu-img");

    if (found == NULL)
        g_test_skip("qemu-img is not installed");
    return found != NULL;
}

static void
run_ok(const char *command)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;

    g_spawn_command_line_sync(command, &out, &err, &status, &error);
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("%s failed: %s%s", command, out, err);
}

/* Progress values seen, in order. */
static void
on_progress(HvdJob *job, GParamSpec *pspec, GArray *values)
{
    double value = hvd_job_get_progress(job);

    g_array_append_val(values, value);
}

static void
on_finished(HvdJob *job, guint *count)
{
    (*count)++;
}

static void
assert_progress_ran(GArray *values)
{
    guint intermediate = 0;

    g_assert_cmpuint(values->len, >, 0);
    for (guint i = 0; i < values->len; i++) {
        double value = g_array_index(values, double, i);

        if (i > 0)
            g_assert_cmpfloat(value, >, g_array_index(values, double, i - 1));
        if (value > 0.0 && value < 1.0)
            intermediate++;
    }
    g_assert_cmpuint(intermediate, >=, 3);
    g_assert_cmpfloat(g_array_index(values, double, values->len - 1), ==, 1.0);
}

static const char *
shared_big_raw(void)
{
    if (big_raw == NULL) {
        g_autofree guint8 *chunk = g_malloc(MIB);
        FILE *file;

        shared_dir = make_dir();
        big_raw = g_build_filename(shared_dir, "source.img", NULL);
        file = fopen(big_raw, "wb");
        g_assert_nonnull(file);
        for (guint i = 0; i < BIG_MIB; i++) {
            for (guint j = 0; j < MIB; j += 4096)
                memset(chunk + j, (guint8)(i * 7 + j / 4096 + 1), 4096);
            g_assert_cmpuint(fwrite(chunk, 1, MIB, file), ==, MIB);
        }
        g_assert_cmpint(fclose(file), ==, 0);
    }
    return big_raw;
}

/* ---- HvdJob ----------------------------------------------------------------------------- */

static void
test_job_states(void)
{
    g_assert_cmpstr(hvd_job_state_to_string(HVD_JOB_STATE_RUNNING), ==, "running");
    g_assert_cmpstr(hvd_job_state_to_string(HVD_JOB_STATE_SUCCEEDED), ==, "succeeded");
    g_assert_cmpstr(hvd_job_state_to_string(HVD_JOB_STATE_FAILED), ==, "failed");
    g_assert_cmpstr(hvd_job_state_to_string(HVD_JOB_STATE_CANCELLED), ==, "cancelled");
}

static void
test_job_lifecycle(void)
{
    g_autoptr(HvdJob) job = hvd_job_new("Creating “a.vhdx”", TRUE);
    g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(double));
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) failure = g_error_new_literal(BERTH_ERROR, BERTH_ERROR_FAILED, "it broke");
    guint finished = 0;

    g_signal_connect(job, "notify::progress", G_CALLBACK(on_progress), values);
    g_signal_connect(job, "finished", G_CALLBACK(on_finished), &finished);
    g_assert_cmpstr(hvd_job_get_description(job), ==, "Creating “a.vhdx”");
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_RUNNING);
    g_assert_true(hvd_job_get_cancellable(job));
    g_assert_cmpstr(hvd_job_get_error(job), ==, "");

    hvd_job_set_progress(job, 0.25);
    hvd_job_set_progress(job, 0.1); /* never goes back */
    hvd_job_set_progress(job, 7.0); /* clamped */
    g_assert_cmpuint(values->len, ==, 2);
    g_assert_cmpfloat(hvd_job_get_progress(job), ==, 1.0);

    hvd_job_complete(job, failure);
    hvd_job_complete(job, NULL); /* only the first counts */
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_FAILED);
    g_assert_cmpstr(hvd_job_get_error(job), ==, "it broke");
    g_assert_cmpuint(finished, ==, 1);
    g_assert_false(hvd_job_get_cancellable(job));
    {
        gboolean cancellable = TRUE;
        HvdJobState state = HVD_JOB_STATE_RUNNING;

        /* The properties the daemon will export say the same. */
        g_object_get(job, "cancellable", &cancellable, "state", &state, NULL);
        g_assert_false(cancellable);
        g_assert_cmpint(state, ==, HVD_JOB_STATE_FAILED);
    }
    g_assert_false(hvd_job_cancel(job, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
}

static void
test_job_cancel(void)
{
    g_autoptr(HvdJob) job = hvd_job_new("Converting", FALSE);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) cancelled = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED, "c");

    g_assert_false(hvd_job_cancel(job, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
    g_assert_false(g_cancellable_is_cancelled(hvd_job_get_cancellation(job)));

    hvd_job_set_cancellable(job, TRUE);
    g_assert_true(hvd_job_cancel(job, NULL));
    g_assert_true(g_cancellable_is_cancelled(hvd_job_get_cancellation(job)));
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_RUNNING); /* until cleaned up */
    hvd_job_complete(job, cancelled);
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_CANCELLED);
    g_assert_cmpstr(hvd_job_get_error(job), ==, "");
}

/* ---- Names and options ------------------------------------------------------------------ */

static void
test_format_names(void)
{
    HvdDiskFormat format;

    g_assert_cmpstr(hvd_disk_format_to_string(HVD_DISK_FORMAT_VHD), ==, "vhd");
    g_assert_cmpstr(hvd_disk_format_to_qemu(HVD_DISK_FORMAT_VHD), ==, "vpc");
    g_assert_cmpstr(hvd_disk_format_to_qemu(HVD_DISK_FORMAT_VHDX), ==, "vhdx");
    g_assert_true(hvd_disk_format_from_qemu("vpc", &format));
    g_assert_cmpint(format, ==, HVD_DISK_FORMAT_VHD);
    g_assert_false(hvd_disk_format_from_qemu("vmdk", &format));
    g_assert_true(hvd_disk_format_from_string("qcow2", &format));
    g_assert_cmpint(format, ==, HVD_DISK_FORMAT_QCOW2);
    g_assert_false(hvd_disk_format_from_string("vpc", &format));
    g_assert_cmpint(hvd_disk_format_for_path("/a/B.VHD"), ==, HVD_DISK_FORMAT_VHD);
    g_assert_cmpint(hvd_disk_format_for_path("/a/b.avhdx"), ==, HVD_DISK_FORMAT_VHDX);
    g_assert_cmpint(hvd_disk_format_for_path("/a/b.img"), ==, HVD_DISK_FORMAT_RAW);
    g_assert_cmpint(hvd_disk_format_for_path("/a/b.qcow2"), ==, HVD_DISK_FORMAT_QCOW2);
    g_assert_cmpint(hvd_disk_format_for_path("/a/disk"), ==, HVD_DISK_FORMAT_VHDX);
}

static void
test_options_variant(void)
{
    g_autoptr(GVariant) good = g_variant_ref_sink(g_variant_new_parsed(
        "{'format': <'vhd'>, 'size-bytes': <@t 1048576>, 'fixed': <true>, 'parent': <''>}"));
    g_autoptr(GVariant) unknown =
        g_variant_ref_sink(g_variant_new_parsed("{'size': <@t 1048576>}"));
    g_autoptr(GVariant) bad_format =
        g_variant_ref_sink(g_variant_new_parsed("{'format': <'vmdk'>}"));
    g_autoptr(GVariant) wrong_type =
        g_variant_ref_sink(g_variant_new_parsed("{'size-bytes': <1048576>}"));
    g_autoptr(GError) error = NULL;
    HvdDiskCreateOptions options;

    g_assert_true(hvd_disk_create_options_from_variant(good, &options, &error));
    g_assert_no_error(error);
    g_assert_cmpint(options.format, ==, HVD_DISK_FORMAT_VHD);
    g_assert_cmpuint(options.size_bytes, ==, MIB);
    g_assert_true(options.fixed);
    g_assert_null(options.parent);

    g_assert_false(hvd_disk_create_options_from_variant(unknown, &options, &error));
    g_assert_nonnull(strstr(error->message, "size"));
    g_clear_error(&error);
    g_assert_false(hvd_disk_create_options_from_variant(bad_format, &options, &error));
    g_assert_nonnull(strstr(error->message, "vmdk"));
    g_clear_error(&error);
    g_assert_false(hvd_disk_create_options_from_variant(wrong_type, &options, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_clear_error(&error);

    {
        g_autoptr(GVariant) convert =
            g_variant_ref_sink(g_variant_new_parsed("{'format': <'qcow2'>, 'fixed': <true>}"));
        g_autoptr(GVariant) with_size =
            g_variant_ref_sink(g_variant_new_parsed("{'size-bytes': <@t 1048576>}"));
        HvdDiskFormat format = HVD_DISK_FORMAT_AUTO;
        gboolean fixed = FALSE;

        g_assert_true(hvd_disk_convert_options_from_variant(convert, &format, &fixed, &error));
        g_assert_no_error(error);
        g_assert_cmpint(format, ==, HVD_DISK_FORMAT_QCOW2);
        g_assert_true(fixed);
        g_assert_false(hvd_disk_convert_options_from_variant(with_size, &format, &fixed, &error));
        g_assert_nonnull(strstr(error->message, "size-bytes"));
    }
}

/* ---- Create and inspect ----------------------------------------------------------------- */

typedef struct {
    const char *name;
    HvdDiskFormat format;
    gboolean fixed;
} CreateCase;

static const CreateCase create_cases[] = {
    {"disk.vhdx", HVD_DISK_FORMAT_VHDX, FALSE},   {"disk.vhdx", HVD_DISK_FORMAT_VHDX, TRUE},
    {"disk.vhd", HVD_DISK_FORMAT_VHD, FALSE},     {"disk.vhd", HVD_DISK_FORMAT_VHD, TRUE},
    {"disk.qcow2", HVD_DISK_FORMAT_QCOW2, FALSE}, {"disk.qcow2", HVD_DISK_FORMAT_QCOW2, TRUE},
    {"disk.img", HVD_DISK_FORMAT_RAW, FALSE},     {"disk.img", HVD_DISK_FORMAT_RAW, TRUE},
};

static void
test_create(gconstpointer user_data)
{
    const CreateCase *c = user_data;
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autofree char *listing = NULL;
    g_autoptr(HvdJob) job = hvd_job_new("create", TRUE);
    g_autoptr(HvdDiskInfo) info = NULL;
    g_autoptr(GVariant) variant = NULL;
    g_autoptr(GError) error = NULL;
    guint finished = 0;
    const guint64 size = 64 * MIB;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    path = g_build_filename(dir, c->name, NULL);
    g_signal_connect(job, "finished", G_CALLBACK(on_finished), &finished);

    /* AUTO picks the format from the name; the size is rounded up to a MiB. */
    g_assert_true(create(path, HVD_DISK_FORMAT_AUTO, size - 1000, c->fixed, NULL, job, &error));
    g_assert_no_error(error);
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_SUCCEEDED);
    g_assert_cmpfloat(hvd_job_get_progress(job), ==, 1.0);
    g_assert_cmpuint(finished, ==, 1);
    listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, c->name);

    info = inspect(path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(hvd_disk_format_to_string(info->format), ==,
                    hvd_disk_format_to_string(c->format));
    g_assert_cmpuint(info->virtual_size, ==, size);
    g_assert_cmpint(info->type, ==, c->fixed ? HVD_DISK_TYPE_FIXED : HVD_DISK_TYPE_DYNAMIC);
    if (c->fixed)
        g_assert_cmpuint(info->file_size, >=, size);
    else
        g_assert_cmpuint(info->file_size, <, 8 * MIB);
    g_assert_null(info->parent);
    g_assert_null(info->parent_info);
    if (c->format == HVD_DISK_FORMAT_VHDX || c->format == HVD_DISK_FORMAT_VHD) {
        HvdDiskType type;

        /* From the headers, not from how much is allocated. */
        g_assert_true(hvd_disk_probe_type(path, c->format, &type));
        g_assert_cmpint(type, ==, c->fixed ? HVD_DISK_TYPE_FIXED : HVD_DISK_TYPE_DYNAMIC);
    }

    variant = g_variant_ref_sink(hvd_disk_info_to_variant(info));
    g_assert_true(g_variant_lookup_value(variant, "parent", NULL) == NULL);
    {
        gboolean fixed = !c->fixed;
        guint64 virtual_size = 0;

        g_assert_true(g_variant_lookup(variant, "fixed", "b", &fixed));
        g_assert_true(g_variant_lookup(variant, "virtual-size", "t", &virtual_size));
        g_assert_cmpint(fixed, ==, c->fixed);
        g_assert_cmpuint(virtual_size, ==, size);
    }
    berth_test_remove_tree(dir);
}

static void
test_create_differencing(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *base = NULL;
    g_autofree char *child = NULL;
    g_autofree char *grandchild = NULL;
    g_autoptr(HvdDiskInfo) info = NULL;
    g_autoptr(GVariant) variant = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree const char **chain = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    base = g_build_filename(dir, "base.vhdx", NULL);
    child = g_build_filename(dir, "child.qcow2", NULL);
    grandchild = g_build_filename(dir, "grandchild.qcow2", NULL);

    g_assert_true(create(base, HVD_DISK_FORMAT_VHDX, 96 * MIB, FALSE, NULL, NULL, &error));
    g_assert_no_error(error);
    /* Size 0: the parent's. A relative parent is relative to the child's folder. */
    g_assert_true(create(child, HVD_DISK_FORMAT_AUTO, 0, FALSE, base, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(create(grandchild, HVD_DISK_FORMAT_QCOW2, 0, FALSE, "child.qcow2", NULL, &error));
    g_assert_no_error(error);

    info = inspect(grandchild, &error);
    g_assert_no_error(error);
    g_assert_cmpint(info->format, ==, HVD_DISK_FORMAT_QCOW2);
    g_assert_cmpint(info->type, ==, HVD_DISK_TYPE_DIFFERENCING);
    g_assert_cmpuint(info->virtual_size, ==, 96 * MIB);
    g_assert_cmpstr(info->parent, ==, child);
    g_assert_nonnull(info->parent_info);
    g_assert_cmpstr(info->parent_info->path, ==, child);
    g_assert_cmpint(info->parent_info->type, ==, HVD_DISK_TYPE_DIFFERENCING);
    g_assert_cmpstr(info->parent_info->parent, ==, base);
    g_assert_nonnull(info->parent_info->parent_info);
    g_assert_cmpstr(info->parent_info->parent_info->path, ==, base);
    g_assert_cmpint(info->parent_info->parent_info->format, ==, HVD_DISK_FORMAT_VHDX);
    g_assert_cmpint(info->parent_info->parent_info->type, ==, HVD_DISK_TYPE_DYNAMIC);
    g_assert_null(info->parent_info->parent_info->parent_info);

    variant = g_variant_ref_sink(hvd_disk_info_to_variant(info));
    g_assert_true(g_variant_lookup(variant, "parent-chain", "^a&s", &chain));
    g_assert_cmpuint(g_strv_length((char **)chain), ==, 2);
    g_assert_cmpstr(chain[0], ==, child);
    g_assert_cmpstr(chain[1], ==, base);
    g_clear_pointer(&info, hvd_disk_info_free);

    /* A parent gone: the error names it. */
    g_assert_cmpint(g_unlink(base), ==, 0);
    info = inspect(child, &error);
    g_assert_null(info);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "parent"));
    g_assert_nonnull(strstr(error->message, base));
    berth_test_remove_tree(dir);
}

static void
test_create_differencing_refused(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *base = NULL;
    g_autofree char *child = NULL;
    g_autofree char *named_vhdx = NULL;
    g_autofree char *listing = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    base = g_build_filename(dir, "base.vhdx", NULL);
    child = g_build_filename(dir, "child.qcow2", NULL);
    named_vhdx = g_build_filename(dir, "child.avhdx", NULL);
    g_assert_true(create(base, HVD_DISK_FORMAT_VHDX, 16 * MIB, FALSE, NULL, NULL, &error));

    g_assert_false(create(child, HVD_DISK_FORMAT_VHDX, 0, FALSE, base, NULL, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "qcow2"));
    g_clear_error(&error);
    g_assert_false(create(named_vhdx, HVD_DISK_FORMAT_AUTO, 0, FALSE, base, NULL, &error));
    g_assert_nonnull(strstr(error->message, "qcow2"));
    g_clear_error(&error);
    g_assert_false(create(child, HVD_DISK_FORMAT_QCOW2, 0, TRUE, base, NULL, &error));
    g_assert_nonnull(strstr(error->message, "fixed"));
    g_clear_error(&error);
    /* Smaller than the parent. */
    g_assert_false(create(child, HVD_DISK_FORMAT_QCOW2, 8 * MIB, FALSE, base, NULL, &error));
    g_assert_nonnull(strstr(error->message, "smaller"));

    listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, "base.vhdx");
    berth_test_remove_tree(dir);
}

static void
test_create_missing_parent(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *child = NULL;
    g_autofree char *listing = NULL;
    g_autoptr(HvdJob) job = hvd_job_new("create", TRUE);
    g_autoptr(GError) error = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    child = g_build_filename(dir, "child.qcow2", NULL);

    g_assert_false(
        create(child, HVD_DISK_FORMAT_AUTO, 0, FALSE, "/nonexistent/base.vhdx", job, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "/nonexistent/base.vhdx"));
    g_assert_nonnull(strstr(error->message, "parent"));
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_FAILED);
    g_assert_cmpstr(hvd_job_get_error(job), ==, error->message);
    listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, "");
    berth_test_remove_tree(dir);
}

static void
test_create_exists(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autofree char *contents = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    path = g_build_filename(dir, "disk.vhdx", NULL);
    g_assert_true(g_file_set_contents(path, "precious", -1, NULL));

    g_assert_null(hvd_disk_create_job(path, &(HvdDiskCreateOptions){0, MIB, FALSE, NULL}, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, "exists already"));
    g_clear_error(&error);
    g_assert_false(create(path, HVD_DISK_FORMAT_QCOW2, MIB, FALSE, NULL, NULL, &error));
    g_assert_nonnull(strstr(error->message, "exists already"));

    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "precious");
    berth_test_remove_tree(dir);
}

static void
test_create_bad_folder(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *readonly = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_qemu_img())
        return;
    g_assert_false(create("/nonexistent/berth/disk.vhdx", HVD_DISK_FORMAT_AUTO, MIB, FALSE, NULL,
                          NULL, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, "/nonexistent/berth"));
    g_clear_error(&error);

    /* A read-only folder; root ignores modes, so it gets sysfs. */
    dir = make_dir();
    if (geteuid() == 0) {
        readonly = g_strdup("/sys");
    } else {
        readonly = g_build_filename(dir, "ro", NULL);
        g_assert_cmpint(g_mkdir(readonly, 0555), ==, 0);
    }
    path = g_build_filename(readonly, "berth-test-disk.vhdx", NULL);
    g_assert_false(create(path, HVD_DISK_FORMAT_AUTO, MIB, FALSE, NULL, NULL, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, readonly));
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    if (geteuid() != 0) {
        g_autofree char *listing = list_dir(readonly);

        g_assert_cmpstr(listing, ==, "");
    }
    berth_test_remove_tree(dir);
}

static void
test_create_too_big(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *vhd = NULL;
    g_autofree char *vhdx = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    vhd = g_build_filename(dir, "big.vhd", NULL);
    vhdx = g_build_filename(dir, "big.vhdx", NULL);
    g_assert_false(create(vhd, HVD_DISK_FORMAT_AUTO, G_GUINT64_CONSTANT(2041) << 30, FALSE, NULL,
                          NULL, &error));
    g_assert_nonnull(strstr(error->message, "at most"));
    g_clear_error(&error);
    g_assert_false(create(vhdx, HVD_DISK_FORMAT_AUTO, G_GUINT64_CONSTANT(65) << 40, FALSE, NULL,
                          NULL, &error));
    g_assert_nonnull(strstr(error->message, "at most"));
    g_clear_error(&error);
    g_assert_false(create(vhdx, HVD_DISK_FORMAT_AUTO, 0, FALSE, NULL, NULL, &error));
    g_assert_nonnull(strstr(error->message, "size"));
    berth_test_remove_tree(dir);
}

static void
test_inspect_not_a_disk(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *text = NULL;
    g_autofree char *missing = NULL;
    g_autoptr(HvdDiskInfo) info = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    text = g_build_filename(dir, "notes.vhdx", NULL);
    missing = g_build_filename(dir, "missing.vhdx", NULL);
    g_assert_true(g_file_set_contents(text, "not a disk at all\n", -1, NULL));

    info = inspect(text, &error);
    g_assert_null(info);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "is not a disk image"));
    g_assert_nonnull(strstr(error->message, text));
    g_clear_error(&error);

    info = inspect(missing, &error);
    g_assert_null(info);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, missing));
    g_clear_error(&error);

    info = inspect(dir, &error);
    g_assert_null(info);
    g_assert_nonnull(strstr(error->message, "is not a disk image"));
    berth_test_remove_tree(dir);
}

/* ---- Convert ---------------------------------------------------------------------------- */

static void
convert_step(const char *source, const char *target, HvdDiskFormat format)
{
    g_autoptr(HvdJob) job = hvd_job_new("convert", TRUE);
    g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(double));
    g_autoptr(HvdDiskInfo) info = NULL;
    g_autoptr(GError) error = NULL;

    g_signal_connect(job, "notify::progress", G_CALLBACK(on_progress), values);
    g_assert_true(convert(source, target, HVD_DISK_FORMAT_AUTO, job, &error));
    g_assert_no_error(error);
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_SUCCEEDED);
    assert_progress_ran(values);

    info = inspect(target, &error);
    g_assert_no_error(error);
    g_assert_cmpint(info->format, ==, format);
    g_assert_cmpuint(info->virtual_size, ==, BIG_MIB * MIB);
}

static void
test_convert_chain(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *vhdx = NULL;
    g_autofree char *qcow2 = NULL;
    g_autofree char *vhd = NULL;
    g_autofree char *compare = NULL;
    g_autofree char *listing = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    vhdx = g_build_filename(dir, "a.vhdx", NULL);
    qcow2 = g_build_filename(dir, "b.qcow2", NULL);
    vhd = g_build_filename(dir, "c.vhd", NULL);

    convert_step(shared_big_raw(), vhdx, HVD_DISK_FORMAT_VHDX);
    convert_step(vhdx, qcow2, HVD_DISK_FORMAT_QCOW2);
    convert_step(qcow2, vhd, HVD_DISK_FORMAT_VHD);
    listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, "a.vhdx b.qcow2 c.vhd");

    /* The data made it through all three. */
    compare = g_strdup_printf("qemu-img compare -q -f raw -F vpc %s %s", shared_big_raw(), vhd);
    run_ok(compare);
    berth_test_remove_tree(dir);
}

static void
cancel_midway(HvdJob *job, GParamSpec *pspec, gpointer user_data)
{
    gboolean *cancelled = user_data;
    double progress = hvd_job_get_progress(job);

    if (!*cancelled && progress > 0.0 && progress < 0.5) {
        g_autoptr(GError) error = NULL;

        *cancelled = hvd_job_cancel(job, &error);
        g_assert_no_error(error);
    }
}

static void
test_convert_cancel(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *target = NULL;
    g_autofree char *listing = NULL;
    g_autoptr(HvdJob) job = NULL;
    g_autoptr(GError) error = NULL;
    gboolean cancelled = FALSE;
    guint finished = 0;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    target = g_build_filename(dir, "copy.qcow2", NULL);
    shared_big_raw();

    /* The daemon's way: a job started by hvd_disk_convert_job(). */
    job = hvd_disk_convert_job(big_raw, target, HVD_DISK_FORMAT_AUTO, FALSE, &error);
    g_assert_no_error(error);
    g_signal_connect(job, "notify::progress", G_CALLBACK(cancel_midway), &cancelled);
    g_signal_connect(job, "finished", G_CALLBACK(on_finished), &finished);
    while (!hvd_job_is_finished(job))
        g_main_context_iteration(NULL, TRUE);

    g_assert_true(cancelled);
    g_assert_cmpuint(finished, ==, 1);
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_CANCELLED);
    g_assert_cmpfloat(hvd_job_get_progress(job), <, 1.0);
    listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, "");
    berth_test_remove_tree(dir);
}

/* Into fixed disks: fully allocated, same data. */
static void
test_convert_fixed(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *source = NULL;
    g_autofree char *write = NULL;
    HvdDiskFormat targets[] = {HVD_DISK_FORMAT_VHDX, HVD_DISK_FORMAT_VHD, HVD_DISK_FORMAT_QCOW2,
                               HVD_DISK_FORMAT_RAW};
    g_autoptr(GError) error = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    source = g_build_filename(dir, "source.qcow2", NULL);
    g_assert_true(create(source, HVD_DISK_FORMAT_AUTO, 24 * MIB, FALSE, NULL, NULL, &error));
    write = g_strdup_printf("qemu-io -f qcow2 -c 'write -P 0x33 2M 1M' %s", source);
    run_ok(write);

    for (guint i = 0; i < G_N_ELEMENTS(targets); i++) {
        g_autofree char *name = g_strdup_printf("fixed.%s", hvd_disk_format_to_string(targets[i]));
        g_autofree char *target = g_build_filename(dir, name, NULL);
        g_autofree char *read = NULL;
        g_autoptr(GAsyncResult) result = NULL;
        g_autoptr(HvdDiskInfo) info = NULL;

        /* The format given wins over the name (.raw is a raw name anyway). */
        hvd_disk_convert_async(source, target, targets[i], TRUE, NULL, NULL, on_done, &result);
        g_assert_true(hvd_disk_convert_finish(wait_for(&result), &error));
        g_assert_no_error(error);
        info = inspect(target, &error);
        g_assert_no_error(error);
        g_assert_cmpint(info->format, ==, targets[i]);
        g_assert_cmpint(info->type, ==, HVD_DISK_TYPE_FIXED);
        g_assert_cmpuint(info->virtual_size, ==, 24 * MIB);
        g_assert_cmpuint(info->file_size, >=, 24 * MIB);
        read = g_strdup_printf("qemu-io -f %s -c 'read -P 0x33 2M 1M' %s",
                               hvd_disk_format_to_qemu(targets[i]), target);
        run_ok(read);
    }
    berth_test_remove_tree(dir);
}

static void
test_convert_refused(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *source = NULL;
    g_autofree char *target = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    source = g_build_filename(dir, "a.qcow2", NULL);
    target = g_build_filename(dir, "b.vhdx", NULL);

    g_assert_false(convert(source, target, HVD_DISK_FORMAT_AUTO, NULL, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND);
    g_clear_error(&error);

    g_assert_true(create(source, HVD_DISK_FORMAT_AUTO, MIB, FALSE, NULL, NULL, &error));
    g_assert_false(convert(source, source, HVD_DISK_FORMAT_AUTO, NULL, &error));
    g_assert_nonnull(strstr(error->message, "exists already"));
    berth_test_remove_tree(dir);
}

/* ---- Resize ----------------------------------------------------------------------------- */

static void
test_resize(gconstpointer user_data)
{
    const CreateCase *c = user_data;
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autofree char *write = NULL;
    g_autofree char *read = NULL;
    g_autofree char *listing = NULL;
    g_autoptr(HvdJob) job = hvd_job_new("resize", TRUE);
    g_autoptr(HvdDiskInfo) info = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    path = g_build_filename(dir, c->name, NULL);
    g_assert_true(create(path, c->format, 32 * MIB, c->fixed, NULL, NULL, &error));
    g_assert_no_error(error);
    write = g_strdup_printf("qemu-io -f %s -c 'write -P 0x42 1M 1M' %s",
                            hvd_disk_format_to_qemu(c->format), path);
    run_ok(write);

    g_assert_true(resize(path, 48 * MIB, job, &error));
    g_assert_no_error(error);
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_SUCCEEDED);

    info = inspect(path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(info->format, ==, c->format);
    g_assert_cmpuint(info->virtual_size, ==, 48 * MIB);
    g_assert_cmpint(info->type, ==, c->fixed ? HVD_DISK_TYPE_FIXED : HVD_DISK_TYPE_DYNAMIC);
    if (c->fixed)
        g_assert_cmpuint(info->file_size, >=, 48 * MIB);
    else
        g_assert_cmpuint(info->file_size, <, 16 * MIB);
    /* The data is still there. */
    read = g_strdup_printf("qemu-io -f %s -c 'read -P 0x42 1M 1M' -c 'read -P 0 40M 1M' %s",
                           hvd_disk_format_to_qemu(c->format), path);
    run_ok(read);
    listing = list_dir(dir);
    g_assert_cmpstr(listing, ==, c->name);
    berth_test_remove_tree(dir);
}

static void
test_resize_shrink_refused(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autoptr(HvdDiskInfo) info = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(HvdJob) job = NULL;

    if (!have_qemu_img())
        return;
    dir = make_dir();
    path = g_build_filename(dir, "disk.qcow2", NULL);
    g_assert_true(create(path, HVD_DISK_FORMAT_AUTO, 32 * MIB, FALSE, NULL, NULL, &error));

    job = hvd_job_new("resize", TRUE);
    g_assert_false(resize(path, 16 * MIB, job, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "shrink"));
    g_assert_nonnull(strstr(error->message, path));
    g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_FAILED);
    g_clear_error(&error);

    info = inspect(path, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(info->virtual_size, ==, 32 * MIB);

    g_assert_false(resize(dir, 16 * MIB, NULL, &error));
    g_assert_nonnull(strstr(error->message, "is not a disk image"));
    berth_test_remove_tree(dir);
}

/* Without qemu-img (BERTH_QEMU_IMG names another binary): a host error, no file left. */
static void
test_no_qemu_img(void)
{
    if (g_test_subprocess()) {
        g_autofree char *dir = make_dir();
        g_autofree char *path = g_build_filename(dir, "disk.vhdx", NULL);
        g_autofree char *listing = NULL;
        g_autoptr(HvdJob) job = hvd_job_new("create", TRUE);
        g_autoptr(GError) error = NULL;

        /* A fresh process running this test alone: no other thread reads the environment. */
        g_setenv("BERTH_QEMU_IMG", "/nonexistent/qemu-img", TRUE);
        g_assert_false(create(path, HVD_DISK_FORMAT_AUTO, MIB, FALSE, NULL, job, &error));
        g_assert_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED);
        g_assert_nonnull(strstr(error->message, "qemu-img"));
        g_assert_cmpint(hvd_job_get_state(job), ==, HVD_JOB_STATE_FAILED);
        listing = list_dir(dir);
        g_assert_cmpstr(listing, ==, "");
        berth_test_remove_tree(dir);
        return;
    }
    g_test_trap_subprocess(NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
}

/* Mounts a 4 MiB tmpfs on @dir in a new mount namespace of the calling process. */
static gboolean
small_tmpfs(const char *dir)
{
    return unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
           mount("tmpfs", dir, "tmpfs", 0, "size=4m") == 0;
}

static gboolean
can_mount_small_tmpfs(void)
{
    g_autofree char *dir = make_dir();
    int status = -1;
    pid_t pid = fork();

    if (pid == 0)
        _exit(small_tmpfs(dir) ? 0 : 1);
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    berth_test_remove_tree(dir);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A full file system: a 4 MiB tmpfs in a mount namespace of a subprocess of our own, where
 * root can make one (skipped elsewhere). */
static void
test_no_space(void)
{
    if (!have_qemu_img())
        return;
    if (g_test_subprocess()) {
        g_autofree char *dir = make_dir();
        g_autofree char *raw = g_build_filename(dir, "fixed.img", NULL);
        g_autofree char *vhdx = g_build_filename(dir, "fixed.vhdx", NULL);
        g_autofree char *copy = g_build_filename(dir, "copy.qcow2", NULL);
        g_autofree char *listing = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_true(small_tmpfs(dir));
        shared_big_raw(); /* outside the small file system */

        g_assert_false(create(raw, HVD_DISK_FORMAT_AUTO, 16 * MIB, TRUE, NULL, NULL, &error));
        g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
        g_assert_cmpstr(strstr(error->message, "not enough free space"), !=, NULL);
        g_assert_nonnull(strstr(error->message, raw));
        g_clear_error(&error);
        /* qemu-img makes it sparse; our allocation finds the space missing. */
        g_assert_false(create(vhdx, HVD_DISK_FORMAT_AUTO, 16 * MIB, TRUE, NULL, NULL, &error));
        g_assert_nonnull(strstr(error->message, "not enough free space"));
        g_assert_nonnull(strstr(error->message, vhdx));
        g_clear_error(&error);
        g_assert_false(convert(big_raw, copy, HVD_DISK_FORMAT_AUTO, NULL, &error));
        g_assert_nonnull(strstr(error->message, "not enough free space"));
        g_assert_nonnull(strstr(error->message, copy));

        listing = list_dir(dir);
        g_assert_cmpstr(listing, ==, "");
        umount(dir);
        berth_test_remove_tree(dir);
        berth_test_remove_tree(shared_dir);
        return;
    }
    if (!can_mount_small_tmpfs()) {
        g_test_skip("cannot mount a small tmpfs here (needs root)");
        return;
    }
    g_test_trap_subprocess(NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed();
}

/* QEMU's image locks are OFD locks on bytes 100 + permission (taken) and 200 + permission
 * (denied to others); "write" is permission 1. */
static gboolean
holds_write_lock(const char *path)
{
    g_autofree char *locks = NULL;
    g_autofree char *suffix = NULL;
    g_auto(GStrv) lines = NULL;
    gboolean taken = FALSE;
    gboolean denied = FALSE;
    struct stat st;

    if (stat(path, &st) != 0 || !g_file_get_contents("/proc/locks", &locks, NULL, NULL))
        return FALSE;
    suffix = g_strdup_printf(":%lu", (unsigned long)st.st_ino);
    lines = g_strsplit(locks, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        g_auto(GStrv) fields = g_strsplit_set(lines[i], " ", -1);
        g_autoptr(GPtrArray) words = g_ptr_array_new();
        guint64 from, to;

        for (guint j = 0; fields[j] != NULL; j++) {
            if (*fields[j] != '\0')
                g_ptr_array_add(words, fields[j]);
        }
        /* "1: OFDLCK ADVISORY READ -1 fe:00:1234 100 101" */
        if (words->len < 8 || !g_str_has_suffix(words->pdata[5], suffix))
            continue;
        from = g_ascii_strtoull(words->pdata[6], NULL, 10);
        to = g_ascii_strtoull(words->pdata[7], NULL, 10);
        taken = taken || (from <= 101 && 101 <= to);
        denied = denied || (from <= 201 && 201 <= to);
    }
    return taken && denied;
}

/* A process holding the disk open for writing, like a running VM's QEMU. */
static void
test_in_use(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autofree char *target = NULL;
    g_autofree char *qemu_io = g_find_program_in_path("qemu-io");
    g_autoptr(GSubprocess) holder = NULL;
    g_autoptr(HvdDiskInfo) info = NULL;
    g_autoptr(GError) error = NULL;
    gboolean locked = FALSE;

    if (!have_qemu_img())
        return;
    if (qemu_io == NULL) {
        g_test_skip("qemu-io is not installed");
        return;
    }
    dir = make_dir();
    path = g_build_filename(dir, "disk.vhdx", NULL);
    target = g_build_filename(dir, "copy.qcow2", NULL);
    g_assert_true(create(path, HVD_DISK_FORMAT_AUTO, 16 * MIB, FALSE, NULL, NULL, &error));

    holder = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, qemu_io, "-f", "vhdx",
                              "-c", "sleep 20000", path, NULL);
    g_assert_no_error(error);
    /* Wait until it holds the lock; watched in /proc/locks, since asking qemu-img would take a
     * lock of its own and could keep qemu-io from opening the disk. */
    for (guint i = 0; i < 500 && !locked; i++) {
        locked = holds_write_lock(path);
        if (!locked)
            g_usleep(10000);
    }
    g_assert_true(locked);

    g_assert_false(resize(path, 32 * MIB, NULL, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_BUSY);
    g_assert_nonnull(strstr(error->message, "is in use by a running virtual machine"));
    g_assert_nonnull(strstr(error->message, path));
    g_clear_error(&error);
    g_assert_false(convert(path, target, HVD_DISK_FORMAT_AUTO, NULL, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_BUSY);
    g_clear_error(&error);
    /* Inspecting still works. */
    info = inspect(path, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(info->virtual_size, ==, 16 * MIB);

    g_subprocess_force_exit(holder);
    g_subprocess_wait(holder, NULL, NULL);
    {
        g_autofree char *listing = list_dir(dir);

        g_assert_cmpstr(listing, ==, "disk.vhdx");
    }
    berth_test_remove_tree(dir);
}

int
main(int argc, char **argv)
{
    int status;

    g_test_init(&argc, &argv, NULL);
    g_setenv("LC_ALL", "C", TRUE);

    g_test_add_func("/disk/job/states", test_job_states);
    g_test_add_func("/disk/job/lifecycle", test_job_lifecycle);
    g_test_add_func("/disk/job/cancel", test_job_cancel);
    g_test_add_func("/disk/format-names", test_format_names);
    g_test_add_func("/disk/options-variant", test_options_variant);
    for (guint i = 0; i < G_N_ELEMENTS(create_cases); i++) {
        const CreateCase *c = &create_cases[i];
        g_autofree char *name =
            g_strdup_printf("/disk/create/%s/%s", hvd_disk_format_to_string(c->format),
                            c->fixed ? "fixed" : "dynamic");
        g_autofree char *resize_name =
            g_strdup_printf("/disk/resize/%s/%s", hvd_disk_format_to_string(c->format),
                            c->fixed ? "fixed" : "dynamic");

        g_test_add_data_func(name, c, test_create);
        g_test_add_data_func(resize_name, c, test_resize);
    }
    g_test_add_func("/disk/create/differencing", test_create_differencing);
    g_test_add_func("/disk/create/differencing-refused", test_create_differencing_refused);
    g_test_add_func("/disk/create/missing-parent", test_create_missing_parent);
    g_test_add_func("/disk/create/exists", test_create_exists);
    g_test_add_func("/disk/create/bad-folder", test_create_bad_folder);
    g_test_add_func("/disk/create/too-big", test_create_too_big);
    g_test_add_func("/disk/inspect/not-a-disk", test_inspect_not_a_disk);
    g_test_add_func("/disk/convert/chain", test_convert_chain);
    g_test_add_func("/disk/convert/cancel", test_convert_cancel);
    g_test_add_func("/disk/convert/fixed", test_convert_fixed);
    g_test_add_func("/disk/convert/refused", test_convert_refused);
    g_test_add_func("/disk/resize/shrink-refused", test_resize_shrink_refused);
    g_test_add_func("/disk/in-use", test_in_use);
    g_test_add_func("/disk/no-space", test_no_space);
    g_test_add_func("/disk/no-qemu-img", test_no_qemu_img);

    status = g_test_run();
    if (shared_dir != NULL)
        berth_test_remove_tree(shared_dir);
    g_free(big_raw);
    g_free(shared_dir);
    return status;
}
