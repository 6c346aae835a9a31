/* mgr-settings-dialog.c: the Settings window: loads the definition, keeps the edited copy, lists
 * the sections, checks as you type, applies; follows the VM's state and its deletion.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "berth-dbus.h"
#include "berth-error.h"
#include "hvx-switch-def.h"
#include "mgr-dialog-util.h"
#include "mgr-settings-dialog.h"
#include "mgr-settings-page.h"
#include "mgr-switch-plan.h"

struct _MgrSettingsDialog {
    AdwWindow parent_instance;

    MgrClient *client;
    char *vm_path;
    BerthDBusVirtualMachine *vm;
    HvxVmDef *def;
    char *original_xml;
    MgrSettingsContext ctx;
    GPtrArray *sections;
    char *selected_id;
    gboolean loading;
    gboolean applying;
    gboolean close_after_apply;
    gboolean deleted;
    gboolean updating;
    guint rebuild_idle;
    gulong removed_id;
    gulong state_id;
    GCancellable *cancellable;

    GtkLabel *state_label;
    GtkListBox *section_list;
    GtkStack *pages;
    GtkLabel *reason_label;
    GtkWidget *ok_button;
    GtkWidget *cancel_button;
    GtkWidget *apply_button;
};

G_DEFINE_FINAL_TYPE(MgrSettingsDialog, mgr_settings_dialog, ADW_TYPE_WINDOW)

static void rebuild(MgrSettingsDialog *self);

/* The definition as berthd gets it: Generation 1's implicit, empty IDE controllers left out
 * (they are shown so drives can be added to them). */
static char *
format_def(HvxVmDef *def)
{
    g_autoptr(GPtrArray) kept = g_ptr_array_new();
    GPtrArray *all = def->controllers;
    char *xml;

    g_ptr_array_set_free_func(all, NULL);
    for (guint i = 0; i < all->len; i++)
        g_ptr_array_add(kept, g_ptr_array_index(all, i));
    g_ptr_array_set_size(all, 0);
    for (guint i = 0; i < kept->len; i++) {
        HvxControllerDef *controller = g_ptr_array_index(kept, i);

        if (controller->type != HVX_CONTROLLER_IDE || controller->drives->len > 0)
            g_ptr_array_add(all, controller);
    }
    xml = hvx_vm_def_format(def);
    g_ptr_array_set_size(all, 0);
    for (guint i = 0; i < kept->len; i++)
        g_ptr_array_add(all, g_ptr_array_index(kept, i));
    g_ptr_array_set_free_func(all, (GDestroyNotify)hvx_controller_def_free);
    return xml;
}

static void
add_ide_controllers(HvxVmDef *def)
{
    if (def->generation != 1)
        return;
    for (guint number = 0; number < HVX_IDE_CONTROLLERS; number++) {
        gboolean found = FALSE;

        for (guint i = 0; i < def->controllers->len; i++) {
            HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

            if (controller->type == HVX_CONTROLLER_IDE && controller->number == number)
                found = TRUE;
        }
        if (!found)
            g_ptr_array_add(def->controllers, hvx_controller_def_new(HVX_CONTROLLER_IDE, number));
    }
}

static gboolean
vm_running(MgrSettingsDialog *self)
{
    const char *state = self->vm != NULL ? berth_dbus_virtual_machine_get_state(self->vm) : NULL;

    return state != NULL && !g_str_equal(state, "Off");
}

/* ---- Checking and the buttons ------------------------------------------------------------ */

static void
update(MgrSettingsDialog *self)
{
    g_autofree char *xml = NULL;
    g_autofree char *reason = NULL;
    gboolean dirty = FALSE;
    gboolean busy = self->loading || self->applying || self->deleted;

    if (self->def != NULL) {
        g_autoptr(HvxVmDef) parsed = NULL;
        g_autoptr(GError) error = NULL;

        xml = format_def(self->def);
        dirty = g_strcmp0(xml, self->original_xml) != 0;
        parsed = hvx_vm_def_parse_string(xml, -1, "vm.xml", &error);
        if (parsed == NULL)
            reason = mgr_switch_plan_strip_locations(error->message);
    }
    gtk_label_set_text(self->reason_label, reason != NULL ? reason : "");
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "settings.apply",
                                  !busy && self->def != NULL && dirty && reason == NULL);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "settings.ok",
                                  !busy && self->def != NULL && reason == NULL);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "settings.cancel", !self->applying);
}

