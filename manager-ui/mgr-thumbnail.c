/* mgr-thumbnail.c: asks for a screenshot every MGR_THUMBNAIL_MS while mapped and the VM is
 * Running or Paused, one request at a time, and shows the VM's state when there is no screen.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-format.h"
#include "mgr-thumbnail.h"

#define MGR_THUMBNAIL_MS 1500

struct _MgrThumbnail {
    GtkWidget parent_instance;

    GtkWidget *stack;
    GtkWidget *picture;
    GtkWidget *label;

    BerthDBusVirtualMachine *vm;
    GCancellable *cancellable; /* the Screenshot under way */
    guint timer_id;
    guint n_updates;
};

G_DEFINE_FINAL_TYPE(MgrThumbnail, mgr_thumbnail, GTK_TYPE_WIDGET)

static gboolean
mgr_thumbnail_has_screen(MgrThumbnail *self)
{
    const char *state = self->vm != NULL ? berth_dbus_virtual_machine_get_state(self->vm) : NULL;

    return g_strcmp0(state, "Running") == 0 || g_strcmp0(state, "Paused") == 0;
}

static void mgr_thumbnail_update(MgrThumbnail *self);

static void
screenshot_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    MgrThumbnail *self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) png = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GdkTexture) texture = NULL;

    if (!berth_dbus_virtual_machine_call_screenshot_finish(BERTH_DBUS_VIRTUAL_MACHINE(source), &png,
                                                           result, &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        g_clear_object(&self->cancellable);
        /* A VM that just stopped says WrongState: the state change shows instead. */
        g_debug("No screenshot: %s", error->message);
        return;
    }
    g_clear_object(&self->cancellable);
    bytes = g_variant_get_data_as_bytes(png);
    texture = gdk_texture_new_from_bytes(bytes, &error);
    if (texture == NULL) {
        g_debug("The screenshot is no picture: %s", error->message);
        return;
    }
    gtk_picture_set_paintable(GTK_PICTURE(self->picture), GDK_PAINTABLE(texture));
    gtk_stack_set_visible_child(GTK_STACK(self->stack), self->picture);
    self->n_updates++;
}

static gboolean
tick(gpointer user_data)
{
    MgrThumbnail *self = user_data;

    if (self->vm == NULL || !mgr_thumbnail_has_screen(self) ||
        !gtk_widget_get_mapped(GTK_WIDGET(self))) {
        self->timer_id = 0;
        return G_SOURCE_REMOVE;
    }
    if (self->cancellable == NULL) {
        self->cancellable = g_cancellable_new();
        berth_dbus_virtual_machine_call_screenshot(self->vm, self->cancellable, screenshot_done,
                                                   self);
    }
    return G_SOURCE_CONTINUE;
}

static void
mgr_thumbnail_stop(MgrThumbnail *self)
{
    g_clear_handle_id(&self->timer_id, g_source_remove);
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
}

/* Starts or stops the refresh to match the VM's state and whether it can be seen. */
static void
mgr_thumbnail_update(MgrThumbnail *self)
{
    const char *state = self->vm != NULL ? berth_dbus_virtual_machine_get_state(self->vm) : NULL;
    g_autofree char *text = NULL;

    if (!mgr_thumbnail_has_screen(self)) {
        mgr_thumbnail_stop(self);
        gtk_picture_set_paintable(GTK_PICTURE(self->picture), NULL);
        if (self->vm != NULL)
            text = g_strdup(mgr_format_state(state));
        gtk_label_set_text(GTK_LABEL(self->label), text != NULL ? text : "");
        gtk_stack_set_visible_child(GTK_STACK(self->stack), self->label);
        return;
    }
    if (self->timer_id == 0 && gtk_widget_get_mapped(GTK_WIDGET(self))) {
        self->timer_id = g_timeout_add(MGR_THUMBNAIL_MS, tick, self);
        tick(self);
    }
}

static void
state_changed(BerthDBusVirtualMachine *vm, GParamSpec *pspec, gpointer user_data)
{
    mgr_thumbnail_update(MGR_THUMBNAIL(user_data));
}

void
mgr_thumbnail_set_vm(MgrThumbnail *self, BerthDBusVirtualMachine *vm)
{
    g_autofree char *label = NULL;

    g_return_if_fail(MGR_IS_THUMBNAIL(self));

    if (self->vm == vm)
        return;
    mgr_thumbnail_stop(self);
    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_set_object(&self->vm, vm);
    gtk_picture_set_paintable(GTK_PICTURE(self->picture), NULL);
    if (vm != NULL) {
        g_signal_connect_object(vm, "notify::state", G_CALLBACK(state_changed), self, 0);
        /* Translators: accessible name of the thumbnail; %s is the VM's name. */
        label = g_strdup_printf(_("Screen of %s"), berth_dbus_virtual_machine_get_name(vm));
    }
    gtk_accessible_update_property(GTK_ACCESSIBLE(self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   label != NULL ? label : _("No virtual machine"), -1);
    mgr_thumbnail_update(self);
}

guint
mgr_thumbnail_get_n_updates(MgrThumbnail *self)
{
    g_return_val_if_fail(MGR_IS_THUMBNAIL(self), 0);
    return self->n_updates;
}

static void
mgr_thumbnail_map(GtkWidget *widget)
{
    GTK_WIDGET_CLASS(mgr_thumbnail_parent_class)->map(widget);
    mgr_thumbnail_update(MGR_THUMBNAIL(widget));
}

static void
mgr_thumbnail_unmap(GtkWidget *widget)
{
    mgr_thumbnail_stop(MGR_THUMBNAIL(widget));
    GTK_WIDGET_CLASS(mgr_thumbnail_parent_class)->unmap(widget);
}

static void
mgr_thumbnail_dispose(GObject *object)
{
    MgrThumbnail *self = MGR_THUMBNAIL(object);

    mgr_thumbnail_stop(self);
    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_clear_object(&self->vm);
    g_clear_pointer(&self->stack, gtk_widget_unparent);
    G_OBJECT_CLASS(mgr_thumbnail_parent_class)->dispose(object);
}

static void
mgr_thumbnail_class_init(MgrThumbnailClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = mgr_thumbnail_dispose;
    widget_class->map = mgr_thumbnail_map;
    widget_class->unmap = mgr_thumbnail_unmap;
    gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BIN_LAYOUT);
    gtk_widget_class_set_css_name(widget_class, "thumbnail");
}

static void
mgr_thumbnail_init(MgrThumbnail *self)
{
    self->stack = gtk_stack_new();
    self->picture = gtk_picture_new();
    self->label = gtk_label_new(NULL);
    gtk_picture_set_can_shrink(GTK_PICTURE(self->picture), TRUE);
    gtk_picture_set_content_fit(GTK_PICTURE(self->picture), GTK_CONTENT_FIT_CONTAIN);
    gtk_widget_add_css_class(self->label, "dim-label");
    gtk_stack_add_child(GTK_STACK(self->stack), self->label);
    gtk_stack_add_child(GTK_STACK(self->stack), self->picture);
    gtk_widget_set_parent(self->stack, GTK_WIDGET(self));
    gtk_widget_set_size_request(GTK_WIDGET(self), 200, 150);
    gtk_widget_add_css_class(GTK_WIDGET(self), "card");
}

GtkWidget *
mgr_thumbnail_new(void)
{
    return g_object_new(MGR_TYPE_THUMBNAIL, NULL);
}
