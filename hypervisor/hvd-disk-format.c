/* hvd-disk-format.c: disk formats and types by name: Berth's, qemu-img's, a file's extension.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvd-disk.h"

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
