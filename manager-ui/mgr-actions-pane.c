/* mgr-actions-pane.c: Actions pane. Buttons are declared in the .ui with their action names;
 * the pane only decides which show.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-actions-pane.h"

#define MGR_PULSE_MS           150
#define MGR_OPERATION_DELAY_MS 500

struct _MgrActionsPane {
    GtkWidget parent_instance;

    GtkBox *host_box;
    GtkBox *vm_box;
    GtkLabel *vm_heading;
    GtkLabel *operations_heading;
    GtkListBox *operations_list;

    GDBusObjectManager *manager;
    GHashTable *calls;   /* id → GtkProgressBar of a call row */
    GHashTable *pending; /* id → timeout source of a call not shown yet */
    GHashTable *enabled; /* "win.NAME" of the enabled VM actions */
    guint next_call;
    guint pulse_id;
};

G_DEFINE_FINAL_TYPE(MgrActionsPane, mgr_actions_pane, GTK_TYPE_WIDGET)

static void
mgr_actions_pane_update_operations(MgrActionsPane *self)
{
    gboolean any = gtk_widget_get_first_child(GTK_WIDGET(self->operations_list)) != NULL;

    gtk_widget_set_visible(GTK_WIDGET(self->operations_heading), any);
    gtk_widget_set_visible(GTK_WIDGET(self->operations_list), any);
}

static gboolean
pulse_cb(gpointer user_data)
{
    MgrActionsPane *self = user_data;
    GHashTableIter iter;
    gpointer bar;

    g_hash_table_iter_init(&iter, self->calls);
    while (g_hash_table_iter_next(&iter, NULL, &bar))
        gtk_progress_bar_pulse(GTK_PROGRESS_BAR(bar));
    if (g_hash_table_size(self->calls) == 0) {
        self->pulse_id = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/* A row: the description, a progress bar and optional buttons beside it. */
static GtkWidget *
mgr_operation_row_new(const char *description, GtkWidget **ret_bar, GtkWidget **ret_buttons)
{
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
    GtkWidget *label = gtk_label_new(description);
    GtkWidget *line = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *bar = gtk_progress_bar_new();

    gtk_widget_set_margin_start(box, 6);
    gtk_widget_set_margin_end(box, 6);
    gtk_widget_set_margin_top(box, 6);
    gtk_widget_set_margin_bottom(box, 6);
    gtk_label_set_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(label), 0.0);
    gtk_widget_set_valign(bar, GTK_ALIGN_CENTER);
    gtk_widget_set_hexpand(bar, TRUE);
    gtk_accessible_update_property(GTK_ACCESSIBLE(bar), GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                   -1);
    gtk_box_append(GTK_BOX(line), bar);
    gtk_box_append(GTK_BOX(box), label);
    gtk_box_append(GTK_BOX(box), line);
    gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    g_object_set_data(G_OBJECT(row), "mgr-label", label);
    *ret_bar = bar;
    *ret_buttons = line;
    return row;
}

/* A call shows only once it has taken MGR_OPERATION_DELAY_MS: quick ones would only flicker
 * (and rows that come and go within a moment trouble GTK 4.8's accessibility code). */
typedef struct {
    MgrActionsPane *pane;
    guint id;
    char *description;
} MgrPendingCall;

static void
mgr_pending_call_free(gpointer data)
{
    MgrPendingCall *call = data;

    g_free(call->description);
    g_free(call);
}

static gboolean
show_call(gpointer user_data)
{
    MgrPendingCall *call = user_data;
    MgrActionsPane *self = call->pane;
    GtkWidget *bar, *buttons;
    GtkWidget *row = mgr_operation_row_new(call->description, &bar, &buttons);

    g_hash_table_insert(self->calls, GUINT_TO_POINTER(call->id), bar);
    g_hash_table_remove(self->pending, GUINT_TO_POINTER(call->id));
    gtk_list_box_append(self->operations_list, row);
    if (self->pulse_id == 0)
        self->pulse_id = g_timeout_add(MGR_PULSE_MS, pulse_cb, self);
    mgr_actions_pane_update_operations(self);
    return G_SOURCE_REMOVE;
}

guint
mgr_actions_pane_begin_operation(MgrActionsPane *self, const char *description)
{
    MgrPendingCall *call;

    g_return_val_if_fail(MGR_IS_ACTIONS_PANE(self), 0);

    call = g_new0(MgrPendingCall, 1);
    call->pane = self;
    call->id = ++self->next_call;
    call->description = g_strdup(description);
    g_hash_table_insert(
        self->pending, GUINT_TO_POINTER(call->id),
        GUINT_TO_POINTER(g_timeout_add_full(G_PRIORITY_DEFAULT, MGR_OPERATION_DELAY_MS, show_call,
                                            call, mgr_pending_call_free)));
    return call->id;
}

void
mgr_actions_pane_end_operation(MgrActionsPane *self, guint id)
{
    GtkWidget *bar;
    guint source;

    g_return_if_fail(MGR_IS_ACTIONS_PANE(self));

    source = GPOINTER_TO_UINT(g_hash_table_lookup(self->pending, GUINT_TO_POINTER(id)));
    if (source != 0) {
        g_hash_table_remove(self->pending, GUINT_TO_POINTER(id));
        g_source_remove(source);
        return;
    }
    bar = g_hash_table_lookup(self->calls, GUINT_TO_POINTER(id));
    if (bar == NULL)
        return;
    g_hash_table_remove(self->calls, GUINT_TO_POINTER(id));
    gtk_list_box_remove(self->operations_list, gtk_widget_get_ancestor(bar, GTK_TYPE_LIST_BOX_ROW));
    mgr_actions_pane_update_operations(self);
}

/* Jobs. Each row keeps its job in "mgr-job". */
static GtkWidget *
mgr_actions_pane_find_job_row(MgrActionsPane *self, BerthDBusJob *job)
{
    for (GtkWidget *row = gtk_widget_get_first_child(GTK_WIDGET(self->operations_list));
         row != NULL; row = gtk_widget_get_next_sibling(row))
        if (g_object_get_data(G_OBJECT(row), "mgr-job") == job)
            return row;
    return NULL;
}

static void
dismiss_clicked(GtkButton *button, gpointer user_data)
{
    MgrActionsPane *self = user_data;

    gtk_list_box_remove(self->operations_list,
                        gtk_widget_get_ancestor(GTK_WIDGET(button), GTK_TYPE_LIST_BOX_ROW));
    mgr_actions_pane_update_operations(self);
}

static void
cancel_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    if (!berth_dbus_job_call_cancel_finish(BERTH_DBUS_JOB(source), result, &error))
        g_warning("Cancelling the job failed: %s", error->message);
}

