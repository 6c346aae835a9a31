/* mgr-settings-hardware.c: the Settings sections Add Hardware, Firmware / BIOS (boot order),
 * Security (Secure Boot, template, TPM; Generation 2), Memory and Processor.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-settings-page.h"

static guint
count_adapters(const HvxVmDef *def, gboolean legacy)
{
    guint n = 0;

    for (guint i = 0; i < def->network_adapters->len; i++)
        if (((HvxNetworkAdapterDef *)g_ptr_array_index(def->network_adapters, i))->legacy == legacy)
            n++;
    return n;
}

static guint
count_controllers(const HvxVmDef *def, HvxControllerType type)
{
    guint n = 0;

    for (guint i = 0; i < def->controllers->len; i++)
        if (((HvxControllerDef *)g_ptr_array_index(def->controllers, i))->type == type)
            n++;
    return n;
}

/* ---- Add Hardware --------------------------------------------------------------------------- */

static void
add_clicked(GtkButton *button, MgrSettingsContext *ctx)
{
    const char *what = g_object_get_data(G_OBJECT(button), "what");

    if (g_str_equal(what, "scsi")) {
        guint number = 0;
        gboolean taken = TRUE;

        while (taken && number < HVX_SCSI_CONTROLLERS) {
            taken = FALSE;
            for (guint i = 0; i < ctx->def->controllers->len; i++) {
                HvxControllerDef *c = g_ptr_array_index(ctx->def->controllers, i);

                if (c->type == HVX_CONTROLLER_SCSI && c->number == number)
                    taken = TRUE;
            }
            if (taken)
                number++;
        }
        g_ptr_array_add(ctx->def->controllers, hvx_controller_def_new(HVX_CONTROLLER_SCSI, number));
    } else {
        HvxNetworkAdapterDef *adapter = hvx_network_adapter_def_new();

        adapter->legacy = g_str_equal(what, "legacy");
        g_ptr_array_add(ctx->def->network_adapters, adapter);
    }
    mgr_settings_context_changed(ctx);
    mgr_settings_context_rebuild(ctx);
}

static void
add_row(MgrSettingsContext *ctx, MgrSettingsSection *section, AdwPreferencesGroup *group,
        const char *what, const char *title, const char *subtitle, gboolean possible,
        gboolean locked)
{
    GtkWidget *row = adw_action_row_new();
    GtkWidget *button = gtk_button_new_with_mnemonic(_("_Add"));
    g_autofree char *name = g_strdup_printf("add-%s", what);

    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
    adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
    gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
    gtk_widget_set_sensitive(button, possible && !locked);
    gtk_accessible_update_property(GTK_ACCESSIBLE(button), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                   -1);
    g_object_set_data_full(G_OBJECT(button), "what", g_strdup(what), g_free);
    g_signal_connect(button, "clicked", G_CALLBACK(add_clicked), ctx);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), button);
    adw_preferences_group_add(group, row);
    mgr_settings_name_widget(section, button, name);
}

static void
add_hardware(MgrSettingsContext *ctx, GPtrArray *sections)
{
    MgrSettingsSection *section =
        mgr_settings_section_new(sections, "add-hardware", _("Add Hardware"), "list-add-symbolic");
    gboolean locked = mgr_settings_lock_note(ctx, section);
    AdwPreferencesGroup *group = mgr_settings_group(
        section, _("Add Hardware"),
        _("You can use this setting to add devices to your virtual machine. Select the device you "
          "want to add and click Add."));

    add_row(ctx, section, group, "scsi", _("SCSI Controller"),
            _("Holds up to 64 hard disks and DVD drives"),
            count_controllers(ctx->def, HVX_CONTROLLER_SCSI) < HVX_SCSI_CONTROLLERS, locked);
    add_row(ctx, section, group, "network", _("Network Adapter"),
            _("A synthetic (virtio) network adapter"),
            count_adapters(ctx->def, FALSE) < HVX_SYNTHETIC_ADAPTERS_MAX, locked);
    if (ctx->def->generation == 1)
        add_row(ctx, section, group, "legacy", _("Legacy Network Adapter"),
                _("An emulated DEC 21140 adapter, for network boot and older guests"),
                count_adapters(ctx->def, TRUE) < HVX_LEGACY_ADAPTERS_MAX, locked);
}

