/* mgr-checkpoints-view.h: the selected VM's checkpoints as a tree (ListCheckpoints).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mgr-client.h"

G_BEGIN_DECLS

#define MGR_TYPE_CHECKPOINTS_VIEW (mgr_checkpoints_view_get_type())
G_DECLARE_FINAL_TYPE(MgrCheckpointsView, mgr_checkpoints_view, MGR, CHECKPOINTS_VIEW, GtkWidget)

void mgr_checkpoints_view_set_client(MgrCheckpointsView *self, MgrClient *client);
/* Shows @vm's checkpoints (NULL: none), and follows its CurrentCheckpoint. */
void mgr_checkpoints_view_set_vm(MgrCheckpointsView *self, BerthDBusVirtualMachine *vm);
/* Asks berthd again. */
void mgr_checkpoints_view_refresh(MgrCheckpointsView *self);
/* How many checkpoints are shown (not counting "Now"). */
guint mgr_checkpoints_view_get_n_checkpoints(MgrCheckpointsView *self);

G_END_DECLS
