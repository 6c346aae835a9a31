/* mgr-switch-manager.c: the Virtual Switch Manager: switches from berthd's object manager,
 * edited in place, applied with DefineSwitch; Remove, adapters and the MAC address range.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib/gi18n.h>

#include "berth-dbus.h"
#include "mgr-dialog-util.h"
#include "mgr-switch-manager.h"
#include "mgr-switch-plan.h"

#define SELECT_NEW (-1)
#define SELECT_MAC (-2)

typedef struct {
    char *object_path;    /* NULL until berthd has the switch */
    HvxSwitchDef *stored; /* as berthd has it; NULL for a new switch */
    HvxSwitchDef *edited; /* NULL while loading */
    gboolean dirty;
    char *load_error;
} SwitchItem;

struct _MgrSwitchManager {
    AdwWindow parent_instance;

    MgrClient *client;
    GPtrArray *items;    /* of SwitchItem */
    GPtrArray *adapters; /* of MgrAdapterInfo */
    char *adapters_error;
    GPtrArray *adapter_checks; /* GtkCheckButton per adapter */
    int selected;
    char *mac_first;
    char *mac_last;
    gboolean mac_dirty;
    gboolean updating;
    char *list_signature; /* what the selected row shows; the list follows it */
    guint loading;
    gboolean applying;
    gboolean close_after_apply;
    GCancellable *cancellable;
    gulong added_id;
    gulong removed_id;

    GtkListBox *item_list;
    GtkStack *pages;
    GtkCheckButton *new_external_check;
    GtkCheckButton *new_internal_check;
    GtkCheckButton *new_private_check;
    GtkLabel *new_explanation;
    GtkEntry *name_entry;
    GtkTextView *notes_view;
    GtkCheckButton *external_check;
    GtkWidget *external_box;
    GtkListBox *adapter_list;
    GtkCheckButton *share_check;
    GtkCheckButton *internal_check;
    GtkWidget *internal_grid;
    GtkEntry *address_entry;
    GtkCheckButton *nat_check;
    GtkCheckButton *dhcp_check;
    GtkEntry *dhcp_first_entry;
    GtkEntry *dhcp_last_entry;
    GtkCheckButton *private_check;
    GtkLabel *type_explanation;
    GtkWidget *vlan_box;
    GtkCheckButton *vlan_check;
    GtkSpinButton *vlan_spin;
    GtkLabel *status_label;
    GtkLabel *switch_reason;
    GtkEntry *mac_first_entry;
    GtkEntry *mac_last_entry;
    GtkLabel *mac_reason;
    GtkLabel *global_reason;
    GtkWidget *ok_button;
    GtkWidget *cancel_button;
    GtkWidget *apply_button;
    GtkWidget *remove_button;
};

G_DEFINE_FINAL_TYPE(MgrSwitchManager, mgr_switch_manager, ADW_TYPE_WINDOW)

static void update(MgrSwitchManager *self);
static void rebuild_list(MgrSwitchManager *self);
static void apply_next(MgrSwitchManager *self);

static void
switch_item_free(SwitchItem *item)
{
    g_free(item->object_path);
    g_clear_pointer(&item->stored, hvx_switch_def_free);
    g_clear_pointer(&item->edited, hvx_switch_def_free);
    g_free(item->load_error);
    g_free(item);
}

static HvxSwitchDef *
def_copy(const HvxSwitchDef *def)
{
    g_autofree char *xml = hvx_switch_def_format(def);
    g_autoptr(GError) error = NULL;
    HvxSwitchDef *copy = hvx_switch_def_parse_string(xml, -1, "switch.xml", &error);

    g_assert_no_error(error);
    return copy;
}

static SwitchItem *
selected_item(MgrSwitchManager *self)
{
    if (self->selected < 0 || (guint)self->selected >= self->items->len)
        return NULL;
    return g_ptr_array_index(self->items, self->selected);
}

static BerthDBusSwitch *
item_proxy(MgrSwitchManager *self, SwitchItem *item)
{
    GDBusObjectManager *manager = mgr_client_get_manager(self->client);
    g_autoptr(GDBusObject) object = NULL;

    if (item->object_path == NULL || manager == NULL)
        return NULL;
    object = g_dbus_object_manager_get_object(manager, item->object_path);
    return object != NULL ? berth_dbus_object_get_switch(BERTH_DBUS_OBJECT(object)) : NULL;
}

static HvxSwitchType
new_type(MgrSwitchManager *self)
{
    if (gtk_check_button_get_active(self->new_internal_check))
        return HVX_SWITCH_TYPE_INTERNAL;
    if (gtk_check_button_get_active(self->new_private_check))
        return HVX_SWITCH_TYPE_PRIVATE;
    return HVX_SWITCH_TYPE_EXTERNAL;
}

/* ---- Checks ------------------------------------------------------------------------------- */

/* Whether @info may be chosen for @item: berthd says so, or @item's own bridge holds it. */
static gboolean
adapter_usable_for(const MgrAdapterInfo *info, const SwitchItem *item)
{
    g_autofree char *bridge = NULL;

    if (info->usable)
        return TRUE;
    if (item == NULL || item->stored == NULL || info->wireless)
        return FALSE;
    bridge = hvx_switch_def_bridge_name(item->stored);
    return g_strcmp0(info->used_by, bridge) == 0 || g_str_equal(info->used_by, item->stored->name);
}