/* ---- Firmware / BIOS ------------------------------------------------------------------------ */

static const char *
boot_device_label(HvxBootDevice device)
{
    switch (device) {
    case HVX_BOOT_DEVICE_DVD:
        return _("DVD Drive");
    case HVX_BOOT_DEVICE_DISK:
        return _("Hard Drive");
    case HVX_BOOT_DEVICE_NETWORK:
        return _("Network Adapter");
    case HVX_BOOT_DEVICE_FLOPPY:
        return _("Floppy");
    case HVX_BOOT_DEVICE_LAST:
        break;
    }
    return "";
}

static void fill_boot_list(MgrSettingsContext *ctx, GtkListBox *list, gboolean locked);

static void
move_clicked(GtkButton *button, MgrSettingsContext *ctx)
{
    GtkListBox *list = g_object_get_data(G_OBJECT(button), "list");
    guint index = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(button), "index"));
    gboolean up = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(button), "up"));
    GArray *order = ctx->def->boot_order;
    guint other = up ? index - 1 : index + 1;
    HvxBootDevice swap;

    if ((up && index == 0) || (!up && index + 1 >= order->len))
        return;
    swap = g_array_index(order, HvxBootDevice, index);
    g_array_index(order, HvxBootDevice, index) = g_array_index(order, HvxBootDevice, other);
    g_array_index(order, HvxBootDevice, other) = swap;
    fill_boot_list(ctx, list, FALSE);
    mgr_settings_context_changed(ctx);
}

static GtkWidget *
move_button(MgrSettingsContext *ctx, GtkListBox *list, guint index, gboolean up, const char *device)
{
    GtkWidget *button = gtk_button_new_from_icon_name(up ? "go-up-symbolic" : "go-down-symbolic");
    g_autofree char *label = g_strdup_printf(up ? _("Move %s up") : _("Move %s down"), device);

    gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class(button, "flat");
    gtk_widget_set_tooltip_text(button, label);
    gtk_accessible_update_property(GTK_ACCESSIBLE(button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                   -1);
    g_object_set_data(G_OBJECT(button), "list", list);
    g_object_set_data(G_OBJECT(button), "index", GUINT_TO_POINTER(index));
    g_object_set_data(G_OBJECT(button), "up", GINT_TO_POINTER(up));
    g_signal_connect(button, "clicked", G_CALLBACK(move_clicked), ctx);
    return button;
}

static void
fill_boot_list(MgrSettingsContext *ctx, GtkListBox *list, gboolean locked)
{
    GtkWidget *child;
    GArray *order = ctx->def->boot_order;

    while ((child = gtk_widget_get_first_child(GTK_WIDGET(list))) != NULL)
        gtk_list_box_remove(list, child);
    for (guint i = 0; i < order->len; i++) {
        HvxBootDevice device = g_array_index(order, HvxBootDevice, i);
        const char *label = boot_device_label(device);
        GtkWidget *row = adw_action_row_new();
        GtkWidget *up = move_button(ctx, list, i, TRUE, label);
        GtkWidget *down = move_button(ctx, list, i, FALSE, label);

        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), label);
        gtk_widget_set_sensitive(up, i > 0);
        gtk_widget_set_sensitive(down, i + 1 < order->len);
        adw_action_row_add_suffix(ADW_ACTION_ROW(row), up);
        adw_action_row_add_suffix(ADW_ACTION_ROW(row), down);
        gtk_list_box_append(list, row);
        {
            g_autofree char *up_key = g_strdup_printf("up-%u", i);
            g_autofree char *down_key = g_strdup_printf("down-%u", i);

            /* For tests: the buttons of each place in the order. */
            g_object_set_data(G_OBJECT(list), up_key, up);
            g_object_set_data(G_OBJECT(list), down_key, down);
        }
    }
    gtk_widget_set_sensitive(GTK_WIDGET(list), !locked);
}

