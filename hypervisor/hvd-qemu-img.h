/* hvd-qemu-img.h: the one way berthd runs qemu-img, for disks and checkpoints alike.
 *
 * qemu-img runs as a child of berthd's main loop (never blocking it), in the C locale so its
 * messages can be matched, with its progress ("(NN.NN/100%)" with -p) reported into an HvdJob,
 * cancellable (it is killed and waited for), and its failure turned into one clear sentence
 * naming the file (hvd-qemu-img-output). BERTH_QEMU_IMG names another binary.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvd-job.h"

G_BEGIN_DECLS

/* Runs qemu-img with @args (NULL-terminated, without argv[0]). Its progress maps 0..100 % to
 * @from..@to of @job (may be NULL). A failure names @path, or @written (the file being written,
 * NULL = @path) when space ran out. */
void hvd_qemu_img_run_async(const char *const *args, const char *path, const char *written,
                            HvdJob *job, double from, double to, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
/* What qemu-img wrote on stdout (without progress), or NULL: BERTH_ERROR from its messages,
 * BERTH_ERROR_HOST_UNSUPPORTED without qemu-img, G_IO_ERROR_CANCELLED. */
char *hvd_qemu_img_run_finish(GAsyncResult *result, GError **error);

G_END_DECLS
