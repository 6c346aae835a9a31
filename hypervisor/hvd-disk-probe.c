/* hvd-disk-probe.c: what disk headers say that qemu-img does not: a VHD's footer (also behind a
 * fixed VHD's raw data) and whether a VHDX or VHD is fixed or dynamic.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "hvd-disk-probe.h"

static gboolean
read_at(int fd, void *buffer, size_t size, off_t offset)
{
    ssize_t done = pread(fd, buffer, size, offset);

    return done == (ssize_t)size;
}

static guint32
le32(const guint8 *bytes)
{
    return (guint32)bytes[0] | (guint32)bytes[1] << 8 | (guint32)bytes[2] << 16 |
           (guint32)bytes[3] << 24;
}

static guint64
le64(const guint8 *bytes)
{
    return (guint64)le32(bytes) | (guint64)le32(bytes + 4) << 32;
}

/* VHDX (MS-VHDX 2.2): region table at 192 KiB → metadata region → file parameters item. */
static gboolean
probe_vhdx(int fd, HvdDiskType *ret_type)
{
    /* GUIDs as stored on disk (little-endian fields). */
    static const guint8 metadata_region[16] = {0x06, 0xA2, 0x7C, 0x8B, 0x90, 0x47, 0x9A, 0x4B,
                                               0xB8, 0xFE, 0x57, 0x5F, 0x05, 0x0F, 0x88, 0x6E};
    static const guint8 file_parameters[16] = {0x37, 0x67, 0xA1, 0xCA, 0x36, 0xFA, 0x43, 0x4D,
                                               0xB3, 0xB6, 0x33, 0xF0, 0xAA, 0x44, 0xE7, 0x6B};
    guint8 table[64 * 1024];
    guint64 metadata_offset = 0;
    guint32 count;

    if (!read_at(fd, table, 8, 0) || memcmp(table, "vhdxfile", 8) != 0)
        return FALSE;
    if (!read_at(fd, table, sizeof(table), 192 * 1024) || memcmp(table, "regi", 4) != 0)
        return FALSE;
    count = le32(table + 8);
    for (guint32 i = 0; i < count && 16 + (i + 1) * 32 <= sizeof(table); i++) {
        const guint8 *entry = table + 16 + i * 32;

        if (memcmp(entry, metadata_region, 16) == 0)
            metadata_offset = le64(entry + 16);
    }
    if (metadata_offset == 0 || !read_at(fd, table, sizeof(table), (off_t)metadata_offset) ||
        memcmp(table, "metadata", 8) != 0)
        return FALSE;
    count = table[10] | table[11] << 8;
    for (guint32 i = 0; i < count && 32 + (i + 1) * 32 <= sizeof(table); i++) {
        const guint8 *entry = table + 32 + i * 32;
        guint8 parameters[8];

        if (memcmp(entry, file_parameters, 16) != 0)
            continue;
        if (!read_at(fd, parameters, sizeof(parameters),
                     (off_t)(metadata_offset + le32(entry + 16))))
            return FALSE;
        if (le32(parameters + 4) & 0x2)
            *ret_type = HVD_DISK_TYPE_DIFFERENCING;
        else if (le32(parameters + 4) & 0x1)
            *ret_type = HVD_DISK_TYPE_FIXED;
        else
            *ret_type = HVD_DISK_TYPE_DYNAMIC;
        return TRUE;
    }
    return FALSE;
}

/* VHD: a 512-byte footer at the end; disk type (big-endian) at offset 60. */
static gboolean
read_vhd_footer(int fd, guint8 footer[512])
{
    off_t end = lseek(fd, 0, SEEK_END);

    return end >= 512 && read_at(fd, footer, 512, end - 512) && memcmp(footer, "conectix", 8) == 0;
}

gboolean
hvd_disk_probe_is_vhd(const char *path)
{
    guint8 footer[512];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    gboolean is_vhd;

    if (fd < 0)
        return FALSE;
    is_vhd = read_vhd_footer(fd, footer);
    close(fd);
    return is_vhd;
}

gboolean
hvd_disk_probe_type(const char *path, HvdDiskFormat format, HvdDiskType *ret_type)
{
    guint8 footer[512];
    gboolean ok = FALSE;
    int fd;

    g_return_val_if_fail(path != NULL && ret_type != NULL, FALSE);

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return FALSE;
    if (format == HVD_DISK_FORMAT_VHDX) {
        ok = probe_vhdx(fd, ret_type);
    } else if (format == HVD_DISK_FORMAT_VHD && read_vhd_footer(fd, footer)) {
        guint32 type = (guint32)footer[60] << 24 | (guint32)footer[61] << 16 |
                       (guint32)footer[62] << 8 | footer[63];

        ok = type >= 2 && type <= 4;
        if (ok)
            *ret_type = type == 2   ? HVD_DISK_TYPE_FIXED
                        : type == 3 ? HVD_DISK_TYPE_DYNAMIC
                                    : HVD_DISK_TYPE_DIFFERENCING;
    }
    close(fd);
    return ok;
}
