/* hvd-disk.c: creating, converting and resizing virtual disks through qemu-img, asynchronously,
 * into HvdJobs (inspecting is hvd-disk-info.c, the files' part hvd-disk-file.c).
 *
 * qemu-img runs through hvd-qemu-img (progress, cancel, its messages as our sentences);
 * cancelling removes the temporary file once qemu-img is gone.
 *
 * New files (create, convert, the copy a VHDX/VHD resize makes) are written under a hidden
 * temporary name in the target's folder and renamed at the end: a failed or cancelled job leaves
 * nothing, and nobody sees a half-written disk under its real name.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-disk-file.h"
#include "hvd-disk.h"
#include "hvd-error.h"
#include "hvd-qemu-img.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define GIB (G_GUINT64_CONSTANT(1) << 30)

static guint64
max_size(HvdDiskFormat format)
{
    return format == HVD_DISK_FORMAT_VHD ? HVD_DISK_MAX_VHD_SIZE : HVD_DISK_MAX_SIZE;
}

static gboolean
check_size(const char *path, HvdDiskFormat format, guint64 size, GError **error)
{
    if (size > max_size(format)) {
        g_autofree char *asked = g_format_size_full(size, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *limit = g_format_size_full(max_size(format), G_FORMAT_SIZE_IEC_UNITS);

        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                    /* Translators: “disk.vhd” would be 3.0 TiB; a vhd disk can be at most… */
                    _("“%s” would be %s; a %s disk can be at most %s"), path, asked,
                    hvd_disk_format_to_string(format), limit);
        return FALSE;
    }
    return TRUE;
}

static guint64
round_up_mib(guint64 size)
{
    return (size + MIB - 1) / MIB * MIB;
}

/* ---- qemu-img arguments ---------------------------------------------------------------- */

static void add_args(GPtrArray *args, ...) G_GNUC_NULL_TERMINATED;

static void
add_args(GPtrArray *args, ...)
{
    va_list ap;
    const char *arg;

    va_start(ap, args);
    while ((arg = va_arg(ap, const char *)) != NULL)
        g_ptr_array_add(args, g_strdup(arg));
    va_end(ap);
}

/* @args, NULL-terminated for hvd_qemu_img_run_async(). */
static const char *const *
args_end(GPtrArray *args)
{
    g_ptr_array_add(args, NULL);
    return (const char *const *)args->pdata;
}

/* -o for a new disk of @format. VHD gets force_size so its size is exactly what was asked
 * (not rounded to a CHS geometry); fixed qcow2 and raw are allocated with fallocate, fast. */
static char *
create_options(HvdDiskFormat format, gboolean fixed)
{
    switch (format) {
    case HVD_DISK_FORMAT_VHDX:
        return g_strdup(fixed ? "subformat=fixed" : "subformat=dynamic");
    case HVD_DISK_FORMAT_VHD:
        return g_strdup(fixed ? "subformat=fixed,force_size=on"
                              : "subformat=dynamic,force_size=on");
    case HVD_DISK_FORMAT_QCOW2:
    case HVD_DISK_FORMAT_RAW:
        return fixed ? g_strdup("preallocation=falloc") : NULL;
    case HVD_DISK_FORMAT_AUTO:
        break;
    }
    g_return_val_if_reached(NULL);
}

/* qemu-img makes fixed VHDX and VHD files sparse; we allocate them so they own their space
 * like Hyper-V's. */
static gboolean
needs_allocation(HvdDiskFormat format, gboolean fixed)
{
    return fixed && (format == HVD_DISK_FORMAT_VHDX || format == HVD_DISK_FORMAT_VHD);
}

/* ---- The operations' common part -------------------------------------------------------- */

typedef struct {
    char *path;   /* the disk created, converted to, or resized */
    char *source; /* convert: the source; resize of VHDX/VHD: the disk being replaced */
    char *parent; /* create: as given */
    char *parent_path;
    char *temp;
    HvdDiskFormat format;
    HvdDiskFormat source_format;
    HvdDiskFormat parent_format;
    gboolean fixed;
    guint64 size;
    HvdJob *job;
    GCancellable *cancellable;
} OpData;

static void
op_data_free(OpData *data)
{
    if (data->temp != NULL)
        g_unlink(data->temp);
    g_free(data->path);
    g_free(data->source);
    g_free(data->parent);
    g_free(data->parent_path);
    g_free(data->temp);
    g_clear_object(&data->job);
    g_clear_object(&data->cancellable);
    g_free(data);
}