static void
context_changed(gpointer dialog)
{
    MgrSettingsDialog *self = dialog;

    if (!self->updating)
        update(self);
}

static gboolean
rebuild_idle(gpointer user_data)
{
    MgrSettingsDialog *self = user_data;

    self->rebuild_idle = 0;
    rebuild(self);
    return G_SOURCE_REMOVE;
}

static void
context_rebuild(gpointer dialog)
{
    MgrSettingsDialog *self = dialog;

    /* Not now: the button that asked is inside a page the rebuild replaces. */
    if (self->rebuild_idle == 0)
        self->rebuild_idle = g_idle_add_full(G_PRIORITY_HIGH_IDLE, rebuild_idle, self, NULL);
}

/* ---- Sections -------------------------------------------------------------------------------- */

static void
list_header(GtkListBoxRow *row, GtkListBoxRow *before, gpointer user_data)
{
    const char *id = g_object_get_data(G_OBJECT(row), "id");
    const char *title = NULL;
    GtkWidget *label;

    if (before == NULL)
        title = _("Hardware");
    else if (g_strcmp0(id, "name") == 0)
        title = _("Management");
    if (title == NULL) {
        gtk_list_box_row_set_header(row, NULL);
        return;
    }
    label = gtk_label_new(title);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_widget_add_css_class(label, "heading");
    gtk_widget_set_margin_start(label, 6);
    gtk_widget_set_margin_top(label, 12);
    gtk_widget_set_margin_bottom(label, 6);
    gtk_list_box_row_set_header(row, label);
}

static void
row_selected(GtkListBox *list, GtkListBoxRow *row, gpointer user_data)
{
    MgrSettingsDialog *self = user_data;
    const char *id;

    if (self->updating || row == NULL)
        return;
    id = g_object_get_data(G_OBJECT(row), "id");
    g_free(self->selected_id);
    self->selected_id = g_strdup(id);
    gtk_stack_set_visible_child_name(self->pages, id);
}

static void
clear_sections(MgrSettingsDialog *self)
{
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->section_list))) != NULL)
        gtk_list_box_remove(self->section_list, child);
    for (guint i = 0; self->sections != NULL && i < self->sections->len; i++) {
        MgrSettingsSection *section = g_ptr_array_index(self->sections, i);

        gtk_stack_remove(self->pages, section->page);
    }
    g_clear_pointer(&self->sections, g_ptr_array_unref);
}

static void
update_state_label(MgrSettingsDialog *self)
{
    gtk_widget_set_visible(GTK_WIDGET(self->state_label), self->ctx.running);
    gtk_label_set_text(self->state_label, self->ctx.running_text);
}