static char *
item_reason(MgrSwitchManager *self, SwitchItem *item)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    g_autoptr(GPtrArray) adapters = NULL;

    if (item->edited == NULL)
        return item->load_error != NULL ? g_strdup(item->load_error) : NULL;
    for (guint i = 0; i < self->items->len; i++) {
        SwitchItem *other = g_ptr_array_index(self->items, i);

        if (other != item && other->edited != NULL)
            g_ptr_array_add(names, other->edited->name);
    }
    g_ptr_array_add(names, NULL);
    /* The adapter this switch already has stays usable for it. */
    adapters = g_ptr_array_new_with_free_func((GDestroyNotify)mgr_adapter_info_free);
    for (guint i = 0; self->adapters != NULL && i < self->adapters->len; i++) {
        const MgrAdapterInfo *info = g_ptr_array_index(self->adapters, i);
        MgrAdapterInfo *copy = g_new0(MgrAdapterInfo, 1);

        copy->name = g_strdup(info->name);
        copy->wireless = info->wireless;
        copy->up = info->up;
        copy->usable = adapter_usable_for(info, item);
        copy->reason = g_strdup(info->reason);
        copy->used_by = g_strdup(info->used_by);
        copy->addresses = g_strdupv(info->addresses);
        g_ptr_array_add(adapters, copy);
    }
    if (item->edited->type == HVX_SWITCH_TYPE_EXTERNAL && self->adapters_error != NULL &&
        adapters->len == 0)
        return g_strdup_printf(_("The network adapters could not be listed: %s"),
                               self->adapters_error);
    return mgr_switch_plan_check(item->edited, (const char *const *)names->pdata, NULL, adapters);
}

/* Why the MAC address range typed in cannot be applied (berthd's own rule), or NULL. */
static char *
mac_reason(MgrSwitchManager *self)
{
    const char *first = gtk_editable_get_text(GTK_EDITABLE(self->mac_first_entry));
    const char *last = gtk_editable_get_text(GTK_EDITABLE(self->mac_last_entry));
    g_autoptr(GError) error = NULL;

    if (hvx_mac_range_parse(first, last, NULL, NULL, &error))
        return NULL;
    return g_strdup(error->message);
}

/* ---- The form ------------------------------------------------------------------------------- */

static HvxSwitchType
form_type(MgrSwitchManager *self)
{
    if (gtk_check_button_get_active(self->internal_check))
        return HVX_SWITCH_TYPE_INTERNAL;
    if (gtk_check_button_get_active(self->private_check))
        return HVX_SWITCH_TYPE_PRIVATE;
    return HVX_SWITCH_TYPE_EXTERNAL;
}

static char *
entry_or_null(GtkEntry *entry)
{
    g_autofree char *text = g_strdup(gtk_editable_get_text(GTK_EDITABLE(entry)));

    g_strstrip(text);
    return *text != '\0' ? g_steal_pointer(&text) : NULL;
}

static void
read_form(MgrSwitchManager *self, SwitchItem *item)
{
    HvxSwitchDef *def = item->edited;
    GtkTextBuffer *buffer = gtk_text_view_get_buffer(self->notes_view);
    GtkTextIter start, end;
    g_autofree char *notes = NULL;

    def->type = form_type(self);
    g_free(def->name);
    def->name = g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->name_entry)));
    gtk_text_buffer_get_bounds(buffer, &start, &end);
    notes = gtk_text_buffer_get_text(buffer, &start, &end, FALSE);
    g_free(def->notes);
    def->notes = *notes != '\0' ? g_steal_pointer(&notes) : NULL;

    g_clear_pointer(&def->adapter_name, g_free);
    g_clear_pointer(&def->address, g_free);
    g_clear_pointer(&def->dhcp_first, g_free);
    g_clear_pointer(&def->dhcp_last, g_free);
    def->nat = FALSE;
    def->adapter_share_with_host = TRUE;
    switch (def->type) {
    case HVX_SWITCH_TYPE_EXTERNAL:
        for (guint i = 0; i < self->adapter_checks->len; i++)
            if (gtk_check_button_get_active(g_ptr_array_index(self->adapter_checks, i)))
                def->adapter_name =
                    g_strdup(((MgrAdapterInfo *)g_ptr_array_index(self->adapters, i))->name);
        def->adapter_share_with_host = gtk_check_button_get_active(self->share_check);
        break;
    case HVX_SWITCH_TYPE_INTERNAL:
        def->address = entry_or_null(self->address_entry);
        def->nat = gtk_check_button_get_active(self->nat_check);
        if (gtk_check_button_get_active(self->dhcp_check)) {
            def->dhcp_first = entry_or_null(self->dhcp_first_entry);
            def->dhcp_last = entry_or_null(self->dhcp_last_entry);
            /* One end given alone is still a range the user meant: let the check say why. */
            if (def->dhcp_first == NULL && def->dhcp_last != NULL)
                def->dhcp_first = g_strdup("");
            if (def->dhcp_last == NULL && def->dhcp_first != NULL)
                def->dhcp_last = g_strdup("");
        }
        break;
    case HVX_SWITCH_TYPE_PRIVATE:
    case HVX_SWITCH_TYPE_LAST:
        break;
    }
    def->has_vlan =
        def->type != HVX_SWITCH_TYPE_PRIVATE && gtk_check_button_get_active(self->vlan_check);
    def->vlan = def->has_vlan ? (guint)gtk_spin_button_get_value(self->vlan_spin) : 0;
}