static GTask *
op_new(gpointer source_tag, const char *path, HvdJob *job, GCancellable *cancellable,
       GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, NULL, callback, user_data);
    OpData *data = g_new0(OpData, 1);

    g_task_set_source_tag(task, source_tag);
    data->path = g_strdup(path);
    data->job = job != NULL ? g_object_ref(job) : NULL;
    if (cancellable == NULL && job != NULL)
        cancellable = hvd_job_get_cancellation(job);
    data->cancellable = cancellable != NULL ? g_object_ref(cancellable) : NULL;
    g_task_set_task_data(task, data, (GDestroyNotify)op_data_free);
    return task;
}

/* Ends the operation (takes @error); the temporary file goes with the task data. */
static void
op_return(GTask *task, GError *error)
{
    OpData *data = g_task_get_task_data(task);

    if (data->temp != NULL && error != NULL) {
        g_unlink(data->temp);
        g_clear_pointer(&data->temp, g_free);
    }
    if (data->job != NULL)
        hvd_job_complete(data->job, error);
    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
}

static void
op_progress(OpData *data, double progress)
{
    if (data->job != NULL)
        hvd_job_set_progress(data->job, progress);
}

static void
op_set_cancellable(OpData *data, gboolean cancellable)
{
    if (data->job != NULL)
        hvd_job_set_cancellable(data->job, cancellable);
}

static gboolean
op_finish(GAsyncResult *result, gpointer source_tag, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == source_tag, FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* The last step of create and convert: allocate if fixed, then rename the temporary file. */
static void op_publish(GTask *task);

static void
op_allocated(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    OpData *data = g_task_get_task_data(task);
    GError *error = NULL;

    if (!hvd_disk_file_allocate_finish(result, &error)) {
        op_return(task, error);
        return;
    }
    op_progress(data, 0.95);
    op_set_cancellable(data, FALSE);
    if (data->source != NULL && g_strcmp0(data->source, data->path) == 0) {
        /* Resize of a VHDX/VHD: the new copy replaces the disk, keeping its permissions. */
        struct stat st;

        if (stat(data->path, &st) == 0)
            g_chmod(data->temp, st.st_mode & 07777);
        if (g_rename(data->temp, data->path) != 0) {
            int errsv = errno;

            op_return(task,
                      g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot replace “%s”: %s"),
                                  data->path, g_strerror(errsv)));
            return;
        }
    } else if (!hvd_disk_file_rename_new(data->temp, data->path, &error)) {
        op_return(task, error);
        return;
    }
    g_clear_pointer(&data->temp, g_free);
    op_return(task, NULL);
}

static void
op_publish(GTask *task)
{
    OpData *data = g_task_get_task_data(task);

    if (needs_allocation(data->format, data->fixed)) {
        hvd_disk_file_allocate_async(data->temp, data->path, data->cancellable, op_allocated, task);
        return;
    }
    /* Nothing to allocate: reuse the same last step through an already finished task. */
    {
        g_autoptr(GTask) done = g_task_new(NULL, NULL, op_allocated, task);

        g_task_return_boolean(done, TRUE);
    }
}

/* ---- Create ----------------------------------------------------------------------------- */

static char *
parent_path(const char *path, const char *parent)
{
    g_autofree char *folder = NULL;

    if (g_path_is_absolute(parent))
        return g_strdup(parent);
    folder = g_path_get_dirname(path);
    return g_build_filename(folder, parent, NULL);
}

static HvdDiskFormat
create_format(const char *path, const HvdDiskCreateOptions *options)
{
    if (options->format != HVD_DISK_FORMAT_AUTO)
        return options->format;
    if (options->parent != NULL)
        return HVD_DISK_FORMAT_QCOW2;
    return hvd_disk_format_for_path(path);
}

