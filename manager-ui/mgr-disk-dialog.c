/* mgr-disk-dialog.c: the disk dialogs: checks as you type, berthd's Jobs with progress and
 * Cancel, InspectDisk's facts and parent chain.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib/gi18n.h>

#include "berth-dbus.h"
#include "mgr-dialog-util.h"
#include "mgr-disk-dialog.h"
#include "mgr-job-watch.h"

#define GIB (G_GUINT64_CONSTANT(1024) * 1024 * 1024)

static const char *const formats[] = {"vhdx", "vhd", "qcow2"};

struct _MgrDiskDialog {
    AdwWindow parent_instance;

    MgrClient *client;
    MgrDiskDialogMode mode;
    GCancellable *cancellable; /* the running job's */
    gboolean running;
    guint inspecting;
    guint inspect_serial;
    gboolean inspected;
    guint64 virtual_size;
    char *inspect_error;
    char *result_path;

    GtkStack *pages;
    GtkCheckButton *format_vhdx_check;
    GtkCheckButton *format_vhd_check;
    GtkCheckButton *format_qcow2_check;
    GtkCheckButton *type_dynamic_check;
    GtkCheckButton *type_fixed_check;
    GtkCheckButton *type_differencing_check;
    GtkEntry *name_entry;
    GtkEntry *folder_entry;
    GtkWidget *size_label;
    GtkSpinButton *size_spin;
    GtkWidget *parent_label;
    GtkEntry *parent_entry;
    GtkWidget *parent_button;
    GtkEntry *path_entry;
    GtkLabel *info_label;
    GtkWidget *edit_box;
    GtkCheckButton *expand_check;
    GtkWidget *expand_box;
    GtkSpinButton *new_size_spin;
    GtkCheckButton *convert_check;
    GtkWidget *convert_grid;
    GtkDropDown *convert_format_dropdown;
    GtkCheckButton *convert_fixed_check;
    GtkEntry *target_entry;
    GtkLabel *reason_label;
    GtkProgressBar *progress_bar;
    GtkButton *run_button;
    GtkButton *cancel_button;
};

G_DEFINE_FINAL_TYPE(MgrDiskDialog, mgr_disk_dialog, ADW_TYPE_WINDOW)