static void
fill_adapters(MgrSwitchManager *self, SwitchItem *item)
{
    GtkWidget *child;
    GtkCheckButton *group = NULL;

    while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->adapter_list))) != NULL)
        gtk_list_box_remove(self->adapter_list, child);
    g_ptr_array_set_size(self->adapter_checks, 0);
    for (guint i = 0; self->adapters != NULL && i < self->adapters->len; i++) {
        const MgrAdapterInfo *info = g_ptr_array_index(self->adapters, i);
        GtkWidget *row = adw_action_row_new();
        GtkWidget *check = gtk_check_button_new();
        gboolean usable = adapter_usable_for(info, item);
        g_autofree char *addresses = g_strjoinv(", ", info->addresses);
        g_autofree char *subtitle = NULL;

        if (!usable)
            subtitle = g_strdup(*info->reason != '\0' ? info->reason
                                : info->wireless      ? _("Wireless adapters cannot be bridged.")
                                                      : _("In use."));
        else
            subtitle = g_strdup_printf("%s, %s%s%s", info->wireless ? _("Wireless") : _("Wired"),
                                       info->up ? _("connected") : _("no carrier"),
                                       *addresses != '\0' ? ", " : "", addresses);
        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), info->name);
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
        gtk_check_button_set_group(GTK_CHECK_BUTTON(check), group);
        if (group == NULL)
            group = GTK_CHECK_BUTTON(check);
        gtk_accessible_update_property(GTK_ACCESSIBLE(check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       info->name, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                       -1);
        adw_action_row_add_prefix(ADW_ACTION_ROW(row), check);
        adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), check);
        gtk_widget_set_sensitive(row, usable);
        if (!usable)
            gtk_widget_set_tooltip_text(row, subtitle);
        gtk_check_button_set_active(GTK_CHECK_BUTTON(check),
                                    item != NULL && item->edited != NULL &&
                                        g_strcmp0(item->edited->adapter_name, info->name) == 0);
        g_signal_connect_swapped(check, "toggled", G_CALLBACK(update), self);
        gtk_list_box_append(self->adapter_list, row);
        g_ptr_array_add(self->adapter_checks, check);
    }
    if (self->adapters == NULL || self->adapters->len == 0) {
        GtkWidget *row = adw_action_row_new();

        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row),
                                      self->adapters_error != NULL
                                          ? self->adapters_error
                                          : _("This computer has no network adapters."));
        gtk_list_box_append(self->adapter_list, row);
    }
}

static void
set_text(GtkEntry *entry, const char *text)
{
    gtk_editable_set_text(GTK_EDITABLE(entry), text != NULL ? text : "");
}

static void
load_form(MgrSwitchManager *self, SwitchItem *item)
{
    const HvxSwitchDef *def = item->edited;
    g_autoptr(BerthDBusSwitch) proxy = item_proxy(self, item);
    GString *status = g_string_new(NULL);

    self->updating = TRUE;
    set_text(self->name_entry, def->name);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->notes_view),
                             def->notes != NULL ? def->notes : "", -1);
    gtk_check_button_set_active(def->type == HVX_SWITCH_TYPE_EXTERNAL   ? self->external_check
                                : def->type == HVX_SWITCH_TYPE_INTERNAL ? self->internal_check
                                                                        : self->private_check,
                                TRUE);
    fill_adapters(self, item);
    gtk_check_button_set_active(self->share_check, def->adapter_share_with_host);
    set_text(self->address_entry, def->address);
    gtk_check_button_set_active(self->nat_check, def->nat);
    gtk_check_button_set_active(self->dhcp_check, def->dhcp_first != NULL);
    set_text(self->dhcp_first_entry, def->dhcp_first);
    set_text(self->dhcp_last_entry, def->dhcp_last);
    gtk_check_button_set_active(self->vlan_check, def->has_vlan);
    if (def->has_vlan)
        gtk_spin_button_set_value(self->vlan_spin, def->vlan);
    if (proxy != NULL) {
        const char *const *vms = berth_dbus_switch_get_connected_vms(proxy);
        g_autofree char *joined = vms != NULL ? g_strjoinv(", ", (char **)vms) : g_strdup("");

        g_string_append_printf(
            status, _("Status: %s"),
            berth_dbus_switch_get_status(proxy) != NULL ? berth_dbus_switch_get_status(proxy) : "");
        g_string_append_printf(
            status, "\n%s %s", _("Bridge:"),
            berth_dbus_switch_get_bridge(proxy) != NULL ? berth_dbus_switch_get_bridge(proxy) : "");
        g_string_append_printf(status, "\n%s %s", _("Connected virtual machines:"),
                               *joined != '\0' ? joined : _("none"));
    } else {
        g_string_append(status, _("Not created yet: click Apply or OK to create it."));
    }
    gtk_label_set_text(self->status_label, status->str);
    g_string_free(status, TRUE);
    self->updating = FALSE;
}

/* ---- Updating what is shown --------------------------------------------------------------- */

