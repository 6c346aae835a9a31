/* mgr-vm-view.c: the VM list. The model chain is MgrVmList → GtkFilterListModel (search) →
 * GtkSortListModel (the columns' sorters) → GtkSingleSelection. Cells bind labels to the VM
 * proxies' properties, so berthd's PropertiesChanged shows at once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-format.h"
#include "mgr-vm-list.h"
#include "mgr-vm-view.h"

struct _MgrVmView {
    GtkWidget parent_instance;

    GtkScrolledWindow *scroller;
    GtkColumnView *column_view;
    GtkColumnViewColumn *name_column;
    GMenuModel *context_menu;
    GtkWidget *popover;

    MgrVmList *vms;
    GtkStringFilter *filter;
    GtkSingleSelection *selection;
    GHashTable *name_labels; /* BerthDBusVirtualMachine → its bound GtkEditableLabel */
};

G_DEFINE_FINAL_TYPE(MgrVmView, mgr_vm_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SELECTED_VM, PROP_N_SHOWN, N_PROPS };

enum { SIGNAL_RENAME, SIGNAL_ACTIVATE_VM, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Right click on a row: select it, then open the menu where the pointer is. */
static void
cell_pressed(GtkGestureClick *gesture, int n_press, double x, double y, gpointer user_data)
{
    GtkListItem *item = user_data;
    GtkWidget *cell = gtk_event_controller_get_widget(GTK_EVENT_CONTROLLER(gesture));
    MgrVmView *self = MGR_VM_VIEW(gtk_widget_get_ancestor(cell, MGR_TYPE_VM_VIEW));
    graphene_point_t point;
    GdkRectangle rect;

    if (self == NULL || gtk_list_item_get_position(item) == GTK_INVALID_LIST_POSITION)
        return;
    gtk_single_selection_set_selected(self->selection, gtk_list_item_get_position(item));
    gtk_widget_grab_focus(GTK_WIDGET(self->column_view));
    if (!gtk_widget_compute_point(cell, GTK_WIDGET(self), &GRAPHENE_POINT_INIT(x, y), &point))
        return;
    rect = (GdkRectangle){(int)point.x, (int)point.y, 1, 1};
    gtk_popover_set_pointing_to(GTK_POPOVER(self->popover), &rect);
    gtk_popover_popup(GTK_POPOVER(self->popover));
    gtk_gesture_set_state(GTK_GESTURE(gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* A click in the list moves the keyboard focus there (out of the search entry, say), so the
 * keyboard then acts on the row just clicked. */
static void
list_pressed(GtkGestureClick *gesture, int n_press, double x, double y, gpointer user_data)
{
    MgrVmView *self = user_data;

    if (!gtk_widget_has_focus(GTK_WIDGET(self->column_view)) &&
        gtk_widget_get_focus_child(GTK_WIDGET(self->column_view)) == NULL)
        gtk_widget_grab_focus(GTK_WIDGET(self->column_view));
}

static void
mgr_vm_view_add_menu_gesture(GtkWidget *cell, GtkListItem *item)
{
    GtkGesture *gesture = gtk_gesture_click_new();

    gtk_gesture_single_set_button(GTK_GESTURE_SINGLE(gesture), GDK_BUTTON_SECONDARY);
    g_signal_connect(gesture, "pressed", G_CALLBACK(cell_pressed), item);
    gtk_widget_add_controller(cell, GTK_EVENT_CONTROLLER(gesture));
}

static void
label_setup(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    GtkWidget *label = gtk_label_new(NULL);

    gtk_label_set_xalign(GTK_LABEL(label), 0.0);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
    gtk_widget_add_css_class(label, "numeric");
    mgr_vm_view_add_menu_gesture(label, item);
    gtk_list_item_set_child(item, label);
}

static void
label_unbind(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    GBinding *binding = g_object_steal_data(G_OBJECT(item), "mgr-binding");

    if (binding != NULL)
        g_binding_unbind(binding);
}

static void
bind_label(GtkListItem *item, const char *property, GBindingTransformFunc transform)
{
    GBinding *binding = g_object_bind_property_full(
        gtk_list_item_get_item(item), property, gtk_list_item_get_child(item), "label",
        G_BINDING_SYNC_CREATE, transform, NULL, NULL, NULL);

    g_object_set_data(G_OBJECT(item), "mgr-binding", binding);
}

static gboolean
state_to_label(GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
    g_value_set_string(to, mgr_format_state(g_value_get_string(from)));
    return TRUE;
}

static gboolean
cpu_to_label(GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
    BerthDBusVirtualMachine *vm = BERTH_DBUS_VIRTUAL_MACHINE(g_binding_dup_source(binding));

    g_value_take_string(
        to, mgr_format_cpu(g_value_get_double(from),
                           vm != NULL ? berth_dbus_virtual_machine_get_state(vm) : NULL));
    g_clear_object(&vm);
    return TRUE;
}

static gboolean
memory_to_label(GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
    g_value_take_string(to, mgr_format_memory(g_value_get_uint64(from)));
    return TRUE;
}

static gboolean
uptime_to_label(GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
    g_value_take_string(to, mgr_format_uptime(g_value_get_uint64(from)));
    return TRUE;
}

static void
state_bind(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    bind_label(item, "state", state_to_label);
}

static void
cpu_bind(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    bind_label(item, "cpu-usage", cpu_to_label);
}

static void
memory_bind(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    bind_label(item, "assigned-memory", memory_to_label);
}

static void
uptime_bind(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    bind_label(item, "uptime", uptime_to_label);
}

static void
status_bind(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    bind_label(item, "status", NULL);
}

/* The name cell is an editable label: F2, Rename or a double click edits it in place. */
static void
name_editing_changed(GtkEditableLabel *label, GParamSpec *pspec, gpointer user_data)
{
    GtkListItem *item = user_data;
    MgrVmView *self = MGR_VM_VIEW(gtk_widget_get_ancestor(GTK_WIDGET(label), MGR_TYPE_VM_VIEW));
    BerthDBusVirtualMachine *vm = gtk_list_item_get_item(item);
    const char *text;

    if (gtk_editable_label_get_editing(label) || vm == NULL || self == NULL)
        return;
    gtk_widget_set_can_target(GTK_WIDGET(label), FALSE);
    text = gtk_editable_get_text(GTK_EDITABLE(label));
    if (g_strcmp0(text, berth_dbus_virtual_machine_get_name(vm)) != 0)
        g_signal_emit(self, signals[SIGNAL_RENAME], 0, vm, text);
    gtk_widget_grab_focus(GTK_WIDGET(self->column_view));
}

static void
name_setup(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
    GtkWidget *label = gtk_editable_label_new("");

    /* Clicks and the focus belong to the row; only F2 or Rename edits the name (and makes the
     * label reachable until editing ends). */
    gtk_widget_set_focusable(label, FALSE);
    gtk_widget_set_can_target(label, FALSE);
    gtk_widget_set_hexpand(label, TRUE);
    g_signal_connect(label, "notify::editing", G_CALLBACK(name_editing_changed), item);
    gtk_box_append(GTK_BOX(box), label);
    mgr_vm_view_add_menu_gesture(box, item);
    g_object_set_data(G_OBJECT(item), "mgr-name-label", label);
    gtk_list_item_set_child(item, box);
}

static void
name_bind(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    MgrVmView *self = user_data;
    GtkWidget *label = g_object_get_data(G_OBJECT(item), "mgr-name-label");
    GBinding *binding = g_object_bind_property(gtk_list_item_get_item(item), "name", label, "text",
                                               G_BINDING_SYNC_CREATE);

    g_object_set_data(G_OBJECT(item), "mgr-binding", binding);
    g_hash_table_insert(self->name_labels, gtk_list_item_get_item(item), label);
    gtk_accessible_update_property(GTK_ACCESSIBLE(label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   gtk_editable_get_text(GTK_EDITABLE(label)), -1);
}

static void
name_unbind(GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
    MgrVmView *self = user_data;
    GtkWidget *label = g_object_get_data(G_OBJECT(item), "mgr-name-label");

    if (g_hash_table_lookup(self->name_labels, gtk_list_item_get_item(item)) == label)
        g_hash_table_remove(self->name_labels, gtk_list_item_get_item(item));
    label_unbind(factory, item, NULL);
}

static void
row_activated(GtkColumnView *view, guint position, gpointer user_data)
{
    MgrVmView *self = user_data;
    g_autoptr(BerthDBusVirtualMachine) vm =
        g_list_model_get_item(G_LIST_MODEL(self->selection), position);

    if (vm != NULL)
        g_signal_emit(self, signals[SIGNAL_ACTIVATE_VM], 0, vm);
}

static void
shown_changed(GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
    if (removed != added)
        g_object_notify_by_pspec(G_OBJECT(user_data), properties[PROP_N_SHOWN]);
}

static void
selection_changed(GObject *selection, GParamSpec *pspec, gpointer user_data)
{
    g_object_notify_by_pspec(G_OBJECT(user_data), properties[PROP_SELECTED_VM]);
}

void
mgr_vm_view_popup_menu(MgrVmView *self)
{
    BerthDBusVirtualMachine *vm;
    GtkWidget *label;
    graphene_rect_t bounds;
    GdkRectangle rect = {0, 0, 1, 1};

    g_return_if_fail(MGR_IS_VM_VIEW(self));

    vm = mgr_vm_view_get_selected(self);
    if (vm == NULL)
        return;
    label = g_hash_table_lookup(self->name_labels, vm);
    if (label != NULL && gtk_widget_compute_bounds(label, GTK_WIDGET(self), &bounds))
        rect = (GdkRectangle){(int)bounds.origin.x + 16,
                              (int)(bounds.origin.y + bounds.size.height / 2), 1, 1};
    gtk_popover_set_pointing_to(GTK_POPOVER(self->popover), &rect);
    gtk_popover_popup(GTK_POPOVER(self->popover));
}

static void
context_menu_action(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    mgr_vm_view_popup_menu(MGR_VM_VIEW(widget));
}

static void
mgr_vm_view_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    MgrVmView *self = MGR_VM_VIEW(object);

    switch (prop_id) {
    case PROP_SELECTED_VM:
        g_value_set_object(value, mgr_vm_view_get_selected(self));
        break;
    case PROP_N_SHOWN:
        g_value_set_uint(value, mgr_vm_view_get_n_shown(self));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
mgr_vm_view_dispose(GObject *object)
{
    MgrVmView *self = MGR_VM_VIEW(object);

    g_clear_pointer(&self->popover, gtk_widget_unparent);
    gtk_widget_dispose_template(GTK_WIDGET(self), MGR_TYPE_VM_VIEW);
    g_clear_object(&self->selection);
    g_clear_object(&self->vms);
    g_clear_object(&self->filter);
    g_clear_pointer(&self->name_labels, g_hash_table_unref);
    G_OBJECT_CLASS(mgr_vm_view_parent_class)->dispose(object);
}

static void
mgr_vm_view_class_init(MgrVmViewClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->get_property = mgr_vm_view_get_property;
    object_class->dispose = mgr_vm_view_dispose;

    properties[PROP_SELECTED_VM] =
        g_param_spec_object("selected-vm", NULL, NULL, BERTH_DBUS_TYPE_VIRTUAL_MACHINE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_N_SHOWN] =
        g_param_spec_uint("n-shown", NULL, NULL, 0, G_MAXUINT, 0,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* MgrVmView::rename(vm, name): the user typed a new name in place. */
    signals[SIGNAL_RENAME] =
        g_signal_new("rename", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 2, BERTH_DBUS_TYPE_VIRTUAL_MACHINE, G_TYPE_STRING);
    /* MgrVmView::activate-vm(vm): Enter or a double click on a row. */
    signals[SIGNAL_ACTIVATE_VM] =
        g_signal_new("activate-vm", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, BERTH_DBUS_TYPE_VIRTUAL_MACHINE);

    g_type_ensure(BERTH_DBUS_TYPE_VIRTUAL_MACHINE);
    gtk_widget_class_set_template_from_resource(widget_class, "/org/berth/Manager/mgr-vm-view.ui");
    gtk_widget_class_bind_template_child(widget_class, MgrVmView, scroller);
    gtk_widget_class_bind_template_child(widget_class, MgrVmView, column_view);
    gtk_widget_class_bind_template_child(widget_class, MgrVmView, name_column);
    gtk_widget_class_bind_template_child(widget_class, MgrVmView, context_menu);
    gtk_widget_class_bind_template_callback(widget_class, label_setup);
    gtk_widget_class_bind_template_callback(widget_class, label_unbind);
    gtk_widget_class_bind_template_callback(widget_class, state_bind);
    gtk_widget_class_bind_template_callback(widget_class, cpu_bind);
    gtk_widget_class_bind_template_callback(widget_class, memory_bind);
    gtk_widget_class_bind_template_callback(widget_class, uptime_bind);
    gtk_widget_class_bind_template_callback(widget_class, status_bind);
    gtk_widget_class_bind_template_callback(widget_class, name_setup);
    gtk_widget_class_bind_template_callback(widget_class, name_bind);
    gtk_widget_class_bind_template_callback(widget_class, name_unbind);
    gtk_widget_class_bind_template_callback(widget_class, row_activated);
    gtk_widget_class_install_action(widget_class, "view.context-menu", NULL, context_menu_action);
    gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BIN_LAYOUT);
    gtk_widget_class_set_accessible_role(widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
mgr_vm_view_init(MgrVmView *self)
{
    GtkFilterListModel *filtered;
    GtkSortListModel *sorted;
    GtkGesture *gesture;

    self->name_labels = g_hash_table_new(NULL, NULL);
    gtk_widget_init_template(GTK_WIDGET(self));

    self->vms = mgr_vm_list_new();
    self->filter = gtk_string_filter_new(
        gtk_property_expression_new(BERTH_DBUS_TYPE_VIRTUAL_MACHINE, NULL, "name"));
    gtk_string_filter_set_match_mode(self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
    gtk_string_filter_set_ignore_case(self->filter, TRUE);
    filtered = gtk_filter_list_model_new(G_LIST_MODEL(g_object_ref(self->vms)),
                                         GTK_FILTER(g_object_ref(self->filter)));
    sorted = gtk_sort_list_model_new(
        G_LIST_MODEL(filtered),
        GTK_SORTER(g_object_ref(gtk_column_view_get_sorter(self->column_view))));
    self->selection = gtk_single_selection_new(G_LIST_MODEL(sorted));
    gtk_single_selection_set_autoselect(self->selection, TRUE);
    gtk_column_view_set_model(self->column_view, GTK_SELECTION_MODEL(self->selection));
    gtk_column_view_sort_by_column(self->column_view, self->name_column, GTK_SORT_ASCENDING);
    g_signal_connect(self->selection, "notify::selected-item", G_CALLBACK(selection_changed), self);
    g_signal_connect(self->selection, "items-changed", G_CALLBACK(shown_changed), self);

    gesture = gtk_gesture_click_new();
    gtk_gesture_single_set_button(GTK_GESTURE_SINGLE(gesture), 0);
    gtk_event_controller_set_propagation_phase(GTK_EVENT_CONTROLLER(gesture), GTK_PHASE_CAPTURE);
    g_signal_connect(gesture, "pressed", G_CALLBACK(list_pressed), self);
    gtk_widget_add_controller(GTK_WIDGET(self->column_view), GTK_EVENT_CONTROLLER(gesture));

    self->popover = gtk_popover_menu_new_from_model(self->context_menu);
    gtk_popover_set_has_arrow(GTK_POPOVER(self->popover), FALSE);
    gtk_widget_set_halign(self->popover, GTK_ALIGN_START);
    gtk_widget_set_parent(self->popover, GTK_WIDGET(self));
}

GtkWidget *
mgr_vm_view_new(void)
{
    return g_object_new(MGR_TYPE_VM_VIEW, NULL);
}

void
mgr_vm_view_set_manager(MgrVmView *self, GDBusObjectManager *manager)
{
    g_return_if_fail(MGR_IS_VM_VIEW(self));
    mgr_vm_list_set_manager(self->vms, manager);
}

void
mgr_vm_view_set_search(MgrVmView *self, const char *text)
{
    g_return_if_fail(MGR_IS_VM_VIEW(self));
    gtk_string_filter_set_search(self->filter, text != NULL && *text != '\0' ? text : NULL);
}

BerthDBusVirtualMachine *
mgr_vm_view_get_selected(MgrVmView *self)
{
    g_return_val_if_fail(MGR_IS_VM_VIEW(self), NULL);
    return gtk_single_selection_get_selected_item(self->selection);
}

gboolean
mgr_vm_view_select(MgrVmView *self, const char *object_path)
{
    GListModel *model;
    guint n;

    g_return_val_if_fail(MGR_IS_VM_VIEW(self), FALSE);

    model = G_LIST_MODEL(self->selection);
    n = g_list_model_get_n_items(model);
    for (guint i = 0; i < n; i++) {
        g_autoptr(GDBusProxy) vm = g_list_model_get_item(model, i);

        if (g_str_equal(g_dbus_proxy_get_object_path(vm), object_path)) {
            gtk_single_selection_set_selected(self->selection, i);
            return TRUE;
        }
    }
    return FALSE;
}

void
mgr_vm_view_start_rename(MgrVmView *self)
{
    BerthDBusVirtualMachine *vm;
    GtkWidget *label;

    g_return_if_fail(MGR_IS_VM_VIEW(self));

    vm = mgr_vm_view_get_selected(self);
    label = vm != NULL ? g_hash_table_lookup(self->name_labels, vm) : NULL;
    if (label == NULL)
        return;
    gtk_widget_set_can_target(label, TRUE);
    gtk_editable_label_start_editing(GTK_EDITABLE_LABEL(label));
    gtk_widget_grab_focus(label);
}

guint
mgr_vm_view_get_n_shown(MgrVmView *self)
{
    g_return_val_if_fail(MGR_IS_VM_VIEW(self), 0);
    return g_list_model_get_n_items(G_LIST_MODEL(self->selection));
}