static void
rebuild(MgrSettingsDialog *self)
{
    GtkListBoxRow *select = NULL;
    BerthDBusHost *host = mgr_client_get_host(self->client);
    GVariant *capabilities = host != NULL ? berth_dbus_host_get_capabilities(host) : NULL;
    const char *state = self->vm != NULL ? berth_dbus_virtual_machine_get_state(self->vm) : "";

    if (self->def == NULL)
        return;
    self->updating = TRUE;
    clear_sections(self);
    g_strfreev(self->ctx.switches);
    self->ctx.switches = mgr_dialog_switch_names(mgr_client_get_manager(self->client));
    self->ctx.host_cpus = 0;
    if (capabilities != NULL)
        g_variant_lookup(capabilities, "cpus", "u", &self->ctx.host_cpus);
    self->ctx.running = vm_running(self);
    g_free(self->ctx.running_text);
    self->ctx.running_text = g_strdup_printf(
        /* Translators: %s is the VM's name, then its state, e.g. "Running". */
        _("“%s” is %s: settings that need the virtual machine off are locked. Turn it off to "
          "change them."),
        self->def->name, state);
    update_state_label(self);

    self->sections = mgr_settings_build_sections(&self->ctx);
    for (guint i = 0; i < self->sections->len; i++) {
        MgrSettingsSection *section = g_ptr_array_index(self->sections, i);
        GtkWidget *row = gtk_list_box_row_new();
        GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
        GtkWidget *label = gtk_label_new(section->title);

        gtk_widget_set_margin_top(box, 6);
        gtk_widget_set_margin_bottom(box, 6);
        gtk_box_append(GTK_BOX(box), gtk_image_new_from_icon_name(section->icon));
        gtk_label_set_xalign(GTK_LABEL(label), 0);
        gtk_box_append(GTK_BOX(box), label);
        gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
        gtk_accessible_update_property(GTK_ACCESSIBLE(row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       section->title, -1);
        g_object_set_data_full(G_OBJECT(row), "id", g_strdup(section->id), g_free);
        gtk_list_box_append(self->section_list, row);
        gtk_stack_add_named(self->pages, section->page, section->id);
        if (g_strcmp0(section->id, self->selected_id) == 0 || select == NULL)
            select = GTK_LIST_BOX_ROW(row);
    }
    gtk_list_box_select_row(self->section_list, select);
    g_free(self->selected_id);
    self->selected_id = g_strdup(g_object_get_data(G_OBJECT(select), "id"));
    gtk_stack_set_visible_child_name(self->pages, self->selected_id);
    self->updating = FALSE;
    update(self);
}

gboolean
mgr_settings_dialog_select(MgrSettingsDialog *self, const char *id)
{
    g_return_val_if_fail(MGR_IS_SETTINGS_DIALOG(self), FALSE);

    for (GtkWidget *row = gtk_widget_get_first_child(GTK_WIDGET(self->section_list)); row != NULL;
         row = gtk_widget_get_next_sibling(row)) {
        if (g_strcmp0(g_object_get_data(G_OBJECT(row), "id"), id) == 0) {
            gtk_list_box_select_row(self->section_list, GTK_LIST_BOX_ROW(row));
            return TRUE;
        }
    }
    return FALSE;
}

GtkWidget *
mgr_settings_dialog_find(MgrSettingsDialog *self, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, "/", 2);

    g_return_val_if_fail(MGR_IS_SETTINGS_DIALOG(self), NULL);
    if (parts[0] == NULL || parts[1] == NULL || self->sections == NULL)
        return NULL;
    for (guint i = 0; i < self->sections->len; i++) {
        MgrSettingsSection *section = g_ptr_array_index(self->sections, i);
        g_autofree char *key = g_strdup_printf("mgr-widget:%s", parts[1]);

        if (g_str_equal(section->id, parts[0]))
            return g_object_get_data(G_OBJECT(section->page), key);
    }
    return NULL;
}

gboolean
mgr_settings_dialog_is_busy(MgrSettingsDialog *self)
{
    g_return_val_if_fail(MGR_IS_SETTINGS_DIALOG(self), FALSE);
    return self->loading || self->applying;
}

/* ---- The VM vanishing or changing state ------------------------------------------------- */

static gboolean
close_idle(gpointer user_data)
{
    g_autoptr(GtkWindow) window = user_data;

    gtk_window_destroy(window);
    return G_SOURCE_REMOVE;
}

static void
deleted_answered(AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
    /* After the message dialog has finished its own response. */
    g_idle_add(close_idle, g_object_ref(user_data));
}

