/* mgr-vm-creator.h: makes the VM a New Virtual Machine plan describes: defines it through
 * berthd, then creates its new disk (a Job); if the disk cannot be made or the user cancels,
 * the VM is deleted again, so nothing is left behind.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "mgr-client.h"
#include "mgr-job-watch.h"
#include "mgr-new-vm-plan.h"

G_BEGIN_DECLS

void mgr_vm_creator_run_async(MgrClient *client, const MgrNewVmPlan *plan,
                              GCancellable *cancellable, MgrJobProgressFunc progress,
                              gpointer progress_data, GAsyncReadyCallback callback,
                              gpointer user_data);
/* The new VM's object path, or NULL with the reason. */
char *mgr_vm_creator_run_finish(GAsyncResult *result, GError **error);

G_END_DECLS
