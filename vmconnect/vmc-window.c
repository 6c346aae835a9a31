/* vmc-window.c: the console window of one VM: its SPICE session, the guest's screen, the toolbar
 * and menus, the "turned off" page and the message bar.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "vmc-media.h"
#include "vmc-resources.h"
#include "vmc-window.h"

struct _VmcWindow {
    GtkApplicationWindow parent_instance;

    char *target;
    char *bus_address;
    SpiceSession *session;
    VmcMedia *media; /* audio, USB, microphone, clipboard */

    /* template children */
    GtkWidget *media_box;
    GtkWidget *error_revealer;
    GtkWidget *error_label;
    GtkWidget *scroller;
    GtkWidget *off_page;
    GtkWidget *off_label;
    GtkWidget *busy_page;
    GtkWidget *busy_spinner;
    GtkWidget *busy_label;
    GtkWidget *status_label;
    GtkWidget *input_label;
};

G_DEFINE_FINAL_TYPE(VmcWindow, vmc_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
    PROP_0,
    PROP_SESSION,
    N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static SpiceSession *
new_session(void)
{
    /* Audio goes through libpulse (vmc-audio), never spice_audio_get's GStreamer backend. */
    return g_object_new(SPICE_TYPE_SESSION, "enable-audio", TRUE, NULL);
}

static void
on_error_close_clicked(VmcWindow *self)
{
    vmc_window_hide_error(self);
}

static void
vmc_window_dispose(GObject *object)
{
    VmcWindow *self = VMC_WINDOW(object);

    if (self->session != NULL)
        spice_session_disconnect(self->session);
    g_clear_object(&self->media);
    g_clear_object(&self->session);
    gtk_widget_dispose_template(GTK_WIDGET(self), VMC_TYPE_WINDOW);
    G_OBJECT_CLASS(vmc_window_parent_class)->dispose(object);
}

static void
vmc_window_finalize(GObject *object)
{
    VmcWindow *self = VMC_WINDOW(object);

    g_free(self->target);
    g_free(self->bus_address);
    G_OBJECT_CLASS(vmc_window_parent_class)->finalize(object);
}

static void
vmc_window_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    VmcWindow *self = VMC_WINDOW(object);

    switch (prop_id) {
    case PROP_SESSION:
        g_value_set_object(value, self->session);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_window_class_init(VmcWindowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = vmc_window_dispose;
    object_class->finalize = vmc_window_finalize;
    object_class->get_property = vmc_window_get_property;

    properties[PROP_SESSION] =
        g_param_spec_object("session", NULL, NULL, SPICE_TYPE_SESSION,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* Referencing the resource keeps its registering constructor in the static library's link. */
    g_assert(vmc_get_resource() != NULL);
    gtk_widget_class_set_template_from_resource(widget_class, "/org/berth/vmconnect/vmc-window.ui");
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, media_box);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, error_revealer);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, error_label);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, scroller);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, off_page);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, off_label);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, busy_page);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, busy_spinner);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, busy_label);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, status_label);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, input_label);
    gtk_widget_class_bind_template_callback(widget_class, on_error_close_clicked);
}

static void
vmc_window_init(VmcWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->session = new_session();
    self->media = vmc_media_new(self);
}

VmcWindow *
vmc_window_new(GtkApplication *app, const char *target, const char *bus_address)
{
    VmcWindow *self;

    g_return_val_if_fail(GTK_IS_APPLICATION(app), NULL);
    g_return_val_if_fail(target != NULL, NULL);

    self = g_object_new(VMC_TYPE_WINDOW, "application", app, NULL);
    self->target = g_strdup(target);
    self->bus_address = g_strdup(bus_address);
    return self;
}

SpiceSession *
vmc_window_get_session(VmcWindow *self)
{
    g_return_val_if_fail(VMC_IS_WINDOW(self), NULL);
    return self->session;
}

void
vmc_window_show_error(VmcWindow *self, const char *message)
{
    g_return_if_fail(VMC_IS_WINDOW(self));
    g_return_if_fail(message != NULL);

    gtk_label_set_text(GTK_LABEL(self->error_label), message);
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->error_revealer), TRUE);
}

void
vmc_window_hide_error(VmcWindow *self)
{
    g_return_if_fail(VMC_IS_WINDOW(self));
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->error_revealer), FALSE);
}

GtkBox *
vmc_window_get_media_box(VmcWindow *self)
{
    g_return_val_if_fail(VMC_IS_WINDOW(self), NULL);
    return GTK_BOX(self->media_box);
}