static void
vm_deleted(MgrSettingsDialog *self)
{
    g_autofree char *heading = NULL;
    GtkWidget *dialog;

    if (self->deleted)
        return;
    self->deleted = TRUE;
    self->applying = FALSE;
    update(self);
    heading = g_strdup_printf(_("The virtual machine “%s” was deleted"),
                              self->def != NULL ? self->def->name : self->vm_path);
    dialog = adw_message_dialog_new(GTK_WINDOW(self), heading,
                                    _("Someone deleted it while its settings were open. The "
                                      "changes cannot be saved; the Settings window closes."));
    adw_message_dialog_add_response(ADW_MESSAGE_DIALOG(dialog), "close", _("_Close"));
    g_signal_connect(dialog, "response", G_CALLBACK(deleted_answered), self);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void
object_removed(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
    MgrSettingsDialog *self = user_data;

    if (g_str_equal(g_dbus_object_get_object_path(object), self->vm_path))
        vm_deleted(self);
}

static void
state_changed(BerthDBusVirtualMachine *vm, GParamSpec *pspec, gpointer user_data)
{
    MgrSettingsDialog *self = user_data;

    if (self->def != NULL && vm_running(self) != self->ctx.running)
        rebuild(self); /* locks or unlocks; the edits stay */
}

/* ---- Loading and applying ------------------------------------------------------------------ */

static void
definition_loaded(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(MgrSettingsDialog) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    self->loading = FALSE;
    if (!berth_dbus_virtual_machine_call_get_definition_finish(BERTH_DBUS_VIRTUAL_MACHINE(source),
                                                               &xml, result, &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        if (g_error_matches(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND)) {
            vm_deleted(self);
            return;
        }
        mgr_dialog_show_error(GTK_WINDOW(self), _("The settings could not be loaded"), error);
        update(self);
        return;
    }
    self->def = hvx_vm_def_parse_string(xml, -1, "vm.xml", &error);
    if (self->def == NULL) {
        mgr_dialog_show_error(GTK_WINDOW(self), _("The settings could not be read"), error);
        update(self);
        return;
    }
    add_ide_controllers(self->def);
    self->ctx.def = self->def;
    self->original_xml = format_def(self->def);
    {
        g_autofree char *title = g_strdup_printf(_("Settings for %s"), self->def->name);

        gtk_window_set_title(GTK_WINDOW(self), title);
    }
    rebuild(self);
}

static void
defined(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(MgrSettingsDialog) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;

    self->applying = FALSE;
    if (self->deleted)
        return;
    if (!berth_dbus_host_call_define_virtual_machine_finish(BERTH_DBUS_HOST(source), &path, result,
                                                            &error)) {
        self->close_after_apply = FALSE;
        update(self);
        mgr_dialog_show_error(GTK_WINDOW(self), _("The settings could not be applied"), error);
        return;
    }
    g_free(self->original_xml);
    self->original_xml = format_def(self->def);
    if (self->close_after_apply) {
        gtk_window_destroy(GTK_WINDOW(self));
        return;
    }
    update(self);
}

static void
start_apply(MgrSettingsDialog *self, gboolean close_after)
{
    BerthDBusHost *host = mgr_client_get_host(self->client);
    g_autofree char *xml = NULL;

    if (self->def == NULL || self->applying || self->deleted || host == NULL)
        return;
    xml = format_def(self->def);
    if (g_strcmp0(xml, self->original_xml) == 0) {
        if (close_after)
            gtk_window_destroy(GTK_WINDOW(self));
        return;
    }
    self->applying = TRUE;
    self->close_after_apply = close_after;
    update(self);
    berth_dbus_host_call_define_virtual_machine(host, xml, NULL, defined, g_object_ref(self));
}

static void
apply_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    start_apply(MGR_SETTINGS_DIALOG(widget), FALSE);
}

static void
ok_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    start_apply(MGR_SETTINGS_DIALOG(widget), TRUE);
}

static void
cancel_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrSettingsDialog *self = MGR_SETTINGS_DIALOG(widget);

    if (!self->applying)
        gtk_window_destroy(GTK_WINDOW(self));
}

/* ---- Object --------------------------------------------------------------------------------- */

