/* vmc-application.h: the vmconnect application: command line, one window per target.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VMC_TYPE_APPLICATION (vmc_application_get_type())
G_DECLARE_FINAL_TYPE(VmcApplication, vmc_application, VMC, APPLICATION, GtkApplication)

VmcApplication *vmc_application_new(void);
/* What main() returns once the windows are gone: 0, or 1 when the last window had to give up
 * (no such VM, no berthd, …) before it ever showed the guest. */
int vmc_application_get_exit_status(VmcApplication *self);
void vmc_application_set_exit_status(VmcApplication *self, int status);

G_END_DECLS