static void
cancel_clicked(GtkButton *button, gpointer user_data)
{
    BerthDBusJob *job = user_data;

    gtk_widget_set_sensitive(GTK_WIDGET(button), FALSE);
    berth_dbus_job_call_cancel(job, NULL, cancel_done, NULL);
}

static void
job_changed(BerthDBusJob *job, GParamSpec *pspec, gpointer user_data)
{
    MgrActionsPane *self = user_data;
    GtkWidget *row = mgr_actions_pane_find_job_row(self, job);
    const char *state = berth_dbus_job_get_state(job);
    GtkWidget *bar, *cancel, *label;

    if (row == NULL)
        return;
    bar = g_object_get_data(G_OBJECT(row), "mgr-bar");
    cancel = g_object_get_data(G_OBJECT(row), "mgr-cancel");
    label = g_object_get_data(G_OBJECT(row), "mgr-label");
    gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(bar), berth_dbus_job_get_progress(job));
    gtk_widget_set_visible(cancel,
                           berth_dbus_job_get_cancellable(job) && g_strcmp0(state, "running") == 0);
    if (g_strcmp0(state, "running") == 0)
        return;
    g_signal_handlers_disconnect_by_data(job, self);
    if (g_strcmp0(state, "failed") == 0) {
        /* Translators: %s is the job's description, then berthd's reason. */
        g_autofree char *text = g_strdup_printf(
            _("%s failed: %s"), berth_dbus_job_get_description(job), berth_dbus_job_get_error(job));
        GtkWidget *dismiss = gtk_button_new_with_mnemonic(_("_Dismiss"));

        gtk_label_set_text(GTK_LABEL(label), text);
        gtk_widget_add_css_class(label, "error");
        gtk_widget_set_visible(bar, FALSE);
        g_signal_connect(dismiss, "clicked", G_CALLBACK(dismiss_clicked), self);
        gtk_box_append(GTK_BOX(gtk_widget_get_parent(cancel)), dismiss);
        g_object_set_data(G_OBJECT(row), "mgr-job", NULL);
        return;
    }
    gtk_list_box_remove(self->operations_list, row);
    mgr_actions_pane_update_operations(self);
}

