/* vmc-window-actions.c: the console window's actions (toolbar, menus, shortcuts), enabled from
 * the VM's AllowedActions as they change. Shortcuts are the window's own, in the bubble phase:
 * while the guest's screen has the keyboard, keys go to the guest, as in VMConnect. Every toolbar
 * control has one (shown in its tooltip); tests/vmconnect/test-vmc-window-accels.c checks that.
 * The zoom level is kept in GSettings (org.berth.VMConnect "zoom") for the next run.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "hvx.h"
#include "vmc-settings.h"
#include "vmc-window-private.h"

/* --- helpers ---------------------------------------------------------------------------------- */

static gboolean
vm_allows(VmcWindow *self, const char *action)
{
    const char *const *allowed;

    if (self->vm == NULL)
        return FALSE;
    allowed = berth_dbus_virtual_machine_get_allowed_actions(self->vm);
    return allowed != NULL && g_strv_contains(allowed, action);
}

static void
set_enabled(VmcWindow *self, const char *name, gboolean enabled)
{
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), name);

    if (action != NULL)
        g_simple_action_set_enabled(G_SIMPLE_ACTION(action), enabled);
}

/* Reports a failed call; @what says what was tried. */
static void
report(VmcWindow *self, const char *what, GError *error)
{
    g_autofree char *reason = NULL;
    g_autofree char *message = NULL;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    reason = berth_client_error_message(error);
    message = g_strdup_printf("%s: %s", what, reason);
    vmc_window_show_error(self, message);
}

typedef void (*ConfirmedFunc)(VmcWindow *self);

typedef struct {
    VmcWindow *window;
    ConfirmedFunc func;
} Confirm;

static void
on_confirm_response(GtkDialog *dialog, int response, gpointer user_data)
{
    Confirm *confirm = user_data;

    gtk_window_destroy(GTK_WINDOW(dialog));
    if (response == GTK_RESPONSE_ACCEPT)
        confirm->func(confirm->window);
    g_object_unref(confirm->window);
    g_free(confirm);
}