enum { SIGNAL_DISK_DONE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void update(MgrDiskDialog *self);

static char *
entry_text(GtkEntry *entry)
{
    g_autofree char *text = g_strdup(gtk_editable_get_text(GTK_EDITABLE(entry)));

    return g_strdup(g_strstrip(text));
}

static const char *
new_format(MgrDiskDialog *self)
{
    if (gtk_check_button_get_active(self->format_vhd_check))
        return "vhd";
    if (gtk_check_button_get_active(self->format_qcow2_check))
        return "qcow2";
    return "vhdx";
}

static guint64
max_gib(const char *format)
{
    /* VHD's limit is 2,040 GB; VHDX's 64 TB; berthd allows qcow2 as large as VHDX. */
    return g_str_equal(format, "vhd") ? 2040 : 64 * 1024;
}

static char *
new_path(MgrDiskDialog *self)
{
    g_autofree char *name = entry_text(self->name_entry);
    g_autofree char *folder = entry_text(self->folder_entry);

    return g_build_filename(folder, name, NULL);
}

/* ---- Checks ------------------------------------------------------------------------------- */

static char *
check_new(MgrDiskDialog *self)
{
    const char *format = new_format(self);
    gboolean differencing = gtk_check_button_get_active(self->type_differencing_check);
    g_autofree char *name = entry_text(self->name_entry);
    g_autofree char *folder = entry_text(self->folder_entry);
    g_autofree char *suffix = g_strdup_printf(".%s", format);
    g_autofree char *path = NULL;
    g_autofree char *lower = g_ascii_strdown(name, -1);

    if (*name == '\0')
        return g_strdup(_("Give the new virtual hard disk a file name."));
    if (strchr(name, '/') != NULL)
        return g_strdup(_("The name is a file name: it cannot contain “/”."));
    if (differencing && !g_str_equal(format, "qcow2"))
        return g_strdup(_("A differencing disk is a qcow2 file (QEMU cannot write VHDX or VHD "
                          "differencing disks): choose the qcow2 format."));
    if (!g_str_has_suffix(lower, suffix))
        /* Translators: a VHDX disk's name must end in ".vhdx" */
        return g_strdup_printf(_("A %s disk's name must end in “%s”."), format, suffix);
    if (*folder == '\0' || !g_path_is_absolute(folder))
        return g_strdup(_("Choose the folder of the new virtual hard disk."));
    if (!g_file_test(folder, G_FILE_TEST_IS_DIR))
        return g_strdup_printf(_("The folder “%s” does not exist."), folder);
    path = g_build_filename(folder, name, NULL);
    if (g_file_test(path, G_FILE_TEST_EXISTS))
        return g_strdup_printf(_("The file “%s” already exists."), path);
    if (differencing) {
        g_autofree char *parent = entry_text(self->parent_entry);

        if (*parent == '\0')
            return g_strdup(_("Choose the parent disk of the differencing disk."));
        if (!g_file_test(parent, G_FILE_TEST_IS_REGULAR))
            return g_strdup_printf(_("The parent disk “%s” does not exist."), parent);
        return NULL;
    }
    {
        guint64 size = (guint64)gtk_spin_button_get_value(self->size_spin);

        if (size < 1 || size > max_gib(format))
            return g_strdup_printf(_("The size of a %s disk must be between 1 and %u GB."), format,
                                   (guint)max_gib(format));
    }
    return NULL;
}

static const char *
convert_format(MgrDiskDialog *self)
{
    guint selected = gtk_drop_down_get_selected(self->convert_format_dropdown);

    return formats[selected < G_N_ELEMENTS(formats) ? selected : 0];
}

static char *
check_existing(MgrDiskDialog *self)
{
    g_autofree char *path = entry_text(self->path_entry);

    if (*path == '\0')
        return g_strdup(_("Choose a virtual hard disk."));
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return g_strdup_printf(_("The file “%s” does not exist."), path);
    if (self->inspect_error != NULL)
        return g_strdup(self->inspect_error);
    if (!self->inspected)
        return g_strdup(_("Reading the disk…"));
    if (self->mode != MGR_DISK_DIALOG_EDIT)
        return NULL;
    if (gtk_check_button_get_active(self->expand_check)) {
        guint64 size = (guint64)gtk_spin_button_get_value(self->new_size_spin) * GIB;

        if (size <= self->virtual_size) {
            g_autofree char *now = mgr_dialog_format_size(self->virtual_size);

            return g_strdup_printf(_("The new size must be larger than the disk's size now (%s)."),
                                   now);
        }
    } else {
        g_autofree char *target = entry_text(self->target_entry);
        g_autofree char *suffix = g_strdup_printf(".%s", convert_format(self));
        g_autofree char *lower = g_ascii_strdown(target, -1);

        if (*target == '\0' || !g_path_is_absolute(target))
            return g_strdup(_("Give the full path of the new disk."));
        if (!g_str_has_suffix(lower, suffix))
            return g_strdup_printf(_("A %s disk's name must end in “%s”."), convert_format(self),
                                   suffix);
        if (g_file_test(target, G_FILE_TEST_EXISTS))
            return g_strdup_printf(_("The file “%s” already exists."), target);
    }
    return NULL;
}

static void
update(MgrDiskDialog *self)
{
    g_autofree char *reason = NULL;
    gboolean differencing = gtk_check_button_get_active(self->type_differencing_check);

    if (self->mode == MGR_DISK_DIALOG_NEW) {
        reason = check_new(self);
        gtk_widget_set_visible(self->size_label, !differencing);
        gtk_widget_set_visible(GTK_WIDGET(self->size_spin), !differencing);
        gtk_widget_set_visible(self->parent_label, differencing);
        gtk_widget_set_visible(GTK_WIDGET(self->parent_entry), differencing);
        gtk_widget_set_visible(self->parent_button, differencing);
    } else {
        reason = check_existing(self);
        gtk_widget_set_sensitive(self->expand_box, gtk_check_button_get_active(self->expand_check));
        gtk_widget_set_sensitive(self->convert_grid,
                                 gtk_check_button_get_active(self->convert_check));
    }
    mgr_dialog_set_reason(self->reason_label, NULL, reason);
    gtk_widget_set_sensitive(GTK_WIDGET(self->pages), !self->running);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "disk.run",
                                  !self->running && self->inspecting == 0 && reason == NULL);
    gtk_button_set_label(self->cancel_button,
                         self->mode == MGR_DISK_DIALOG_INSPECT ? _("_Close") : _("_Cancel"));
}

