/* mgr-settings-management.c: the Settings sections Name (and notes), Integration Services,
 * Checkpoints, Automatic Start Action and Automatic Stop Action.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-settings-page.h"

static void
name_changed(GtkEditable *row, MgrSettingsContext *ctx)
{
    g_free(ctx->def->name);
    ctx->def->name = g_strdup(gtk_editable_get_text(row));
    mgr_settings_context_changed(ctx);
}

static void
notes_changed(GtkTextBuffer *buffer, MgrSettingsContext *ctx)
{
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds(buffer, &start, &end);
    text = gtk_text_buffer_get_text(buffer, &start, &end, FALSE);
    g_free(ctx->def->notes);
    ctx->def->notes = *text != '\0' ? g_steal_pointer(&text) : NULL;
    mgr_settings_context_changed(ctx);
}

static void
name_section(MgrSettingsContext *ctx, GPtrArray *sections)
{
    MgrSettingsSection *section =
        mgr_settings_section_new(sections, "name", _("Name"), "document-edit-symbolic");
    AdwPreferencesGroup *group = mgr_settings_group(
        section, _("Name"),
        _("You can edit the name of this virtual machine and add notes to help identify it."));
    GtkWidget *row = adw_entry_row_new();
    GtkWidget *frame = gtk_frame_new(NULL);
    GtkWidget *notes = gtk_text_view_new();
    GtkWidget *label = gtk_label_new_with_mnemonic(_("N_otes:"));

    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("Name"));
    gtk_editable_set_text(GTK_EDITABLE(row), ctx->def->name);
    g_signal_connect(row, "changed", G_CALLBACK(name_changed), ctx);
    adw_preferences_group_add(group, row);
    mgr_settings_name_widget(section, row, "name");

    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_widget_set_margin_top(label, 12);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), notes);
    adw_preferences_group_add(group, label);
    gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(notes), GTK_WRAP_WORD);
    gtk_text_view_set_accepts_tab(GTK_TEXT_VIEW(notes), FALSE);
    gtk_widget_set_size_request(notes, -1, 96);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(notes)),
                             ctx->def->notes != NULL ? ctx->def->notes : "", -1);
    g_signal_connect(gtk_text_view_get_buffer(GTK_TEXT_VIEW(notes)), "changed",
                     G_CALLBACK(notes_changed), ctx);
    gtk_frame_set_child(GTK_FRAME(frame), notes);
    adw_preferences_group_add(group, frame);
    mgr_settings_name_widget(section, notes, "notes");
}

static void
integration_changed(GtkSwitch *sw, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    gboolean *field = g_object_get_data(G_OBJECT(sw), "field");

    *field = gtk_switch_get_active(sw);
    mgr_settings_context_changed(ctx);
}

static void
integration_section(MgrSettingsContext *ctx, GPtrArray *sections)
{
    MgrSettingsSection *section = mgr_settings_section_new(
        sections, "integration", _("Integration Services"), "emblem-system-symbolic");
    AdwPreferencesGroup *group = mgr_settings_group(
        section, _("Integration Services"),
        _("Select the services that Berth offers to the virtual machine. The guest needs the "
          "QEMU guest agent to use them."));
    struct {
        const char *name;
        const char *title;
        gboolean *field;
    } services[] = {
        {"heartbeat", _("_Heartbeat"), &ctx->def->integration_heartbeat},
        {"shutdown", _("Operating system _shutdown"), &ctx->def->integration_shutdown},
        {"time-sync", _("_Time synchronization"), &ctx->def->integration_time_sync},
        {"kvp", _("Data _Exchange"), &ctx->def->integration_kvp},
    };

    for (guint i = 0; i < G_N_ELEMENTS(services); i++) {
        GtkWidget *sw = mgr_settings_switch_row(group, services[i].title, NULL, *services[i].field);

        g_object_set_data(G_OBJECT(sw), "field", services[i].field);
        g_signal_connect(sw, "notify::active", G_CALLBACK(integration_changed), ctx);
        mgr_settings_name_widget(section, sw, services[i].name);
    }
}

static void
checkpoints_section(MgrSettingsContext *ctx, GPtrArray *sections)
{
    MgrSettingsSection *section = mgr_settings_section_new(
        sections, "checkpoints", _("Checkpoints"), "document-open-recent-symbolic");

    /* The definition has no checkpoint settings: say what Berth does rather than offer knobs
     * that change nothing. */
    mgr_settings_group(section, _("Checkpoints"),
                       _("Berth takes production checkpoints: the virtual machine's disks and "
                         "settings as they were at one moment, kept in its folder. Take, apply "
                         "and delete them from the Checkpoints pane or with the Checkpoint "
                         "action; there is nothing to configure here."));
}