static gboolean
everything_valid(MgrSwitchManager *self, int *ret_first_invalid)
{
    for (guint i = 0; i < self->items->len; i++) {
        SwitchItem *item = g_ptr_array_index(self->items, i);
        g_autofree char *reason = item->dirty ? item_reason(self, item) : NULL;

        if (reason != NULL) {
            if (ret_first_invalid != NULL)
                *ret_first_invalid = (int)i;
            return FALSE;
        }
    }
    if (self->mac_dirty) {
        g_autofree char *reason = mac_reason(self);

        if (reason != NULL) {
            if (ret_first_invalid != NULL)
                *ret_first_invalid = SELECT_MAC;
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
anything_dirty(MgrSwitchManager *self)
{
    for (guint i = 0; i < self->items->len; i++)
        if (((SwitchItem *)g_ptr_array_index(self->items, i))->dirty)
            return TRUE;
    return self->mac_dirty;
}

static void
update(MgrSwitchManager *self)
{
    SwitchItem *item;
    gboolean busy = self->applying || self->loading > 0;
    gboolean valid;

    if (self->updating)
        return;
    self->updating = TRUE;
    item = selected_item(self);
    gtk_label_set_text(self->new_explanation, mgr_switch_type_explanation(new_type(self)));

    if (item != NULL && item->edited != NULL) {
        HvxSwitchType type;
        g_autofree char *reason = NULL;
        g_autofree char *before = hvx_switch_def_format(item->edited);
        g_autofree char *after = NULL;

        read_form(self, item);
        after = hvx_switch_def_format(item->edited);
        if (!g_str_equal(before, after))
            item->dirty = TRUE;
        type = item->edited->type;
        gtk_widget_set_sensitive(self->external_box, type == HVX_SWITCH_TYPE_EXTERNAL);
        gtk_widget_set_sensitive(self->internal_grid, type == HVX_SWITCH_TYPE_INTERNAL);
        gtk_widget_set_sensitive(GTK_WIDGET(self->dhcp_first_entry),
                                 gtk_check_button_get_active(self->dhcp_check));
        gtk_widget_set_sensitive(GTK_WIDGET(self->dhcp_last_entry),
                                 gtk_check_button_get_active(self->dhcp_check));
        gtk_widget_set_sensitive(self->vlan_box, type != HVX_SWITCH_TYPE_PRIVATE);
        gtk_widget_set_sensitive(GTK_WIDGET(self->vlan_spin),
                                 gtk_check_button_get_active(self->vlan_check));
        gtk_label_set_text(self->type_explanation, mgr_switch_type_explanation(type));
        reason = item_reason(self, item);
        mgr_dialog_set_reason(self->switch_reason, NULL, reason);
        {
            g_autofree char *signature = g_strdup_printf(
                "%s\n%d\n%s\n%d", item->edited->name, item->edited->type,
                item->edited->adapter_name != NULL ? item->edited->adapter_name : "", item->dirty);

            if (g_strcmp0(signature, self->list_signature) != 0) {
                g_free(self->list_signature);
                self->list_signature = g_steal_pointer(&signature);
                rebuild_list(self);
            }
        }
        gtk_widget_remove_css_class(GTK_WIDGET(self->name_entry), "error");
        if (reason != NULL && (item->edited->name == NULL || *item->edited->name == '\0' ||
                               strstr(reason, item->edited->name) != NULL))
            gtk_widget_add_css_class(GTK_WIDGET(self->name_entry), "error");
    }
    if (self->selected == SELECT_MAC) {
        g_autofree char *reason = mac_reason(self);

        self->mac_dirty = g_strcmp0(gtk_editable_get_text(GTK_EDITABLE(self->mac_first_entry)),
                                    self->mac_first) != 0 ||
                          g_strcmp0(gtk_editable_get_text(GTK_EDITABLE(self->mac_last_entry)),
                                    self->mac_last) != 0;
        mgr_dialog_set_reason(self->mac_reason, NULL, reason);
    }
    valid = everything_valid(self, NULL);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "switches.apply",
                                  !busy && valid && anything_dirty(self));
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "switches.ok", !busy && valid);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "switches.cancel", !self->applying);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "switches.create", !busy);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "switches.remove",
                                  !busy && item != NULL && item->edited != NULL);
    gtk_widget_set_sensitive(GTK_WIDGET(self->pages), !self->applying);
    mgr_dialog_set_reason(self->global_reason, NULL,
                          valid ? NULL : _("Fix the marked switch before applying the changes."));
    self->updating = FALSE;
}

static void
show_selected(MgrSwitchManager *self)
{
    SwitchItem *item = selected_item(self);

    if (self->selected == SELECT_MAC) {
        gtk_stack_set_visible_child_name(self->pages, "mac");
    } else if (item != NULL && item->edited != NULL) {
        load_form(self, item);
        gtk_stack_set_visible_child_name(self->pages, "switch");
    } else {
        self->selected = SELECT_NEW;
        gtk_stack_set_visible_child_name(self->pages, "new");
    }
    update(self);
}

/* ---- The list on the left -------------------------------------------------------------------- */

static void
add_row(MgrSwitchManager *self, const char *title, const char *subtitle, const char *icon,
        int index)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    GtkWidget *labels = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    GtkWidget *label = gtk_label_new(title);
    GtkWidget *row = gtk_list_box_row_new();

    gtk_widget_set_margin_top(box, 6);
    gtk_widget_set_margin_bottom(box, 6);
    if (icon != NULL)
        gtk_box_append(GTK_BOX(box), gtk_image_new_from_icon_name(icon));
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
    gtk_box_append(GTK_BOX(labels), label);
    if (subtitle != NULL) {
        GtkWidget *sub = gtk_label_new(subtitle);

        gtk_label_set_xalign(GTK_LABEL(sub), 0);
        gtk_widget_add_css_class(sub, "dim-label");
        gtk_widget_add_css_class(sub, "caption");
        gtk_box_append(GTK_BOX(labels), sub);
    }
    gtk_box_append(GTK_BOX(box), labels);
    gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
    gtk_accessible_update_property(GTK_ACCESSIBLE(row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
    g_object_set_data(G_OBJECT(row), "index", GINT_TO_POINTER(index));
    gtk_list_box_append(self->item_list, row);
    if (index == self->selected)
        gtk_list_box_select_row(self->item_list, GTK_LIST_BOX_ROW(row));
}

static void
rebuild_list(MgrSwitchManager *self)
{
    GtkWidget *child;
    gboolean updating = self->updating;

    self->updating = TRUE;
    while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->item_list))) != NULL)
        gtk_list_box_remove(self->item_list, child);
    add_row(self, _("New virtual network switch"), NULL, "list-add-symbolic", SELECT_NEW);
    for (guint i = 0; i < self->items->len; i++) {
        SwitchItem *item = g_ptr_array_index(self->items, i);
        const HvxSwitchDef *def = item->edited != NULL ? item->edited : item->stored;
        g_autofree char *subtitle = NULL;

        if (def == NULL) {
            add_row(self, item->object_path, _("Loading…"), "network-wired-symbolic", (int)i);
            continue;
        }
        if (def->type == HVX_SWITCH_TYPE_EXTERNAL && def->adapter_name != NULL)
            /* Translators: "External: eth0" */
            subtitle =
                g_strdup_printf(_("%s: %s"), mgr_switch_type_label(def->type), def->adapter_name);
        else
            subtitle = g_strdup(mgr_switch_type_label(def->type));
        if (item->dirty) {
            g_autofree char *marked = g_strdup_printf(_("%s (changed)"), subtitle);

            g_free(subtitle);
            subtitle = g_steal_pointer(&marked);
        }
        add_row(self, *def->name != '\0' ? def->name : _("(no name)"), subtitle,
                "network-wired-symbolic", (int)i);
    }
    add_row(self, _("MAC Address Range"), self->mac_first != NULL ? self->mac_first : NULL,
            "preferences-system-network-symbolic", SELECT_MAC);
    self->updating = updating;
}

