/* mgr-vm-details.c: live figures come from the VM's properties; notes and memory settings from
 * its definition (GetDefinition, read with libhvx), fetched again when the VM changes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "hvx.h"
#include "mgr-format.h"
#include "mgr-thumbnail.h"
#include "mgr-vm-details.h"

struct _MgrVmDetails {
    GtkWidget parent_instance;

    GtkLabel *vm_name;
    MgrThumbnail *thumbnail;
    GtkGrid *summary_grid;
    GtkGrid *memory_grid;
    GtkGrid *network_grid;

    MgrClient *client;
    BerthDBusHost *host;
    BerthDBusVirtualMachine *vm;
    HvxVmDef *def; /* NULL until GetDefinition answers */
    GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE(MgrVmDetails, mgr_vm_details, GTK_TYPE_WIDGET)

#define NONE "—"

/* Removes the lines from @row on. */
static void
grid_trim(GtkGrid *grid, int row)
{
    GtkWidget *key;

    while ((key = gtk_grid_get_child_at(grid, 0, row)) != NULL) {
        GtkWidget *val = gtk_grid_get_child_at(grid, 1, row);

        gtk_grid_remove(grid, key);
        if (val != NULL)
            gtk_grid_remove(grid, val);
        row++;
    }
}

/* One "Field: value" line; the value is selectable and named by the field for screen readers.
 * Lines are kept and only their texts change: the figures change every second or two, and
 * widgets that come and go that often would keep screen readers busy. */
static void
grid_add(GtkGrid *grid, int *row, const char *field, const char *value)
{
    GtkWidget *key = gtk_grid_get_child_at(grid, 0, *row);
    GtkWidget *val = gtk_grid_get_child_at(grid, 1, *row);
    const char *text = value != NULL && *value != '\0' ? value : NONE;

    if (key == NULL || val == NULL) {
        grid_trim(grid, *row);
        key = gtk_label_new(NULL);
        val = gtk_label_new(NULL);
        gtk_label_set_xalign(GTK_LABEL(key), 0.0);
        gtk_label_set_yalign(GTK_LABEL(key), 0.0);
        gtk_widget_add_css_class(key, "dim-label");
        gtk_label_set_xalign(GTK_LABEL(val), 0.0);
        gtk_label_set_wrap(GTK_LABEL(val), TRUE);
        gtk_label_set_selectable(GTK_LABEL(val), TRUE);
        gtk_widget_set_hexpand(val, TRUE);
        gtk_grid_attach(grid, key, 0, *row, 1, 1);
        gtk_grid_attach(grid, val, 1, *row, 1, 1);
    }
    /* Named by a string, not a relation to the key label: GTK 4.8's AT-SPI code crashes when
     * asked about a relation whose target has no accessible object yet. */
    if (g_strcmp0(gtk_label_get_text(GTK_LABEL(key)), field) != 0) {
        gtk_label_set_text(GTK_LABEL(key), field);
        gtk_accessible_update_property(GTK_ACCESSIBLE(val), GTK_ACCESSIBLE_PROPERTY_LABEL, field,
                                       -1);
    }
    if (g_strcmp0(gtk_label_get_text(GTK_LABEL(val)), text) != 0)
        gtk_label_set_text(GTK_LABEL(val), text);
    (*row)++;
}

static void
mgr_vm_details_show_summary(MgrVmDetails *self)
{
    BerthDBusVirtualMachine *vm = self->vm;
    g_autofree char *generation = NULL;
    g_autofree char *version = NULL;
    g_autofree char *uptime = NULL;
    const char *accel;
    int row = 0;

    if (vm == NULL) {
        grid_trim(self->summary_grid, 0);
        return;
    }
    generation = g_strdup_printf("%u", berth_dbus_virtual_machine_get_generation(vm));
    if (self->host != NULL)
        /* Translators: the Summary's version: the berthd that keeps this VM. */
        version = g_strdup_printf(_("Berth %s"), berth_dbus_host_get_version(self->host));
    uptime = mgr_format_uptime(berth_dbus_virtual_machine_get_uptime(vm));
    accel = berth_dbus_virtual_machine_get_accelerator(vm);
    grid_add(self->summary_grid, &row, _("Generation:"), generation);
    grid_add(self->summary_grid, &row, _("Version:"), version);
    grid_add(self->summary_grid, &row, _("State:"),
             mgr_format_state(berth_dbus_virtual_machine_get_state(vm)));
    grid_add(self->summary_grid, &row, _("Uptime:"), uptime);
    grid_add(self->summary_grid, &row, _("Heartbeat:"),
             mgr_format_heartbeat(berth_dbus_virtual_machine_get_heartbeat(vm)));
    grid_add(self->summary_grid, &row, _("Accelerator:"),
             accel != NULL && *accel != '\0' ? accel : NULL);
    grid_add(self->summary_grid, &row, _("Status:"), berth_dbus_virtual_machine_get_status(vm));
    grid_add(self->summary_grid, &row, _("Notes:"), self->def != NULL ? self->def->notes : NULL);
    grid_trim(self->summary_grid, row);
}

