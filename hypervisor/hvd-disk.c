/* hvd-disk.c: virtual disks through qemu-img, asynchronously, into HvdJobs.
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
#define _GNU_SOURCE /* renameat2, fallocate */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-disk-qemu-img.h"
#include "hvd-disk.h"
#include "hvd-error.h"
#include "hvd-qemu-img.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define GIB (G_GUINT64_CONSTANT(1) << 30)

/* ---- Formats ---------------------------------------------------------------------------- */

static const struct {
    HvdDiskFormat format;
    const char *name;
    const char *qemu;
} formats[] = {
    {HVD_DISK_FORMAT_AUTO, "auto", NULL}, {HVD_DISK_FORMAT_VHDX, "vhdx", "vhdx"},
    {HVD_DISK_FORMAT_VHD, "vhd", "vpc"},  {HVD_DISK_FORMAT_QCOW2, "qcow2", "qcow2"},
    {HVD_DISK_FORMAT_RAW, "raw", "raw"},
};

static const struct {
    const char *extension;
    HvdDiskFormat format;
} extensions[] = {
    {".vhdx", HVD_DISK_FORMAT_VHDX},   {".avhdx", HVD_DISK_FORMAT_VHDX},
    {".vhd", HVD_DISK_FORMAT_VHD},     {".avhd", HVD_DISK_FORMAT_VHD},
    {".qcow2", HVD_DISK_FORMAT_QCOW2}, {".qcow", HVD_DISK_FORMAT_QCOW2},
    {".img", HVD_DISK_FORMAT_RAW},     {".raw", HVD_DISK_FORMAT_RAW},
};

const char *
hvd_disk_format_to_string(HvdDiskFormat format)
{
    for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
        if (formats[i].format == format)
            return formats[i].name;
    }
    g_return_val_if_reached(NULL);
}

gboolean
hvd_disk_format_from_string(const char *name, HvdDiskFormat *ret_format)
{
    g_return_val_if_fail(ret_format != NULL, FALSE);

    for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
        if (g_strcmp0(formats[i].name, name) == 0) {
            *ret_format = formats[i].format;
            return TRUE;
        }
    }
    return FALSE;
}

const char *
hvd_disk_format_to_qemu(HvdDiskFormat format)
{
    for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
        if (formats[i].format == format)
            return formats[i].qemu;
    }
    g_return_val_if_reached(NULL);
}

