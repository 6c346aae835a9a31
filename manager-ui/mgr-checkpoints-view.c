/* mgr-checkpoints-view.c: a GtkTreeListModel over MgrCheckpoint items, rebuilt from
 * ListCheckpoints whenever the VM or its current checkpoint changes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-checkpoint.h"
#include "mgr-checkpoints-view.h"
#include "mgr-format.h"
#include "mgr-stack.h"

struct _MgrCheckpointsView {
    GtkWidget parent_instance;

    GtkStack *stack;
    GtkListView *list_view;
    GtkLabel *none_label;

    MgrClient *client;
    BerthDBusVirtualMachine *vm;
    GCancellable *cancellable; /* the ListCheckpoints under way */
    guint n_checkpoints;
};

G_DEFINE_FINAL_TYPE(MgrCheckpointsView, mgr_checkpoints_view, GTK_TYPE_WIDGET)

static GListModel *
create_children(gpointer item, gpointer user_data)
{
    GListStore *children = mgr_checkpoint_get_children(MGR_CHECKPOINT(item));

    if (g_list_model_get_n_items(G_LIST_MODEL(children)) == 0)
        return NULL;
    return G_LIST_MODEL(g_object_ref(children));
}

static void
row_setup(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    GtkWidget *expander = gtk_tree_expander_new();
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *icon = gtk_image_new();
    GtkWidget *name = gtk_label_new(NULL);
    GtkWidget *time = gtk_label_new(NULL);

    gtk_label_set_xalign(GTK_LABEL(name), 0.0);
    gtk_label_set_ellipsize(GTK_LABEL(name), PANGO_ELLIPSIZE_END);
    gtk_widget_add_css_class(time, "dim-label");
    gtk_box_append(GTK_BOX(box), icon);
    gtk_box_append(GTK_BOX(box), name);
    gtk_box_append(GTK_BOX(box), time);
    gtk_tree_expander_set_child(GTK_TREE_EXPANDER(expander), box);
    g_object_set_data(G_OBJECT(item), "mgr-icon", icon);
    g_object_set_data(G_OBJECT(item), "mgr-name", name);
    g_object_set_data(G_OBJECT(item), "mgr-time", time);
    gtk_list_item_set_child(item, expander);
}

static void
row_bind(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    GtkTreeListRow *row = gtk_list_item_get_item(item);
    MgrCheckpoint *checkpoint = gtk_tree_list_row_get_item(row);
    GtkWidget *name = g_object_get_data(G_OBJECT(item), "mgr-name");
    GtkWidget *time = g_object_get_data(G_OBJECT(item), "mgr-time");
    GtkWidget *icon = g_object_get_data(G_OBJECT(item), "mgr-icon");
    g_autofree char *when = NULL;

    gtk_tree_expander_set_list_row(GTK_TREE_EXPANDER(gtk_list_item_get_child(item)), row);
    gtk_label_set_text(GTK_LABEL(name), mgr_checkpoint_get_name(checkpoint));
    if (mgr_checkpoint_is_now(checkpoint)) {
        gtk_image_set_from_icon_name(GTK_IMAGE(icon), "media-playback-start-symbolic");
        gtk_label_set_text(GTK_LABEL(time), "");
    } else {
        gtk_image_set_from_icon_name(GTK_IMAGE(icon), "camera-photo-symbolic");
        when = mgr_format_time(mgr_checkpoint_get_created(checkpoint));
        gtk_label_set_text(GTK_LABEL(time), when);
    }
    if (mgr_checkpoint_get_current(checkpoint))
        gtk_widget_add_css_class(name, "heading");
    else
        gtk_widget_remove_css_class(name, "heading");
    g_object_unref(checkpoint);
}

static guint
count_checkpoints(GListModel *model)
{
    guint n = g_list_model_get_n_items(model);
    guint count = 0;

    for (guint i = 0; i < n; i++) {
        g_autoptr(MgrCheckpoint) checkpoint = g_list_model_get_item(model, i);

        if (!mgr_checkpoint_is_now(checkpoint))
            count++;
        count += count_checkpoints(G_LIST_MODEL(mgr_checkpoint_get_children(checkpoint)));
    }
    return count;
}

