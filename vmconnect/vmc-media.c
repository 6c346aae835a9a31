/* vmc-media.c: a console window's audio, USB menu, microphone toggle and clipboard sharing.
 *
 * The window makes one VmcMedia. It puts the USB menu and the microphone toggle into the
 * window's media box, and follows the window's session (a fresh one per connection): for each,
 * a VmcAudio and a VmcClipboard, and the USB menu pointed at it. The person's choices
 * (microphone on, clipboard only while focused, new USB devices redirected) are kept here so a
 * reconnection does not reset them, and in GSettings (org.berth.VMConnect) so the next run
 * starts with them. Failures go to the window's message bar.
 *
 * Window actions: win.microphone, win.clipboard-only-focused, win.usb-auto-connect (stateful),
 * win.usb-share-iso (asks for an image), win.usb-share-iso-file(s) (a path; scripts and tests),
 * win.usb-menu (opens the USB menu). Their shortcuts are in vmc-window-actions.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "vmc-media.h"
#include "vmc-mic-button.h"
#include "vmc-settings.h"
#include "vmc-usb-button.h"

struct _VmcMedia {
    GObject parent_instance;

    VmcWindow *window; /* weak: the window owns this object */
    GtkWidget *usb_button;
    GtkWidget *mic_button;
    GSettings *settings; /* NULL without the schema */
    VmcAudio *audio;
    VmcClipboard *clipboard;
    gboolean microphone;
    gboolean only_when_focused;
};

G_DEFINE_FINAL_TYPE(VmcMedia, vmc_media, G_TYPE_OBJECT)

enum { PROP_0, PROP_MICROPHONE, PROP_CLIPBOARD_ONLY_FOCUSED, N_PROPS };

static GParamSpec *properties[N_PROPS];

static void
on_error(GObject *source, const char *message, gpointer user_data)
{
    VmcMedia *self = VMC_MEDIA(user_data);

    if (self->window != NULL)
        vmc_window_show_error(self->window, message);
}

static void
on_session_changed(GObject *window, GParamSpec *pspec, gpointer user_data)
{
    VmcMedia *self = VMC_MEDIA(user_data);
    SpiceSession *session = vmc_window_get_session(VMC_WINDOW(window));

    if (self->audio != NULL && vmc_audio_get_session(self->audio) == session)
        return;
    if (self->audio != NULL)
        g_signal_handlers_disconnect_by_data(self->audio, self);
    g_clear_object(&self->audio);
    g_clear_object(&self->clipboard);
    if (session == NULL) {
        vmc_mic_button_set_audio(VMC_MIC_BUTTON(self->mic_button), NULL);
        vmc_usb_button_set_session(VMC_USB_BUTTON(self->usb_button), NULL);
        return;
    }

    self->audio = vmc_audio_new(session);
    g_object_bind_property(self, "microphone", self->audio, "microphone",
                           G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
    g_signal_connect_object(self->audio, "error", G_CALLBACK(on_error), self, 0);
    if (vmc_audio_get_error_message(self->audio) != NULL)
        on_error(G_OBJECT(self->audio), vmc_audio_get_error_message(self->audio), self);
    vmc_mic_button_set_audio(VMC_MIC_BUTTON(self->mic_button), self->audio);

    self->clipboard = vmc_clipboard_new(session, gtk_widget_get_clipboard(GTK_WIDGET(window)));
    g_object_bind_property(window, "is-active", self->clipboard, "focused", G_BINDING_SYNC_CREATE);
    g_object_bind_property(self, "clipboard-only-focused", self->clipboard, "only-when-focused",
                           G_BINDING_SYNC_CREATE);

    vmc_usb_button_set_session(VMC_USB_BUTTON(self->usb_button), session);
}

static void
share_iso_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    VmcMedia *self = VMC_MEDIA(user_data);

    if (parameter != NULL)
        gtk_widget_activate_action_variant(self->usb_button, "usb.share-iso-file", parameter);
    else
        gtk_widget_activate_action_variant(self->usb_button, "usb.share-iso", NULL);
}

static void
usb_menu_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    vmc_usb_button_popup(VMC_USB_BUTTON(VMC_MEDIA(user_data)->usb_button));
}

static void
add_actions(VmcMedia *self)
{
    GActionMap *map = G_ACTION_MAP(self->window);
    g_autoptr(GPropertyAction) microphone = NULL;
    g_autoptr(GPropertyAction) only_focused = NULL;
    g_autoptr(GPropertyAction) auto_connect = NULL;
    g_autoptr(GSimpleAction) share = NULL;
    g_autoptr(GSimpleAction) share_file = NULL;
    g_autoptr(GSimpleAction) usb_menu = NULL;

    microphone = g_property_action_new("microphone", self, "microphone");
    only_focused = g_property_action_new("clipboard-only-focused", self, "clipboard-only-focused");
    auto_connect = g_property_action_new("usb-auto-connect", self->usb_button, "auto-connect");
    share = g_simple_action_new("usb-share-iso", NULL);
    share_file = g_simple_action_new("usb-share-iso-file", G_VARIANT_TYPE_STRING);
    g_signal_connect_object(share, "activate", G_CALLBACK(share_iso_activated), self, 0);
    g_signal_connect_object(share_file, "activate", G_CALLBACK(share_iso_activated), self, 0);
    usb_menu = g_simple_action_new("usb-menu", NULL);
    g_signal_connect_object(usb_menu, "activate", G_CALLBACK(usb_menu_activated), self, 0);
    g_action_map_add_action(map, G_ACTION(microphone));
    g_action_map_add_action(map, G_ACTION(only_focused));
    g_action_map_add_action(map, G_ACTION(auto_connect));
    g_action_map_add_action(map, G_ACTION(share));
    g_action_map_add_action(map, G_ACTION(share_file));
    g_action_map_add_action(map, G_ACTION(usb_menu));
}

