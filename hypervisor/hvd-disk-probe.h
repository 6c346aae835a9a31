/* hvd-disk-probe.h: what disk headers say that qemu-img does not (private).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "hvd-disk.h"

G_BEGIN_DECLS

/* VHD: the footer's disk type. VHDX: the file parameters' LeaveBlocksAllocated bit. Returns
 * FALSE when the file cannot be read or is not of @format. */
gboolean hvd_disk_probe_type(const char *path, HvdDiskFormat format, HvdDiskType *ret_type);
/* TRUE when @path ends with a VHD footer ("conectix"), which qemu-img's probe misses for fixed
 * VHDs (they start with raw data). */
gboolean hvd_disk_probe_is_vhd(const char *path);

G_END_DECLS
