/* mgr-settings-storage.c: the Settings sections for the IDE and SCSI controllers with their hard
 * drives and DVD drives, and the diskette drive (Generation 1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-dialog-util.h"
#include "mgr-settings-page.h"

static guint
max_locations(const HvxControllerDef *controller)
{
    return controller->type == HVX_CONTROLLER_IDE ? HVX_IDE_LOCATIONS : HVX_SCSI_LOCATIONS;
}

static void
path_changed(AdwEntryRow *row, MgrSettingsContext *ctx)
{
    HvxDriveDef *drive = g_object_get_data(G_OBJECT(row), "drive");
    const char *text = gtk_editable_get_text(GTK_EDITABLE(row));

    g_free(drive->path);
    drive->path = *text != '\0' ? g_strdup(text) : NULL;
    mgr_settings_context_changed(ctx);
}

static void
browse_clicked(GtkButton *button, MgrSettingsContext *ctx)
{
    GtkEditable *row = g_object_get_data(G_OBJECT(button), "row");

    mgr_dialog_choose_path(ctx->window, _("Choose a File"), GTK_FILE_CHOOSER_ACTION_OPEN, row);
}

static void
remove_drive_clicked(GtkButton *button, MgrSettingsContext *ctx)
{
    HvxControllerDef *controller = g_object_get_data(G_OBJECT(button), "controller");
    HvxDriveDef *drive = g_object_get_data(G_OBJECT(button), "drive");

    g_ptr_array_remove(controller->drives, drive);
    mgr_settings_context_changed(ctx);
    mgr_settings_context_rebuild(ctx);
}

static void
add_drive_clicked(GtkButton *button, MgrSettingsContext *ctx)
{
    HvxControllerDef *controller = g_object_get_data(G_OBJECT(button), "controller");
    HvxDriveType type = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(button), "type"));

    for (guint location = 0; location < max_locations(controller); location++) {
        gboolean taken = FALSE;

        for (guint i = 0; i < controller->drives->len; i++)
            if (((HvxDriveDef *)g_ptr_array_index(controller->drives, i))->location == location)
                taken = TRUE;
        if (!taken) {
            g_ptr_array_add(controller->drives, hvx_drive_def_new(type, location, NULL));
            break;
        }
    }
    mgr_settings_context_changed(ctx);
    mgr_settings_context_rebuild(ctx);
}

static void
remove_controller_clicked(GtkButton *button, MgrSettingsContext *ctx)
{
    HvxControllerDef *controller = g_object_get_data(G_OBJECT(button), "controller");

    g_ptr_array_remove(ctx->def->controllers, controller);
    mgr_settings_context_changed(ctx);
    mgr_settings_context_rebuild(ctx);
}

static GtkWidget *
icon_button(const char *icon, const char *label)
{
    GtkWidget *button = gtk_button_new_from_icon_name(icon);

    gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class(button, "flat");
    gtk_widget_set_tooltip_text(button, label);
    gtk_accessible_update_property(GTK_ACCESSIBLE(button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                   -1);
    return button;
}

static void
drive_row(MgrSettingsContext *ctx, MgrSettingsSection *section, AdwPreferencesGroup *group,
          HvxControllerDef *controller, HvxDriveDef *drive, gboolean locked)
{
    GtkWidget *row = adw_entry_row_new();
    g_autofree char *title = NULL;
    g_autofree char *name = NULL;
    GtkWidget *browse = icon_button("document-open-symbolic", _("Choose a file"));
    GtkWidget *remove = icon_button("user-trash-symbolic", _("Remove the drive"));

    title = drive->type == HVX_DRIVE_DISK
                /* Translators: a drive and its place on the controller */
                ? g_strdup_printf(_("Hard Drive (location %u)"), drive->location)
                : g_strdup_printf(_("DVD Drive (location %u; empty when blank)"), drive->location);
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
    gtk_editable_set_text(GTK_EDITABLE(row), drive->path != NULL ? drive->path : "");
    g_object_set_data(G_OBJECT(row), "drive", drive);
    g_signal_connect(row, "changed", G_CALLBACK(path_changed), ctx);
    g_object_set_data(G_OBJECT(browse), "row", row);
    g_signal_connect(browse, "clicked", G_CALLBACK(browse_clicked), ctx);
    g_object_set_data(G_OBJECT(remove), "controller", controller);
    g_object_set_data(G_OBJECT(remove), "drive", drive);
    g_signal_connect(remove, "clicked", G_CALLBACK(remove_drive_clicked), ctx);
    adw_entry_row_add_suffix(ADW_ENTRY_ROW(row), browse);
    adw_entry_row_add_suffix(ADW_ENTRY_ROW(row), remove);
    gtk_widget_set_sensitive(row, !locked);
    adw_preferences_group_add(group, row);
    name =
        g_strdup_printf("%s-%u", drive->type == HVX_DRIVE_DISK ? "disk" : "dvd", drive->location);
    mgr_settings_name_widget(section, row, name);
}

static GtkWidget *
add_button(MgrSettingsContext *ctx, HvxControllerDef *controller, HvxDriveType type,
           const char *label, gboolean possible)
{
    GtkWidget *button = gtk_button_new_with_mnemonic(label);

    g_object_set_data(G_OBJECT(button), "controller", controller);
    g_object_set_data(G_OBJECT(button), "type", GINT_TO_POINTER(type));
    gtk_widget_set_sensitive(button, possible);
    g_signal_connect(button, "clicked", G_CALLBACK(add_drive_clicked), ctx);
    return button;
}