gboolean
hvd_disk_format_from_qemu(const char *name, HvdDiskFormat *ret_format)
{
    g_return_val_if_fail(ret_format != NULL, FALSE);

    for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
        if (formats[i].qemu != NULL && g_strcmp0(formats[i].qemu, name) == 0) {
            *ret_format = formats[i].format;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
hvd_disk_format_from_extension(const char *path, HvdDiskFormat *ret_format)
{
    g_autofree char *lower = g_ascii_strdown(path, -1);

    for (guint i = 0; i < G_N_ELEMENTS(extensions); i++) {
        if (g_str_has_suffix(lower, extensions[i].extension)) {
            *ret_format = extensions[i].format;
            return TRUE;
        }
    }
    return FALSE;
}

HvdDiskFormat
hvd_disk_format_for_path(const char *path)
{
    HvdDiskFormat format = HVD_DISK_FORMAT_VHDX;

    g_return_val_if_fail(path != NULL, HVD_DISK_FORMAT_VHDX);
    hvd_disk_format_from_extension(path, &format);
    return format;
}

const char *
hvd_disk_type_to_string(HvdDiskType type)
{
    switch (type) {
    case HVD_DISK_TYPE_DYNAMIC:
        return "dynamic";
    case HVD_DISK_TYPE_FIXED:
        return "fixed";
    case HVD_DISK_TYPE_DIFFERENCING:
        return "differencing";
    }
    g_return_val_if_reached("dynamic");
}

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

        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
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

/* ---- Options and information ------------------------------------------------------------ */

gboolean
hvd_disk_create_options_from_variant(GVariant *options, HvdDiskCreateOptions *ret_options,
                                     GError **error)
{
    GVariantIter iter;
    const char *key;
    GVariant *value;

    g_return_val_if_fail(options != NULL, FALSE);
    g_return_val_if_fail(g_variant_is_of_type(options, G_VARIANT_TYPE_VARDICT), FALSE);
    g_return_val_if_fail(ret_options != NULL, FALSE);

    *ret_options = (HvdDiskCreateOptions){HVD_DISK_FORMAT_AUTO, 0, FALSE, NULL};
    g_variant_iter_init(&iter, options);
    while (g_variant_iter_loop(&iter, "{&sv}", &key, &value)) {
        if (g_str_equal(key, "format") && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
            const char *name = g_variant_get_string(value, NULL);

            if (!hvd_disk_format_from_string(name, &ret_options->format)) {
                g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                            _("Unknown disk format “%s”: use vhdx, vhd, qcow2 or raw"), name);
                g_variant_unref(value);
                return FALSE;
            }
        } else if (g_str_equal(key, "size-bytes") &&
                   g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64)) {
            ret_options->size_bytes = g_variant_get_uint64(value);
        } else if (g_str_equal(key, "fixed") &&
                   g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
            ret_options->fixed = g_variant_get_boolean(value);
        } else if (g_str_equal(key, "parent") &&
                   g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
            ret_options->parent = g_variant_get_string(value, NULL);
            if (*ret_options->parent == '\0')
                ret_options->parent = NULL;
        } else {
            g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                        /* Translators: %s is an option name like "size-bytes"; keep the types */
                        _("Unknown disk option “%s” (expected format s, size-bytes t, fixed b, "
                          "parent s)"),
                        key);
            g_variant_unref(value);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
hvd_disk_convert_options_from_variant(GVariant *options, HvdDiskFormat *ret_format,
                                      gboolean *ret_fixed, GError **error)
{
    GVariantIter iter;
    const char *key;
    GVariant *value;

    g_return_val_if_fail(options != NULL, FALSE);
    g_return_val_if_fail(g_variant_is_of_type(options, G_VARIANT_TYPE_VARDICT), FALSE);
    g_return_val_if_fail(ret_format != NULL && ret_fixed != NULL, FALSE);

    *ret_format = HVD_DISK_FORMAT_AUTO;
    *ret_fixed = FALSE;
    g_variant_iter_init(&iter, options);
    while (g_variant_iter_loop(&iter, "{&sv}", &key, &value)) {
        if (g_str_equal(key, "format") && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
            const char *name = g_variant_get_string(value, NULL);

            if (!hvd_disk_format_from_string(name, ret_format)) {
                g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                            _("Unknown disk format “%s”: use vhdx, vhd, qcow2 or raw"), name);
                g_variant_unref(value);
                return FALSE;
            }
        } else if (g_str_equal(key, "fixed") &&
                   g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
            *ret_fixed = g_variant_get_boolean(value);
        } else {
            g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                        /* Translators: %s is an option name like "fixed"; keep the types */
                        _("Unknown conversion option “%s” (expected format s, fixed b)"), key);
            g_variant_unref(value);
            return FALSE;
        }
    }
    return TRUE;
}

G_DEFINE_BOXED_TYPE(HvdDiskInfo, hvd_disk_info, hvd_disk_info_copy, hvd_disk_info_free)

HvdDiskInfo *
hvd_disk_info_copy(const HvdDiskInfo *info)
{
    HvdDiskInfo *copy;

    g_return_val_if_fail(info != NULL, NULL);

    copy = g_new0(HvdDiskInfo, 1);
    *copy = *info;
    copy->path = g_strdup(info->path);
    copy->parent = g_strdup(info->parent);
    copy->parent_info = info->parent_info != NULL ? hvd_disk_info_copy(info->parent_info) : NULL;
    return copy;
}

void
hvd_disk_info_free(HvdDiskInfo *info)
{
    while (info != NULL) {
        HvdDiskInfo *next = info->parent_info;

        g_free(info->path);
        g_free(info->parent);
        g_free(info);
        info = next;
    }
}