static void
firmware(MgrSettingsContext *ctx, GPtrArray *sections)
{
    gboolean gen1 = ctx->def->generation == 1;
    MgrSettingsSection *section = mgr_settings_section_new(
        sections, "firmware", gen1 ? _("BIOS") : _("Firmware"), "application-x-firmware-symbolic");
    gboolean locked = mgr_settings_lock_note(ctx, section);
    AdwPreferencesGroup *group = mgr_settings_group(
        section, _("Boot order"),
        _("Select the order in which the virtual machine's firmware checks the devices for a "
          "bootable operating system."));
    GtkWidget *list = gtk_list_box_new();

    gtk_list_box_set_selection_mode(GTK_LIST_BOX(list), GTK_SELECTION_NONE);
    gtk_widget_add_css_class(list, "boxed-list");
    gtk_accessible_update_property(GTK_ACCESSIBLE(list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   _("Boot order"), -1);
    fill_boot_list(ctx, GTK_LIST_BOX(list), locked);
    adw_preferences_group_add(group, list);
    mgr_settings_name_widget(section, list, "boot-order");
}

/* ---- Security (Generation 2) -------------------------------------------------------------- */

static void
secure_boot_changed(GtkSwitch *sw, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    ctx->def->secure_boot = gtk_switch_get_active(sw);
    mgr_settings_context_changed(ctx);
}

static void
tpm_changed(GtkSwitch *sw, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    ctx->def->tpm = gtk_switch_get_active(sw);
    mgr_settings_context_changed(ctx);
}

static void
template_changed(AdwComboRow *row, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    guint selected = adw_combo_row_get_selected(row);

    if (selected < HVX_FIRMWARE_TEMPLATE_LAST)
        ctx->def->firmware_template = (HvxFirmwareTemplate)selected;
    mgr_settings_context_changed(ctx);
}

static void
security(MgrSettingsContext *ctx, GPtrArray *sections)
{
    MgrSettingsSection *section;
    gboolean locked;
    AdwPreferencesGroup *group;
    GtkWidget *sw;
    GtkWidget *combo;
    GtkStringList *templates;

    if (ctx->def->generation != 2)
        return;
    section =
        mgr_settings_section_new(sections, "security", _("Security"), "security-high-symbolic");
    locked = mgr_settings_lock_note(ctx, section);
    group = mgr_settings_group(section, _("Secure Boot"),
                               _("Use Secure Boot to help prevent unauthorized code from running "
                                 "at boot time (recommended)."));
    sw = mgr_settings_switch_row(group, _("Enable _Secure Boot"), NULL, ctx->def->secure_boot);
    gtk_widget_set_sensitive(sw, !locked);
    g_signal_connect(sw, "notify::active", G_CALLBACK(secure_boot_changed), ctx);
    mgr_settings_name_widget(section, sw, "secure-boot");

    templates = gtk_string_list_new(NULL);
    /* The order follows HvxFirmwareTemplate. */
    gtk_string_list_append(templates, _("Microsoft Windows"));
    gtk_string_list_append(templates, _("Microsoft UEFI Certificate Authority"));
    gtk_string_list_append(templates, _("Open Source"));
    combo = adw_combo_row_new();
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(combo), _("_Template"));
    adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(combo), TRUE);
    adw_combo_row_set_model(ADW_COMBO_ROW(combo), G_LIST_MODEL(templates));
    g_object_unref(templates);
    adw_combo_row_set_selected(ADW_COMBO_ROW(combo), ctx->def->firmware_template);
    gtk_widget_set_sensitive(combo, !locked);
    g_signal_connect(combo, "notify::selected", G_CALLBACK(template_changed), ctx);
    adw_preferences_group_add(group, combo);
    mgr_settings_name_widget(section, combo, "template");

    group = mgr_settings_group(section, _("Encryption Support"), NULL);
    sw = mgr_settings_switch_row(group, _("Enable _Trusted Platform Module"),
                                 _("A virtual TPM 2.0 (swtpm) whose state stays with the VM"),
                                 ctx->def->tpm);
    gtk_widget_set_sensitive(sw, !locked);
    g_signal_connect(sw, "notify::active", G_CALLBACK(tpm_changed), ctx);
    mgr_settings_name_widget(section, sw, "tpm");
}

