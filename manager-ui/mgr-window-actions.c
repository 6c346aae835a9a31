/* mgr-window-actions.c: the win.* actions on the selected VM — Connect, Settings, Start, Turn
 * Off, Shut Down, Save, Pause, Resume, Reset, Checkpoint, Revert, Rename, Delete — each enabled
 * exactly when the VM's AllowedActions allows it, each an asynchronous D-Bus call whose failure
 * shows berthd's message.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-format.h"
#include "mgr-settings-dialog.h"
#include "mgr-vmconnect.h"
#include "mgr-window-private.h"

/* win.* actions and the AllowedActions entry each needs; NULL = any state. */
static const struct {
    const char *action;
    const char *allowed;
} mgr_vm_actions[] = {
    {"connect", NULL},
    {"start", "Start"},
    {"turn-off", "TurnOff"},
    {"shut-down", "ShutDown"},
    {"save", "Save"},
    {"pause", "Pause"},
    {"resume", "Resume"},
    {"reset", "Reset"},
    {"checkpoint", "CreateCheckpoint"},
    {"revert", "ApplyCheckpoint"},
    {"rename", NULL},
    {"delete", "Delete"},
};

static gboolean
mgr_window_settings_dialog_exists(void)
{
    return TRUE; /* mgr-settings-dialog.c */
}

void
mgr_window_update_actions(MgrWindow *self)
{
    BerthDBusVirtualMachine *vm = mgr_client_get_connected(self->client) ? self->vm : NULL;
    const char *const *allowed =
        vm != NULL ? berth_dbus_virtual_machine_get_allowed_actions(vm) : NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(mgr_vm_actions); i++) {
        gboolean enabled = vm != NULL;

        if (enabled && mgr_vm_actions[i].allowed != NULL)
            enabled = allowed != NULL && g_strv_contains(allowed, mgr_vm_actions[i].allowed);
        /* Revert returns to the current checkpoint: there must be one. */
        if (enabled && g_str_equal(mgr_vm_actions[i].action, "revert")) {
            const char *current = berth_dbus_virtual_machine_get_current_checkpoint(vm);

            enabled = current != NULL && *current != '\0';
        }
        g_autofree char *name = g_strconcat("win.", mgr_vm_actions[i].action, NULL);

        gtk_widget_action_set_enabled(GTK_WIDGET(self), name, enabled);
        mgr_actions_pane_set_action_enabled(self->actions_pane, name, enabled);
    }
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "win.settings",
                                  vm != NULL && mgr_window_settings_dialog_exists());
    mgr_actions_pane_set_action_enabled(self->actions_pane, "win.settings",
                                        vm != NULL && mgr_window_settings_dialog_exists());
    mgr_actions_pane_set_vm(self->actions_pane, vm);
}

/* One call on a VM: shown in the actions pane while under way, its failure in a dialog. */
typedef struct {
    MgrWindow *window;
    char *failure; /* dialog title on failure */
    char *success; /* toast on success, or NULL */
    guint operation;
    BerthDBusVirtualMachine *vm; /* for Rename: re-shows the name when refused */
} MgrCall;

static void
mgr_call_free(MgrCall *call)
{
    g_object_unref(call->window);
    g_clear_object(&call->vm);
    g_free(call->failure);
    g_free(call->success);
    g_free(call);
}

static void
vm_call_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    MgrCall *call = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = g_dbus_proxy_call_finish(G_DBUS_PROXY(source), result, &error);

    mgr_actions_pane_end_operation(call->window->actions_pane, call->operation);
    if (reply == NULL) {
        if (call->vm != NULL)
            g_object_notify(G_OBJECT(call->vm), "name");
        mgr_window_show_error(call->window, call->failure, error);
    } else if (call->success != NULL) {
        mgr_window_toast(call->window, call->success);
    }
    mgr_checkpoints_view_refresh(call->window->checkpoints_view);
    mgr_call_free(call);
}