gboolean
hvd_disk_create_check(const char *path, const HvdDiskCreateOptions *options, GError **error)
{
    HvdDiskFormat format;

    g_return_val_if_fail(options != NULL, FALSE);

    if (!hvd_disk_file_check_target(path, error))
        return FALSE;
    format = create_format(path, options);

    if (options->parent != NULL) {
        g_autofree char *parent = parent_path(path, options->parent);
        HvdDiskFormat named;

        if (format != HVD_DISK_FORMAT_QCOW2 ||
            (hvd_disk_format_from_extension(path, &named) && named != HVD_DISK_FORMAT_QCOW2)) {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                        _("A differencing disk is a qcow2 file (QEMU cannot write VHDX or VHD "
                          "differencing disks): choose the qcow2 format and a .qcow2 name for "
                          "“%s”"),
                        path);
            return FALSE;
        }
        if (options->fixed) {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                        _("A differencing disk cannot be fixed: “%s”"), path);
            return FALSE;
        }
        if (!g_file_test(parent, G_FILE_TEST_EXISTS)) {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                        _("The parent disk “%s” does not exist"), parent);
            return FALSE;
        }
    } else if (options->size_bytes == 0) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Give the size of the new disk “%s”"),
                    path);
        return FALSE;
    }
    return check_size(path, format, options->size_bytes, error);
}

static void
create_ran(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    OpData *data = g_task_get_task_data(task);
    GError *error = NULL;
    g_autofree char *output = hvd_qemu_img_run_finish(result, &error);

    if (output == NULL) {
        op_return(task, error);
        return;
    }
    op_progress(data, 0.5);
    op_publish(g_steal_pointer(&task));
}

/* Takes @task. */
static void
create_run(GTask *task)
{
    OpData *data = g_task_get_task_data(task);
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *options = create_options(data->format, data->fixed);
    GError *error = NULL;

    data->temp = hvd_disk_file_reserve_temp(data->path, &error);
    if (data->temp == NULL) {
        op_return(task, error);
        g_object_unref(task);
        return;
    }
    add_args(args, "create", "-q", "-f", hvd_disk_format_to_qemu(data->format), NULL);
    if (options != NULL)
        add_args(args, "-o", options, NULL);
    if (data->parent != NULL)
        add_args(args, "-b", data->parent, "-F", hvd_disk_format_to_qemu(data->parent_format),
                 NULL);
    g_ptr_array_add(args, g_strdup(data->temp));
    g_ptr_array_add(args, g_strdup_printf("%" G_GUINT64_FORMAT, data->size));
    hvd_qemu_img_run_async(args_end(args), data->path, NULL, data->job, 0.0, 0.5, data->cancellable,
                           create_ran, task);
}

static void
create_parent_inspected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    OpData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(HvdDiskInfo) parent = hvd_disk_inspect_finish(result, &error);

    if (parent == NULL) {
        if (g_error_matches(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND))
            op_return(task,
                      g_error_new(BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                                  _("The parent disk “%s” does not exist"), data->parent_path));
        else
            op_return(task, g_steal_pointer(&error));
        g_object_unref(task);
        return;
    }
    data->parent_format = parent->format;
    if (data->size == 0) {
        data->size = parent->virtual_size;
    } else if (data->size < parent->virtual_size) {
        op_return(task, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                    _("The differencing disk “%s” cannot be smaller than its "
                                      "parent “%s”"),
                                    data->path, data->parent_path));
        g_object_unref(task);
        return;
    }
    create_run(task);
}

void
hvd_disk_create_async(const char *path, const HvdDiskCreateOptions *options, HvdJob *job,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task;
    OpData *data;
    GError *error = NULL;

    g_return_if_fail(path != NULL && options != NULL);
    g_return_if_fail(job == NULL || HVD_IS_JOB(job));

    task = op_new(hvd_disk_create_async, path, job, cancellable, callback, user_data);
    data = g_task_get_task_data(task);
    if (!hvd_disk_create_check(path, options, &error)) {
        op_return(task, error);
        g_object_unref(task);
        return;
    }
    data->format = create_format(path, options);
    data->fixed = options->fixed;
    data->size = round_up_mib(options->size_bytes);
    if (options->parent != NULL) {
        data->parent = g_strdup(options->parent);
        data->parent_path = parent_path(path, options->parent);
        hvd_disk_inspect_async(data->parent_path, data->cancellable, create_parent_inspected, task);
        return;
    }
    create_run(task);
}

gboolean
hvd_disk_create_finish(GAsyncResult *result, GError **error)
{
    return op_finish(result, hvd_disk_create_async, error);
}

/* ---- Convert ---------------------------------------------------------------------------- */

gboolean
hvd_disk_convert_check(const char *source, const char *target, HvdDiskFormat format, GError **error)
{
    if (!hvd_disk_file_check_source(source, error) || !hvd_disk_file_check_target(target, error))
        return FALSE;
    return TRUE;
}

static void
convert_ran(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;
    g_autofree char *output = hvd_qemu_img_run_finish(result, &error);

    if (output == NULL) {
        op_return(task, error);
        return;
    }
    op_publish(g_steal_pointer(&task));
}