static void
list_header(GtkListBoxRow *row, GtkListBoxRow *before, gpointer user_data)
{
    int index = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(row), "index"));
    const char *title = NULL;
    GtkWidget *label;

    if (index == SELECT_NEW)
        title = _("Virtual Switches");
    else if (index == SELECT_MAC)
        title = _("Global Network Settings");
    if (title == NULL) {
        gtk_list_box_row_set_header(row, NULL);
        return;
    }
    label = gtk_label_new(title);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_widget_add_css_class(label, "heading");
    gtk_widget_set_margin_start(label, 6);
    gtk_widget_set_margin_top(label, 12);
    gtk_widget_set_margin_bottom(label, 6);
    gtk_list_box_row_set_header(row, label);
}

static void
row_selected(GtkListBox *list, GtkListBoxRow *row, gpointer user_data)
{
    MgrSwitchManager *self = user_data;

    if (self->updating || row == NULL)
        return;
    self->selected = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(row), "index"));
    show_selected(self);
    rebuild_list(self);
}

gboolean
mgr_switch_manager_select(MgrSwitchManager *self, const char *what)
{
    g_return_val_if_fail(MGR_IS_SWITCH_MANAGER(self), FALSE);

    if (g_str_equal(what, "new")) {
        self->selected = SELECT_NEW;
    } else if (g_str_equal(what, "mac")) {
        self->selected = SELECT_MAC;
    } else {
        gboolean found = FALSE;

        for (guint i = 0; i < self->items->len && !found; i++) {
            SwitchItem *item = g_ptr_array_index(self->items, i);

            if (item->edited != NULL && g_str_equal(item->edited->name, what)) {
                self->selected = (int)i;
                found = TRUE;
            }
        }
        if (!found)
            return FALSE;
    }
    show_selected(self);
    rebuild_list(self);
    return TRUE;
}

gboolean
mgr_switch_manager_is_busy(MgrSwitchManager *self)
{
    g_return_val_if_fail(MGR_IS_SWITCH_MANAGER(self), FALSE);
    return self->loading > 0 || self->applying;
}

/* ---- Loading from berthd ----------------------------------------------------------------------
 */

static void
loaded_one(MgrSwitchManager *self)
{
    g_assert(self->loading > 0);
    self->loading--;
    rebuild_list(self);
    if (self->loading == 0 && selected_item(self) != NULL)
        show_selected(self);
    update(self);
}

static SwitchItem *
find_item(MgrSwitchManager *self, const char *object_path, guint *ret_index)
{
    for (guint i = 0; i < self->items->len; i++) {
        SwitchItem *item = g_ptr_array_index(self->items, i);

        if (g_strcmp0(item->object_path, object_path) == 0) {
            if (ret_index != NULL)
                *ret_index = i;
            return item;
        }
    }
    return NULL;
}

typedef struct {
    MgrSwitchManager *self;
    char *object_path;
} LoadData;

static void
definition_loaded(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LoadData *load = user_data;
    MgrSwitchManager *self = load->self;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    SwitchItem *item;

    if (!berth_dbus_switch_call_get_definition_finish(BERTH_DBUS_SWITCH(source), &xml, result,
                                                      &error) &&
        g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_free(load->object_path);
        g_free(load);
        return;
    }
    item = find_item(self, load->object_path, NULL);
    if (item != NULL && item->edited == NULL) {
        if (xml != NULL)
            item->stored = hvx_switch_def_parse_string(xml, -1, "switch.xml", &error);
        if (item->stored != NULL) {
            item->edited = def_copy(item->stored);
        } else {
            g_free(item->load_error);
            item->load_error = mgr_dialog_error_text(error);
        }
    }
    loaded_one(self);
    g_free(load->object_path);
    g_free(load);
}

static void
load_switch(MgrSwitchManager *self, GDBusObject *object)
{
    BerthDBusSwitch *proxy = berth_dbus_object_peek_switch(BERTH_DBUS_OBJECT(object));
    const char *path = g_dbus_object_get_object_path(object);
    SwitchItem *item;
    LoadData *load;

    if (proxy == NULL || find_item(self, path, NULL) != NULL)
        return;
    item = g_new0(SwitchItem, 1);
    item->object_path = g_strdup(path);
    g_ptr_array_add(self->items, item);
    load = g_new0(LoadData, 1);
    load->self = self;
    load->object_path = g_strdup(path);
    self->loading++;
    berth_dbus_switch_call_get_definition(proxy, self->cancellable, definition_loaded, load);
}

