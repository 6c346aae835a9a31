/* mgr-window.c: the main window: follows the client's state (connecting, berthd absent,
 * connected), hands berthd's objects to the list, the checkpoints, the details and the actions
 * pane, and remembers its size and pane positions.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-gsettings.h"
#include "mgr-stack.h"
#include "mgr-window-private.h"

G_DEFINE_FINAL_TYPE(MgrWindow, mgr_window, ADW_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_CLIENT, N_PROPS };

static GParamSpec *properties[N_PROPS];

static void
mgr_window_show_state(MgrWindow *self)
{
    MgrClientState state = mgr_client_get_state(self->client);
    const char *error = mgr_client_get_error(self->client);
    g_autofree char *how = NULL;

    switch (state) {
    case MGR_CLIENT_STATE_CONNECTING:
        mgr_stack_show_only(self->main_stack, "connecting");
        break;
    case MGR_CLIENT_STATE_CONNECTED:
        mgr_stack_show_only(self->main_stack, "main");
        break;
    case MGR_CLIENT_STATE_ABSENT:
    case MGR_CLIENT_STATE_FAILED:
    case MGR_CLIENT_STATE_DENIED:
        if (state == MGR_CLIENT_STATE_DENIED)
            adw_status_page_set_title(self->absent_page, _("Permission Denied"));
        else if (state == MGR_CLIENT_STATE_FAILED)
            adw_status_page_set_title(self->absent_page, _("Cannot Reach berthd"));
        else
            adw_status_page_set_title(self->absent_page, _("berthd Is Not Running"));
        adw_status_page_set_icon_name(self->absent_page, state == MGR_CLIENT_STATE_DENIED
                                                             ? "dialog-password-symbolic"
                                                             : "network-offline-symbolic");
        adw_status_page_set_description(self->absent_page, error);
        how = g_strdup_printf(
            "%s\n\n%s",
            _("berthd is the service that keeps and runs your virtual machines. Start it as a "
              "system service with “systemctl start berthd”, or for yourself with “./dev run” in "
              "Berth's source folder (session mode)."),
            _("Members of the group “berth” may manage virtual machines without a password."));
        gtk_label_set_text(self->absent_how, how);
        mgr_stack_show_only(self->main_stack, "absent");
        break;
    }
}

static void
client_state_changed(MgrClient *client, GParamSpec *pspec, gpointer user_data)
{
    mgr_window_show_state(MGR_WINDOW(user_data));
    mgr_window_update_actions(MGR_WINDOW(user_data));
}

static void
client_manager_changed(MgrClient *client, GParamSpec *pspec, gpointer user_data)
{
    MgrWindow *self = user_data;
    GDBusObjectManager *manager = mgr_client_get_manager(client);

    mgr_vm_view_set_manager(self->vm_view, manager);
    mgr_actions_pane_set_manager(self->actions_pane, manager);
    mgr_window_update_actions(self);
}

static void
client_host_changed(MgrClient *client, GParamSpec *pspec, gpointer user_data)
{
    MgrWindow *self = user_data;
    BerthDBusHost *host = mgr_client_get_host(client);
    g_autofree char *subtitle = NULL;
    g_autofree char *accel = NULL;

    if (host != NULL) {
        accel = g_ascii_strup(berth_dbus_host_get_accelerator(host) != NULL
                                  ? berth_dbus_host_get_accelerator(host)
                                  : "",
                              -1);
        /* Translators: the window's subtitle: berthd's version and its accelerator (KVM/TCG). */
        subtitle = g_strdup_printf(_("berthd %s · %s"), berth_dbus_host_get_version(host), accel);
    }
    adw_window_title_set_subtitle(self->window_title, subtitle);
    mgr_vm_details_set_host(self->details, host);
}

static void
selected_vm_changed_props(BerthDBusVirtualMachine *vm, GParamSpec *pspec, gpointer user_data)
{
    mgr_window_update_actions(MGR_WINDOW(user_data));
}

static void
selected_vm_changed(MgrVmView *view, GParamSpec *pspec, gpointer user_data)
{
    MgrWindow *self = user_data;
    BerthDBusVirtualMachine *vm = mgr_vm_view_get_selected(view);

    if (self->vm == vm)
        return;
    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_set_object(&self->vm, vm);
    if (vm != NULL) {
        g_signal_connect_object(vm, "notify::allowed-actions",
                                G_CALLBACK(selected_vm_changed_props), self, 0);
        g_signal_connect_object(vm, "notify::current-checkpoint",
                                G_CALLBACK(selected_vm_changed_props), self, 0);
        g_signal_connect_object(vm, "notify::name", G_CALLBACK(selected_vm_changed_props), self, 0);
    }
    mgr_checkpoints_view_set_vm(self->checkpoints_view, vm);
    mgr_vm_details_set_vm(self->details, vm);
    mgr_window_update_actions(self);
}