static void
controller_section(MgrSettingsContext *ctx, GPtrArray *sections, HvxControllerDef *controller)
{
    gboolean ide = controller->type == HVX_CONTROLLER_IDE;
    g_autofree char *id = g_strdup_printf("%s-%u", ide ? "ide" : "scsi", controller->number);
    g_autofree char *title =
        g_strdup_printf(ide ? _("IDE Controller %u") : _("SCSI Controller %u"), controller->number);
    MgrSettingsSection *section =
        mgr_settings_section_new(sections, id, title, "drive-multidisk-symbolic");
    gboolean locked = mgr_settings_lock_note(ctx, section);
    AdwPreferencesGroup *group;
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *button;
    gboolean room = controller->drives->len < max_locations(controller);

    group = mgr_settings_group(
        section, title,
        ide ? _("You can add hard drives and DVD drives to your IDE controller.")
        : ctx->def->generation == 1
            ? _("You can add hard drives to your SCSI controller (DVD drives of a Generation 1 "
                "virtual machine are on IDE).")
            : _("You can add hard drives and DVD drives to your SCSI controller."));
    for (guint i = 0; i < controller->drives->len; i++)
        drive_row(ctx, section, group, controller, g_ptr_array_index(controller->drives, i),
                  locked);
    button = add_button(ctx, controller, HVX_DRIVE_DISK, _("Add _Hard Drive"), room && !locked);
    gtk_box_append(GTK_BOX(box), button);
    mgr_settings_name_widget(section, button, "add-disk");
    if (ide || ctx->def->generation == 2) {
        button = add_button(ctx, controller, HVX_DRIVE_DVD, _("Add _DVD Drive"), room && !locked);
        gtk_box_append(GTK_BOX(box), button);
        mgr_settings_name_widget(section, button, "add-dvd");
    }
    if (!ide) {
        button = gtk_button_new_with_mnemonic(_("_Remove Controller"));
        gtk_widget_add_css_class(button, "destructive-action");
        gtk_widget_set_hexpand(button, TRUE);
        gtk_widget_set_halign(button, GTK_ALIGN_END);
        gtk_widget_set_sensitive(button, !locked);
        g_object_set_data(G_OBJECT(button), "controller", controller);
        g_signal_connect(button, "clicked", G_CALLBACK(remove_controller_clicked), ctx);
        gtk_box_append(GTK_BOX(box), button);
        mgr_settings_name_widget(section, button, "remove");
    }
    gtk_widget_set_margin_top(box, 12);
    adw_preferences_group_add(group, box);
}

static void
floppy_changed(AdwEntryRow *row, MgrSettingsContext *ctx)
{
    const char *text = gtk_editable_get_text(GTK_EDITABLE(row));

    g_free(ctx->def->floppy_path);
    ctx->def->floppy_path = *text != '\0' ? g_strdup(text) : NULL;
    /* A disk in the drive needs the drive; an emptied drive stays. */
    if (ctx->def->floppy_path != NULL)
        ctx->def->has_floppy = TRUE;
    mgr_settings_context_changed(ctx);
}

static void
floppy_section(MgrSettingsContext *ctx, GPtrArray *sections)
{
    MgrSettingsSection *section;
    AdwPreferencesGroup *group;
    GtkWidget *row;
    GtkWidget *browse;

    if (ctx->def->generation != 1)
        return;
    section =
        mgr_settings_section_new(sections, "floppy", _("Diskette Drive"), "media-floppy-symbolic");
    group = mgr_settings_group(section, _("Diskette Drive"),
                               _("Specify the virtual floppy disk (.vfd) in the drive, or leave "
                                 "it empty."));
    row = adw_entry_row_new();
    adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), _("Virtual floppy disk"));
    gtk_editable_set_text(GTK_EDITABLE(row),
                          ctx->def->floppy_path != NULL ? ctx->def->floppy_path : "");
    g_signal_connect(row, "changed", G_CALLBACK(floppy_changed), ctx);
    browse = icon_button("document-open-symbolic", _("Choose a file"));
    g_object_set_data(G_OBJECT(browse), "row", row);
    g_signal_connect(browse, "clicked", G_CALLBACK(browse_clicked), ctx);
    adw_entry_row_add_suffix(ADW_ENTRY_ROW(row), browse);
    adw_preferences_group_add(group, row);
    mgr_settings_name_widget(section, row, "path");
}

void
mgr_settings_add_storage_sections(MgrSettingsContext *ctx, GPtrArray *sections)
{
    /* IDE first, then SCSI, each by number, as Hyper-V lists them. */
    for (guint pass = 0; pass < 2; pass++) {
        HvxControllerType type = pass == 0 ? HVX_CONTROLLER_IDE : HVX_CONTROLLER_SCSI;

        for (guint number = 0; number < HVX_SCSI_CONTROLLERS; number++)
            for (guint i = 0; i < ctx->def->controllers->len; i++) {
                HvxControllerDef *controller = g_ptr_array_index(ctx->def->controllers, i);

                if (controller->type == type && controller->number == number)
                    controller_section(ctx, sections, controller);
            }
    }
    floppy_section(ctx, sections);
}