/* Asks first, like VMConnect does for actions that lose the guest's unsaved work. */
static void
confirm(VmcWindow *self, const char *question, const char *detail, const char *button,
        ConfirmedFunc func)
{
    GtkWidget *dialog;
    Confirm *data = g_new0(Confirm, 1);

    data->window = g_object_ref(self);
    data->func = func;
    dialog =
        gtk_message_dialog_new(GTK_WINDOW(self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                               GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", question);
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(dialog), "%s", detail);
    gtk_dialog_add_button(GTK_DIALOG(dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
    gtk_dialog_add_button(GTK_DIALOG(dialog), button, GTK_RESPONSE_ACCEPT);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);
    g_signal_connect(dialog, "response", G_CALLBACK(on_confirm_response), data);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* --- VM lifecycle ----------------------------------------------------------------------------- */

typedef gboolean (*FinishFunc)(BerthDBusVirtualMachine *vm, GAsyncResult *result, GError **error);

typedef struct {
    VmcWindow *window;
    const char *what; /* translated, static */
    FinishFunc finish;
} Call;

static Call *
call_new(VmcWindow *self, const char *what, FinishFunc finish)
{
    Call *call = g_new0(Call, 1);

    call->window = g_object_ref(self);
    call->what = what;
    call->finish = finish;
    return call;
}

static void
on_call_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Call *call = user_data;
    g_autoptr(GError) error = NULL;

    if (!call->finish(BERTH_DBUS_VIRTUAL_MACHINE(source), result, &error))
        report(call->window, call->what, error);
    g_object_unref(call->window);
    g_free(call);
}

static void
start_vm(VmcWindow *self)
{
    if (self->vm == NULL)
        return;
    vmc_window_hide_error(self);
    berth_dbus_virtual_machine_call_start(self->vm, NULL, on_call_done,
                                          call_new(self, _("Cannot start the virtual machine"),
                                                   berth_dbus_virtual_machine_call_start_finish));
}

static void
on_start(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    start_vm(VMC_WINDOW(user_data));
}

static void
turn_off_vm(VmcWindow *self)
{
    if (self->vm == NULL)
        return;
    berth_dbus_virtual_machine_call_turn_off(
        self->vm, NULL, on_call_done,
        call_new(self, _("Cannot turn off the virtual machine"),
                 berth_dbus_virtual_machine_call_turn_off_finish));
}

static void
on_turn_off(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    confirm(VMC_WINDOW(user_data), _("Turn off the virtual machine?"),
            _("Turning it off is like unplugging it: anything not saved in the guest is lost."),
            _("Turn _Off"), turn_off_vm);
}

static gboolean
shut_down_finish(BerthDBusVirtualMachine *vm, GAsyncResult *result, GError **error)
{
    return berth_dbus_virtual_machine_call_shut_down_finish(vm, result, error);
}

static void
shut_down_vm(VmcWindow *self)
{
    if (self->vm == NULL)
        return;
    berth_dbus_virtual_machine_call_shut_down(
        self->vm, 0, NULL, on_call_done,
        call_new(self, _("The virtual machine did not shut down"), shut_down_finish));
}

static void
on_shut_down(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    confirm(VMC_WINDOW(user_data), _("Shut down the virtual machine?"),
            _("The guest is asked to shut down, as if its power button were pressed."),
            _("Shut _Down"), shut_down_vm);
}

static void
on_save(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;

    if (self->vm == NULL)
        return;
    berth_dbus_virtual_machine_call_save(self->vm, NULL, on_call_done,
                                         call_new(self, _("Cannot save the virtual machine"),
                                                  berth_dbus_virtual_machine_call_save_finish));
}

static void
on_pause(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;

    if (self->vm == NULL)
        return;
    berth_dbus_virtual_machine_call_pause(self->vm, NULL, on_call_done,
                                          call_new(self, _("Cannot pause the virtual machine"),
                                                   berth_dbus_virtual_machine_call_pause_finish));
}

static void
on_resume(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;

    if (self->vm == NULL)
        return;
    berth_dbus_virtual_machine_call_resume(self->vm, NULL, on_call_done,
                                           call_new(self, _("Cannot resume the virtual machine"),
                                                    berth_dbus_virtual_machine_call_resume_finish));
}

static void
reset_vm(VmcWindow *self)
{
    if (self->vm == NULL)
        return;
    berth_dbus_virtual_machine_call_reset(self->vm, NULL, on_call_done,
                                          call_new(self, _("Cannot reset the virtual machine"),
                                                   berth_dbus_virtual_machine_call_reset_finish));
}

static void
on_reset(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    confirm(VMC_WINDOW(user_data), _("Reset the virtual machine?"),
            _("Anything not saved in the guest is lost."), _("_Reset"), reset_vm);
}

/* --- checkpoints ------------------------------------------------------------------------------ */

static void
on_checkpoint_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VmcWindow) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *id = NULL;

    if (!berth_dbus_virtual_machine_call_create_checkpoint_finish(
            BERTH_DBUS_VIRTUAL_MACHINE(source), &id, result, &error)) {
        report(self, _("Cannot create a checkpoint"), error);
        return;
    }
    vmc_window_set_status_message(self, _("Checkpoint created."));
}

static void
on_checkpoint(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;

    if (self->vm == NULL)
        return;
    vmc_window_set_status_message(self, _("Creating a checkpoint…"));
    berth_dbus_virtual_machine_call_create_checkpoint(self->vm, "", NULL, on_checkpoint_done,
                                                      g_object_ref(self));
}

static void
on_revert_applied(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VmcWindow) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!berth_dbus_virtual_machine_call_apply_checkpoint_finish(BERTH_DBUS_VIRTUAL_MACHINE(source),
                                                                 result, &error)) {
        report(self, _("Cannot revert the virtual machine"), error);
        return;
    }
    vmc_window_set_status_message(self, _("Reverted to the checkpoint; the virtual machine is "
                                          "off. Select Start to boot it."));
}

static void
apply_current_checkpoint(VmcWindow *self)
{
    const char *current = berth_dbus_virtual_machine_get_current_checkpoint(self->vm);

    berth_dbus_virtual_machine_call_apply_checkpoint(self->vm, current, NULL, on_revert_applied,
                                                     g_object_ref(self));
}

static void
on_revert_turned_off(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VmcWindow) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!berth_dbus_virtual_machine_call_turn_off_finish(BERTH_DBUS_VIRTUAL_MACHINE(source), result,
                                                         &error)) {
        report(self, _("Cannot revert the virtual machine"), error);
        return;
    }
    if (self->vm != NULL)
        apply_current_checkpoint(self);
}

