/* mgr-settings-network.c: the Settings sections for the network adapters (switch, VLAN,
 * bandwidth, MAC address, guards; legacy adapters on Generation 1) and the COM ports.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-settings-page.h"

#define ADAPTER(widget) ((HvxNetworkAdapterDef *)g_object_get_data(G_OBJECT(widget), "adapter"))

static void
switch_changed(AdwComboRow *row, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    HvxNetworkAdapterDef *adapter = ADAPTER(row);
    guint selected = adw_combo_row_get_selected(row);
    GtkStringObject *item = adw_combo_row_get_selected_item(row);

    g_free(adapter->switch_name);
    adapter->switch_name =
        selected == 0 || item == NULL ? NULL : g_strdup(gtk_string_object_get_string(item));
    mgr_settings_context_changed(ctx);
}

static void
vlan_changed(GtkWidget *widget, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    GtkWidget *page = gtk_widget_get_ancestor(widget, ADW_TYPE_PREFERENCES_PAGE);
    GtkSwitch *enabled = g_object_get_data(G_OBJECT(page), "mgr-widget:vlan-enabled");
    GtkSpinButton *id = g_object_get_data(G_OBJECT(page), "mgr-widget:vlan");
    HvxNetworkAdapterDef *adapter = ADAPTER(widget);

    adapter->vlan = gtk_switch_get_active(enabled) ? (guint)gtk_spin_button_get_value(id) : 0;
    gtk_widget_set_sensitive(GTK_WIDGET(id), gtk_switch_get_active(enabled));
    mgr_settings_context_changed(ctx);
}

static void
bandwidth_changed(GtkSpinButton *spin, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    ADAPTER(spin)->bandwidth_max = (guint)gtk_spin_button_get_value(spin);
    mgr_settings_context_changed(ctx);
}

static void
mac_changed(GtkWidget *widget, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    GtkWidget *page = gtk_widget_get_ancestor(widget, ADW_TYPE_PREFERENCES_PAGE);
    GtkSwitch *fixed = g_object_get_data(G_OBJECT(page), "mgr-widget:static-mac");
    GtkEditable *mac = g_object_get_data(G_OBJECT(page), "mgr-widget:mac");
    HvxNetworkAdapterDef *adapter = ADAPTER(widget);

    g_free(adapter->mac);
    adapter->mac =
        gtk_switch_get_active(fixed) ? g_strdup(gtk_editable_get_text(mac)) : g_strdup("dynamic");
    gtk_widget_set_sensitive(GTK_WIDGET(mac), gtk_switch_get_active(fixed));
    mgr_settings_context_changed(ctx);
}

static void
guard_changed(GtkSwitch *sw, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    HvxNetworkAdapterDef *adapter = ADAPTER(sw);
    const char *which = g_object_get_data(G_OBJECT(sw), "which");
    gboolean active = gtk_switch_get_active(sw);

    if (g_str_equal(which, "mac-spoofing"))
        adapter->mac_spoofing = active;
    else if (g_str_equal(which, "dhcp-guard"))
        adapter->dhcp_guard = active;
    else
        adapter->router_guard = active;
    mgr_settings_context_changed(ctx);
}

static void
remove_clicked(GtkButton *button, MgrSettingsContext *ctx)
{
    g_ptr_array_remove(ctx->def->network_adapters, ADAPTER(button));
    mgr_settings_context_changed(ctx);
    mgr_settings_context_rebuild(ctx);
}

static void
adapter_section(MgrSettingsContext *ctx, GPtrArray *sections, HvxNetworkAdapterDef *adapter,
                guint index)
{
    g_autofree char *id = g_strdup_printf("network-%u", index);
    MgrSettingsSection *section = mgr_settings_section_new(
        sections, id, adapter->legacy ? _("Legacy Network Adapter") : _("Network Adapter"),
        "network-wired-symbolic");
    AdwPreferencesGroup *group;
    g_autoptr(GtkStringList) names = gtk_string_list_new(NULL);
    GtkWidget *combo = adw_combo_row_new();
    guint selected = 0;
    gboolean known = adapter->switch_name == NULL;
    GtkWidget *sw;
    GtkWidget *spin;
    GtkWidget *mac;
    GtkWidget *button;
    struct {
        const char *which;
        const char *title;
        const char *subtitle;
        gboolean active;
    } guards[] = {
        {"mac-spoofing", _("Enable MAC address _spoofing"),
         _("Lets the guest send frames from other MAC addresses"), adapter->mac_spoofing},
        {"dhcp-guard", _("Enable DHCP _guard"),
         _("Drops DHCP server messages from unauthorized virtual machines"), adapter->dhcp_guard},
        {"router-guard", _("Enable _router advertisement guard"),
         _("Drops router advertisements and redirects from unauthorized virtual machines"),
         adapter->router_guard},
    };

    group = mgr_settings_group(
        section, _("Virtual switch"),
        _("Specify the configuration of the network adapter or remove the network adapter."));
    gtk_string_list_append(names, _("Not connected"));
    for (guint i = 0; ctx->switches[i] != NULL; i++) {
        gtk_string_list_append(names, ctx->switches[i]);
        if (g_strcmp0(ctx->switches[i], adapter->switch_name) == 0) {
            selected = i + 1;
            known = TRUE;
        }
    }
    if (!known) {
        /* A switch berthd does not have (yet): keep it choosable as it is. */
        gtk_string_list_append(names, adapter->switch_name);
        selected = g_list_model_get_n_items(G_LIST_MODEL(names)) - 1;
    }
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(combo), _("Virtual _switch"));
    adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(combo), TRUE);
    adw_combo_row_set_model(ADW_COMBO_ROW(combo), G_LIST_MODEL(names));
    adw_combo_row_set_selected(ADW_COMBO_ROW(combo), selected);
    g_object_set_data(G_OBJECT(combo), "adapter", adapter);
    g_signal_connect(combo, "notify::selected", G_CALLBACK(switch_changed), ctx);
    adw_preferences_group_add(group, combo);
    mgr_settings_name_widget(section, combo, "switch");

    group = mgr_settings_group(section, _("VLAN ID"),
                               _("The virtual LAN identifier tags all network communication "
                                 "through this network adapter."));
    sw = mgr_settings_switch_row(group, _("Enable _virtual LAN identification"), NULL,
                                 adapter->vlan > 0);
    spin = mgr_settings_spin_row(group, _("VLAN _identifier"), NULL, 1, HVX_VLAN_MAX, 1,
                                 adapter->vlan > 0 ? adapter->vlan : 2);
    gtk_widget_set_sensitive(spin, adapter->vlan > 0);
    g_object_set_data(G_OBJECT(sw), "adapter", adapter);
    g_object_set_data(G_OBJECT(spin), "adapter", adapter);
    mgr_settings_name_widget(section, sw, "vlan-enabled");
    mgr_settings_name_widget(section, spin, "vlan");
    g_signal_connect(sw, "notify::active", G_CALLBACK(vlan_changed), ctx);
    g_signal_connect(spin, "notify::value", G_CALLBACK(vlan_changed), ctx);

    group = mgr_settings_group(section, _("Bandwidth Management"), NULL);
    spin = mgr_settings_spin_row(group, _("Maximum _bandwidth (Mbps)"), _("0 means unlimited"), 0,
                                 HVX_BANDWIDTH_MAX_MBITS, 10, adapter->bandwidth_max);
    g_object_set_data(G_OBJECT(spin), "adapter", adapter);
    g_signal_connect(spin, "notify::value", G_CALLBACK(bandwidth_changed), ctx);
    mgr_settings_name_widget(section, spin, "bandwidth");

    group = mgr_settings_group(section, _("MAC Address"), NULL);
    sw = mgr_settings_switch_row(group, _("Static _MAC address"),
                                 _("Otherwise berthd assigns one from the MAC address range"),
                                 g_strcmp0(adapter->mac, "dynamic") != 0);
    mac = adw_entry_row_new();
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(mac), _("MAC address"));
    gtk_editable_set_text(GTK_EDITABLE(mac),
                          g_strcmp0(adapter->mac, "dynamic") != 0 && adapter->mac != NULL
                              ? adapter->mac
                              : "52:54:00:00:00:01");
    gtk_widget_set_sensitive(mac, g_strcmp0(adapter->mac, "dynamic") != 0);
    adw_preferences_group_add(group, mac);
    g_object_set_data(G_OBJECT(sw), "adapter", adapter);
    g_object_set_data(G_OBJECT(mac), "adapter", adapter);
    mgr_settings_name_widget(section, sw, "static-mac");
    mgr_settings_name_widget(section, mac, "mac");
    g_signal_connect(sw, "notify::active", G_CALLBACK(mac_changed), ctx);
    g_signal_connect(mac, "notify::text", G_CALLBACK(mac_changed), ctx);
    for (guint i = 0; i < G_N_ELEMENTS(guards); i++) {
        sw = mgr_settings_switch_row(group, guards[i].title, guards[i].subtitle, guards[i].active);
        g_object_set_data(G_OBJECT(sw), "adapter", adapter);
        g_object_set_data(G_OBJECT(sw), "which", (gpointer)guards[i].which);
        g_signal_connect(sw, "notify::active", G_CALLBACK(guard_changed), ctx);
        mgr_settings_name_widget(section, sw, guards[i].which);
    }

    group = mgr_settings_group(section, NULL, NULL);
    button = gtk_button_new_with_mnemonic(_("_Remove Network Adapter"));
    gtk_widget_add_css_class(button, "destructive-action");
    gtk_widget_set_halign(button, GTK_ALIGN_END);
    g_object_set_data(G_OBJECT(button), "adapter", adapter);
    g_signal_connect(button, "clicked", G_CALLBACK(remove_clicked), ctx);
    adw_preferences_group_add(group, button);
    mgr_settings_name_widget(section, button, "remove");
}

