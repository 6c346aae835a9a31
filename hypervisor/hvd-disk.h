/* hvd-disk.h: virtual disks (VHDX, VHD, qcow2, raw) created, inspected, converted and expanded
 * with qemu-img, asynchronously, with progress reported into an HvdJob and cancellable.
 *
 * Differencing disks are always qcow2 overlays (qemu-img create -b PARENT -F FORMAT), whatever
 * the parent's format: QEMU cannot write VHDX or VHD differencing disks, but a qcow2 overlay
 * may have a VHDX or VHD parent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvd-job.h"

G_BEGIN_DECLS

typedef enum {
    HVD_DISK_FORMAT_AUTO, /* by the file's extension (vhdx if unknown); qcow2 for differencing */
    HVD_DISK_FORMAT_VHDX,
    HVD_DISK_FORMAT_VHD,
    HVD_DISK_FORMAT_QCOW2,
    HVD_DISK_FORMAT_RAW,
} HvdDiskFormat;

/* Hyper-V's three kinds of disk. */
typedef enum {
    HVD_DISK_TYPE_DYNAMIC,
    HVD_DISK_TYPE_FIXED,
    HVD_DISK_TYPE_DIFFERENCING,
} HvdDiskType;

#define HVD_DISK_MAX_SIZE     (G_GUINT64_CONSTANT(64) << 40) /* 64 TiB, VHDX's limit */
#define HVD_DISK_MAX_VHD_SIZE (G_GUINT64_CONSTANT(2040) << 30)

/* Berth's names: "vhdx", "vhd", "qcow2", "raw" ("auto" for AUTO). */
const char *hvd_disk_format_to_string(HvdDiskFormat format);
gboolean hvd_disk_format_from_string(const char *name, HvdDiskFormat *ret_format);
/* qemu-img's names: vhdx, vpc, qcow2, raw. */
const char *hvd_disk_format_to_qemu(HvdDiskFormat format);
gboolean hvd_disk_format_from_qemu(const char *name, HvdDiskFormat *ret_format);
/* .vhdx/.avhdx → vhdx, .vhd/.avhd → vhd, .qcow2/.qcow → qcow2, .img/.raw → raw, else vhdx. */
HvdDiskFormat hvd_disk_format_for_path(const char *path);
/* The format a file's extension names (.vhdx/.avhdx, .vhd/.avhd, .qcow2, .img/.raw), or FALSE. */
gboolean hvd_disk_format_from_extension(const char *path, HvdDiskFormat *ret_format);
/* "dynamic", "fixed", "differencing". */
const char *hvd_disk_type_to_string(HvdDiskType type);

typedef struct {
    HvdDiskFormat format;
    guint64 size_bytes; /* rounded up to MiB; 0 with a parent = the parent's size */
    gboolean fixed;
    const char *parent; /* a differencing disk's parent; relative = to the new disk's folder */
} HvdDiskCreateOptions;

/* Reads CreateDisk's a{sv} ("format" s, "size-bytes" t, "fixed" b, "parent" s) into
 * @ret_options; strings point into @options, which must outlive them. */
gboolean hvd_disk_create_options_from_variant(GVariant *options, HvdDiskCreateOptions *ret_options,
                                              GError **error);

typedef struct _HvdDiskInfo HvdDiskInfo;
struct _HvdDiskInfo {
    char *path;
    HvdDiskFormat format;
    HvdDiskType type;
    guint64 virtual_size;
    guint64 file_size;        /* bytes the file occupies on disk (qemu-img's actual-size) */
    char *parent;             /* as recorded in the disk (backing-filename), or NULL */
    HvdDiskInfo *parent_info; /* the parent chain, NULL at its end */
};

#define HVD_TYPE_DISK_INFO (hvd_disk_info_get_type())
GType hvd_disk_info_get_type(void);
HvdDiskInfo *hvd_disk_info_copy(const HvdDiskInfo *info);
void hvd_disk_info_free(HvdDiskInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvdDiskInfo, hvd_disk_info_free)
/* InspectDisk's a{sv}: "format" s, "type" s, "fixed" b, "virtual-size" t, "file-size" t,
 * "parent" s and "parent-chain" as (only for differencing disks). Floating. */
GVariant *hvd_disk_info_to_variant(const HvdDiskInfo *info);
/* qemu-img info --output=json [--backing-chain]: one object or an array (the chain). Types are
 * filled from what JSON shows (differencing, or allocated ≥ virtual for raw and qcow2); inspect
 * refines VHDX and VHD from their headers. */
HvdDiskInfo *hvd_disk_info_from_json(const char *json, const char *path, GError **error);

/* Inspect: qemu-img info --backing-chain (works on disks in use too). */
void hvd_disk_inspect_async(const char *path, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
HvdDiskInfo *hvd_disk_inspect_finish(GAsyncResult *result, GError **error);

/* The operations below run into @job (may be NULL): they set its progress, watch its
 * cancellation (or @cancellable when given) and complete it before calling @callback. Files
 * are written under a temporary name in the target's folder and renamed at the end, so a
 * failed or cancelled operation leaves nothing behind. */

/* The cheap checks create does first (arguments, path free, folder writable, parent there),
 * so a D-Bus method can fail at once rather than through a job. */
gboolean hvd_disk_create_check(const char *path, const HvdDiskCreateOptions *options,
                               GError **error);
void hvd_disk_create_async(const char *path, const HvdDiskCreateOptions *options, HvdJob *job,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
gboolean hvd_disk_create_finish(GAsyncResult *result, GError **error);

/* Convert @source to @target in @format (AUTO: by @target's extension); @fixed allocates the
 * whole disk. A differencing source is flattened. */
/* Reads ConvertDisk's a{sv} ("format" s, default by the target's name; "fixed" b). */
gboolean hvd_disk_convert_options_from_variant(GVariant *options, HvdDiskFormat *ret_format,
                                               gboolean *ret_fixed, GError **error);
gboolean hvd_disk_convert_check(const char *source, const char *target, HvdDiskFormat format,
                                GError **error);
void hvd_disk_convert_async(const char *source, const char *target, HvdDiskFormat format,
                            gboolean fixed, HvdJob *job, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_disk_convert_finish(GAsyncResult *result, GError **error);

/* Expand @path to @size_bytes (rounded up to MiB); shrinking is refused. qcow2 and raw are
 * resized in place (qemu-img resize); VHDX and VHD, which qemu-img cannot resize, are copied
 * into a new disk of the new size that then replaces the old one. */
void hvd_disk_resize_async(const char *path, guint64 size_bytes, HvdJob *job,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
gboolean hvd_disk_resize_finish(GAsyncResult *result, GError **error);

/* For the daemon: check, then start the operation into a new job (NULL and @error when the
 * check fails). The caller keeps the returned reference. */
HvdJob *hvd_disk_create_job(const char *path, const HvdDiskCreateOptions *options, GError **error);
HvdJob *hvd_disk_convert_job(const char *source, const char *target, HvdDiskFormat format,
                             gboolean fixed, GError **error);
HvdJob *hvd_disk_resize_job(const char *path, guint64 size_bytes, GError **error);

G_END_DECLS