/* ---- Memory -----------------------------------------------------------------------------------
 */

static guint64
to_mib(guint64 value, HvxSizeUnit unit)
{
    return unit == HVX_SIZE_UNIT_GIB ? value * 1024 : value;
}

static void
memory_changed(GtkWidget *widget, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    GtkWidget *page = gtk_widget_get_ancestor(widget, ADW_TYPE_PREFERENCES_PAGE);
    GtkSpinButton *startup = g_object_get_data(G_OBJECT(page), "mgr-widget:startup");
    GtkSwitch *dynamic = g_object_get_data(G_OBJECT(page), "mgr-widget:dynamic");
    GtkSpinButton *minimum = g_object_get_data(G_OBJECT(page), "mgr-widget:minimum");
    GtkSpinButton *maximum = g_object_get_data(G_OBJECT(page), "mgr-widget:maximum");
    HvxVmDef *def = ctx->def;

    def->memory_unit = HVX_SIZE_UNIT_MIB;
    def->memory_startup = (guint64)gtk_spin_button_get_value(startup);
    def->memory_dynamic = gtk_switch_get_active(dynamic);
    def->has_memory_minimum = def->memory_dynamic;
    def->has_memory_maximum = def->memory_dynamic;
    def->memory_minimum = (guint64)gtk_spin_button_get_value(minimum);
    def->memory_maximum = (guint64)gtk_spin_button_get_value(maximum);
    gtk_widget_set_sensitive(gtk_widget_get_ancestor(GTK_WIDGET(minimum), ADW_TYPE_ACTION_ROW),
                             def->memory_dynamic && gtk_widget_get_sensitive(GTK_WIDGET(dynamic)));
    gtk_widget_set_sensitive(gtk_widget_get_ancestor(GTK_WIDGET(maximum), ADW_TYPE_ACTION_ROW),
                             def->memory_dynamic && gtk_widget_get_sensitive(GTK_WIDGET(dynamic)));
    mgr_settings_context_changed(ctx);
}