/* ---- Inspecting --------------------------------------------------------------------------- */

static char *
describe(GVariant *info)
{
    GString *text = g_string_new(NULL);
    const char *format = "";
    const char *type = "";
    const char *parent = NULL;
    g_autofree const char **chain = NULL;
    guint64 virtual_size = 0, file_size = 0;
    g_autofree char *virtual_text = NULL;
    g_autofree char *file_text = NULL;

    g_variant_lookup(info, "format", "&s", &format);
    g_variant_lookup(info, "type", "&s", &type);
    g_variant_lookup(info, "virtual-size", "t", &virtual_size);
    g_variant_lookup(info, "file-size", "t", &file_size);
    g_variant_lookup(info, "parent", "&s", &parent);
    g_variant_lookup(info, "parent-chain", "^a&s", &chain);
    virtual_text = mgr_dialog_format_size(virtual_size);
    file_text = mgr_dialog_format_size(file_size);
    g_string_append_printf(text, _("Format: %s\n"), format);
    g_string_append_printf(text, _("Type: %s\n"),
                           g_str_equal(type, "fixed")          ? _("Fixed size")
                           : g_str_equal(type, "differencing") ? _("Differencing")
                           : g_str_equal(type, "dynamic")      ? _("Dynamically expanding")
                                                               : type);
    g_string_append_printf(text, _("Maximum disk size: %s\n"), virtual_text);
    g_string_append_printf(text, _("Current file size: %s"), file_text);
    if (parent != NULL) {
        g_string_append_printf(text, _("\nParent: %s"), parent);
        if (chain != NULL && chain[0] != NULL) {
            g_string_append(text, _("\nParent chain:"));
            for (guint i = 0; chain[i] != NULL; i++)
                g_string_append_printf(text, "\n  %s %s", i == 0 ? "↳" : "  ↳", chain[i]);
        }
    }
    return g_string_free(text, FALSE);
}

typedef struct {
    MgrDiskDialog *self;
    guint serial;
} InspectData;

static void
inspected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    InspectData *data = user_data;
    g_autoptr(MgrDiskDialog) self = data->self;
    g_autoptr(GVariant) info = NULL;
    g_autoptr(GError) error = NULL;
    guint serial = data->serial;

    g_free(data);
    self->inspecting--;
    if (!berth_dbus_host_call_inspect_disk_finish(BERTH_DBUS_HOST(source), &info, result, &error)) {
        if (serial == self->inspect_serial) {
            self->inspect_error = mgr_dialog_error_text(error);
            gtk_label_set_text(self->info_label, "");
        }
        update(self);
        return;
    }
    if (serial != self->inspect_serial) {
        update(self);
        return;
    }
    {
        g_autofree char *text = describe(info);
        const char *format = "vhdx";

        gtk_label_set_text(self->info_label, text);
        g_variant_lookup(info, "virtual-size", "t", &self->virtual_size);
        g_variant_lookup(info, "format", "&s", &format);
        self->inspected = TRUE;
        if (self->mode == MGR_DISK_DIALOG_EDIT) {
            g_autofree char *path = entry_text(self->path_entry);
            g_autofree char *dot = g_strdup(path);
            char *ext = strrchr(dot, '.');
            g_autofree char *target = NULL;

            gtk_spin_button_set_value(self->new_size_spin,
                                      (double)((self->virtual_size + GIB - 1) / GIB + 1));
            if (ext != NULL && strchr(ext, '/') == NULL)
                *ext = '\0';
            target = g_strdup_printf("%s-converted.%s", dot, convert_format(self));
            if (*gtk_editable_get_text(GTK_EDITABLE(self->target_entry)) == '\0')
                gtk_editable_set_text(GTK_EDITABLE(self->target_entry), target);
        }
    }
    update(self);
}