static void
object_added(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
    MgrSwitchManager *self = user_data;

    load_switch(self, object);
    rebuild_list(self);
    update(self);
}

static void
object_removed(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
    MgrSwitchManager *self = user_data;
    guint index;
    SwitchItem *item = find_item(self, g_dbus_object_get_object_path(object), &index);

    if (item == NULL)
        return;
    g_ptr_array_remove_index(self->items, index);
    if (self->selected == (int)index)
        self->selected = SELECT_NEW;
    else if (self->selected > (int)index)
        self->selected--;
    rebuild_list(self);
    show_selected(self);
}

static void
adapters_listed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    MgrSwitchManager *self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) adapters = NULL;

    if (!berth_dbus_host_call_list_adapters_finish(BERTH_DBUS_HOST(source), &adapters, result,
                                                   &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        self->adapters_error = mgr_dialog_error_text(error);
    }
    g_clear_pointer(&self->adapters, g_ptr_array_unref);
    self->adapters = mgr_adapter_infos_from_variant(adapters);
    loaded_one(self);
}

static void
load_mac_range(MgrSwitchManager *self)
{
    BerthDBusHost *host = mgr_client_get_host(self->client);
    GVariant *range = host != NULL ? berth_dbus_host_get_mac_address_range(host) : NULL;

    g_clear_pointer(&self->mac_first, g_free);
    g_clear_pointer(&self->mac_last, g_free);
    if (range != NULL)
        g_variant_get(range, "(ss)", &self->mac_first, &self->mac_last);
    self->updating = TRUE;
    gtk_editable_set_text(GTK_EDITABLE(self->mac_first_entry),
                          self->mac_first != NULL ? self->mac_first : "");
    gtk_editable_set_text(GTK_EDITABLE(self->mac_last_entry),
                          self->mac_last != NULL ? self->mac_last : "");
    self->updating = FALSE;
    self->mac_dirty = FALSE;
}

/* ---- Create and Remove --------------------------------------------------------------------------
 */

static void
create_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrSwitchManager *self = MGR_SWITCH_MANAGER(widget);
    SwitchItem *item = g_new0(SwitchItem, 1);

    item->edited = hvx_switch_def_new(new_type(self));
    g_free(item->edited->name);
    item->edited->name = g_strdup(_("New Virtual Switch"));
    item->dirty = TRUE;
    g_ptr_array_add(self->items, item);
    self->selected = (int)self->items->len - 1;
    show_selected(self);
    rebuild_list(self);
    gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
}

static void
switch_deleted(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(MgrSwitchManager) self = user_data;
    g_autoptr(GError) error = NULL;

    self->applying = FALSE;
    if (!berth_dbus_switch_call_delete_finish(BERTH_DBUS_SWITCH(source), result, &error)) {
        g_autofree char *heading =
            g_strdup_printf(_("The virtual switch “%s” could not be removed"),
                            berth_dbus_switch_get_name(BERTH_DBUS_SWITCH(source)));

        mgr_dialog_show_error(GTK_WINDOW(self), heading, error);
    }
    /* Success: the object manager reports the switch gone, which updates the list. */
    update(self);
}

static void
remove_confirmed(AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
    MgrSwitchManager *self = user_data;
    SwitchItem *item = selected_item(self);
    g_autoptr(BerthDBusSwitch) proxy = NULL;

    if (!g_str_equal(response, "remove") || item == NULL)
        return;
    proxy = item_proxy(self, item);
    if (proxy == NULL)
        return;
    self->applying = TRUE;
    update(self);
    berth_dbus_switch_call_delete(proxy, NULL, switch_deleted, g_object_ref(self));
}

static void
remove_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrSwitchManager *self = MGR_SWITCH_MANAGER(widget);
    SwitchItem *item = selected_item(self);
    GtkWidget *dialog;
    g_autofree char *heading = NULL;
    const char *body;

    if (item == NULL)
        return;
    if (item->object_path == NULL) {
        /* Never applied: it only exists here. */
        g_ptr_array_remove_index(self->items, (guint)self->selected);
        self->selected = SELECT_NEW;
        rebuild_list(self);
        show_selected(self);
        return;
    }
    heading = g_strdup_printf(_("Remove the virtual switch “%s”?"), item->stored->name);
    body = item->stored->type == HVX_SWITCH_TYPE_EXTERNAL
               ? _("The adapter gets its addresses back; the host's network connection may be "
                   "interrupted for a moment. Virtual machines connected to the switch lose "
                   "their network.")
               : _("Virtual machines connected to the switch lose their network.");
    dialog = adw_message_dialog_new(GTK_WINDOW(self), heading, body);
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"), "remove",
                                     _("_Remove"), NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "remove",
                                               ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
    g_signal_connect(dialog, "response", G_CALLBACK(remove_confirmed), self);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* ---- Apply / OK / Cancel ------------------------------------------------------------------------
 */

static void
apply_failed(MgrSwitchManager *self, const char *heading, const GError *error)
{
    self->applying = FALSE;
    self->close_after_apply = FALSE;
    rebuild_list(self);
    show_selected(self);
    mgr_dialog_show_error(GTK_WINDOW(self), heading, error);
}

typedef struct {
    MgrSwitchManager *self;
    SwitchItem *item;
} DefineData;