static void
mgr_actions_pane_add_job(MgrActionsPane *self, GDBusObject *object)
{
    BerthDBusJob *job = berth_dbus_object_peek_job(BERTH_DBUS_OBJECT(object));
    GtkWidget *bar, *line, *cancel, *row;

    /* Jobs stay on the bus a minute after they end: only running ones matter. */
    if (job == NULL || g_strcmp0(berth_dbus_job_get_state(job), "running") != 0 ||
        mgr_actions_pane_find_job_row(self, job) != NULL)
        return;
    row = mgr_operation_row_new(berth_dbus_job_get_description(job), &bar, &line);
    cancel = gtk_button_new_with_mnemonic(_("_Cancel"));
    gtk_widget_set_tooltip_text(cancel, _("Cancel this operation"));
    g_signal_connect_object(cancel, "clicked", G_CALLBACK(cancel_clicked), job, 0);
    gtk_box_append(GTK_BOX(line), cancel);
    g_object_set_data_full(G_OBJECT(row), "mgr-job-ref", g_object_ref(job), g_object_unref);
    g_object_set_data(G_OBJECT(row), "mgr-job", job);
    g_object_set_data(G_OBJECT(row), "mgr-bar", bar);
    g_object_set_data(G_OBJECT(row), "mgr-cancel", cancel);
    gtk_list_box_append(self->operations_list, row);
    g_signal_connect_object(job, "notify::progress", G_CALLBACK(job_changed), self, 0);
    g_signal_connect_object(job, "notify::state", G_CALLBACK(job_changed), self, 0);
    g_signal_connect_object(job, "notify::cancellable", G_CALLBACK(job_changed), self, 0);
    job_changed(job, NULL, self);
    mgr_actions_pane_update_operations(self);
}

static void
job_added(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
    mgr_actions_pane_add_job(MGR_ACTIONS_PANE(user_data), object);
}

void
mgr_actions_pane_set_manager(MgrActionsPane *self, GDBusObjectManager *manager)
{
    GList *objects;
    GtkWidget *row;

    g_return_if_fail(MGR_IS_ACTIONS_PANE(self));

    if (self->manager == manager)
        return;
    if (self->manager != NULL)
        g_signal_handlers_disconnect_by_data(self->manager, self);
    /* Rows of the old berthd's jobs go; calls end by themselves. */
    row = gtk_widget_get_first_child(GTK_WIDGET(self->operations_list));
    while (row != NULL) {
        GtkWidget *next = gtk_widget_get_next_sibling(row);
        BerthDBusJob *job = g_object_get_data(G_OBJECT(row), "mgr-job-ref");

        if (job != NULL) {
            g_signal_handlers_disconnect_by_data(job, self);
            gtk_list_box_remove(self->operations_list, row);
        }
        row = next;
    }
    g_set_object(&self->manager, manager);
    if (manager != NULL) {
        objects = g_dbus_object_manager_get_objects(manager);
        for (GList *l = objects; l != NULL; l = l->next)
            mgr_actions_pane_add_job(self, l->data);
        g_list_free_full(objects, g_object_unref);
        g_signal_connect_object(manager, "object-added", G_CALLBACK(job_added), self, 0);
    }
    mgr_actions_pane_update_operations(self);
}