static void
convert_inspected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    OpData *data = g_task_get_task_data(task);
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(HvdDiskInfo) info = NULL;
    g_autofree char *options = NULL;
    GError *error = NULL;

    info = hvd_disk_inspect_finish(result, &error);
    if (info == NULL || !check_size(data->path, data->format, info->virtual_size, &error)) {
        op_return(task, error);
        g_object_unref(task);
        return;
    }
    data->temp = hvd_disk_file_reserve_temp(data->path, &error);
    if (data->temp == NULL) {
        op_return(task, error);
        g_object_unref(task);
        return;
    }
    options = create_options(data->format, data->fixed);
    add_args(args, "convert", "-p", "-f", hvd_disk_format_to_qemu(info->format), "-O",
             hvd_disk_format_to_qemu(data->format), NULL);
    if (options != NULL)
        add_args(args, "-o", options, NULL);
    add_args(args, data->source, data->temp, NULL);
    /* The target's folder is the likely culprit for space; the source for the rest. */
    hvd_qemu_img_run_async(args_end(args), data->source, data->path, data->job, 0.0,
                           needs_allocation(data->format, data->fixed) ? 0.8 : 0.95,
                           data->cancellable, convert_ran, task);
}

void
hvd_disk_convert_async(const char *source, const char *target, HvdDiskFormat format, gboolean fixed,
                       HvdJob *job, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
    GTask *task;
    OpData *data;
    GError *error = NULL;

    g_return_if_fail(source != NULL && target != NULL);
    g_return_if_fail(job == NULL || HVD_IS_JOB(job));

    task = op_new(hvd_disk_convert_async, target, job, cancellable, callback, user_data);
    data = g_task_get_task_data(task);
    if (!hvd_disk_convert_check(source, target, format, &error)) {
        op_return(task, error);
        g_object_unref(task);
        return;
    }
    data->source = g_strdup(source);
    data->format = format != HVD_DISK_FORMAT_AUTO ? format : hvd_disk_format_for_path(target);
    data->fixed = fixed;
    hvd_disk_inspect_async(source, data->cancellable, convert_inspected, task);
}

gboolean
hvd_disk_convert_finish(GAsyncResult *result, GError **error)
{
    return op_finish(result, hvd_disk_convert_async, error);
}

/* ---- Resize ----------------------------------------------------------------------------- */

static void
resize_ran(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    OpData *data = g_task_get_task_data(task);
    GError *error = NULL;
    g_autofree char *output = hvd_qemu_img_run_finish(result, &error);

    if (output == NULL) {
        op_return(task, error);
        return;
    }
    if (data->temp != NULL)
        op_publish(g_steal_pointer(&task));
    else
        op_return(task, NULL);
}

static void
resize_created(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    OpData *data = g_task_get_task_data(task);
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    GError *error = NULL;
    g_autofree char *output = hvd_qemu_img_run_finish(result, &error);
    const char *format = hvd_disk_format_to_qemu(data->format);

    if (output == NULL) {
        op_return(task, error);
        return;
    }
    /* -n: into the disk just made; --target-is-zero: keeps a dynamic disk's holes. */
    add_args(args, "convert", "-p", "-n", "--target-is-zero", "-f", format, "-O", format,
             data->path, data->temp, NULL);
    hvd_qemu_img_run_async(args_end(args), data->path, NULL, data->job, 0.05,
                           data->fixed ? 0.8 : 0.95, data->cancellable, resize_ran,
                           g_steal_pointer(&task));
}

