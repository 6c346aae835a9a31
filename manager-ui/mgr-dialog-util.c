/* mgr-dialog-util.c: helpers the manager's dialogs share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "berth-dbus.h"
#include "mgr-dialog-util.h"
#include "mgr-client.h"
#include "mgr-resources.h"

void
mgr_dialog_ensure_resources(void)
{
    /* Referencing the resource keeps its object file (and its constructor) in the link. */
    (void)mgr_get_resource();
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return g_utf8_collate(*(const char *const *)a, *(const char *const *)b);
}

static char **
object_names(GDBusObjectManager *manager, gboolean switches)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GList *objects;

    if (manager == NULL) {
        g_ptr_array_add(names, NULL);
        return (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
    }
    objects = g_dbus_object_manager_get_objects(manager);
    for (GList *l = objects; l != NULL; l = l->next) {
        BerthDBusObject *object = BERTH_DBUS_OBJECT(l->data);
        const char *name = NULL;

        if (switches) {
            BerthDBusSwitch *sw = berth_dbus_object_peek_switch(object);

            if (sw != NULL)
                name = berth_dbus_switch_get_name(sw);
        } else {
            BerthDBusVirtualMachine *vm = berth_dbus_object_peek_virtual_machine(object);

            if (vm != NULL)
                name = berth_dbus_virtual_machine_get_name(vm);
        }
        if (name != NULL)
            g_ptr_array_add(names, g_strdup(name));
    }
    g_list_free_full(objects, g_object_unref);
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

char **
mgr_dialog_vm_names(GDBusObjectManager *manager)
{
    return object_names(manager, FALSE);
}

char **
mgr_dialog_switch_names(GDBusObjectManager *manager)
{
    return object_names(manager, TRUE);
}

char *
mgr_dialog_error_text(const GError *error)
{
    if (error == NULL)
        return g_strdup(_("Unknown error"));
    return mgr_client_describe_error(error);
}

void
mgr_dialog_show_error(GtkWindow *parent, const char *heading, const GError *error)
{
    g_autofree char *text = mgr_dialog_error_text(error);
    GtkWidget *dialog = adw_message_dialog_new(parent, heading, text);

    adw_message_dialog_add_response(ADW_MESSAGE_DIALOG(dialog), "close", _("_Close"));
    gtk_window_present(GTK_WINDOW(dialog));
}

static void
chooser_responded(GtkNativeDialog *chooser, int response, gpointer user_data)
{
    GtkEditable *target = user_data;

    if (response == GTK_RESPONSE_ACCEPT) {
        g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(chooser));
        g_autofree char *path = file != NULL ? g_file_get_path(file) : NULL;

        if (path != NULL)
            gtk_editable_set_text(target, path);
    }
    g_object_unref(target);
    g_object_unref(chooser);
}

void
mgr_dialog_choose_path(GtkWindow *parent, const char *title, GtkFileChooserAction action,
                       GtkEditable *target)
{
    GtkFileChooserNative *chooser;
    const char *current = gtk_editable_get_text(target);

    chooser = gtk_file_chooser_native_new(title, parent, action, _("_Select"), _("_Cancel"));
    gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(chooser), TRUE);
    if (current != NULL && g_path_is_absolute(current)) {
        g_autoptr(GFile) file = g_file_new_for_path(current);
        g_autoptr(GFile) folder = action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                      ? g_object_ref(file)
                                      : g_file_get_parent(file);

        if (folder != NULL && g_file_query_exists(folder, NULL))
            gtk_file_chooser_set_current_folder(GTK_FILE_CHOOSER(chooser), folder, NULL);
    }
    g_signal_connect(chooser, "response", G_CALLBACK(chooser_responded), g_object_ref(target));
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

void
mgr_dialog_set_reason(GtkLabel *label, GtkWidget *field, const char *reason)
{
    gtk_label_set_text(label, reason != NULL ? reason : "");
    gtk_widget_set_visible(GTK_WIDGET(label), reason != NULL);
    if (field == NULL)
        return;
    if (reason != NULL) {
        gtk_widget_add_css_class(field, "error");
        gtk_accessible_update_state(GTK_ACCESSIBLE(field), GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE, -1);
        gtk_accessible_update_relation(GTK_ACCESSIBLE(field), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                       label, NULL, -1);
    } else {
        gtk_widget_remove_css_class(field, "error");
        gtk_accessible_reset_state(GTK_ACCESSIBLE(field), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

char *
mgr_dialog_format_size(guint64 bytes)
{
    return g_format_size_full(bytes, G_FORMAT_SIZE_IEC_UNITS);
}