/* Takes @progress, @failure and @success (may be NULL), already worded with the VM's name. */
static void
mgr_window_call_vm(MgrWindow *self, BerthDBusVirtualMachine *vm, const char *method, GVariant *args,
                   char *progress, char *failure, char *success)
{
    MgrCall *call = g_new0(MgrCall, 1);

    call->window = g_object_ref(self);
    call->failure = failure;
    call->success = success;
    call->operation = mgr_actions_pane_begin_operation(self->actions_pane, progress);
    g_free(progress);
    /* ShutDown waits for the guest up to 120 s and Start until it runs; never time out first. */
    g_dbus_proxy_call(G_DBUS_PROXY(vm), method, args, G_DBUS_CALL_FLAGS_NONE,
                      BERTH_CLIENT_VM_TIMEOUT_MS, NULL, vm_call_done, call);
}

/* The VM's name worded into a translated message with one %s. */
#define WORDED(vm, message) g_strdup_printf(message, berth_dbus_virtual_machine_get_name(vm))

static BerthDBusVirtualMachine *
mgr_window_selected(MgrWindow *self)
{
    return mgr_client_get_connected(self->client) ? self->vm : NULL;
}

static void
vmconnect_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(MgrWindow) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!mgr_vmconnect_finish(result, &error) &&
        !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        mgr_window_show_error(self, _("The console could not open"), error);
}

void
mgr_window_connect_vm(MgrWindow *self, BerthDBusVirtualMachine *vm)
{
    g_autoptr(GError) error = NULL;

    g_autofree char *text = NULL;

    if (!mgr_vmconnect_spawn(mgr_client_get_address(self->client),
                             berth_dbus_virtual_machine_get_uuid(vm), NULL, vmconnect_done,
                             g_object_ref(self), &error)) {
        mgr_window_show_error(self, _("The console could not open"), error);
        g_object_unref(self);
        return;
    }
    /* Translators: %s is a VM's name. */
    text = WORDED(vm, _("Opening the console of “%s”…"));
    mgr_window_toast(self, text);
}

static void
connect_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_connect_vm(self, vm);
}

static void
settings_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        gtk_window_present(GTK_WINDOW(mgr_settings_dialog_new(
            GTK_WINDOW(self), self->client, g_dbus_proxy_get_object_path(G_DBUS_PROXY(vm)))));
}

static void
start_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_call_vm(self, vm, "Start", NULL, WORDED(vm, _("Starting “%s”…")),
                           WORDED(vm, _("“%s” did not start")), NULL);
}

static void
shut_down_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_call_vm(self, vm, "ShutDown", g_variant_new("(u)", 0),
                           WORDED(vm, _("Shutting down “%s”…")),
                           WORDED(vm, _("“%s” did not shut down")), NULL);
}

static void
save_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_call_vm(self, vm, "Save", NULL, WORDED(vm, _("Saving “%s”…")),
                           WORDED(vm, _("“%s” was not saved")), NULL);
}

static void
pause_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_call_vm(self, vm, "Pause", NULL, WORDED(vm, _("Pausing “%s”…")),
                           WORDED(vm, _("“%s” did not pause")), NULL);
}

static void
resume_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_call_vm(self, vm, "Resume", NULL, WORDED(vm, _("Resuming “%s”…")),
                           WORDED(vm, _("“%s” did not resume")), NULL);
}

static void
checkpoint_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_call_vm(self, vm, "CreateCheckpoint", g_variant_new("(s)", ""),
                           WORDED(vm, _("Taking a checkpoint of “%s”…")),
                           WORDED(vm, _("No checkpoint of “%s” was taken")),
                           WORDED(vm, _("A checkpoint of “%s” was taken")));
}

/* Turn Off, Reset, Revert and Delete lose work: they ask first, like Hyper-V Manager. */
typedef struct {
    MgrWindow *window;
    BerthDBusVirtualMachine *vm;
    GtkCheckButton *delete_disks; /* Delete only */
    char *checkpoint;             /* Revert only */
} MgrConfirm;