static void
switch_defined(GObject *source, GAsyncResult *result, gpointer user_data)
{
    DefineData *define = user_data;
    g_autoptr(MgrSwitchManager) self = define->self;
    SwitchItem *item = define->item;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;

    g_free(define);
    if (!berth_dbus_host_call_define_switch_finish(BERTH_DBUS_HOST(source), &path, result,
                                                   &error)) {
        g_autofree char *heading =
            g_strdup_printf(_("The virtual switch “%s” could not be applied"), item->edited->name);

        apply_failed(self, heading, error);
        return;
    }
    g_free(item->object_path);
    item->object_path = g_steal_pointer(&path);
    g_clear_pointer(&item->stored, hvx_switch_def_free);
    item->stored = def_copy(item->edited);
    item->dirty = FALSE;
    apply_next(self);
}

static void
mac_set(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(MgrSwitchManager) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!berth_dbus_host_call_set_mac_address_range_finish(BERTH_DBUS_HOST(source), result,
                                                           &error)) {
        apply_failed(self, _("The MAC address range could not be changed"), error);
        return;
    }
    g_free(self->mac_first);
    self->mac_first = g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->mac_first_entry)));
    g_free(self->mac_last);
    self->mac_last = g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->mac_last_entry)));
    self->mac_dirty = FALSE;
    apply_next(self);
}

/* Applies the changed items one after the other; stops at the first failure. */
static void
apply_next(MgrSwitchManager *self)
{
    BerthDBusHost *host = mgr_client_get_host(self->client);

    for (guint i = 0; i < self->items->len; i++) {
        SwitchItem *item = g_ptr_array_index(self->items, i);
        g_autoptr(HvxSwitchDef) def = NULL;
        g_autofree char *xml = NULL;
        DefineData *define;

        if (!item->dirty || item->edited == NULL)
            continue;
        /* A new switch gets its uuid here, so a failed first try and a retry stay one. */
        hvx_switch_def_ensure_uuid(item->edited);
        xml = hvx_switch_def_format(item->edited);
        define = g_new0(DefineData, 1);
        define->self = g_object_ref(self);
        define->item = item;
        berth_dbus_host_call_define_switch(host, xml, NULL, switch_defined, define);
        return;
    }
    if (self->mac_dirty) {
        berth_dbus_host_call_set_mac_address_range(
            host, gtk_editable_get_text(GTK_EDITABLE(self->mac_first_entry)),
            gtk_editable_get_text(GTK_EDITABLE(self->mac_last_entry)), NULL, mac_set,
            g_object_ref(self));
        return;
    }
    self->applying = FALSE;
    if (self->close_after_apply) {
        gtk_window_destroy(GTK_WINDOW(self));
        return;
    }
    rebuild_list(self);
    show_selected(self);
}

static void
connectivity_confirmed(AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
    MgrSwitchManager *self = user_data;

    if (g_str_equal(response, "apply")) {
        apply_next(self);
        return;
    }
    self->applying = FALSE;
    self->close_after_apply = FALSE;
    update(self);
}

static void
start_apply(MgrSwitchManager *self, gboolean close_after)
{
    int invalid = SELECT_NEW;
    gboolean may_cut = FALSE;

    if (self->applying)
        return;
    update(self);
    if (!everything_valid(self, &invalid)) {
        self->selected = invalid;
        show_selected(self);
        rebuild_list(self);
        return;
    }
    self->applying = TRUE;
    self->close_after_apply = close_after;
    update(self);
    for (guint i = 0; i < self->items->len; i++) {
        SwitchItem *item = g_ptr_array_index(self->items, i);

        if (item->dirty && mgr_switch_plan_may_cut_host(item->stored, item->edited, self->adapters))
            may_cut = TRUE;
    }
    if (may_cut) {
        GtkWidget *dialog = adw_message_dialog_new(
            GTK_WINDOW(self), _("Apply Networking Changes"),
            _("Pending changes may disrupt network connectivity of this computer: the "
              "network adapter's addresses move to or from the virtual switch. Do you want to "
              "apply these changes?"));

        adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", _("_Cancel"),
                                         "apply", _("_Apply"), NULL);
        adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "apply",
                                                   ADW_RESPONSE_DESTRUCTIVE);
        adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
        adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(dialog), "cancel");
        g_signal_connect(dialog, "response", G_CALLBACK(connectivity_confirmed), self);
        gtk_window_present(GTK_WINDOW(dialog));
        return;
    }
    apply_next(self);
}

static void
apply_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    start_apply(MGR_SWITCH_MANAGER(widget), FALSE);
}

static void
ok_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    start_apply(MGR_SWITCH_MANAGER(widget), TRUE);
}

static void
cancel_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrSwitchManager *self = MGR_SWITCH_MANAGER(widget);

    if (!self->applying)
        gtk_window_destroy(GTK_WINDOW(self));
}

/* ---- Object --------------------------------------------------------------------------------- */

static void
mgr_switch_manager_dispose(GObject *object)
{
    MgrSwitchManager *self = MGR_SWITCH_MANAGER(object);

    g_cancellable_cancel(self->cancellable);
    if (self->client != NULL && mgr_client_get_manager(self->client) != NULL) {
        g_clear_signal_handler(&self->added_id, mgr_client_get_manager(self->client));
        g_clear_signal_handler(&self->removed_id, mgr_client_get_manager(self->client));
    }
    g_clear_object(&self->client);
    g_clear_object(&self->cancellable);
    g_clear_pointer(&self->items, g_ptr_array_unref);
    g_clear_pointer(&self->adapters, g_ptr_array_unref);
    g_clear_pointer(&self->adapter_checks, g_ptr_array_unref);
    g_clear_pointer(&self->adapters_error, g_free);
    g_clear_pointer(&self->mac_first, g_free);
    g_clear_pointer(&self->mac_last, g_free);
    g_clear_pointer(&self->list_signature, g_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), MGR_TYPE_SWITCH_MANAGER);
    G_OBJECT_CLASS(mgr_switch_manager_parent_class)->dispose(object);
}

