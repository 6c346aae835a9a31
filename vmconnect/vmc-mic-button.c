/* vmc-mic-button.c: the toolbar's microphone toggle.
 *
 * A toggle button bound both ways to a VmcAudio's "microphone" property: pressed, the host's
 * microphone reaches the guest. Insensitive, with the reason as its tooltip, while PulseAudio
 * is not available.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "vmc-mic-button.h"

struct _VmcMicButton {
    GtkToggleButton parent_instance;

    VmcAudio *audio;
    GBinding *binding;
};

G_DEFINE_FINAL_TYPE(VmcMicButton, vmc_mic_button, GTK_TYPE_TOGGLE_BUTTON)

enum { PROP_0, PROP_AUDIO, N_PROPS };

static GParamSpec *properties[N_PROPS];

static void
update_state(VmcMicButton *self)
{
    gboolean active = gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(self));
    gboolean available = self->audio != NULL && vmc_audio_get_available(self->audio);
    const char *reason = self->audio != NULL ? vmc_audio_get_error_message(self->audio) : NULL;

    gtk_widget_set_sensitive(GTK_WIDGET(self), available);
    if (!available && reason != NULL)
        gtk_widget_set_tooltip_text(GTK_WIDGET(self), reason);
    else if (active)
        gtk_widget_set_tooltip_text(GTK_WIDGET(self),
                                    _("Microphone on: the virtual machine hears this computer's "
                                      "microphone (Ctrl+M)"));
    else
        gtk_widget_set_tooltip_text(GTK_WIDGET(self), _("Share this computer's microphone with "
                                                        "the virtual machine (Ctrl+M)"));
    gtk_button_set_icon_name(GTK_BUTTON(self), active ? "audio-input-microphone-symbolic"
                                                      : "microphone-disabled-symbolic");
}

static void
on_audio_notify(GObject *object, GParamSpec *pspec, gpointer user_data)
{
    update_state(VMC_MIC_BUTTON(user_data));
}

static void
vmc_mic_button_toggled(GtkToggleButton *button)
{
    update_state(VMC_MIC_BUTTON(button));
    if (GTK_TOGGLE_BUTTON_CLASS(vmc_mic_button_parent_class)->toggled != NULL)
        GTK_TOGGLE_BUTTON_CLASS(vmc_mic_button_parent_class)->toggled(button);
}

static void
vmc_mic_button_dispose(GObject *object)
{
    vmc_mic_button_set_audio(VMC_MIC_BUTTON(object), NULL);
    G_OBJECT_CLASS(vmc_mic_button_parent_class)->dispose(object);
}

static void
vmc_mic_button_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    switch (prop_id) {
    case PROP_AUDIO:
        g_value_set_object(value, VMC_MIC_BUTTON(object)->audio);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_mic_button_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    switch (prop_id) {
    case PROP_AUDIO:
        vmc_mic_button_set_audio(VMC_MIC_BUTTON(object), g_value_get_object(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_mic_button_class_init(VmcMicButtonClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkToggleButtonClass *toggle_class = GTK_TOGGLE_BUTTON_CLASS(klass);

    object_class->dispose = vmc_mic_button_dispose;
    object_class->get_property = vmc_mic_button_get_property;
    object_class->set_property = vmc_mic_button_set_property;
    toggle_class->toggled = vmc_mic_button_toggled;

    properties[PROP_AUDIO] =
        g_param_spec_object("audio", NULL, NULL, VMC_TYPE_AUDIO,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
vmc_mic_button_init(VmcMicButton *self)
{
    gtk_accessible_update_property(
        GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL,
        /* Translators: the accessible name of the toolbar's microphone toggle. */
        _("Microphone"), -1);
    gtk_widget_set_focus_on_click(GTK_WIDGET(self), FALSE);
    update_state(self);
}

GtkWidget *
vmc_mic_button_new(void)
{
    return g_object_new(VMC_TYPE_MIC_BUTTON, NULL);
}

VmcAudio *
vmc_mic_button_get_audio(VmcMicButton *self)
{
    g_return_val_if_fail(VMC_IS_MIC_BUTTON(self), NULL);
    return self->audio;
}

void
vmc_mic_button_set_audio(VmcMicButton *self, VmcAudio *audio)
{
    g_return_if_fail(VMC_IS_MIC_BUTTON(self));
    g_return_if_fail(audio == NULL || VMC_IS_AUDIO(audio));

    if (self->audio == audio)
        return;
    g_clear_pointer(&self->binding, g_binding_unbind);
    if (self->audio != NULL)
        g_signal_handlers_disconnect_by_data(self->audio, self);
    g_set_object(&self->audio, audio);
    if (audio != NULL) {
        self->binding = g_object_bind_property(audio, "microphone", self, "active",
                                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
        g_signal_connect_object(audio, "notify::available", G_CALLBACK(on_audio_notify), self, 0);
        g_signal_connect_object(audio, "notify::error-message", G_CALLBACK(on_audio_notify), self,
                                0);
    }
    update_state(self);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_AUDIO]);
}