/* Once, when the first frame with VMs in the list has been drawn: the time lets the benchmark
 * measure the time to the first paint of the list (G_MESSAGES_DEBUG=berth-manager). */
static void
list_painted(GdkFrameClock *clock, gpointer user_data)
{
    MgrWindow *self = user_data;

    g_debug("list painted: %u VMs at %" G_GINT64_FORMAT " us",
            mgr_vm_view_get_n_shown(self->vm_view), g_get_monotonic_time());
    g_signal_handlers_disconnect_by_func(clock, list_painted, self);
}

static void
shown_changed(MgrVmView *view, GParamSpec *pspec, gpointer user_data)
{
    MgrWindow *self = user_data;
    GdkFrameClock *clock = gtk_widget_get_frame_clock(GTK_WIDGET(self));

    if (!self->list_painted && clock != NULL && mgr_vm_view_get_n_shown(view) > 0) {
        self->list_painted = TRUE;
        g_signal_connect_object(clock, "after-paint", G_CALLBACK(list_painted), self, 0);
        gtk_widget_queue_draw(GTK_WIDGET(self));
    }

    mgr_stack_show_only(self->list_stack, mgr_vm_view_get_n_shown(view) > 0 ? "list" : "empty");
}

static void
search_changed(GtkSearchEntry *entry, gpointer user_data)
{
    MgrWindow *self = user_data;
    const char *text = gtk_editable_get_text(GTK_EDITABLE(entry));

    mgr_vm_view_set_search(self->vm_view, text);
    if (*text != '\0') {
        adw_status_page_set_title(
            ADW_STATUS_PAGE(gtk_stack_get_child_by_name(self->list_stack, "empty")),
            _("No Matching Virtual Machines"));
        adw_status_page_set_description(
            ADW_STATUS_PAGE(gtk_stack_get_child_by_name(self->list_stack, "empty")),
            _("No virtual machine's name contains the search text."));
    } else {
        adw_status_page_set_title(
            ADW_STATUS_PAGE(gtk_stack_get_child_by_name(self->list_stack, "empty")),
            _("No Virtual Machines"));
        adw_status_page_set_description(
            ADW_STATUS_PAGE(gtk_stack_get_child_by_name(self->list_stack, "empty")),
            _("Create one with New → Virtual Machine, or with “berth new”."));
    }
}

static void
vm_rename(MgrVmView *view, BerthDBusVirtualMachine *vm, const char *name, gpointer user_data)
{
    mgr_window_rename_vm(MGR_WINDOW(user_data), vm, name);
}

static void
vm_activated(MgrVmView *view, BerthDBusVirtualMachine *vm, gpointer user_data)
{
    mgr_window_connect_vm(MGR_WINDOW(user_data), vm);
}

static void
mgr_window_bind_settings(MgrWindow *self)
{
    g_settings_bind(self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "window-height", self, "default-height",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "sidebar-position", self->sidebar_paned, "position",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "actions-position", self->actions_paned, "position",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "details-position", self->details_paned, "position",
                    G_SETTINGS_BIND_DEFAULT);
    g_settings_bind(self->settings, "checkpoints-position", self->checkpoints_paned, "position",
                    G_SETTINGS_BIND_DEFAULT);
}

static void
mgr_window_constructed(GObject *object)
{
    MgrWindow *self = MGR_WINDOW(object);

    G_OBJECT_CLASS(mgr_window_parent_class)->constructed(object);

    g_signal_connect_object(self->client, "notify::state", G_CALLBACK(client_state_changed), self,
                            0);
    g_signal_connect_object(self->client, "notify::error", G_CALLBACK(client_state_changed), self,
                            0);
    g_signal_connect_object(self->client, "notify::manager", G_CALLBACK(client_manager_changed),
                            self, 0);
    g_signal_connect_object(self->client, "notify::host", G_CALLBACK(client_host_changed), self, 0);
    mgr_window_show_state(self);
    client_manager_changed(self->client, NULL, self);
    client_host_changed(self->client, NULL, self);
    mgr_checkpoints_view_set_client(self->checkpoints_view, self->client);
    mgr_vm_details_set_client(self->details, self->client);
}