static void
mgr_switch_manager_class_init(MgrSwitchManagerClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = mgr_switch_manager_dispose;
    mgr_dialog_ensure_resources();
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/berth/Manager/mgr-switch-manager.ui");
#define CHILD(name) gtk_widget_class_bind_template_child(widget_class, MgrSwitchManager, name)
    CHILD(item_list);
    CHILD(pages);
    CHILD(new_external_check);
    CHILD(new_internal_check);
    CHILD(new_private_check);
    CHILD(new_explanation);
    CHILD(name_entry);
    CHILD(notes_view);
    CHILD(external_check);
    CHILD(external_box);
    CHILD(adapter_list);
    CHILD(share_check);
    CHILD(internal_check);
    CHILD(internal_grid);
    CHILD(address_entry);
    CHILD(nat_check);
    CHILD(dhcp_check);
    CHILD(dhcp_first_entry);
    CHILD(dhcp_last_entry);
    CHILD(private_check);
    CHILD(type_explanation);
    CHILD(vlan_box);
    CHILD(vlan_check);
    CHILD(vlan_spin);
    CHILD(status_label);
    CHILD(switch_reason);
    CHILD(mac_first_entry);
    CHILD(mac_last_entry);
    CHILD(mac_reason);
    CHILD(global_reason);
    CHILD(ok_button);
    CHILD(cancel_button);
    CHILD(apply_button);
    CHILD(remove_button);
#undef CHILD
    gtk_widget_class_install_action(widget_class, "switches.create", NULL, create_activated);
    gtk_widget_class_install_action(widget_class, "switches.remove", NULL, remove_activated);
    gtk_widget_class_install_action(widget_class, "switches.apply", NULL, apply_activated);
    gtk_widget_class_install_action(widget_class, "switches.ok", NULL, ok_activated);
    gtk_widget_class_install_action(widget_class, "switches.cancel", NULL, cancel_activated);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Escape, 0, "switches.cancel", NULL);
}

static void
mgr_switch_manager_init(MgrSwitchManager *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->items = g_ptr_array_new_with_free_func((GDestroyNotify)switch_item_free);
    self->adapter_checks = g_ptr_array_new();
    self->selected = SELECT_NEW;
    self->cancellable = g_cancellable_new();
    gtk_list_box_set_header_func(self->item_list, list_header, NULL, NULL);
    g_signal_connect(self->item_list, "row-selected", G_CALLBACK(row_selected), self);
    {
        GtkWidget *entries[] = {
            GTK_WIDGET(self->name_entry),       GTK_WIDGET(self->address_entry),
            GTK_WIDGET(self->dhcp_first_entry), GTK_WIDGET(self->dhcp_last_entry),
            GTK_WIDGET(self->mac_first_entry),  GTK_WIDGET(self->mac_last_entry),
        };
        GtkWidget *toggles[] = {
            GTK_WIDGET(self->new_external_check), GTK_WIDGET(self->new_internal_check),
            GTK_WIDGET(self->new_private_check),  GTK_WIDGET(self->external_check),
            GTK_WIDGET(self->internal_check),     GTK_WIDGET(self->private_check),
            GTK_WIDGET(self->share_check),        GTK_WIDGET(self->nat_check),
            GTK_WIDGET(self->dhcp_check),         GTK_WIDGET(self->vlan_check),
        };

        for (guint i = 0; i < G_N_ELEMENTS(entries); i++)
            g_signal_connect_swapped(entries[i], "changed", G_CALLBACK(update), self);
        for (guint i = 0; i < G_N_ELEMENTS(toggles); i++)
            g_signal_connect_swapped(toggles[i], "toggled", G_CALLBACK(update), self);
    }
    g_signal_connect_swapped(self->vlan_spin, "value-changed", G_CALLBACK(update), self);
    g_signal_connect_swapped(gtk_text_view_get_buffer(self->notes_view), "changed",
                             G_CALLBACK(update), self);
}

MgrSwitchManager *
mgr_switch_manager_new(GtkWindow *parent, MgrClient *client)
{
    MgrSwitchManager *self;
    GDBusObjectManager *manager;
    BerthDBusHost *host;

    g_return_val_if_fail(parent == NULL || GTK_IS_WINDOW(parent), NULL);
    g_return_val_if_fail(MGR_IS_CLIENT(client), NULL);

    self = g_object_new(MGR_TYPE_SWITCH_MANAGER, "transient-for", parent, NULL);
    self->client = g_object_ref(client);
    manager = mgr_client_get_manager(client);
    host = mgr_client_get_host(client);
    if (manager != NULL) {
        GList *objects = g_dbus_object_manager_get_objects(manager);

        for (GList *l = objects; l != NULL; l = l->next)
            load_switch(self, l->data);
        g_list_free_full(objects, g_object_unref);
        self->added_id = g_signal_connect(manager, "object-added", G_CALLBACK(object_added), self);
        self->removed_id =
            g_signal_connect(manager, "object-removed", G_CALLBACK(object_removed), self);
    }
    if (host != NULL) {
        self->loading++;
        berth_dbus_host_call_list_adapters(host, self->cancellable, adapters_listed, self);
    } else {
        self->adapters_error = g_strdup(_("Berth Manager is not connected to berthd."));
    }
    load_mac_range(self);
    rebuild_list(self);
    show_selected(self);
    return self;
}