void
mgr_actions_pane_set_vm(MgrActionsPane *self, BerthDBusVirtualMachine *vm)
{
    g_return_if_fail(MGR_IS_ACTIONS_PANE(self));

    gtk_widget_set_visible(GTK_WIDGET(self->vm_heading), vm != NULL);
    gtk_widget_set_visible(GTK_WIDGET(self->vm_box), vm != NULL);
    if (vm != NULL) {
        gtk_label_set_text(self->vm_heading, berth_dbus_virtual_machine_get_name(vm));
        gtk_accessible_update_property(GTK_ACCESSIBLE(self->vm_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       berth_dbus_virtual_machine_get_name(vm), -1);
    }
}

static gboolean
mgr_action_enabled(MgrActionsPane *self, const char *detailed)
{
    GApplication *app = g_application_get_default();
    gboolean enabled = FALSE;

    if (g_str_has_prefix(detailed, "app."))
        return app != NULL &&
               g_action_group_query_action(G_ACTION_GROUP(app), detailed + 4, &enabled, NULL, NULL,
                                           NULL, NULL) &&
               enabled;
    return g_hash_table_contains(self->enabled, detailed);
}

static void
mgr_actions_pane_update_box(MgrActionsPane *self, GtkBox *box)
{
    for (GtkWidget *child = gtk_widget_get_first_child(GTK_WIDGET(box)); child != NULL;
         child = gtk_widget_get_next_sibling(child)) {
        const char *name = gtk_actionable_get_action_name(GTK_ACTIONABLE(child));

        gtk_widget_set_visible(child, name != NULL && mgr_action_enabled(self, name));
    }
}

void
mgr_actions_pane_set_action_enabled(MgrActionsPane *self, const char *action, gboolean enabled)
{
    g_return_if_fail(MGR_IS_ACTIONS_PANE(self));

    if (enabled)
        g_hash_table_add(self->enabled, g_strdup(action));
    else
        g_hash_table_remove(self->enabled, action);
    mgr_actions_pane_update_box(self, self->vm_box);
}

static void
app_action_changed(GActionGroup *group, const char *name, gboolean enabled, gpointer user_data)
{
    MgrActionsPane *self = user_data;

    mgr_actions_pane_update_box(self, self->host_box);
}

static void
mgr_actions_pane_dispose(GObject *object)
{
    MgrActionsPane *self = MGR_ACTIONS_PANE(object);

    mgr_actions_pane_set_manager(self, NULL);
    g_clear_handle_id(&self->pulse_id, g_source_remove);
    if (self->pending != NULL) {
        GHashTableIter iter;
        gpointer source;

        g_hash_table_iter_init(&iter, self->pending);
        while (g_hash_table_iter_next(&iter, NULL, &source))
            g_source_remove(GPOINTER_TO_UINT(source));
        g_clear_pointer(&self->pending, g_hash_table_unref);
    }
    g_clear_pointer(&self->calls, g_hash_table_unref);
    g_clear_pointer(&self->enabled, g_hash_table_unref);
    gtk_widget_dispose_template(GTK_WIDGET(self), MGR_TYPE_ACTIONS_PANE);
    G_OBJECT_CLASS(mgr_actions_pane_parent_class)->dispose(object);
}

static void
mgr_actions_pane_class_init(MgrActionsPaneClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = mgr_actions_pane_dispose;

    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/berth/Manager/mgr-actions-pane.ui");
    gtk_widget_class_bind_template_child(widget_class, MgrActionsPane, host_box);
    gtk_widget_class_bind_template_child(widget_class, MgrActionsPane, vm_box);
    gtk_widget_class_bind_template_child(widget_class, MgrActionsPane, vm_heading);
    gtk_widget_class_bind_template_child(widget_class, MgrActionsPane, operations_heading);
    gtk_widget_class_bind_template_child(widget_class, MgrActionsPane, operations_list);
    gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BIN_LAYOUT);
    gtk_widget_class_set_accessible_role(widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mgr_actions_pane_init(MgrActionsPane *self)
{
    GApplication *app = g_application_get_default();

    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_accessible_update_property(GTK_ACCESSIBLE(self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   _("Actions"), -1);
    self->calls = g_hash_table_new(NULL, NULL);
    self->pending = g_hash_table_new(NULL, NULL);
    self->enabled = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (app != NULL) {
        g_signal_connect_object(app, "action-enabled-changed", G_CALLBACK(app_action_changed), self,
                                0);
        g_signal_connect_object(app, "action-added", G_CALLBACK(app_action_changed), self, 0);
    }
    mgr_actions_pane_update_box(self, self->host_box);
}
