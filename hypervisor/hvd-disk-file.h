/* hvd-disk-file.h: the files behind disk operations (private to the hvd-disk files).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A new disk's path: free, in a folder that exists and Berth may write. */
gboolean hvd_disk_file_check_target(const char *path, GError **error);
/* An existing disk: there, a regular file or a block device. */
gboolean hvd_disk_file_check_source(const char *path, GError **error);

/* Reserves a hidden name beside @target; qemu-img then writes over the empty file. */
char *hvd_disk_file_reserve_temp(const char *target, GError **error);

/* Renames without replacing a file someone made meanwhile (link + unlink where the file
 * system lacks RENAME_NOREPLACE). */
gboolean hvd_disk_file_rename_new(const char *from, const char *to, GError **error);

/* Allocates the whole of @file in a worker thread (fixed VHDX and VHD, which qemu-img leaves
 * sparse); errors name @display. */
void hvd_disk_file_allocate_async(const char *file, const char *display, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_disk_file_allocate_finish(GAsyncResult *result, GError **error);

G_END_DECLS