static void
mgr_window_dispose(GObject *object)
{
    MgrWindow *self = MGR_WINDOW(object);

    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_clear_object(&self->vm);
    gtk_widget_dispose_template(GTK_WIDGET(self), MGR_TYPE_WINDOW);
    G_OBJECT_CLASS(mgr_window_parent_class)->dispose(object);
}

static void
mgr_window_finalize(GObject *object)
{
    MgrWindow *self = MGR_WINDOW(object);

    g_clear_object(&self->settings);
    g_clear_object(&self->client);
    G_OBJECT_CLASS(mgr_window_parent_class)->finalize(object);
}

static void
mgr_window_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    MgrWindow *self = MGR_WINDOW(object);

    switch (prop_id) {
    case PROP_CLIENT:
        g_value_set_object(value, self->client);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
mgr_window_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    MgrWindow *self = MGR_WINDOW(object);

    switch (prop_id) {
    case PROP_CLIENT:
        self->client = g_value_dup_object(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
mgr_window_class_init(MgrWindowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->constructed = mgr_window_constructed;
    object_class->dispose = mgr_window_dispose;
    object_class->finalize = mgr_window_finalize;
    object_class->get_property = mgr_window_get_property;
    object_class->set_property = mgr_window_set_property;

    properties[PROP_CLIENT] =
        g_param_spec_object("client", NULL, NULL, MGR_TYPE_CLIENT,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    g_type_ensure(MGR_TYPE_VM_VIEW);
    g_type_ensure(MGR_TYPE_CHECKPOINTS_VIEW);
    g_type_ensure(MGR_TYPE_VM_DETAILS);
    g_type_ensure(MGR_TYPE_ACTIONS_PANE);
    gtk_widget_class_set_template_from_resource(widget_class, "/org/berth/Manager/mgr-window.ui");
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, toast_overlay);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, window_title);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, main_stack);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, absent_page);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, absent_how);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, sidebar_paned);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, actions_paned);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, details_paned);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, checkpoints_paned);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, search_button);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, search_bar);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, search_entry);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, list_stack);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, vm_view);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, checkpoints_view);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, details);
    gtk_widget_class_bind_template_child(widget_class, MgrWindow, actions_pane);
    gtk_widget_class_bind_template_callback(widget_class, search_changed);
    gtk_widget_class_bind_template_callback(widget_class, vm_rename);
    gtk_widget_class_bind_template_callback(widget_class, vm_activated);
    mgr_window_class_install_actions(widget_class);
}

static void
mgr_window_init(MgrWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));

    self->settings = mgr_gsettings_new();
    if (self->settings != NULL)
        mgr_window_bind_settings(self);
    gtk_search_bar_connect_entry(self->search_bar, GTK_EDITABLE(self->search_entry));
    gtk_search_bar_set_key_capture_widget(self->search_bar, GTK_WIDGET(self->vm_view));
    g_signal_connect_object(self->vm_view, "notify::selected-vm", G_CALLBACK(selected_vm_changed),
                            self, 0);
    g_signal_connect_object(self->vm_view, "notify::n-shown", G_CALLBACK(shown_changed), self, 0);
    shown_changed(self->vm_view, NULL, self);
}

MgrWindow *
mgr_window_new(MgrApplication *application, MgrClient *client)
{
    return g_object_new(MGR_TYPE_WINDOW, "application", application, "client", client, NULL);
}

MgrClient *
mgr_window_get_client(MgrWindow *self)
{
    g_return_val_if_fail(MGR_IS_WINDOW(self), NULL);
    return self->client;
}

gboolean
mgr_window_select_vm(MgrWindow *self, const char *object_path)
{
    g_return_val_if_fail(MGR_IS_WINDOW(self), FALSE);
    g_return_val_if_fail(object_path != NULL, FALSE);

    gtk_editable_set_text(GTK_EDITABLE(self->search_entry), "");
    return mgr_vm_view_select(self->vm_view, object_path);
}

void
mgr_window_toast(MgrWindow *self, const char *message)
{
    g_return_if_fail(MGR_IS_WINDOW(self));
    adw_toast_overlay_add_toast(self->toast_overlay, adw_toast_new(message));
}

void
mgr_window_show_error(MgrWindow *self, const char *title, const GError *error)
{
    g_autofree char *message = NULL;
    GtkWidget *dialog;

    g_return_if_fail(MGR_IS_WINDOW(self));
    g_return_if_fail(error != NULL);

    message = mgr_client_describe_error(error);
    dialog = adw_message_dialog_new(GTK_WINDOW(self), title, message);
    adw_message_dialog_add_response(ADW_MESSAGE_DIALOG(dialog), "close", _("_Close"));
    gtk_window_present(GTK_WINDOW(dialog));
}