static void
memory(MgrSettingsContext *ctx, GPtrArray *sections)
{
    MgrSettingsSection *section =
        mgr_settings_section_new(sections, "memory", _("Memory"), "media-flash-symbolic");
    gboolean locked = mgr_settings_lock_note(ctx, section);
    HvxVmDef *def = ctx->def;
    AdwPreferencesGroup *group = mgr_settings_group(
        section, _("Memory"), _("Specify the amount of memory that this virtual machine can use."));
    guint64 startup = to_mib(def->memory_startup, def->memory_unit);
    guint64 minimum =
        def->has_memory_minimum ? to_mib(def->memory_minimum, def->memory_unit) : MIN(startup, 512);
    guint64 maximum = def->has_memory_maximum ? to_mib(def->memory_maximum, def->memory_unit)
                                              : MAX(startup, 1024 * 1024);
    GtkWidget *widgets[4];

    widgets[0] = mgr_settings_spin_row(group, _("_Startup RAM (MB)"), NULL, HVX_MEMORY_MIN_MIB,
                                       (double)HVX_MEMORY_MAX_MIB, 256, (double)startup);
    group = mgr_settings_group(section, _("Dynamic Memory"),
                               _("You can allow the amount of memory available to this virtual "
                                 "machine to change dynamically within the range you set."));
    widgets[1] =
        mgr_settings_switch_row(group, _("Enable _Dynamic Memory"), NULL, def->memory_dynamic);
    widgets[2] = mgr_settings_spin_row(group, _("M_inimum RAM (MB)"), NULL, HVX_MEMORY_MIN_MIB,
                                       (double)HVX_MEMORY_MAX_MIB, 256, (double)minimum);
    widgets[3] = mgr_settings_spin_row(group, _("Ma_ximum RAM (MB)"), NULL, HVX_MEMORY_MIN_MIB,
                                       (double)HVX_MEMORY_MAX_MIB, 256, (double)maximum);
    mgr_settings_name_widget(section, widgets[0], "startup");
    mgr_settings_name_widget(section, widgets[1], "dynamic");
    mgr_settings_name_widget(section, widgets[2], "minimum");
    mgr_settings_name_widget(section, widgets[3], "maximum");
    for (guint i = 0; i < G_N_ELEMENTS(widgets); i++) {
        gtk_widget_set_sensitive(widgets[i], !locked);
        g_signal_connect(widgets[i], i == 1 ? "notify::active" : "notify::value",
                         G_CALLBACK(memory_changed), ctx);
    }
    gtk_widget_set_sensitive(gtk_widget_get_ancestor(widgets[2], ADW_TYPE_ACTION_ROW),
                             def->memory_dynamic && !locked);
    gtk_widget_set_sensitive(gtk_widget_get_ancestor(widgets[3], ADW_TYPE_ACTION_ROW),
                             def->memory_dynamic && !locked);
}

/* ---- Processor --------------------------------------------------------------------------------
 */

static void
processors_changed(GtkSpinButton *spin, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    ctx->def->processor_count = (guint)gtk_spin_button_get_value(spin);
    mgr_settings_context_changed(ctx);
}

static void
enlightenments_changed(GtkSwitch *sw, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    ctx->def->hyperv_enlightenments = gtk_switch_get_active(sw);
    mgr_settings_context_changed(ctx);
}

static void
processor(MgrSettingsContext *ctx, GPtrArray *sections)
{
    MgrSettingsSection *section =
        mgr_settings_section_new(sections, "processor", _("Processor"), "system-run-symbolic");
    gboolean locked = mgr_settings_lock_note(ctx, section);
    g_autofree char *limit = NULL;
    AdwPreferencesGroup *group;
    GtkWidget *spin;
    GtkWidget *sw;
    guint upper =
        MAX(ctx->host_cpus > 0 ? ctx->host_cpus : HVX_PROCESSORS_MAX, ctx->def->processor_count);

    limit = g_strdup_printf(_("This computer has %u logical processors."), ctx->host_cpus);
    group = mgr_settings_group(section, _("Processor"),
                               _("You can modify the number of virtual processors based on the "
                                 "number of processors on the physical computer."));
    spin = mgr_settings_spin_row(group, _("_Number of virtual processors"),
                                 ctx->host_cpus > 0 ? limit : NULL, HVX_PROCESSORS_MIN,
                                 MIN(upper, HVX_PROCESSORS_MAX), 1, ctx->def->processor_count);
    gtk_widget_set_sensitive(spin, !locked);
    g_signal_connect(spin, "notify::value", G_CALLBACK(processors_changed), ctx);
    mgr_settings_name_widget(section, spin, "count");
    sw = mgr_settings_switch_row(group, _("_Hyper-V enlightenments"),
                                 _("Paravirtual interfaces that speed up Windows guests"),
                                 ctx->def->hyperv_enlightenments);
    gtk_widget_set_sensitive(sw, !locked);
    g_signal_connect(sw, "notify::active", G_CALLBACK(enlightenments_changed), ctx);
    mgr_settings_name_widget(section, sw, "enlightenments");
}

void
mgr_settings_add_hardware_sections(MgrSettingsContext *ctx, GPtrArray *sections)
{
    add_hardware(ctx, sections);
    firmware(ctx, sections);
    security(ctx, sections);
    memory(ctx, sections);
    processor(ctx, sections);
}
