/* mgr-new-vm-wizard.h: the New Virtual Machine Wizard.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mgr-client.h"

G_BEGIN_DECLS

#define MGR_TYPE_NEW_VM_WIZARD (mgr_new_vm_wizard_get_type())
G_DECLARE_FINAL_TYPE(MgrNewVmWizard, mgr_new_vm_wizard, MGR, NEW_VM_WIZARD, AdwWindow)

/* The wizard, not yet shown. It emits "vm-created" (the VM's object path) once the VM and its
 * disk exist, then closes. */
MgrNewVmWizard *mgr_new_vm_wizard_new(GtkWindow *parent, MgrClient *client);

/* Quick Create: one page (operating system source and name) and sensible defaults: Generation
 * 2, 2048 MB dynamic memory, the Default Switch, a new VHDX (empty with an ISO, or a copy of a
 * disk image such as the demo guest, $BERTH_DEMO_IMAGE). Same "vm-created" signal. */
MgrNewVmWizard *mgr_new_vm_wizard_new_quick(GtkWindow *parent, MgrClient *client);

/* The page shown, by its name: before, name, generation, memory, network, disk, install,
 * summary. */
const char *mgr_new_vm_wizard_get_page(MgrNewVmWizard *self);
void mgr_new_vm_wizard_set_page(MgrNewVmWizard *self, const char *page);

G_END_DECLS
