/* mgr-checkpoint.h: one checkpoint in the tree (ListCheckpoints), or the "Now" entry under the
 * current one, like Hyper-V Manager shows it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MGR_TYPE_CHECKPOINT (mgr_checkpoint_get_type())
G_DECLARE_FINAL_TYPE(MgrCheckpoint, mgr_checkpoint, MGR, CHECKPOINT, GObject)

MgrCheckpoint *mgr_checkpoint_new(const char *id, const char *name, gint64 created,
                                  gboolean current);
/* The "Now" entry: where the VM is, after its current checkpoint. */
MgrCheckpoint *mgr_checkpoint_new_now(void);
const char *mgr_checkpoint_get_id(MgrCheckpoint *self);
const char *mgr_checkpoint_get_name(MgrCheckpoint *self);
gint64 mgr_checkpoint_get_created(MgrCheckpoint *self);
gboolean mgr_checkpoint_get_current(MgrCheckpoint *self);
gboolean mgr_checkpoint_is_now(MgrCheckpoint *self);
/* Its children, a GListStore of MgrCheckpoint (empty for none). */
GListStore *mgr_checkpoint_get_children(MgrCheckpoint *self);

/* The tree from ListCheckpoints' a(sssxb) reply: roots in order, each with its children, "Now"
 * under the current checkpoint (or as the last root when there is none). */
GListStore *mgr_checkpoint_build_tree(GVariant *checkpoints);

G_END_DECLS
