/* hvd-checkpoint-images.h: the disk images under a VM's checkpoints, through qemu-img
 * (hvd-qemu-img): new qcow2 overlays, merging overlays nothing names any more, and giving the
 * user's disks what the VM wrote into overlays before the VM is deleted.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvd-checkpoint.h"
#include "hvx.h"

G_BEGIN_DECLS

/* Creates qcow2 overlays: @overlays[i] (absolute) on @backings[i] (absolute). Works on images a
 * running QEMU uses. On failure the overlays made so far are deleted. */
void hvd_checkpoint_images_create_async(GPtrArray *overlays, GPtrArray *backings,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean hvd_checkpoint_images_create_finish(GAsyncResult *result, GError **error);

/* Merges away each overlay of berthd's that neither a checkpoint nor @active names and that
 * exactly one other overlay is made on: that child is rebased onto the overlay's own backing
 * file (qemu-img rebase, which copies what the child lacks, so what every image shows stays the
 * same) and the overlay is deleted. Only while no QEMU uses the images (the VM Off or Saved).
 * @tree and @active belong to the operation until it ends; the caller saves the tree. */
void hvd_checkpoint_images_merge_async(HvdCheckpointTree *tree, const HvxVmDef *active,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean hvd_checkpoint_images_merge_finish(GAsyncResult *result, GError **error);

/* Before a VM is deleted without its disks: its active images are checkpoint overlays, and the
 * user's disks alone would lose everything written since the first checkpoint. Commits each
 * disk's active chain into the first image outside checkpoints/ (the user's disk). */
void hvd_checkpoint_images_commit_async(const HvxVmDef *def, const char *vm_dir,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean hvd_checkpoint_images_commit_finish(GAsyncResult *result, GError **error);

G_END_DECLS