static char *
mib_text(guint64 mib)
{
    return mgr_format_memory(mib * 1024 * 1024);
}

static void
mgr_vm_details_show_memory(MgrVmDetails *self)
{
    g_autofree char *assigned = NULL;
    g_autofree char *startup = NULL;
    g_autofree char *minimum = NULL;
    g_autofree char *maximum = NULL;
    HvxVmDef *def = self->def;
    int row = 0;

    if (self->vm == NULL) {
        grid_trim(self->memory_grid, 0);
        return;
    }
    assigned = mgr_format_memory(berth_dbus_virtual_machine_get_assigned_memory(self->vm));
    if (def != NULL) {
        guint64 scale = def->memory_unit == HVX_SIZE_UNIT_GIB ? 1024 : 1;

        startup = mib_text(hvx_vm_def_memory_startup_mib(def));
        if (def->memory_dynamic && def->has_memory_minimum)
            minimum = mib_text(def->memory_minimum * scale);
        if (def->memory_dynamic && def->has_memory_maximum)
            maximum = mib_text(def->memory_maximum * scale);
    }
    grid_add(self->memory_grid, &row, _("Startup memory:"), startup);
    grid_add(self->memory_grid, &row, _("Dynamic memory:"),
             def == NULL           ? NULL
             : def->memory_dynamic ? _("Enabled")
                                   : _("Disabled"));
    grid_add(self->memory_grid, &row, _("Minimum memory:"), minimum);
    grid_add(self->memory_grid, &row, _("Maximum memory:"), maximum);
    grid_add(self->memory_grid, &row, _("Assigned memory:"), assigned);
    grid_trim(self->memory_grid, row);
}

static void
mgr_vm_details_show_network(MgrVmDetails *self)
{
    g_autoptr(GVariant) adapters = NULL;
    GVariantIter iter;
    GVariant *adapter;
    int row = 0;
    guint n = 0;

    if (self->vm == NULL) {
        grid_trim(self->network_grid, 0);
        return;
    }
    adapters = g_dbus_proxy_get_cached_property(G_DBUS_PROXY(self->vm), "NetworkAdapters");
    if (adapters != NULL && g_variant_is_of_type(adapters, G_VARIANT_TYPE("aa{sv}"))) {
        g_variant_iter_init(&iter, adapters);
        while ((adapter = g_variant_iter_next_value(&iter)) != NULL) {
            g_autoptr(GVariantDict) dict = g_variant_dict_new(adapter);
            const char *sw = NULL, *mac = NULL, *status = NULL;
            g_autofree const char **addresses = NULL;
            g_autofree char *joined = NULL;
            g_autofree char *heading = NULL;

            g_variant_dict_lookup(dict, "switch", "&s", &sw);
            g_variant_dict_lookup(dict, "mac", "&s", &mac);
            g_variant_dict_lookup(dict, "status", "&s", &status);
            if (g_variant_dict_lookup(dict, "addresses", "^a&s", &addresses))
                joined = g_strjoinv(", ", (char **)addresses);
            /* Translators: a heading per network adapter; %u counts from 1. */
            heading = g_strdup_printf(_("Network adapter %u"), ++n);
            grid_add(self->network_grid, &row, heading, "");
            grid_add(self->network_grid, &row, _("Switch:"),
                     sw != NULL && *sw != '\0' ? sw : _("Not connected"));
            grid_add(self->network_grid, &row, _("MAC address:"), mac);
            grid_add(self->network_grid, &row, _("Status:"), status);
            grid_add(self->network_grid, &row, _("IP addresses:"), joined);
            g_variant_unref(adapter);
        }
    }
    if (n == 0)
        grid_add(self->network_grid, &row, _("Network adapters:"), NULL);
    grid_trim(self->network_grid, row);
}