static void
path_changed(MgrDiskDialog *self)
{
    g_autofree char *path = entry_text(self->path_entry);
    BerthDBusHost *host = mgr_client_get_host(self->client);
    InspectData *data;

    self->inspect_serial++;
    self->inspected = FALSE;
    g_clear_pointer(&self->inspect_error, g_free);
    gtk_label_set_text(self->info_label, "");
    if (host == NULL || !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        update(self);
        return;
    }
    data = g_new0(InspectData, 1);
    data->self = g_object_ref(self);
    data->serial = self->inspect_serial;
    self->inspecting++;
    berth_dbus_host_call_inspect_disk(host, path, NULL, inspected, data);
    update(self);
}

void
mgr_disk_dialog_set_path(MgrDiskDialog *self, const char *path)
{
    g_return_if_fail(MGR_IS_DISK_DIALOG(self));
    gtk_editable_set_text(GTK_EDITABLE(self->path_entry), path != NULL ? path : "");
}

gboolean
mgr_disk_dialog_is_busy(MgrDiskDialog *self)
{
    g_return_val_if_fail(MGR_IS_DISK_DIALOG(self), FALSE);
    return self->running || self->inspecting > 0;
}

/* ---- Running the job ------------------------------------------------------------------------ */

static void
job_progress(double fraction, gpointer user_data)
{
    MgrDiskDialog *self = user_data;

    gtk_progress_bar_set_fraction(self->progress_bar, fraction);
}

static void
job_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(MgrDiskDialog) self = user_data;
    g_autoptr(GError) error = NULL;

    self->running = FALSE;
    g_clear_object(&self->cancellable);
    gtk_widget_set_visible(GTK_WIDGET(self->progress_bar), FALSE);
    if (mgr_job_watch_finish(result, &error)) {
        g_signal_emit(self, signals[SIGNAL_DISK_DONE], 0, self->result_path);
        gtk_window_destroy(GTK_WINDOW(self));
        return;
    }
    update(self);
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        mgr_dialog_set_reason(self->reason_label, NULL,
                              _("Cancelled. berthd removed what the job had written."));
        return;
    }
    {
        g_autofree char *text = mgr_dialog_error_text(error);

        mgr_dialog_set_reason(self->reason_label, NULL, text);
    }
    mgr_dialog_show_error(GTK_WINDOW(self), _("The virtual hard disk operation failed"), error);
}

static void
job_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(MgrDiskDialog) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *job = NULL;
    gboolean ok;

    switch (self->mode) {
    case MGR_DISK_DIALOG_NEW:
        ok = berth_dbus_host_call_create_disk_finish(BERTH_DBUS_HOST(source), &job, result, &error);
        break;
    case MGR_DISK_DIALOG_EDIT:
        ok = gtk_check_button_get_active(self->expand_check)
                 ? berth_dbus_host_call_resize_disk_finish(BERTH_DBUS_HOST(source), &job, result,
                                                           &error)
                 : berth_dbus_host_call_convert_disk_finish(BERTH_DBUS_HOST(source), &job, result,
                                                            &error);
        break;
    default:
        g_assert_not_reached();
    }
    if (!ok) {
        self->running = FALSE;
        gtk_widget_set_visible(GTK_WIDGET(self->progress_bar), FALSE);
        update(self);
        {
            g_autofree char *text = mgr_dialog_error_text(error);

            mgr_dialog_set_reason(self->reason_label, NULL, text);
        }
        mgr_dialog_show_error(GTK_WINDOW(self), _("The virtual hard disk operation failed"), error);
        return;
    }
    mgr_job_watch_async(g_dbus_proxy_get_connection(G_DBUS_PROXY(source)), job, self->cancellable,
                        job_progress, self, job_done, g_object_ref(self));
}