/* ---- COM ports ------------------------------------------------------------------------------ */

static HvxComDef *
find_com(HvxVmDef *def, guint port)
{
    for (guint i = 0; i < def->com_ports->len; i++) {
        HvxComDef *com = g_ptr_array_index(def->com_ports, i);

        if (com->port == port)
            return com;
    }
    return NULL;
}

static void
com_changed(GtkWidget *widget, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    GtkWidget *page = gtk_widget_get_ancestor(widget, ADW_TYPE_PREFERENCES_PAGE);
    GtkSwitch *present = g_object_get_data(G_OBJECT(page), "mgr-widget:present");
    GtkSwitch *log = g_object_get_data(G_OBJECT(page), "mgr-widget:log");
    guint port = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(page), "port"));
    HvxComDef *com = find_com(ctx->def, port);

    if (gtk_switch_get_active(present) && com == NULL) {
        com = hvx_com_def_new(port);
        g_ptr_array_add(ctx->def->com_ports, com);
    } else if (!gtk_switch_get_active(present) && com != NULL) {
        g_ptr_array_remove(ctx->def->com_ports, com);
        com = NULL;
    }
    if (com != NULL)
        com->log = gtk_switch_get_active(log);
    gtk_widget_set_sensitive(GTK_WIDGET(log), com != NULL);
    mgr_settings_context_changed(ctx);
}

