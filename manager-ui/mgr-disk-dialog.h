/* mgr-disk-dialog.h: New Virtual Hard Disk, Edit Virtual Hard Disk (expand, convert) and Inspect
 * Disk, through berthd's CreateDisk / ResizeDisk / ConvertDisk Jobs and InspectDisk.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mgr-client.h"

G_BEGIN_DECLS

typedef enum {
    MGR_DISK_DIALOG_NEW,
    MGR_DISK_DIALOG_EDIT,
    MGR_DISK_DIALOG_INSPECT,
} MgrDiskDialogMode;

#define MGR_TYPE_DISK_DIALOG (mgr_disk_dialog_get_type())
G_DECLARE_FINAL_TYPE(MgrDiskDialog, mgr_disk_dialog, MGR, DISK_DIALOG, AdwWindow)

/* The dialog, not yet shown. When its job succeeds it emits "disk-done" (the disk made or
 * changed) and closes. */
MgrDiskDialog *mgr_disk_dialog_new(GtkWindow *parent, MgrClient *client, MgrDiskDialogMode mode);

/* Edit and Inspect: starts with this disk. */
void mgr_disk_dialog_set_path(MgrDiskDialog *self, const char *path);

/* TRUE while a job or an inspection runs. */
gboolean mgr_disk_dialog_is_busy(MgrDiskDialog *self);

G_END_DECLS