static void
resize_inspected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    OpData *data = g_task_get_task_data(task);
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(HvdDiskInfo) info = NULL;
    GError *error = NULL;
    const char *format;

    info = hvd_disk_inspect_finish(result, &error);
    if (info == NULL || !check_size(data->path, info->format, data->size, &error)) {
        op_return(task, error);
        g_object_unref(task);
        return;
    }
    if (data->size < info->virtual_size) {
        g_autofree char *now = g_format_size_full(info->virtual_size, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *asked = g_format_size_full(data->size, G_FORMAT_SIZE_IEC_UNITS);

        op_return(task, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                    /* Translators: “disk.vhdx” is 20 MiB: it cannot shrink to… */
                                    _("“%s” is %s: it cannot shrink to %s (disks can only be "
                                      "expanded)"),
                                    data->path, now, asked));
        g_object_unref(task);
        return;
    }
    if (data->size == info->virtual_size) {
        op_return(task, NULL);
        g_object_unref(task);
        return;
    }

    data->format = info->format;
    data->fixed = info->type == HVD_DISK_TYPE_FIXED;
    format = hvd_disk_format_to_qemu(info->format);
    if (info->format == HVD_DISK_FORMAT_QCOW2 || info->format == HVD_DISK_FORMAT_RAW) {
        /* In place and quick; not something to interrupt halfway. */
        op_set_cancellable(data, FALSE);
        add_args(args, "resize", "-q", "-f", format, NULL);
        if (data->fixed)
            add_args(args, "--preallocation=falloc", NULL);
        g_ptr_array_add(args, g_strdup(data->path));
        g_ptr_array_add(args, g_strdup_printf("%" G_GUINT64_FORMAT, data->size));
        hvd_qemu_img_run_async(args_end(args), data->path, NULL, data->job, 0.0, 0.95,
                               data->cancellable, resize_ran, task);
        return;
    }

    /* qemu-img cannot resize VHDX or VHD: copy into a new disk of the new size. */
    g_autofree char *options = create_options(data->format, data->fixed);

    data->source = g_strdup(data->path);
    data->temp = hvd_disk_file_reserve_temp(data->path, &error);
    if (data->temp == NULL) {
        op_return(task, error);
        g_object_unref(task);
        return;
    }
    add_args(args, "create", "-q", "-f", format, "-o", options, data->temp, NULL);
    g_ptr_array_add(args, g_strdup_printf("%" G_GUINT64_FORMAT, data->size));
    hvd_qemu_img_run_async(args_end(args), data->path, NULL, data->job, 0.0, 0.05,
                           data->cancellable, resize_created, task);
}

void
hvd_disk_resize_async(const char *path, guint64 size_bytes, HvdJob *job, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task;
    OpData *data;
    GError *error = NULL;

    g_return_if_fail(path != NULL);
    g_return_if_fail(job == NULL || HVD_IS_JOB(job));

    task = op_new(hvd_disk_resize_async, path, job, cancellable, callback, user_data);
    data = g_task_get_task_data(task);
    if (!hvd_disk_file_check_source(path, &error) ||
        !check_size(path, HVD_DISK_FORMAT_VHDX, size_bytes, &error)) {
        op_return(task, error);
        g_object_unref(task);
        return;
    }
    data->size = round_up_mib(size_bytes);
    hvd_disk_inspect_async(path, data->cancellable, resize_inspected, task);
}

gboolean
hvd_disk_resize_finish(GAsyncResult *result, GError **error)
{
    return op_finish(result, hvd_disk_resize_async, error);
}

/* ---- Jobs for the daemon ---------------------------------------------------------------- */

HvdJob *
hvd_disk_create_job(const char *path, const HvdDiskCreateOptions *options, GError **error)
{
    g_autofree char *description = NULL;
    g_autoptr(HvdJob) job = NULL;

    if (!hvd_disk_create_check(path, options, error))
        return NULL;
    description = g_strdup_printf(_("Creating “%s”"), path);
    job = hvd_job_new(description, TRUE);
    hvd_disk_create_async(path, options, job, NULL, NULL, NULL);
    return g_steal_pointer(&job);
}

HvdJob *
hvd_disk_convert_job(const char *source, const char *target, HvdDiskFormat format, gboolean fixed,
                     GError **error)
{
    g_autofree char *description = NULL;
    g_autoptr(HvdJob) job = NULL;

    if (!hvd_disk_convert_check(source, target, format, error))
        return NULL;
    /* Translators: Converting “a.vhdx” to “b.qcow2” */
    description = g_strdup_printf(_("Converting “%s” to “%s”"), source, target);
    job = hvd_job_new(description, TRUE);
    hvd_disk_convert_async(source, target, format, fixed, job, NULL, NULL, NULL);
    return g_steal_pointer(&job);
}

HvdJob *
hvd_disk_resize_job(const char *path, guint64 size_bytes, GError **error)
{
    g_autofree char *description = NULL;
    g_autoptr(HvdJob) job = NULL;

    if (!hvd_disk_file_check_source(path, error))
        return NULL;
    description = g_strdup_printf(_("Expanding “%s”"), path);
    job = hvd_job_new(description, TRUE);
    hvd_disk_resize_async(path, size_bytes, job, NULL, NULL, NULL);
    return g_steal_pointer(&job);
}