static void
mgr_checkpoints_view_show(MgrCheckpointsView *self, GListStore *roots, const char *message)
{
    GtkTreeListModel *tree;

    self->n_checkpoints = roots != NULL ? count_checkpoints(G_LIST_MODEL(roots)) : 0;
    if (roots == NULL || self->n_checkpoints == 0) {
        gtk_list_view_set_model(self->list_view, NULL);
        gtk_label_set_text(self->none_label, message);
        mgr_stack_show_only(self->stack, "none");
        return;
    }
    tree = gtk_tree_list_model_new(G_LIST_MODEL(g_object_ref(roots)), FALSE, TRUE, create_children,
                                   NULL, NULL);
    gtk_list_view_set_model(self->list_view,
                            GTK_SELECTION_MODEL(gtk_single_selection_new(G_LIST_MODEL(tree))));
    mgr_stack_show_only(self->stack, "tree");
}

static void
listed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    MgrCheckpointsView *self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) checkpoints = NULL;
    g_autoptr(GListStore) roots = NULL;
    g_autofree char *message = NULL;

    if (!berth_dbus_virtual_machine_call_list_checkpoints_finish(BERTH_DBUS_VIRTUAL_MACHINE(source),
                                                                 &checkpoints, result, &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        message = mgr_client_describe_error(error);
        /* Translators: %s is berthd's reason. */
        g_autofree char *text = g_strdup_printf(_("The checkpoints cannot be listed: %s"), message);
        mgr_checkpoints_view_show(self, NULL, text);
        return;
    }
    roots = mgr_checkpoint_build_tree(checkpoints);
    mgr_checkpoints_view_show(self, roots, _("The selected virtual machine has no checkpoints."));
}

void
mgr_checkpoints_view_refresh(MgrCheckpointsView *self)
{
    g_return_if_fail(MGR_IS_CHECKPOINTS_VIEW(self));

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    if (self->vm == NULL) {
        mgr_checkpoints_view_show(self, NULL, _("No virtual machine is selected."));
        return;
    }
    self->cancellable = g_cancellable_new();
    berth_dbus_virtual_machine_call_list_checkpoints(self->vm, self->cancellable, listed, self);
}

static void
current_changed(BerthDBusVirtualMachine *vm, GParamSpec *pspec, gpointer user_data)
{
    mgr_checkpoints_view_refresh(MGR_CHECKPOINTS_VIEW(user_data));
}

void
mgr_checkpoints_view_set_vm(MgrCheckpointsView *self, BerthDBusVirtualMachine *vm)
{
    g_return_if_fail(MGR_IS_CHECKPOINTS_VIEW(self));

    if (self->vm == vm)
        return;
    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_set_object(&self->vm, vm);
    if (vm != NULL)
        g_signal_connect_object(vm, "notify::current-checkpoint", G_CALLBACK(current_changed), self,
                                0);
    mgr_checkpoints_view_refresh(self);
}

void
mgr_checkpoints_view_set_client(MgrCheckpointsView *self, MgrClient *client)
{
    g_return_if_fail(MGR_IS_CHECKPOINTS_VIEW(self));
    g_set_object(&self->client, client);
}

guint
mgr_checkpoints_view_get_n_checkpoints(MgrCheckpointsView *self)
{
    g_return_val_if_fail(MGR_IS_CHECKPOINTS_VIEW(self), 0);
    return self->n_checkpoints;
}

static void
mgr_checkpoints_view_dispose(GObject *object)
{
    MgrCheckpointsView *self = MGR_CHECKPOINTS_VIEW(object);

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_clear_object(&self->vm);
    g_clear_object(&self->client);
    gtk_widget_dispose_template(GTK_WIDGET(self), MGR_TYPE_CHECKPOINTS_VIEW);
    G_OBJECT_CLASS(mgr_checkpoints_view_parent_class)->dispose(object);
}

static void
mgr_checkpoints_view_class_init(MgrCheckpointsViewClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = mgr_checkpoints_view_dispose;
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/berth/Manager/mgr-checkpoints-view.ui");
    gtk_widget_class_bind_template_child(widget_class, MgrCheckpointsView, stack);
    gtk_widget_class_bind_template_child(widget_class, MgrCheckpointsView, list_view);
    gtk_widget_class_bind_template_child(widget_class, MgrCheckpointsView, none_label);
    gtk_widget_class_bind_template_callback(widget_class, row_setup);
    gtk_widget_class_bind_template_callback(widget_class, row_bind);
    gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
mgr_checkpoints_view_init(MgrCheckpointsView *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    mgr_checkpoints_view_show(self, NULL, _("No virtual machine is selected."));
}