static void
mgr_confirm_free(MgrConfirm *confirm)
{
    g_object_unref(confirm->window);
    g_object_unref(confirm->vm);
    g_free(confirm->checkpoint);
    g_free(confirm);
}

static void
confirmed(AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
    MgrConfirm *confirm = user_data;
    MgrWindow *self = confirm->window;
    BerthDBusVirtualMachine *vm = confirm->vm;

    if (g_str_equal(response, "turn-off"))
        mgr_window_call_vm(self, vm, "TurnOff", NULL, WORDED(vm, _("Turning off “%s”…")),
                           WORDED(vm, _("“%s” was not turned off")), NULL);
    else if (g_str_equal(response, "reset"))
        mgr_window_call_vm(self, vm, "Reset", NULL, WORDED(vm, _("Resetting “%s”…")),
                           WORDED(vm, _("“%s” was not reset")), NULL);
    else if (g_str_equal(response, "revert"))
        mgr_window_call_vm(self, vm, "ApplyCheckpoint", g_variant_new("(s)", confirm->checkpoint),
                           WORDED(vm, _("Reverting “%s”…")), WORDED(vm, _("“%s” was not reverted")),
                           WORDED(vm, _("“%s” was reverted to its checkpoint")));
    else if (g_str_equal(response, "delete"))
        mgr_window_call_vm(self, vm, "Delete",
                           g_variant_new("(b)", gtk_check_button_get_active(confirm->delete_disks)),
                           WORDED(vm, _("Deleting “%s”…")), WORDED(vm, _("“%s” was not deleted")),
                           WORDED(vm, _("“%s” was deleted")));
    mgr_confirm_free(confirm);
}

static void
mgr_window_confirm(MgrWindow *self, BerthDBusVirtualMachine *vm, char *heading, const char *body,
                   const char *response, const char *label, GtkWidget *extra,
                   const char *checkpoint)
{
    GtkWidget *dialog = adw_message_dialog_new(GTK_WINDOW(self), heading, body);
    MgrConfirm *confirm = g_new0(MgrConfirm, 1);

    confirm->window = g_object_ref(self);
    confirm->vm = g_object_ref(vm);
    confirm->checkpoint = g_strdup(checkpoint);
    g_free(heading);
    if (extra != NULL) {
        adw_message_dialog_set_extra_child(ADW_MESSAGE_DIALOG(dialog), extra);
        confirm->delete_disks = GTK_CHECK_BUTTON(extra);
    }
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"), response,
                                     label, NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), response,
                                               ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    g_signal_connect(dialog, "response", G_CALLBACK(confirmed), confirm);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void
turn_off_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_confirm(
            self, vm, WORDED(vm, _("Turn Off “%s”?")),
            _("Turning off a virtual machine is like pulling its power plug: what it has not "
              "written to its disks is lost."),
            "turn-off", _("_Turn Off"), NULL, NULL);
}

static void
reset_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_confirm(self, vm, WORDED(vm, _("Reset “%s”?")),
                           _("Resetting restarts the virtual machine at once: what it has not "
                             "written to its disks is lost."),
                           "reset", _("_Reset"), NULL, NULL);
}

static void
revert_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);

    if (vm != NULL)
        mgr_window_confirm(self, vm, WORDED(vm, _("Revert “%s”?")),
                           _("The virtual machine returns to its current checkpoint: the changes "
                             "to its disks and settings since then are lost."),
                           "revert", _("Re_vert"), NULL,
                           berth_dbus_virtual_machine_get_current_checkpoint(vm));
}

static void
delete_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);
    BerthDBusVirtualMachine *vm = mgr_window_selected(self);
    g_autofree char *plain = NULL;
    GtkWidget *check;

    if (vm == NULL)
        return;
    check = gtk_check_button_new_with_mnemonic(_("Delete its virtual _hard disks too"));
    /* GTK 4.8 names a mnemonic button by its text with the underscore: name it plainly. */
    plain = mgr_format_without_mnemonic(gtk_check_button_get_label(GTK_CHECK_BUTTON(check)));
    gtk_accessible_update_property(GTK_ACCESSIBLE(check), GTK_ACCESSIBLE_PROPERTY_LABEL, plain, -1);
    mgr_window_confirm(self, vm, WORDED(vm, _("Delete “%s”?")),
                       _("The virtual machine's definition, checkpoints and saved state are "
                         "deleted. Its virtual hard disks stay unless you choose otherwise."),
                       "delete", _("_Delete"), check, NULL);
}

