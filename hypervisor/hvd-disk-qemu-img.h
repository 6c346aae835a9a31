/* hvd-disk-qemu-img.h: what hvd-disk reads from qemu-img and from disk headers (private).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "hvd-disk.h"

G_BEGIN_DECLS

/* Consumes the complete pieces (ended by \r or \n) of @buffer, qemu-img's merged stdout and
 * stderr: "(NN.NN/100%)" sets *ret_percent (0..100) and returns TRUE; other non-empty lines are
 * appended to @messages, one per line. The incomplete tail stays in @buffer. */
gboolean hvd_disk_parse_output(GString *buffer, double *ret_percent, GString *messages);

/* qemu-img's messages turned into one clear sentence naming @path (the file the user named),
 * in BERTH_ERROR: in use, no space, missing, not a disk image, permission, else the last line. */
GError *hvd_disk_error_from_qemu_img(const char *messages, const char *path);

/* qemu-img info --output=json [--backing-chain]: one object or an array (the chain). Types are
 * filled from what JSON shows (differencing, or allocated ≥ virtual for raw and qcow2);
 * hvd_disk_probe_type() refines VHDX and VHD. */
HvdDiskInfo *hvd_disk_info_from_json(const char *json, const char *path, GError **error);

/* VHD: the footer's disk type. VHDX: the file parameters' LeaveBlocksAllocated bit. Returns
 * FALSE when the file cannot be read or is not of @format. */
gboolean hvd_disk_probe_type(const char *path, HvdDiskFormat format, HvdDiskType *ret_type);
/* TRUE when @path ends with a VHD footer ("conectix"), which qemu-img's probe misses for fixed
 * VHDs (they start with raw data). */
gboolean hvd_disk_probe_is_vhd(const char *path);

G_END_DECLS