GVariant *
hvd_disk_info_to_variant(const HvdDiskInfo *info)
{
    GVariantBuilder builder;

    g_return_val_if_fail(info != NULL, NULL);

    g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&builder, "{sv}", "format",
                          g_variant_new_string(hvd_disk_format_to_string(info->format)));
    g_variant_builder_add(&builder, "{sv}", "type",
                          g_variant_new_string(hvd_disk_type_to_string(info->type)));
    g_variant_builder_add(&builder, "{sv}", "fixed",
                          g_variant_new_boolean(info->type == HVD_DISK_TYPE_FIXED));
    g_variant_builder_add(&builder, "{sv}", "virtual-size",
                          g_variant_new_uint64(info->virtual_size));
    g_variant_builder_add(&builder, "{sv}", "file-size", g_variant_new_uint64(info->file_size));
    if (info->parent != NULL) {
        GVariantBuilder chain;

        g_variant_builder_add(&builder, "{sv}", "parent", g_variant_new_string(info->parent));
        g_variant_builder_init(&chain, G_VARIANT_TYPE_STRING_ARRAY);
        for (const HvdDiskInfo *p = info->parent_info; p != NULL; p = p->parent_info)
            g_variant_builder_add(&chain, "s", p->path);
        g_variant_builder_add(&builder, "{sv}", "parent-chain", g_variant_builder_end(&chain));
    }
    return g_variant_builder_end(&builder);
}

/* ---- Files ------------------------------------------------------------------------------ */

static void
set_folder_error(const char *folder, int errsv, GError **error)
{
    if (errsv == ENOSPC || errsv == EDQUOT)
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                    _("There is not enough free space in the folder “%s”"), folder);
    else if ((errsv == ENOENT || errsv == ENOTDIR) && !g_file_test(folder, G_FILE_TEST_IS_DIR))
        g_set_error(error, HVD_ERROR, HVD_ERROR_NOT_FOUND, _("The folder “%s” does not exist"),
                    folder);
    else
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                    /* Translators: the second %s is the system's reason */
                    _("Berth cannot write in the folder “%s”: %s"), folder, g_strerror(errsv));
}

/* A new disk's path: free, in a folder that exists. */
static gboolean
check_target(const char *path, GError **error)
{
    g_autofree char *folder = NULL;
    struct stat st;

    if (path == NULL || *path == '\0' || g_str_has_suffix(path, "/")) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED, _("“%s” is not a file name"),
                    path != NULL ? path : "");
        return FALSE;
    }
    if (lstat(path, &st) == 0) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED, _("“%s” exists already"), path);
        return FALSE;
    }
    folder = g_path_get_dirname(path);
    if (!g_file_test(folder, G_FILE_TEST_IS_DIR)) {
        set_folder_error(folder, ENOENT, error);
        return FALSE;
    }
    if (access(folder, W_OK) != 0) {
        set_folder_error(folder, errno, error);
        return FALSE;
    }
    return TRUE;
}

static gboolean
check_source(const char *path, GError **error)
{
    struct stat st;

    if (path == NULL || stat(path, &st) != 0) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_NOT_FOUND, _("“%s” does not exist"),
                    path != NULL ? path : "");
        return FALSE;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED, _("“%s” is not a disk image"), path);
        return FALSE;
    }
    return TRUE;
}

/* Reserves a hidden name beside @target; qemu-img then writes over the empty file. */
static char *
reserve_temp_path(const char *target, GError **error)
{
    g_autofree char *folder = g_path_get_dirname(target);
    g_autofree char *base = g_path_get_basename(target);
    g_autofree char *name = g_strdup_printf("%s/.%s.berth-XXXXXX", folder, base);
    int fd = g_mkstemp_full(name, O_RDWR | O_CLOEXEC, 0666);

    if (fd < 0) {
        set_folder_error(folder, errno, error);
        return NULL;
    }
    close(fd);
    return g_steal_pointer(&name);
}

/* Renames without replacing a file someone made meanwhile (link + unlink where the file
 * system lacks RENAME_NOREPLACE). */
static gboolean
rename_new(const char *from, const char *to, GError **error)
{
    int errsv;

    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return TRUE;
    errsv = errno;
    if (errsv == EINVAL || errsv == ENOSYS) {
        if (link(from, to) == 0) {
            g_unlink(from);
            return TRUE;
        }
        errsv = errno;
    }
    if (errsv == EEXIST)
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED, _("“%s” exists already"), to);
    else
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED, _("Cannot rename “%s” to “%s”: %s"), from,
                    to, g_strerror(errsv));
    return FALSE;
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