static void
run_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrDiskDialog *self = MGR_DISK_DIALOG(widget);
    BerthDBusHost *host = mgr_client_get_host(self->client);
    GVariantBuilder options;

    update(self);
    if (self->running || host == NULL || self->mode == MGR_DISK_DIALOG_INSPECT)
        return;
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_clear_object(&self->cancellable);
    self->cancellable = g_cancellable_new();
    self->running = TRUE;
    gtk_progress_bar_set_fraction(self->progress_bar, 0);
    gtk_widget_set_visible(GTK_WIDGET(self->progress_bar), TRUE);
    g_free(self->result_path);
    if (self->mode == MGR_DISK_DIALOG_NEW) {
        gboolean differencing = gtk_check_button_get_active(self->type_differencing_check);

        self->result_path = new_path(self);
        g_variant_builder_add(&options, "{sv}", "format", g_variant_new_string(new_format(self)));
        if (differencing) {
            g_autofree char *parent = entry_text(self->parent_entry);

            g_variant_builder_add(&options, "{sv}", "parent", g_variant_new_string(parent));
        } else {
            g_variant_builder_add(
                &options, "{sv}", "size-bytes",
                g_variant_new_uint64((guint64)gtk_spin_button_get_value(self->size_spin) * GIB));
            g_variant_builder_add(
                &options, "{sv}", "fixed",
                g_variant_new_boolean(gtk_check_button_get_active(self->type_fixed_check)));
        }
        berth_dbus_host_call_create_disk(host, self->result_path, g_variant_builder_end(&options),
                                         NULL, job_started, g_object_ref(self));
    } else if (gtk_check_button_get_active(self->expand_check)) {
        self->result_path = entry_text(self->path_entry);
        g_variant_builder_clear(&options);
        berth_dbus_host_call_resize_disk(
            host, self->result_path, (guint64)gtk_spin_button_get_value(self->new_size_spin) * GIB,
            NULL, job_started, g_object_ref(self));
    } else {
        g_autofree char *source = entry_text(self->path_entry);

        self->result_path = entry_text(self->target_entry);
        g_variant_builder_add(&options, "{sv}", "format",
                              g_variant_new_string(convert_format(self)));
        g_variant_builder_add(
            &options, "{sv}", "fixed",
            g_variant_new_boolean(gtk_check_button_get_active(self->convert_fixed_check)));
        berth_dbus_host_call_convert_disk(host, source, self->result_path,
                                          g_variant_builder_end(&options), NULL, job_started,
                                          g_object_ref(self));
    }
    update(self);
}

static void
cancel_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrDiskDialog *self = MGR_DISK_DIALOG(widget);

    if (self->running) {
        /* berthd cancels the job and removes its partial file; job_done reports it. */
        if (self->cancellable != NULL)
            g_cancellable_cancel(self->cancellable);
        return;
    }
    gtk_window_destroy(GTK_WINDOW(self));
}

static gboolean
close_requested(GtkWindow *window)
{
    MgrDiskDialog *self = MGR_DISK_DIALOG(window);

    if (self->running) {
        cancel_activated(GTK_WIDGET(self), "disk.cancel", NULL);
        return TRUE;
    }
    return FALSE;
}