static void
mgr_vm_details_show(MgrVmDetails *self)
{
    gtk_label_set_text(self->vm_name,
                       self->vm != NULL ? berth_dbus_virtual_machine_get_name(self->vm) : "");
    mgr_vm_details_show_summary(self);
    mgr_vm_details_show_memory(self);
    mgr_vm_details_show_network(self);
}

static void
definition_ready(GObject *source, GAsyncResult *result, gpointer user_data)
{
    MgrVmDetails *self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;

    if (!berth_dbus_virtual_machine_call_get_definition_finish(BERTH_DBUS_VIRTUAL_MACHINE(source),
                                                               &xml, result, &error)) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_debug("GetDefinition failed: %s", error->message);
        return;
    }
    g_clear_object(&self->cancellable);
    g_clear_pointer(&self->def, hvx_vm_def_free);
    self->def = hvx_vm_def_parse_string(xml, -1, "vm.xml", &error);
    if (self->def == NULL)
        g_debug("berthd's definition does not parse: %s", error->message);
    mgr_vm_details_show(self);
}

void
mgr_vm_details_refresh(MgrVmDetails *self)
{
    g_return_if_fail(MGR_IS_VM_DETAILS(self));

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    mgr_vm_details_show(self);
    if (self->vm == NULL)
        return;
    self->cancellable = g_cancellable_new();
    berth_dbus_virtual_machine_call_get_definition(self->vm, self->cancellable, definition_ready,
                                                   self);
}

static gboolean
changed_has(GVariant *changed, const char *key)
{
    g_autoptr(GVariant) value = g_variant_lookup_value(changed, key, NULL);

    return value != NULL;
}

/* Live figures: redraw what they touch. A state change may follow a new definition (revert). */
static void
vm_properties_changed(GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer user_data)
{
    MgrVmDetails *self = user_data;

    if (changed_has(changed, "CurrentCheckpoint") || changed_has(changed, "Name"))
        mgr_vm_details_refresh(self);
    else
        mgr_vm_details_show(self);
}

void
mgr_vm_details_set_vm(MgrVmDetails *self, BerthDBusVirtualMachine *vm)
{
    g_return_if_fail(MGR_IS_VM_DETAILS(self));

    if (self->vm == vm)
        return;
    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_set_object(&self->vm, vm);
    g_clear_pointer(&self->def, hvx_vm_def_free);
    /* After the proxy's own handler, which drops its cached copies of changed strv properties:
     * before it, a getter would still return the previous value. */
    if (vm != NULL)
        g_signal_connect_object(vm, "g-properties-changed", G_CALLBACK(vm_properties_changed), self,
                                G_CONNECT_AFTER);
    mgr_thumbnail_set_vm(self->thumbnail, vm);
    mgr_vm_details_refresh(self);
}

void
mgr_vm_details_set_client(MgrVmDetails *self, MgrClient *client)
{
    g_return_if_fail(MGR_IS_VM_DETAILS(self));
    g_set_object(&self->client, client);
}

void
mgr_vm_details_set_host(MgrVmDetails *self, BerthDBusHost *host)
{
    g_return_if_fail(MGR_IS_VM_DETAILS(self));
    g_set_object(&self->host, host);
    mgr_vm_details_show(self);
}

static void
mgr_vm_details_dispose(GObject *object)
{
    MgrVmDetails *self = MGR_VM_DETAILS(object);

    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_clear_object(&self->vm);
    g_clear_object(&self->host);
    g_clear_object(&self->client);
    g_clear_pointer(&self->def, hvx_vm_def_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), MGR_TYPE_VM_DETAILS);
    G_OBJECT_CLASS(mgr_vm_details_parent_class)->dispose(object);
}

static void
mgr_vm_details_class_init(MgrVmDetailsClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = mgr_vm_details_dispose;
    g_type_ensure(MGR_TYPE_THUMBNAIL);
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/berth/Manager/mgr-vm-details.ui");
    gtk_widget_class_bind_template_child(widget_class, MgrVmDetails, vm_name);
    gtk_widget_class_bind_template_child(widget_class, MgrVmDetails, thumbnail);
    gtk_widget_class_bind_template_child(widget_class, MgrVmDetails, summary_grid);
    gtk_widget_class_bind_template_child(widget_class, MgrVmDetails, memory_grid);
    gtk_widget_class_bind_template_child(widget_class, MgrVmDetails, network_grid);
    gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
mgr_vm_details_init(MgrVmDetails *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
