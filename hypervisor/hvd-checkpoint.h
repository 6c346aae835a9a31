/* hvd-checkpoint.h: a VM's checkpoints (Hyper-V's production checkpoints): the tree, its files
 * and the qcow2 overlays that make them.
 *
 * Layout in the VM's folder:
 *   checkpoints/<id>/checkpoint.json   id, name, created (unix seconds), parent id, the VM's
 *                                      definition at that moment, its frozen disk images
 *   checkpoints/tree.json              the current checkpoint and every overlay berthd made,
 *                                      with the backing file each was made on
 *   checkpoints/images/<node>-<hex>.qcow2   the overlays
 * Taking a checkpoint freezes each disk's current image and puts a new qcow2 overlay on top of
 * it, which the definition then names. Applying one puts new overlays on the checkpoint's frozen
 * images. An overlay file is deleted only when neither a checkpoint nor the VM's disks reach it
 * through their backing chains; while no QEMU uses the images, an overlay nothing names that
 * only one other overlay is made on is merged into it, so chains do not grow for ever. Base
 * disks (not made by berthd) are never changed or deleted. Every file is written atomically.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvx.h"

G_BEGIN_DECLS

typedef struct {
    char *id;
    char *name;
    gint64 created;    /* unix seconds */
    gint64 created_us; /* unix microseconds: orders checkpoints taken within a second */
    char *parent;      /* NULL for a root */
    char *definition;
    GPtrArray *images; /* the frozen disk images, as the definition names them */
} HvdCheckpoint;

void hvd_checkpoint_free(HvdCheckpoint *checkpoint);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvdCheckpoint, hvd_checkpoint_free)

typedef struct {
    char *vm_dir;
    GPtrArray *checkpoints; /* of HvdCheckpoint, tree order: parents first, siblings by age */
    char *current;          /* NULL before the first checkpoint */
    GHashTable *overlays;   /* overlay path (relative to vm_dir) → its backing file (absolute) */
} HvdCheckpointTree;

void hvd_checkpoint_tree_free(HvdCheckpointTree *tree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvdCheckpointTree, hvd_checkpoint_tree_free)

/* Reads VM_DIR/checkpoints (an absent folder is an empty tree). */
HvdCheckpointTree *hvd_checkpoint_tree_load(const char *vm_dir, GError **error);

/* The checkpoint with id @id_or_name, else the one so named; HVD_ERROR_NOT_FOUND naming it. */
HvdCheckpoint *hvd_checkpoint_tree_find(HvdCheckpointTree *tree, const char *id_or_name,
                                        GError **error);

/* Adds @checkpoint (taken) as a child of the current one, writes it and makes it current. */
gboolean hvd_checkpoint_tree_add(HvdCheckpointTree *tree, HvdCheckpoint *checkpoint,
                                 GError **error);
/* Removes @checkpoint: its children move to its parent, the current one moves to its parent. */
gboolean hvd_checkpoint_tree_remove(HvdCheckpointTree *tree, HvdCheckpoint *checkpoint,
                                    GError **error);
/* Writes tree.json (current checkpoint and overlays). */
gboolean hvd_checkpoint_tree_save(HvdCheckpointTree *tree, GError **error);

/* TRUE when @absolute is an image that must not be written any more: a checkpoint's frozen
 * image, or one an overlay of berthd's is made on. */
gboolean hvd_checkpoint_tree_is_frozen(HvdCheckpointTree *tree, const char *absolute);

/* Deletes the overlays neither a checkpoint nor @active's disks use, then saves the tree. */
gboolean hvd_checkpoint_tree_collect(HvdCheckpointTree *tree, const HvxVmDef *active,
                                     GError **error);

/* Merges away, in a worker thread, each overlay of berthd's that neither a checkpoint nor
 * @active names and that exactly one other overlay is made on: that child is rebased onto the
 * overlay's own backing file (qemu-img rebase, which copies what the child lacks, so what
 * every image shows stays the same) and the overlay is deleted. Only while no QEMU uses the
 * images (the VM Off or Saved). @tree and @active belong to the operation until it ends; the
 * caller saves the tree. */
void hvd_checkpoint_tree_merge_async(HvdCheckpointTree *tree, const HvxVmDef *active,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean hvd_checkpoint_tree_merge_finish(GAsyncResult *result, GError **error);

/* The disks of @def that checkpoints cover (not DVDs, not empty), as HvxDriveDef pointers into
 * @def, and their QEMU node names ("ide0-0", "scsi1-3") in @ret_nodes. */
GPtrArray *hvd_checkpoint_disks(HvxVmDef *def, GPtrArray **ret_nodes);

/* A fresh overlay path for the disk @node, relative to the VM's folder. */
char *hvd_checkpoint_new_overlay_path(const char *node);

/* "NAME - (2026-11-22 05:10:00)", Hyper-V's default checkpoint name, in local time. */
char *hvd_checkpoint_default_name(const char *vm_name, gint64 created);

/* Creates qcow2 overlays in a worker thread: @overlays[i] (absolute) on @backings[i]
 * (absolute), with qemu-img (BERTH_QEMU_IMG overrides). Works on images a running QEMU uses.
 * On failure the overlays made so far are deleted. */
void hvd_checkpoint_create_overlays_async(GPtrArray *overlays, GPtrArray *backings,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean hvd_checkpoint_create_overlays_finish(GAsyncResult *result, GError **error);

/* Before a VM is deleted without its disks: its active images are checkpoint overlays, and the
 * user's disks alone would lose everything written since the first checkpoint. Commits each
 * disk's active chain into the first image outside checkpoints/ (the user's disk). Blocks on
 * qemu-img. */
gboolean hvd_checkpoint_commit_to_bases(const HvxVmDef *def, const char *vm_dir, GError **error);

G_END_DECLS