static void
browse_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrDiskDialog *self = MGR_DISK_DIALOG(widget);

    if (g_str_equal(action, "disk.browse-folder"))
        mgr_dialog_choose_path(GTK_WINDOW(self), _("Location of the Virtual Hard Disk"),
                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                               GTK_EDITABLE(self->folder_entry));
    else if (g_str_equal(action, "disk.browse-parent"))
        mgr_dialog_choose_path(GTK_WINDOW(self), _("Parent Disk"), GTK_FILE_CHOOSER_ACTION_OPEN,
                               GTK_EDITABLE(self->parent_entry));
    else
        mgr_dialog_choose_path(GTK_WINDOW(self), _("Virtual Hard Disk"),
                               GTK_FILE_CHOOSER_ACTION_OPEN, GTK_EDITABLE(self->path_entry));
}

/* The name's extension follows the format while it is the default one. */
static void
format_toggled(MgrDiskDialog *self)
{
    g_autofree char *name = entry_text(self->name_entry);
    char *dot = strrchr(name, '.');

    if (dot != NULL &&
        (g_str_equal(dot, ".vhdx") || g_str_equal(dot, ".vhd") || g_str_equal(dot, ".qcow2"))) {
        g_autofree char *renamed = NULL;

        *dot = '\0';
        renamed = g_strdup_printf("%s.%s", name, new_format(self));
        gtk_editable_set_text(GTK_EDITABLE(self->name_entry), renamed);
    }
    update(self);
}

/* ---- Object --------------------------------------------------------------------------------- */

static void
mgr_disk_dialog_dispose(GObject *object)
{
    MgrDiskDialog *self = MGR_DISK_DIALOG(object);

    g_clear_object(&self->client);
    g_clear_object(&self->cancellable);
    g_clear_pointer(&self->inspect_error, g_free);
    g_clear_pointer(&self->result_path, g_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), MGR_TYPE_DISK_DIALOG);
    G_OBJECT_CLASS(mgr_disk_dialog_parent_class)->dispose(object);
}

static void
mgr_disk_dialog_class_init(MgrDiskDialogClass *klass)
{
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = mgr_disk_dialog_dispose;
    GTK_WINDOW_CLASS(klass)->close_request = close_requested;

    /* disk-done: the path of the disk created, resized or converted to. */
    signals[SIGNAL_DISK_DONE] =
        g_signal_new("disk-done", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 1, G_TYPE_STRING);

    mgr_dialog_ensure_resources();
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/berth/Manager/mgr-disk-dialog.ui");
#define CHILD(name) gtk_widget_class_bind_template_child(widget_class, MgrDiskDialog, name)
    CHILD(pages);
    CHILD(format_vhdx_check);
    CHILD(format_vhd_check);
    CHILD(format_qcow2_check);
    CHILD(type_dynamic_check);
    CHILD(type_fixed_check);
    CHILD(type_differencing_check);
    CHILD(name_entry);
    CHILD(folder_entry);
    CHILD(size_label);
    CHILD(size_spin);
    CHILD(parent_label);
    CHILD(parent_entry);
    CHILD(parent_button);
    CHILD(path_entry);
    CHILD(info_label);
    CHILD(edit_box);
    CHILD(expand_check);
    CHILD(expand_box);
    CHILD(new_size_spin);
    CHILD(convert_check);
    CHILD(convert_grid);
    CHILD(convert_format_dropdown);
    CHILD(convert_fixed_check);
    CHILD(target_entry);
    CHILD(reason_label);
    CHILD(progress_bar);
    CHILD(run_button);
    CHILD(cancel_button);
#undef CHILD
    gtk_widget_class_install_action(widget_class, "disk.run", NULL, run_activated);
    gtk_widget_class_install_action(widget_class, "disk.cancel", NULL, cancel_activated);
    gtk_widget_class_install_action(widget_class, "disk.browse-folder", NULL, browse_activated);
    gtk_widget_class_install_action(widget_class, "disk.browse-parent", NULL, browse_activated);
    gtk_widget_class_install_action(widget_class, "disk.browse-path", NULL, browse_activated);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Escape, 0, "disk.cancel", NULL);
}