static void
revert_vm(VmcWindow *self)
{
    if (self->vm == NULL)
        return;
    /* Production checkpoints apply to a VM that is off: turn it off first, like Hyper-V. */
    if (vm_allows(self, "ApplyCheckpoint"))
        apply_current_checkpoint(self);
    else
        berth_dbus_virtual_machine_call_turn_off(self->vm, NULL, on_revert_turned_off,
                                                 g_object_ref(self));
}

static void
on_revert(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    confirm(VMC_WINDOW(user_data), _("Revert the virtual machine?"),
            _("The virtual machine is turned off and its disks go back to the current "
              "checkpoint. Everything since then is lost."),
            _("Re_vert"), revert_vm);
}

/* --- media ------------------------------------------------------------------------------------ */

typedef struct {
    const char *controller; /* "ide" or "scsi" */
    guint number;
    guint location;
} DvdDrive;

/* The first DVD drive of the definition. */
static gboolean
find_dvd_drive(const char *xml, DvdDrive *ret_drive, GError **error)
{
    g_autoptr(HvxVmDef) def = hvx_vm_def_parse_string(xml, -1, "vm.xml", error);

    if (def == NULL)
        return FALSE;
    for (guint i = 0; i < def->controllers->len; i++) {
        HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);

            if (drive->type != HVX_DRIVE_DVD)
                continue;
            ret_drive->controller = controller->type == HVX_CONTROLLER_IDE ? "ide" : "scsi";
            ret_drive->number = controller->number;
            ret_drive->location = drive->location;
            return TRUE;
        }
    }
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                        _("The virtual machine has no DVD drive. Add one in its settings."));
    return FALSE;
}

typedef struct {
    VmcWindow *window;
    char *path; /* NULL: eject */
} MediaChange;

static void
media_change_free(MediaChange *change)
{
    g_object_unref(change->window);
    g_free(change->path);
    g_free(change);
}

static gboolean
media_finish(BerthDBusVirtualMachine *vm, GAsyncResult *result, GError **error)
{
    return berth_dbus_virtual_machine_call_insert_media_finish(vm, result, error);
}

static gboolean
eject_finish(BerthDBusVirtualMachine *vm, GAsyncResult *result, GError **error)
{
    return berth_dbus_virtual_machine_call_eject_media_finish(vm, result, error);
}

static void
on_definition(GObject *source, GAsyncResult *result, gpointer user_data)
{
    MediaChange *change = user_data;
    VmcWindow *self = change->window;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    const char *what =
        change->path != NULL ? _("Cannot insert the disk") : _("Cannot eject the disk");
    DvdDrive drive;

    if (!berth_dbus_virtual_machine_call_get_definition_finish(BERTH_DBUS_VIRTUAL_MACHINE(source),
                                                               &xml, result, &error) ||
        !find_dvd_drive(xml, &drive, &error)) {
        report(self, what, error);
        media_change_free(change);
        return;
    }
    if (change->path != NULL)
        berth_dbus_virtual_machine_call_insert_media(
            BERTH_DBUS_VIRTUAL_MACHINE(source), drive.controller, drive.number, drive.location,
            change->path, NULL, on_call_done, call_new(self, what, media_finish));
    else
        berth_dbus_virtual_machine_call_eject_media(
            BERTH_DBUS_VIRTUAL_MACHINE(source), drive.controller, drive.number, drive.location,
            NULL, on_call_done, call_new(self, what, eject_finish));
    media_change_free(change);
}

static void
change_media(VmcWindow *self, const char *path)
{
    MediaChange *change;

    if (self->vm == NULL)
        return;
    change = g_new0(MediaChange, 1);
    change->window = g_object_ref(self);
    change->path = g_strdup(path);
    berth_dbus_virtual_machine_call_get_definition(self->vm, NULL, on_definition, change);
}

static void
on_insert_chosen(GtkNativeDialog *dialog, int response, gpointer user_data)
{
    VmcWindow *self = user_data;

    if (response == GTK_RESPONSE_ACCEPT) {
        g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        g_autofree char *path = file != NULL ? g_file_get_path(file) : NULL;

        if (path != NULL)
            change_media(self, path);
    }
    g_object_unref(dialog);
    g_object_unref(self);
}

