/* mgr-window-private.h: what the window's files share (mgr-window.c, mgr-window-actions.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "mgr-actions-pane.h"
#include "mgr-checkpoints-view.h"
#include "mgr-vm-details.h"
#include "mgr-vm-view.h"
#include "mgr-window.h"

G_BEGIN_DECLS

struct _MgrWindow {
    AdwApplicationWindow parent_instance;

    MgrClient *client;
    GSettings *settings;
    BerthDBusVirtualMachine *vm; /* the selected VM, followed for its AllowedActions */
    gboolean list_painted;       /* the first frame with VMs was logged */

    AdwToastOverlay *toast_overlay;
    AdwWindowTitle *window_title;
    GtkStack *main_stack;
    AdwStatusPage *absent_page;
    GtkLabel *absent_how;
    GtkPaned *sidebar_paned;
    GtkPaned *actions_paned;
    GtkPaned *details_paned;
    GtkPaned *checkpoints_paned;
    GtkToggleButton *search_button;
    GtkSearchBar *search_bar;
    GtkSearchEntry *search_entry;
    GtkStack *list_stack;
    MgrVmView *vm_view;
    MgrCheckpointsView *checkpoints_view;
    MgrVmDetails *details;
    MgrActionsPane *actions_pane;
};

/* mgr-window-actions.c */
void mgr_window_class_install_actions(GtkWidgetClass *widget_class);
/* Enables the win.* VM actions that the selected VM's AllowedActions allow. */
void mgr_window_update_actions(MgrWindow *self);
/* The in-place rename finished with @name. */
void mgr_window_rename_vm(MgrWindow *self, BerthDBusVirtualMachine *vm, const char *name);
/* Opens @vm's console (vmconnect). */
void mgr_window_connect_vm(MgrWindow *self, BerthDBusVirtualMachine *vm);

G_END_DECLS