static void
start_changed(GtkWidget *widget, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    GtkWidget *page = gtk_widget_get_ancestor(widget, ADW_TYPE_PREFERENCES_PAGE);
    const char *names[] = {"nothing", "start", "always-start"};
    GtkSpinButton *delay = g_object_get_data(G_OBJECT(page), "mgr-widget:delay");

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *key = g_strdup_printf("mgr-widget:%s", names[i]);

        if (gtk_check_button_get_active(g_object_get_data(G_OBJECT(page), key)))
            ctx->def->auto_start = (HvxAutoStart)i;
    }
    ctx->def->auto_start_delay = (guint)gtk_spin_button_get_value(delay);
    mgr_settings_context_changed(ctx);
}

static void
stop_changed(GtkWidget *widget, GParamSpec *pspec, MgrSettingsContext *ctx)
{
    GtkWidget *page = gtk_widget_get_ancestor(widget, ADW_TYPE_PREFERENCES_PAGE);
    const char *names[] = {"save", "turn-off", "shut-down"};

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *key = g_strdup_printf("mgr-widget:%s", names[i]);

        if (gtk_check_button_get_active(g_object_get_data(G_OBJECT(page), key)))
            ctx->def->auto_stop = (HvxAutoStop)i;
    }
    mgr_settings_context_changed(ctx);
}

/* A group of radio rows; returns the check buttons in @ret_checks. */
static void
radio_rows(MgrSettingsSection *section, AdwPreferencesGroup *group, const char *const *names,
           const char *const *titles, guint n, guint active, GCallback changed,
           MgrSettingsContext *ctx)
{
    GtkCheckButton *first = NULL;

    for (guint i = 0; i < n; i++) {
        GtkWidget *row = adw_action_row_new();
        GtkWidget *check = gtk_check_button_new();

        adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), titles[i]);
        adw_preferences_row_set_use_underline(ADW_PREFERENCES_ROW(row), TRUE);
        gtk_check_button_set_group(GTK_CHECK_BUTTON(check), first);
        if (first == NULL)
            first = GTK_CHECK_BUTTON(check);
        gtk_check_button_set_active(GTK_CHECK_BUTTON(check), i == active);
        gtk_accessible_update_relation(GTK_ACCESSIBLE(check), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                       row, NULL, -1);
        adw_action_row_add_prefix(ADW_ACTION_ROW(row), check);
        adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), check);
        adw_preferences_group_add(group, row);
        mgr_settings_name_widget(section, check, names[i]);
        g_signal_connect(check, "notify::active", changed, ctx);
    }
}

static void
automatic_sections(MgrSettingsContext *ctx, GPtrArray *sections)
{
    const char *start_names[] = {"nothing", "start", "always-start"};
    const char *start_titles[] = {
        _("_Nothing"),
        _("Automatically start if it was _running when the service stopped"),
        _("_Always start this virtual machine automatically"),
    };
    const char *stop_names[] = {"save", "turn-off", "shut-down"};
    const char *stop_titles[] = {
        _("_Save the virtual machine state"),
        _("_Turn off the virtual machine"),
        _("Shut _down the guest operating system"),
    };
    MgrSettingsSection *section = mgr_settings_section_new(
        sections, "automatic-start", _("Automatic Start Action"), "media-playback-start-symbolic");
    AdwPreferencesGroup *group =
        mgr_settings_group(section, _("Automatic Start Action"),
                           _("What do you want this virtual machine to do when berthd starts?"));
    GtkWidget *delay;

    radio_rows(section, group, start_names, start_titles, G_N_ELEMENTS(start_names),
               ctx->def->auto_start, G_CALLBACK(start_changed), ctx);
    group = mgr_settings_group(section, _("Automatic start delay"),
                               _("Specify a startup delay to reduce resource contention between "
                                 "virtual machines."));
    delay = mgr_settings_spin_row(group, _("Startup d_elay (seconds)"), NULL, 0,
                                  HVX_START_DELAY_MAX_SECONDS, 1, ctx->def->auto_start_delay);
    mgr_settings_name_widget(section, delay, "delay");
    g_signal_connect(delay, "notify::value", G_CALLBACK(start_changed), ctx);

    section = mgr_settings_section_new(sections, "automatic-stop", _("Automatic Stop Action"),
                                       "media-playback-stop-symbolic");
    group = mgr_settings_group(
        section, _("Automatic Stop Action"),
        _("What do you want this virtual machine to do when berthd stops the host?"));
    radio_rows(section, group, stop_names, stop_titles, G_N_ELEMENTS(stop_names),
               ctx->def->auto_stop, G_CALLBACK(stop_changed), ctx);
}

void
mgr_settings_add_management_sections(MgrSettingsContext *ctx, GPtrArray *sections)
{
    name_section(ctx, sections);
    integration_section(ctx, sections);
    checkpoints_section(ctx, sections);
    automatic_sections(ctx, sections);
}