static void
on_insert_disk(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;
    GtkFileChooserNative *chooser;
    g_autoptr(GtkFileFilter) isos = gtk_file_filter_new();
    g_autoptr(GtkFileFilter) all = gtk_file_filter_new();

    chooser = gtk_file_chooser_native_new(_("Insert a DVD Image"), GTK_WINDOW(self),
                                          GTK_FILE_CHOOSER_ACTION_OPEN, _("_Insert"), _("_Cancel"));
    gtk_file_filter_set_name(isos, _("DVD images (*.iso)"));
    gtk_file_filter_add_suffix(isos, "iso");
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(chooser), isos);
    gtk_file_filter_set_name(all, _("All files"));
    gtk_file_filter_add_pattern(all, "*");
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(chooser), all);
    g_signal_connect(chooser, "response", G_CALLBACK(on_insert_chosen), g_object_ref(self));
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static void
on_eject_disk(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    change_media(VMC_WINDOW(user_data), NULL);
}

/* --- screen and keyboard ---------------------------------------------------------------------- */

static void
on_ctrl_alt_del(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    vmc_input_send_ctrl_alt_del(VMC_WINDOW(user_data)->input);
}

static void
on_clipboard_text(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(VmcWindow) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = gdk_clipboard_read_text_finish(GDK_CLIPBOARD(source), result, &error);
    guint skipped;

    if (text == NULL) {
        vmc_window_show_error(self, _("The clipboard holds no text to type."));
        return;
    }
    skipped = vmc_input_type_text(self->input, text);
    if (skipped > 0) {
        g_autofree char *message = g_strdup_printf(
            g_dngettext(NULL, "%u character has no key on a US keyboard and was not typed.",
                        "%u characters have no key on a US keyboard and were not typed.", skipped),
            skipped);
        vmc_window_set_status_message(self, message);
    }
}

static void
on_type_clipboard(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;

    gdk_clipboard_read_text_async(gtk_widget_get_clipboard(GTK_WIDGET(self)), NULL,
                                  on_clipboard_text, g_object_ref(self));
}

static void
on_screenshot_chosen(GtkNativeDialog *dialog, int response, gpointer user_data)
{
    VmcWindow *self = user_data;

    if (response == GTK_RESPONSE_ACCEPT) {
        g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        g_autofree char *path = file != NULL ? g_file_get_path(file) : NULL;
        g_autoptr(GdkTexture) texture = vmc_display_get_texture(self->display);

        if (texture == NULL) {
            vmc_window_show_error(self, _("There is no screen to save."));
        } else if (path == NULL || !gdk_texture_save_to_png(texture, path)) {
            g_autofree char *message =
                g_strdup_printf(_("Cannot save the screenshot to %s."), path != NULL ? path : "?");
            vmc_window_show_error(self, message);
        }
    }
    g_object_unref(dialog);
    g_object_unref(self);
}

static void
on_screenshot(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;
    GtkFileChooserNative *chooser;
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H-%M-%S");
    g_autofree char *name = NULL;
    const char *vm_name = self->vm != NULL ? berth_dbus_virtual_machine_get_name(self->vm) : NULL;

    /* Translators: the suggested screenshot file name: VM name, date and time */
    name = g_strdup_printf(_("%s %s.png"), vm_name != NULL ? vm_name : _("Screenshot"), stamp);
    chooser = gtk_file_chooser_native_new(_("Save Screenshot"), GTK_WINDOW(self),
                                          GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
    gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(chooser), name);
    g_signal_connect(chooser, "response", G_CALLBACK(on_screenshot_chosen), g_object_ref(self));
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static void
on_zoom(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;
    const char *level = g_variant_get_string(param, NULL);
    guint64 percent = 0;

    if (!g_str_equal(level, "auto") &&
        (!g_ascii_string_to_unsigned(level, 10, 25, 200, &percent, NULL)))
        return;
    vmc_display_set_zoom(self->display, (guint)percent);
    g_simple_action_set_state(action, param);
    if (self->settings != NULL)
        g_settings_set_string(self->settings, "zoom", level);
}

static void
on_zoom_menu(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    gtk_menu_button_popup(GTK_MENU_BUTTON(VMC_WINDOW(user_data)->zoom_button));
}

static void
on_fullscreen(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;
    const gboolean full = !gtk_window_is_fullscreen(GTK_WINDOW(self));

    if (full)
        gtk_window_fullscreen(GTK_WINDOW(self));
    else
        gtk_window_unfullscreen(GTK_WINDOW(self));
}

static gboolean
hide_fullscreen_bar(gpointer user_data)
{
    VmcWindow *self = user_data;

    self->fullscreen_bar_source = 0;
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->fullscreen_bar), FALSE);
    return G_SOURCE_REMOVE;
}