static void
com_section(MgrSettingsContext *ctx, GPtrArray *sections, guint port)
{
    g_autofree char *id = g_strdup_printf("com-%u", port);
    g_autofree char *title = g_strdup_printf(_("COM %u"), port);
    MgrSettingsSection *section =
        mgr_settings_section_new(sections, id, title, "utilities-terminal-symbolic");
    gboolean locked = mgr_settings_lock_note(ctx, section);
    HvxComDef *com = find_com(ctx->def, port);
    AdwPreferencesGroup *group = mgr_settings_group(
        section, title,
        port == 1 ? _("The serial port the guest's console usually uses. berthd keeps its output "
                      "readable (berth serial).")
                  : _("A second serial port."));
    GtkWidget *present = mgr_settings_switch_row(group, _("_Connected"), NULL, com != NULL);
    GtkWidget *log = mgr_settings_switch_row(group, _("Keep a _log of its output"), NULL,
                                             com != NULL && com->log);

    g_object_set_data(G_OBJECT(section->page), "port", GUINT_TO_POINTER(port));
    mgr_settings_name_widget(section, present, "present");
    mgr_settings_name_widget(section, log, "log");
    gtk_widget_set_sensitive(present, !locked);
    gtk_widget_set_sensitive(log, com != NULL && !locked);
    g_signal_connect(present, "notify::active", G_CALLBACK(com_changed), ctx);
    g_signal_connect(log, "notify::active", G_CALLBACK(com_changed), ctx);
}

void
mgr_settings_add_network_sections(MgrSettingsContext *ctx, GPtrArray *sections)
{
    for (guint i = 0; i < ctx->def->network_adapters->len; i++)
        adapter_section(ctx, sections, g_ptr_array_index(ctx->def->network_adapters, i), i);
    for (guint port = 1; port <= HVX_COM_PORTS; port++)
        com_section(ctx, sections, port);
}
