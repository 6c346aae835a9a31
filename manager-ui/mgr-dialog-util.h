/* mgr-dialog-util.h: what the manager's dialogs share: names of VMs and switches from berthd's
 * object manager, berthd's errors shown to people, file choosers that fill an entry.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Makes sure the dialogs' GResource is linked in and registered. */
void mgr_dialog_ensure_resources(void);

/* The names of the VMs (or switches) the object manager knows, sorted; free with g_strfreev. */
char **mgr_dialog_vm_names(GDBusObjectManager *manager);
char **mgr_dialog_switch_names(GDBusObjectManager *manager);

/* berthd's sentence, without the D-Bus error name. */
char *mgr_dialog_error_text(const GError *error);

/* A modal message with @heading and berthd's reason. */
void mgr_dialog_show_error(GtkWindow *parent, const char *heading, const GError *error);

/* Opens a file chooser and, when the user accepts, writes the chosen path into @target. */
void mgr_dialog_choose_path(GtkWindow *parent, const char *title, GtkFileChooserAction action,
                            GtkEditable *target);

/* Shows @reason under a field (hides @label when NULL) and marks @field as invalid. */
void mgr_dialog_set_reason(GtkLabel *label, GtkWidget *field, const char *reason);

/* Sizes for people: "127 GB", "1.5 GB", "512 MB". */
char *mgr_dialog_format_size(guint64 bytes);

G_END_DECLS