/* Shows the full screen bar, and hides it again after @hide_ms (0: stays). */
static void
reveal_fullscreen_bar(VmcWindow *self, guint hide_ms)
{
    g_clear_handle_id(&self->fullscreen_bar_source, g_source_remove);
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->fullscreen_bar), TRUE);
    if (hide_ms > 0)
        self->fullscreen_bar_source = g_timeout_add(hide_ms, hide_fullscreen_bar, self);
}

/* In full screen the pointer at the top edge shows the bar; moving well away hides it. */
static void
on_pointer_motion(GtkEventControllerMotion *controller, double x, double y, VmcWindow *self)
{
    if (!gtk_window_is_fullscreen(GTK_WINDOW(self)))
        return;
    if (y < 3)
        reveal_fullscreen_bar(self, 0);
    else if (gtk_revealer_get_reveal_child(GTK_REVEALER(self->fullscreen_bar)) &&
             self->fullscreen_bar_source == 0 &&
             y > gtk_widget_get_height(self->fullscreen_bar) + 48)
        self->fullscreen_bar_source = g_timeout_add(1000, hide_fullscreen_bar, self);
}

static void
on_fullscreened(GtkWindow *window, GParamSpec *pspec, VmcWindow *self)
{
    const gboolean full = gtk_window_is_fullscreen(window);
    GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), "fullscreen");

    /* Only the guest's screen in full screen, like VMConnect; Ctrl+Alt+Pause or the bar at the
     * top edge leaves. */
    gtk_widget_set_visible(self->menu_bar, !full);
    gtk_widget_set_visible(self->toolbar, !full);
    gtk_widget_set_visible(self->status_bar, !full);
    gtk_widget_set_visible(self->fullscreen_bar, full);
    if (full) {
        reveal_fullscreen_bar(self, 3000);
    } else {
        g_clear_handle_id(&self->fullscreen_bar_source, g_source_remove);
        gtk_revealer_set_reveal_child(GTK_REVEALER(self->fullscreen_bar), FALSE);
    }
    g_simple_action_set_state(G_SIMPLE_ACTION(action), g_variant_new_boolean(full));
}

static void
on_release_input(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    VmcWindow *self = user_data;

    vmc_input_release_all(self->input);
    /* Moving the focus off the screen gives the host its shortcuts back. */
    if (gtk_window_is_fullscreen(GTK_WINDOW(self)))
        gtk_window_unfullscreen(GTK_WINDOW(self));
    gtk_window_set_focus(GTK_WINDOW(self), NULL);
}

static void
on_reconnect(GSimpleAction *action, GVariant *param, gpointer user_data)
{
    vmc_window_reconnect(VMC_WINDOW(user_data));
}

/* --- table ------------------------------------------------------------------------------------ */

static const GActionEntry entries[] = {
    {"ctrl-alt-del", on_ctrl_alt_del},
    {"start", on_start},
    {"turn-off", on_turn_off},
    {"shut-down", on_shut_down},
    {"save", on_save},
    {"pause", on_pause},
    {"resume", on_resume},
    {"reset", on_reset},
    {"checkpoint", on_checkpoint},
    {"revert", on_revert},
    {"insert-disk", on_insert_disk},
    {"eject-disk", on_eject_disk},
    {"type-clipboard", on_type_clipboard},
    {"screenshot", on_screenshot},
    {"zoom", on_zoom, "s", "'auto'"},
    {"zoom-menu", on_zoom_menu},
    {"fullscreen", on_fullscreen, NULL, "false"},
    {"release-input", on_release_input},
    {"reconnect", on_reconnect},
};