static void
mgr_settings_dialog_dispose(GObject *object)
{
    MgrSettingsDialog *self = MGR_SETTINGS_DIALOG(object);

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_handle_id(&self->rebuild_idle, g_source_remove);
    if (self->client != NULL && mgr_client_get_manager(self->client) != NULL)
        g_clear_signal_handler(&self->removed_id, mgr_client_get_manager(self->client));
    if (self->vm != NULL)
        g_clear_signal_handler(&self->state_id, self->vm);
    if (self->pages != NULL)
        clear_sections(self);
    g_clear_object(&self->vm);
    g_clear_object(&self->client);
    g_clear_pointer(&self->def, hvx_vm_def_free);
    g_clear_pointer(&self->original_xml, g_free);
    g_clear_pointer(&self->selected_id, g_free);
    g_clear_pointer(&self->vm_path, g_free);
    g_clear_pointer(&self->ctx.switches, g_strfreev);
    g_clear_pointer(&self->ctx.running_text, g_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), MGR_TYPE_SETTINGS_DIALOG);
    G_OBJECT_CLASS(mgr_settings_dialog_parent_class)->dispose(object);
}

static void
mgr_settings_dialog_class_init(MgrSettingsDialogClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = mgr_settings_dialog_dispose;
    mgr_dialog_ensure_resources();
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/berth/Manager/mgr-settings-dialog.ui");
    gtk_widget_class_bind_template_child(widget_class, MgrSettingsDialog, state_label);
    gtk_widget_class_bind_template_child(widget_class, MgrSettingsDialog, section_list);
    gtk_widget_class_bind_template_child(widget_class, MgrSettingsDialog, pages);
    gtk_widget_class_bind_template_child(widget_class, MgrSettingsDialog, reason_label);
    gtk_widget_class_bind_template_child(widget_class, MgrSettingsDialog, ok_button);
    gtk_widget_class_bind_template_child(widget_class, MgrSettingsDialog, cancel_button);
    gtk_widget_class_bind_template_child(widget_class, MgrSettingsDialog, apply_button);
    gtk_widget_class_install_action(widget_class, "settings.ok", NULL, ok_activated);
    gtk_widget_class_install_action(widget_class, "settings.cancel", NULL, cancel_activated);
    gtk_widget_class_install_action(widget_class, "settings.apply", NULL, apply_activated);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Escape, 0, "settings.cancel", NULL);
}

static void
mgr_settings_dialog_init(MgrSettingsDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->cancellable = g_cancellable_new();
    self->ctx.changed = context_changed;
    self->ctx.rebuild = context_rebuild;
    self->ctx.dialog = self;
    self->ctx.window = GTK_WINDOW(self);
    gtk_list_box_set_header_func(self->section_list, list_header, NULL, NULL);
    g_signal_connect(self->section_list, "row-selected", G_CALLBACK(row_selected), self);
}

MgrSettingsDialog *
mgr_settings_dialog_new(GtkWindow *parent, MgrClient *client, const char *vm_object_path)
{
    MgrSettingsDialog *self;
    GDBusObjectManager *manager;
    g_autoptr(GDBusObject) object = NULL;

    g_return_val_if_fail(parent == NULL || GTK_IS_WINDOW(parent), NULL);
    g_return_val_if_fail(MGR_IS_CLIENT(client), NULL);
    g_return_val_if_fail(vm_object_path != NULL, NULL);

    self = g_object_new(MGR_TYPE_SETTINGS_DIALOG, "transient-for", parent, NULL);
    gtk_window_set_title(GTK_WINDOW(self), _("Settings"));
    self->client = g_object_ref(client);
    self->vm_path = g_strdup(vm_object_path);
    self->ctx.def = NULL;
    manager = mgr_client_get_manager(client);
    if (manager != NULL) {
        object = g_dbus_object_manager_get_object(manager, vm_object_path);
        self->removed_id =
            g_signal_connect(manager, "object-removed", G_CALLBACK(object_removed), self);
    }
    if (object != NULL)
        self->vm = berth_dbus_object_get_virtual_machine(BERTH_DBUS_OBJECT(object));
    if (self->vm == NULL) {
        /* Gone before the window opened. */
        g_idle_add_once((GSourceOnceFunc)vm_deleted, self);
        update(self);
        return self;
    }
    self->state_id = g_signal_connect(self->vm, "notify::state", G_CALLBACK(state_changed), self);
    self->loading = TRUE;
    update(self);
    berth_dbus_virtual_machine_call_get_definition(self->vm, self->cancellable, definition_loaded,
                                                   g_object_ref(self));
    return self;
}