static void
vmc_media_dispose(GObject *object)
{
    VmcMedia *self = VMC_MEDIA(object);

    if (self->audio != NULL)
        g_signal_handlers_disconnect_by_data(self->audio, self);
    g_clear_object(&self->audio);
    g_clear_object(&self->clipboard);
    g_clear_object(&self->usb_button);
    g_clear_object(&self->mic_button);
    g_clear_object(&self->settings);
    g_clear_weak_pointer(&self->window);
    G_OBJECT_CLASS(vmc_media_parent_class)->dispose(object);
}

static void
vmc_media_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    VmcMedia *self = VMC_MEDIA(object);

    switch (prop_id) {
    case PROP_MICROPHONE:
        g_value_set_boolean(value, self->microphone);
        break;
    case PROP_CLIPBOARD_ONLY_FOCUSED:
        g_value_set_boolean(value, self->only_when_focused);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_media_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    VmcMedia *self = VMC_MEDIA(object);
    gboolean v = g_value_get_boolean(value);

    switch (prop_id) {
    case PROP_MICROPHONE:
        if (self->microphone != v) {
            self->microphone = v;
            g_object_notify_by_pspec(object, pspec);
        }
        break;
    case PROP_CLIPBOARD_ONLY_FOCUSED:
        if (self->only_when_focused != v) {
            self->only_when_focused = v;
            g_object_notify_by_pspec(object, pspec);
        }
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_media_class_init(VmcMediaClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = vmc_media_dispose;
    object_class->get_property = vmc_media_get_property;
    object_class->set_property = vmc_media_set_property;

    properties[PROP_MICROPHONE] =
        g_param_spec_boolean("microphone", NULL, NULL, FALSE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_CLIPBOARD_ONLY_FOCUSED] =
        g_param_spec_boolean("clipboard-only-focused", NULL, NULL, TRUE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
vmc_media_init(VmcMedia *self)
{
    self->only_when_focused = TRUE;
}

/**
 * vmc_media_new:
 * @window: the console window; it keeps the returned object for its life
 *
 * Fills @window's media box and follows its sessions.
 */
VmcMedia *
vmc_media_new(VmcWindow *window)
{
    VmcMedia *self;

    g_return_val_if_fail(VMC_IS_WINDOW(window), NULL);

    self = g_object_new(VMC_TYPE_MEDIA, NULL);
    g_set_weak_pointer(&self->window, window);
    self->usb_button = g_object_ref_sink(vmc_usb_button_new());
    self->mic_button = g_object_ref_sink(vmc_mic_button_new());
    gtk_box_append(vmc_window_get_media_box(window), self->usb_button);
    gtk_box_append(vmc_window_get_media_box(window), self->mic_button);
    g_signal_connect_object(self->usb_button, "error", G_CALLBACK(on_error), self, 0);
    add_actions(self);
    self->settings = vmc_settings_new();
    if (self->settings != NULL) {
        g_settings_bind(self->settings, "microphone", self, "microphone", G_SETTINGS_BIND_DEFAULT);
        g_settings_bind(self->settings, "clipboard-only-focused", self, "clipboard-only-focused",
                        G_SETTINGS_BIND_DEFAULT);
        g_settings_bind(self->settings, "usb-auto-connect", self->usb_button, "auto-connect",
                        G_SETTINGS_BIND_DEFAULT);
    }
    g_signal_connect_object(window, "notify::session", G_CALLBACK(on_session_changed), self, 0);
    on_session_changed(G_OBJECT(window), NULL, self);
    return self;
}

VmcAudio *
vmc_media_get_audio(VmcMedia *self)
{
    g_return_val_if_fail(VMC_IS_MEDIA(self), NULL);
    return self->audio;
}

VmcClipboard *
vmc_media_get_clipboard(VmcMedia *self)
{
    g_return_val_if_fail(VMC_IS_MEDIA(self), NULL);
    return self->clipboard;
}

GtkWidget *
vmc_media_get_usb_button(VmcMedia *self)
{
    g_return_val_if_fail(VMC_IS_MEDIA(self), NULL);
    return self->usb_button;
}

GtkWidget *
vmc_media_get_mic_button(VmcMedia *self)
{
    g_return_val_if_fail(VMC_IS_MEDIA(self), NULL);
    return self->mic_button;
}