void
mgr_window_rename_vm(MgrWindow *self, BerthDBusVirtualMachine *vm, const char *name)
{
    MgrCall *call = g_new0(MgrCall, 1);
    g_autofree char *text = WORDED(vm, _("Renaming “%s”…"));

    call->window = g_object_ref(self);
    call->vm = g_object_ref(vm);
    /* Translators: %s is the VM's old name. */
    call->failure = WORDED(vm, _("“%s” was not renamed"));
    call->operation = mgr_actions_pane_begin_operation(self->actions_pane, text);
    g_dbus_proxy_call(G_DBUS_PROXY(vm), "Rename", g_variant_new("(s)", name),
                      G_DBUS_CALL_FLAGS_NONE, BERTH_CLIENT_TIMEOUT_MS, NULL, vm_call_done, call);
}

static void
rename_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);

    mgr_vm_view_start_rename(self->vm_view);
}

/* The entry can take the focus only once the search bar's revealer has mapped it. */
static gboolean
focus_search_entry(gpointer user_data)
{
    MgrWindow *self = user_data;

    if (!gtk_widget_get_mapped(GTK_WIDGET(self->search_entry)))
        return G_SOURCE_CONTINUE;
    gtk_widget_grab_focus(GTK_WIDGET(self->search_entry));
    g_object_unref(self);
    return G_SOURCE_REMOVE;
}

static void
find_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);

    gtk_search_bar_set_search_mode(self->search_bar, TRUE);
    if (!gtk_widget_get_mapped(GTK_WIDGET(self->search_entry)) ||
        !gtk_widget_grab_focus(GTK_WIDGET(self->search_entry)))
        g_timeout_add(20, focus_search_entry, g_object_ref(self));
}

static void
context_menu_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    mgr_vm_view_popup_menu(MGR_WINDOW(widget)->vm_view);
}

static void
refresh_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    MgrWindow *self = MGR_WINDOW(widget);

    mgr_checkpoints_view_refresh(self->checkpoints_view);
    mgr_vm_details_refresh(self->details);
}

void
mgr_window_class_install_actions(GtkWidgetClass *widget_class)
{
    gtk_widget_class_install_action(widget_class, "win.connect", NULL, connect_activated);
    gtk_widget_class_install_action(widget_class, "win.settings", NULL, settings_activated);
    gtk_widget_class_install_action(widget_class, "win.start", NULL, start_activated);
    gtk_widget_class_install_action(widget_class, "win.turn-off", NULL, turn_off_activated);
    gtk_widget_class_install_action(widget_class, "win.shut-down", NULL, shut_down_activated);
    gtk_widget_class_install_action(widget_class, "win.save", NULL, save_activated);
    gtk_widget_class_install_action(widget_class, "win.pause", NULL, pause_activated);
    gtk_widget_class_install_action(widget_class, "win.resume", NULL, resume_activated);
    gtk_widget_class_install_action(widget_class, "win.reset", NULL, reset_activated);
    gtk_widget_class_install_action(widget_class, "win.checkpoint", NULL, checkpoint_activated);
    gtk_widget_class_install_action(widget_class, "win.revert", NULL, revert_activated);
    gtk_widget_class_install_action(widget_class, "win.rename", NULL, rename_activated);
    gtk_widget_class_install_action(widget_class, "win.delete", NULL, delete_activated);
    gtk_widget_class_install_action(widget_class, "win.find", NULL, find_activated);
    gtk_widget_class_install_action(widget_class, "win.refresh", NULL, refresh_activated);
    gtk_widget_class_install_action(widget_class, "win.context-menu", NULL, context_menu_activated);
}