/* ---- Allocating (a thread) -------------------------------------------------------------- */

typedef struct {
    char *file;
    char *display;
} AllocateData;

static void
allocate_data_free(AllocateData *data)
{
    g_free(data->file);
    g_free(data->display);
    g_free(data);
}

static void
allocate_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    AllocateData *data = task_data;
    struct stat st;
    int fd = open(data->file, O_WRONLY | O_CLOEXEC);
    int errsv = 0;

    if (fd < 0 || fstat(fd, &st) != 0) {
        errsv = errno;
    } else {
        for (off_t offset = 0; offset < st.st_size; offset += (off_t)GIB) {
            off_t length = MIN((off_t)GIB, st.st_size - offset);

            if (g_cancellable_is_cancelled(cancellable))
                break;
            if (fallocate(fd, 0, offset, length) != 0) {
                errsv = errno;
                /* A file system without fallocate keeps the disk sparse; it still works. */
                if (errsv == EOPNOTSUPP)
                    errsv = 0;
                break;
            }
        }
    }
    if (fd >= 0)
        close(fd);

    if (g_cancellable_is_cancelled(cancellable))
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                _("The operation was cancelled"));
    else if (errsv == ENOSPC || errsv == EDQUOT)
        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED,
                                _("There is not enough free space for “%s”"), data->display);
    else if (errsv != 0)
        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED, _("Cannot allocate “%s”: %s"),
                                data->display, g_strerror(errsv));
    else
        g_task_return_boolean(task, TRUE);
}

static void
allocate_async(const char *file, const char *display, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    AllocateData *data = g_new0(AllocateData, 1);

    data->file = g_strdup(file);
    data->display = g_strdup(display);
    g_task_set_task_data(task, data, (GDestroyNotify)allocate_data_free);
    g_task_set_check_cancellable(task, FALSE);
    g_task_run_in_thread(task, allocate_thread);
}

static gboolean
allocate_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- Inspect ---------------------------------------------------------------------------- */

/* A raw file can be anything; only names that say "disk" are taken for raw disks. */
static gboolean
raw_name_ok(const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *lower = g_ascii_strdown(base, -1);

    return strchr(lower, '.') == NULL || g_str_has_suffix(lower, ".img") ||
           g_str_has_suffix(lower, ".raw") || g_str_has_suffix(lower, ".bin") ||
           g_str_has_suffix(lower, ".iso");
}

/* The file reads around qemu-img info (is it a VHD? fixed or dynamic?) run in worker threads:
 * file I/O the main loop should not wait for. */
typedef struct {
    char *path;
    char *json;
} InspectData;

static void
inspect_data_free(InspectData *data)
{
    g_free(data->path);
    g_free(data->json);
    g_free(data);
}

static void
inspect_read_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    InspectData *data = task_data;
    g_autoptr(HvdDiskInfo) info = NULL;
    GError *error = NULL;

    info = hvd_disk_info_from_json(data->json, data->path, &error);
    if (info == NULL) {
        g_task_return_error(task, error);
        return;
    }
    if (info->format == HVD_DISK_FORMAT_RAW &&
        (!raw_name_ok(data->path) || info->virtual_size == 0)) {
        g_task_return_new_error(task, HVD_ERROR, HVD_ERROR_FAILED, _("“%s” is not a disk image"),
                                data->path);
        return;
    }
    for (HvdDiskInfo *i = info; i != NULL; i = i->parent_info) {
        HvdDiskType type;

        if (i->type != HVD_DISK_TYPE_DIFFERENCING && hvd_disk_probe_type(i->path, i->format, &type))
            i->type = type;
    }
    g_task_return_pointer(task, g_steal_pointer(&info), (GDestroyNotify)hvd_disk_info_free);
}

static void
inspect_ran(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    InspectData *data = g_task_get_task_data(task);
    GError *error = NULL;

    data->json = hvd_qemu_img_run_finish(result, &error);
    if (data->json == NULL) {
        g_task_return_error(task, error);
        return;
    }
    g_task_run_in_thread(task, inspect_read_thread);
}

