/* mgr-settings-dialog.h: a VM's Settings, section by section like Hyper-V's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mgr-client.h"

G_BEGIN_DECLS

#define MGR_TYPE_SETTINGS_DIALOG (mgr_settings_dialog_get_type())
G_DECLARE_FINAL_TYPE(MgrSettingsDialog, mgr_settings_dialog, MGR, SETTINGS_DIALOG, AdwWindow)

/* The Settings of the VM at @vm_object_path: loads its definition (GetDefinition), edits a copy,
 * and applies it with DefineVirtualMachine. Fields that need the VM off are locked while it
 * runs, with the reason; if the VM is deleted meanwhile the dialog says so and closes. */
MgrSettingsDialog *mgr_settings_dialog_new(GtkWindow *parent, MgrClient *client,
                                           const char *vm_object_path);

/* Shows the section @id (e.g. "memory", "scsi-0", "network-0", "automatic-stop"). */
gboolean mgr_settings_dialog_select(MgrSettingsDialog *self, const char *id);
/* A section's named widget, "SECTION/NAME" (e.g. "memory/startup"), or NULL. For tests. */
GtkWidget *mgr_settings_dialog_find(MgrSettingsDialog *self, const char *path);
/* TRUE while loading or applying. */
gboolean mgr_settings_dialog_is_busy(MgrSettingsDialog *self);

G_END_DECLS
