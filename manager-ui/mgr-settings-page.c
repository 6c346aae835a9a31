/* mgr-settings-page.c: the Settings dialog's sections: helpers and their order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-settings-page.h"

void
mgr_settings_context_changed(MgrSettingsContext *ctx)
{
    ctx->changed(ctx->dialog);
}

void
mgr_settings_context_rebuild(MgrSettingsContext *ctx)
{
    ctx->rebuild(ctx->dialog);
}

void
mgr_settings_section_free(MgrSettingsSection *section)
{
    g_free(section->id);
    g_free(section->title);
    g_free(section->icon);
    g_clear_object(&section->page);
    g_free(section);
}

MgrSettingsSection *
mgr_settings_section_new(GPtrArray *sections, const char *id, const char *title, const char *icon)
{
    MgrSettingsSection *section = g_new0(MgrSettingsSection, 1);

    section->id = g_strdup(id);
    section->title = g_strdup(title);
    section->icon = g_strdup(icon);
    section->page = g_object_ref_sink(adw_preferences_page_new());
    adw_preferences_page_set_title(ADW_PREFERENCES_PAGE(section->page), title);
    g_ptr_array_add(sections, section);
    return section;
}

AdwPreferencesGroup *
mgr_settings_group(MgrSettingsSection *section, const char *title, const char *description)
{
    GtkWidget *group = adw_preferences_group_new();

    if (title != NULL)
        adw_preferences_group_set_title(ADW_PREFERENCES_GROUP(group), title);
    if (description != NULL)
        adw_preferences_group_set_description(ADW_PREFERENCES_GROUP(group), description);
    adw_preferences_page_add(ADW_PREFERENCES_PAGE(section->page), ADW_PREFERENCES_GROUP(group));
    return ADW_PREFERENCES_GROUP(group);
}

gboolean
mgr_settings_lock_note(MgrSettingsContext *ctx, MgrSettingsSection *section)
{
    AdwPreferencesGroup *group;
    GtkWidget *label;

    if (!ctx->running)
        return FALSE;
    group = mgr_settings_group(section, NULL, NULL);
    label = gtk_label_new(ctx->running_text);
    gtk_label_set_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_widget_add_css_class(label, "warning");
    adw_preferences_group_add(group, label);
    mgr_settings_name_widget(section, label, "locked");
    return TRUE;
}

GtkWidget *
mgr_settings_switch_row(AdwPreferencesGroup *group, const char *title, const char *subtitle,
                        gboolean active)
{
    GtkWidget *row = adw_action_row_new();
    GtkWidget *sw = gtk_switch_new();

    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
    adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), TRUE);
    if (subtitle != NULL)
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
    gtk_widget_set_valign(sw, GTK_ALIGN_CENTER);
    gtk_switch_set_active(GTK_SWITCH(sw), active);
    gtk_accessible_update_relation(GTK_ACCESSIBLE(sw), GTK_ACCESSIBLE_RELATION_LABELLED_BY, row,
                                   NULL, -1);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), sw);
    adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), sw);
    adw_preferences_group_add(group, row);
    return sw;
}

GtkWidget *
mgr_settings_spin_row(AdwPreferencesGroup *group, const char *title, const char *subtitle,
                      double lower, double upper, double step, double value)
{
    GtkWidget *row = adw_action_row_new();
    GtkWidget *spin = gtk_spin_button_new_with_range(lower, upper, step);

    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
    adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), TRUE);
    if (subtitle != NULL)
        adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
    gtk_widget_set_valign(spin, GTK_ALIGN_CENTER);
    gtk_spin_button_set_numeric(GTK_SPIN_BUTTON(spin), TRUE);
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(spin), value);
    gtk_accessible_update_relation(GTK_ACCESSIBLE(spin), GTK_ACCESSIBLE_RELATION_LABELLED_BY, row,
                                   NULL, -1);
    adw_action_row_add_suffix(ADW_ACTION_ROW(row), spin);
    adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), spin);
    adw_preferences_group_add(group, row);
    return spin;
}

void
mgr_settings_name_widget(MgrSettingsSection *section, GtkWidget *widget, const char *name)
{
    g_autofree char *key = g_strdup_printf("mgr-widget:%s", name);

    g_object_set_data(G_OBJECT(section->page), key, widget);
}

GPtrArray *
mgr_settings_build_sections(MgrSettingsContext *ctx)
{
    GPtrArray *sections = g_ptr_array_new_with_free_func((GDestroyNotify)mgr_settings_section_free);

    mgr_settings_add_hardware_sections(ctx, sections);
    mgr_settings_add_storage_sections(ctx, sections);
    mgr_settings_add_network_sections(ctx, sections);
    mgr_settings_add_management_sections(ctx, sections);
    return sections;
}