static void
inspect_probe_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    InspectData *data = g_task_get_task_data(G_TASK(task_data));
    GError *error = NULL;

    if (!check_source(data->path, &error))
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, hvd_disk_probe_is_vhd(data->path));
}

static void
inspect_probed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    InspectData *data = g_task_get_task_data(task);
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    GError *error = NULL;
    gboolean is_vhd = g_task_propagate_boolean(G_TASK(result), &error);

    if (error != NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    /* -U: works while a VM has the disk open. */
    add_args(args, "info", "--output=json", "--backing-chain", "-U", NULL);
    /* A fixed VHD starts with raw data: qemu-img's probe would call it raw. */
    if (is_vhd)
        add_args(args, "-f", "vpc", NULL);
    g_ptr_array_add(args, g_strdup(data->path));
    hvd_qemu_img_run_async(args_end(args), data->path, NULL, NULL, 0.0, 0.0,
                           g_task_get_cancellable(task), inspect_ran, task);
}

void
hvd_disk_inspect_async(const char *path, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    g_autoptr(GTask) probe = NULL;
    InspectData *data = g_new0(InspectData, 1);

    g_return_if_fail(path != NULL);

    g_task_set_source_tag(task, hvd_disk_inspect_async);
    data->path = g_strdup(path);
    g_task_set_task_data(task, data, (GDestroyNotify)inspect_data_free);
    probe = g_task_new(NULL, cancellable, inspect_probed, task);
    g_task_set_task_data(probe, g_object_ref(task), g_object_unref);
    g_task_run_in_thread(probe, inspect_probe_thread);
}

HvdDiskInfo *
hvd_disk_inspect_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
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

    if (!allocate_finish(result, &error)) {
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

            op_return(task, g_error_new(HVD_ERROR, HVD_ERROR_FAILED, _("Cannot replace “%s”: %s"),
                                        data->path, g_strerror(errsv)));
            return;
        }
    } else if (!rename_new(data->temp, data->path, &error)) {
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
        allocate_async(data->temp, data->path, data->cancellable, op_allocated, task);
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

    if (!check_target(path, error))
        return FALSE;
    format = create_format(path, options);

    if (options->parent != NULL) {
        g_autofree char *parent = parent_path(path, options->parent);
        HvdDiskFormat named;

        if (format != HVD_DISK_FORMAT_QCOW2 ||
            (hvd_disk_format_from_extension(path, &named) && named != HVD_DISK_FORMAT_QCOW2)) {
            g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                        _("A differencing disk is a qcow2 file (QEMU cannot write VHDX or VHD "
                          "differencing disks): choose the qcow2 format and a .qcow2 name for "
                          "“%s”"),
                        path);
            return FALSE;
        }
        if (options->fixed) {
            g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                        _("A differencing disk cannot be fixed: “%s”"), path);
            return FALSE;
        }
        if (!g_file_test(parent, G_FILE_TEST_EXISTS)) {
            g_set_error(error, HVD_ERROR, HVD_ERROR_NOT_FOUND,
                        _("The parent disk “%s” does not exist"), parent);
            return FALSE;
        }
    } else if (options->size_bytes == 0) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED, _("Give the size of the new disk “%s”"),
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

    data->temp = reserve_temp_path(data->path, &error);
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
        if (g_error_matches(error, HVD_ERROR, HVD_ERROR_NOT_FOUND))
            op_return(task,
                      g_error_new(HVD_ERROR, HVD_ERROR_NOT_FOUND,
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
        op_return(task, g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
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
    if (!check_source(source, error) || !check_target(target, error))
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
    data->temp = reserve_temp_path(data->path, &error);
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

        op_return(task, g_error_new(HVD_ERROR, HVD_ERROR_FAILED,
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
    data->temp = reserve_temp_path(data->path, &error);
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
    if (!check_source(path, &error) ||
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

    if (!check_source(path, error))
        return NULL;
    description = g_strdup_printf(_("Expanding “%s”"), path);
    job = hvd_job_new(description, TRUE);
    hvd_disk_resize_async(path, size_bytes, job, NULL, NULL, NULL);
    return g_steal_pointer(&job);
}
