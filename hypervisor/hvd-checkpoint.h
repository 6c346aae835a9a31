/* hvd-checkpoint.h: a VM's checkpoints (Hyper-V's production checkpoints): the tree, its files
 * and the qcow2 overlays that make them (made and merged by hvd-checkpoint-images).
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

/* The folder, in the VM's, that holds the checkpoints and berthd's overlays. */
#define HVD_CHECKPOINTS_DIR "checkpoints"

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

/* The checkpoint with id @id_or_name, else the one so named; BERTH_ERROR_NOT_FOUND naming it. */
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

/* TRUE when a checkpoint or @active names @absolute as a disk image. */
gboolean hvd_checkpoint_tree_names_image(HvdCheckpointTree *tree, const HvxVmDef *active,
                                         const char *absolute);

/* The disks of @def that checkpoints cover (not DVDs, not empty), as HvxDriveDef pointers into
 * @def, and their QEMU node names ("ide0-0", "scsi1-3") in @ret_nodes. */
GPtrArray *hvd_checkpoint_disks(HvxVmDef *def, GPtrArray **ret_nodes);

/* A fresh overlay path for the disk @node, relative to the VM's folder. */
char *hvd_checkpoint_new_overlay_path(const char *node);

/* "NAME - (2026-11-22 05:10:00)", Hyper-V's default checkpoint name, in local time. */
char *hvd_checkpoint_default_name(const char *vm_name, gint64 created);

G_END_DECLS