static const struct {
    const char *trigger;
    const char *action;
} shortcuts[] = {
    {"<Control><Alt>End", "win.ctrl-alt-del"},
    {"<Control>s", "win.start"},
    {"<Control>o", "win.turn-off"},
    {"<Control>d", "win.shut-down"},
    {"<Control>a", "win.save"},
    {"<Control>p", "win.pause"},
    {"<Control>r", "win.resume"},
    {"<Control>t", "win.reset"},
    {"<Control>n", "win.checkpoint"},
    {"<Control>e", "win.revert"},
    {"<Control>i", "win.insert-disk"},
    {"<Control>j", "win.eject-disk"},
    {"<Control><Shift>v", "win.type-clipboard"},
    {"<Control><Shift>s", "win.screenshot"},
    {"<Control>z", "win.zoom-menu"},
    /* vmc-media.c's actions */
    {"<Control>m", "win.microphone"},
    {"<Control>u", "win.usb-menu"},
    {"<Control><Shift>u", "win.usb-share-iso"},
    {"<Control><Alt>Pause", "win.fullscreen"},
    {"<Control><Alt>Break", "win.fullscreen"},
    {"F11", "win.fullscreen"},
    {"<Control>q", "window.close"},
    {"<Control><Shift>r", "win.reconnect"},
};

void
vmc_window_actions_init(VmcWindow *self)
{
    GtkEventController *controller = gtk_shortcut_controller_new();
    GtkEventController *motion;

    g_action_map_add_action_entries(G_ACTION_MAP(self), entries, G_N_ELEMENTS(entries), self);
    for (guint i = 0; i < G_N_ELEMENTS(shortcuts); i++)
        gtk_shortcut_controller_add_shortcut(
            GTK_SHORTCUT_CONTROLLER(controller),
            gtk_shortcut_new(gtk_shortcut_trigger_parse_string(shortcuts[i].trigger),
                             gtk_named_action_new(shortcuts[i].action)));
    gtk_widget_add_controller(GTK_WIDGET(self), controller);
    g_signal_connect(self, "notify::fullscreened", G_CALLBACK(on_fullscreened), self);
    motion = gtk_event_controller_motion_new();
    gtk_event_controller_set_propagation_phase(motion, GTK_PHASE_CAPTURE);
    g_signal_connect(motion, "motion", G_CALLBACK(on_pointer_motion), self);
    gtk_widget_add_controller(GTK_WIDGET(self), motion);
    self->settings = vmc_settings_new();
    if (self->settings != NULL) {
        g_autofree char *zoom = g_settings_get_string(self->settings, "zoom");

        g_action_group_activate_action(G_ACTION_GROUP(self), "zoom", g_variant_new_string(zoom));
    }
}

void
vmc_window_actions_update(VmcWindow *self)
{
    const char *state = vmc_window_get_state(self);
    const gboolean connected = self->console != NULL;
    const char *current =
        self->vm != NULL ? berth_dbus_virtual_machine_get_current_checkpoint(self->vm) : NULL;
    const gboolean media_state = g_strcmp0(state, "Off") == 0 || g_strcmp0(state, "Running") == 0 ||
                                 g_strcmp0(state, "Paused") == 0;

    set_enabled(self, "reconnect", vmc_window_can_reconnect(self));
    set_enabled(self, "ctrl-alt-del", connected);
    set_enabled(self, "type-clipboard", connected);
    set_enabled(self, "screenshot", connected);
    set_enabled(self, "start", vm_allows(self, "Start"));
    set_enabled(self, "turn-off", vm_allows(self, "TurnOff"));
    set_enabled(self, "shut-down", vm_allows(self, "ShutDown"));
    set_enabled(self, "save", vm_allows(self, "Save"));
    set_enabled(self, "pause", vm_allows(self, "Pause"));
    set_enabled(self, "resume", vm_allows(self, "Resume"));
    set_enabled(self, "reset", vm_allows(self, "Reset"));
    set_enabled(self, "checkpoint", vm_allows(self, "CreateCheckpoint"));
    set_enabled(self, "revert",
                current != NULL && *current != '\0' &&
                    (vm_allows(self, "ApplyCheckpoint") || vm_allows(self, "TurnOff")));
    set_enabled(self, "insert-disk", self->vm != NULL && media_state);
    set_enabled(self, "eject-disk", self->vm != NULL && media_state);
}