static void
mgr_disk_dialog_init(MgrDiskDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    {
        GtkWidget *entries[] = {
            GTK_WIDGET(self->name_entry),
            GTK_WIDGET(self->folder_entry),
            GTK_WIDGET(self->parent_entry),
            GTK_WIDGET(self->target_entry),
        };
        GtkWidget *toggles[] = {
            GTK_WIDGET(self->type_dynamic_check),      GTK_WIDGET(self->type_fixed_check),
            GTK_WIDGET(self->type_differencing_check), GTK_WIDGET(self->expand_check),
            GTK_WIDGET(self->convert_check),           GTK_WIDGET(self->convert_fixed_check),
        };

        for (guint i = 0; i < G_N_ELEMENTS(entries); i++)
            g_signal_connect_swapped(entries[i], "changed", G_CALLBACK(update), self);
        for (guint i = 0; i < G_N_ELEMENTS(toggles); i++)
            g_signal_connect_swapped(toggles[i], "toggled", G_CALLBACK(update), self);
    }
    g_signal_connect_swapped(self->format_vhdx_check, "toggled", G_CALLBACK(format_toggled), self);
    g_signal_connect_swapped(self->format_vhd_check, "toggled", G_CALLBACK(format_toggled), self);
    g_signal_connect_swapped(self->format_qcow2_check, "toggled", G_CALLBACK(format_toggled), self);
    g_signal_connect_swapped(self->size_spin, "value-changed", G_CALLBACK(update), self);
    g_signal_connect_swapped(self->new_size_spin, "value-changed", G_CALLBACK(update), self);
    g_signal_connect_swapped(self->convert_format_dropdown, "notify::selected", G_CALLBACK(update),
                             self);
    g_signal_connect_swapped(self->path_entry, "changed", G_CALLBACK(path_changed), self);
}

MgrDiskDialog *
mgr_disk_dialog_new(GtkWindow *parent, MgrClient *client, MgrDiskDialogMode mode)
{
    MgrDiskDialog *self;
    g_autofree char *folder = NULL;

    g_return_val_if_fail(parent == NULL || GTK_IS_WINDOW(parent), NULL);
    g_return_val_if_fail(MGR_IS_CLIENT(client), NULL);
    g_return_val_if_fail(mode <= MGR_DISK_DIALOG_INSPECT, NULL);

    self = g_object_new(MGR_TYPE_DISK_DIALOG, "transient-for", parent, NULL);
    self->client = g_object_ref(client);
    self->mode = mode;
    switch (mode) {
    case MGR_DISK_DIALOG_NEW:
        gtk_window_set_title(GTK_WINDOW(self), _("New Virtual Hard Disk"));
        gtk_button_set_label(self->run_button, _("C_reate"));
        gtk_stack_set_visible_child_name(self->pages, "new");
        folder = g_build_filename(g_get_user_data_dir(), "berth", "Virtual Hard Disks", NULL);
        if (!g_file_test(folder, G_FILE_TEST_IS_DIR)) {
            g_free(folder);
            folder = g_strdup(g_get_home_dir());
        }
        gtk_editable_set_text(GTK_EDITABLE(self->folder_entry), folder);
        gtk_editable_set_text(GTK_EDITABLE(self->name_entry), _("New Virtual Hard Disk.vhdx"));
        break;
    case MGR_DISK_DIALOG_EDIT:
        gtk_window_set_title(GTK_WINDOW(self), _("Edit Virtual Hard Disk"));
        gtk_button_set_label(self->run_button, _("_Finish"));
        gtk_stack_set_visible_child_name(self->pages, "existing");
        break;
    case MGR_DISK_DIALOG_INSPECT:
        gtk_window_set_title(GTK_WINDOW(self), _("Inspect Disk"));
        gtk_stack_set_visible_child_name(self->pages, "existing");
        gtk_widget_set_visible(self->edit_box, FALSE);
        gtk_widget_set_visible(GTK_WIDGET(self->run_button), FALSE);
        break;
    }
    update(self);
    return self;
}
