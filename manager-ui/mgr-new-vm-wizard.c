/* mgr-new-vm-wizard.c: the New Virtual Machine Wizard: pages, live checks, Finish.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-dialog-util.h"
#include "mgr-gsettings.h"
#include "mgr-new-vm-plan.h"
#include "mgr-new-vm-wizard.h"
#include "mgr-vm-creator.h"

#define SKIP_INTRO_KEY "new-vm-skip-before-you-begin"

static const char *const page_names[] = {"before",  "name", "generation", "memory",
                                         "network", "disk", "install",    "summary"};
#define N_PAGES G_N_ELEMENTS(page_names)

enum {
    PAGE_BEFORE,
    PAGE_NAME,
    PAGE_GENERATION,
    PAGE_MEMORY,
    PAGE_NETWORK,
    PAGE_DISK,
    PAGE_INSTALL,
    PAGE_SUMMARY
};

struct _MgrNewVmWizard {
    AdwWindow parent_instance;

    MgrClient *client;
    MgrNewVmPlan *plan;
    GSettings *settings;
    GCancellable *cancellable;
    gboolean busy;
    gboolean quick;
    gboolean updating;
    gboolean disk_name_edited;
    gboolean disk_folder_edited;
    gboolean page_valid[N_PAGES];
    gulong added_id;
    gulong removed_id;

    GtkListBox *steps_list;
    GtkLabel *page_title;
    GtkStack *pages;
    GtkCheckButton *skip_intro_check;
    GtkEntry *name_entry;
    GtkLabel *name_reason;
    GtkEntry *location_entry;
    GtkCheckButton *gen1_check;
    GtkCheckButton *gen2_check;
    GtkLabel *memory_intro;
    GtkSpinButton *memory_spin;
    GtkCheckButton *dynamic_check;
    GtkLabel *memory_reason;
    GtkLabel *memory_warning;
    GtkStringList *switch_model;
    GtkDropDown *switch_dropdown;
    GtkLabel *network_reason;
    GtkCheckButton *disk_create_check;
    GtkCheckButton *disk_existing_check;
    GtkCheckButton *disk_later_check;
    GtkWidget *disk_create_grid;
    GtkWidget *disk_existing_box;
    GtkEntry *disk_name_entry;
    GtkEntry *disk_folder_entry;
    GtkSpinButton *disk_size_spin;
    GtkEntry *existing_disk_entry;
    GtkLabel *disk_reason;
    GtkCheckButton *install_later_check;
    GtkCheckButton *install_iso_check;
    GtkCheckButton *install_floppy_check;
    GtkCheckButton *install_network_check;
    GtkWidget *iso_box;
    GtkWidget *floppy_box;
    GtkEntry *iso_entry;
    GtkEntry *floppy_entry;
    GtkLabel *install_reason;
    GtkLabel *summary_label;
    GtkLabel *summary_reason;
    GtkLabel *progress_label;
    GtkProgressBar *progress_bar;
    GtkWidget *previous_button;
    GtkWidget *next_button;
    GtkWidget *finish_button;
    GtkWidget *cancel_button;
    GtkWidget *steps_scroller;
    GtkWidget *steps_separator;
    GtkCheckButton *quick_demo_check;
    GtkLabel *quick_demo_label;
    GtkCheckButton *quick_local_check;
    GtkWidget *quick_source_box;
    GtkEntry *quick_source_entry;
    GtkEntry *quick_name_entry;
    GtkLabel *quick_summary;
    GtkLabel *quick_reason;
};

G_DEFINE_FINAL_TYPE(MgrNewVmWizard, mgr_new_vm_wizard, ADW_TYPE_WINDOW)

enum { SIGNAL_VM_CREATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void update(MgrNewVmWizard *self);

static const char *
page_title(guint page)
{
    g_assert(page < N_PAGES);
    switch (page) {
    case PAGE_BEFORE:
        return _("Before You Begin");
    case PAGE_NAME:
        return _("Specify Name and Location");
    case PAGE_GENERATION:
        return _("Specify Generation");
    case PAGE_MEMORY:
        return _("Assign Memory");
    case PAGE_NETWORK:
        return _("Configure Networking");
    case PAGE_DISK:
        return _("Connect Virtual Hard Disk");
    case PAGE_INSTALL:
        return _("Installation Options");
    case PAGE_SUMMARY:
        return _("Summary");
    }
    g_assert_not_reached();
}

static guint
current_page(MgrNewVmWizard *self)
{
    const char *name = gtk_stack_get_visible_child_name(self->pages);

    for (guint i = 0; i < N_PAGES; i++)
        if (g_strcmp0(name, page_names[i]) == 0)
            return i;
    return PAGE_BEFORE;
}

static guint
first_page(MgrNewVmWizard *self)
{
    return gtk_check_button_get_active(self->skip_intro_check) && self->settings != NULL &&
                   g_settings_get_boolean(self->settings, SKIP_INTRO_KEY)
               ? PAGE_NAME
               : PAGE_BEFORE;
}

static guint64
host_memory_mib(MgrNewVmWizard *self)
{
    BerthDBusHost *host = mgr_client_get_host(self->client);
    GVariant *capabilities = host != NULL ? berth_dbus_host_get_capabilities(host) : NULL;
    guint64 memory = 0;

    if (capabilities != NULL)
        g_variant_lookup(capabilities, "memory-mib", "t", &memory);
    return memory;
}

/* ---- Reading the widgets into the plan ---------------------------------------------------- */

static char *
entry_text(GtkEntry *entry)
{
    g_autofree char *text = g_strdup(gtk_editable_get_text(GTK_EDITABLE(entry)));

    return g_strdup(g_strstrip(text));
}

/* The demo guest Quick Create offers: $BERTH_DEMO_IMAGE, else the one Berth installs. */
static char *
demo_image(void)
{
    const char *env = g_getenv("BERTH_DEMO_IMAGE");
    g_autofree char *installed = g_build_filename(BERTH_PKGDATADIR, "demo", "gen2.img", NULL);

    if (env != NULL && g_file_test(env, G_FILE_TEST_IS_REGULAR))
        return g_strdup(env);
    if (g_file_test(installed, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer(&installed);
    return NULL;
}

/* Quick Create's sensible defaults: Generation 2, 2048 MB of dynamic memory, the Default Switch
 * (else the first switch), and a new VHDX: empty with the ISO in the DVD drive, or a copy of the
 * chosen disk image. */
static void
read_quick_plan(MgrNewVmWizard *self)
{
    MgrNewVmPlan *plan = self->plan;
    g_auto(GStrv) switches = mgr_dialog_switch_names(mgr_client_get_manager(self->client));
    g_autofree char *source = NULL;
    g_autofree char *lower = NULL;
    g_autofree char *file = NULL;

    g_free(plan->name);
    plan->name = g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->quick_name_entry)));
    plan->generation = 2;
    plan->memory_mib = 2048;
    plan->dynamic_memory = TRUE;
    g_clear_pointer(&plan->switch_name, g_free);
    if (g_strv_contains((const char *const *)switches, "Default Switch"))
        plan->switch_name = g_strdup("Default Switch");
    else if (switches[0] != NULL)
        plan->switch_name = g_strdup(switches[0]);
    source = gtk_check_button_get_active(self->quick_demo_check)
                 ? demo_image()
                 : entry_text(self->quick_source_entry);
    lower = g_ascii_strdown(source != NULL ? source : "", -1);
    file = g_strdup(plan->name);
    g_strdelimit(g_strstrip(file), "/", '-');
    g_free(plan->disk_name);
    plan->disk_name = g_strdup_printf("%s.vhdx", file);
    plan->disk_size_gib = MGR_NEW_VM_DEFAULT_DISK_GIB;
    g_clear_pointer(&plan->iso_path, g_free);
    g_clear_pointer(&plan->copy_source, g_free);
    if (g_str_has_suffix(lower, ".iso")) {
        plan->disk_choice = MGR_DISK_CHOICE_CREATE;
        plan->install = HVX_NEW_VM_INSTALL_DVD;
        plan->iso_path = g_strdup(source);
    } else {
        plan->disk_choice = MGR_DISK_CHOICE_COPY;
        plan->install = HVX_NEW_VM_INSTALL_LATER;
        plan->copy_source = g_strdup(source);
    }
}

static void
read_plan(MgrNewVmWizard *self)
{
    MgrNewVmPlan *plan = self->plan;
    guint selected = gtk_drop_down_get_selected(self->switch_dropdown);

    if (self->quick) {
        read_quick_plan(self);
        return;
    }
    g_free(plan->name);
    plan->name = g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->name_entry)));
    plan->generation = gtk_check_button_get_active(self->gen1_check) ? 1 : 2;
    plan->memory_mib = (guint64)gtk_spin_button_get_value(self->memory_spin);
    plan->dynamic_memory = gtk_check_button_get_active(self->dynamic_check);
    g_clear_pointer(&plan->switch_name, g_free);
    if (selected != GTK_INVALID_LIST_POSITION && selected > 0)
        plan->switch_name = g_strdup(gtk_string_list_get_string(self->switch_model, selected));

    if (gtk_check_button_get_active(self->disk_existing_check))
        plan->disk_choice = MGR_DISK_CHOICE_EXISTING;
    else if (gtk_check_button_get_active(self->disk_later_check))
        plan->disk_choice = MGR_DISK_CHOICE_LATER;
    else
        plan->disk_choice = MGR_DISK_CHOICE_CREATE;
    g_free(plan->disk_name);
    plan->disk_name = entry_text(self->disk_name_entry);
    g_free(plan->disk_folder);
    plan->disk_folder = entry_text(self->disk_folder_entry);
    plan->disk_size_gib = (guint64)gtk_spin_button_get_value(self->disk_size_spin);
    g_free(plan->existing_disk);
    plan->existing_disk = entry_text(self->existing_disk_entry);

    if (gtk_check_button_get_active(self->install_iso_check))
        plan->install = HVX_NEW_VM_INSTALL_DVD;
    else if (gtk_check_button_get_active(self->install_floppy_check))
        plan->install = HVX_NEW_VM_INSTALL_FLOPPY;
    else if (gtk_check_button_get_active(self->install_network_check))
        plan->install = HVX_NEW_VM_INSTALL_NETWORK;
    else
        plan->install = HVX_NEW_VM_INSTALL_LATER;
    g_free(plan->iso_path);
    plan->iso_path = entry_text(self->iso_entry);
    g_free(plan->floppy_path);
    plan->floppy_path = entry_text(self->floppy_entry);
}

/* ---- Checks ------------------------------------------------------------------------------- */

static void
check_pages(MgrNewVmWizard *self)
{
    g_auto(GStrv) vms = mgr_dialog_vm_names(mgr_client_get_manager(self->client));
    g_autofree char *name = mgr_new_vm_plan_check_name(self->plan, (const char *const *)vms);
    g_autofree char *memory = mgr_new_vm_plan_check_memory(self->plan, host_memory_mib(self));
    g_autofree char *warning =
        mgr_new_vm_plan_warn_memory(self->plan, mgr_host_available_memory_mib());
    g_autofree char *disk = mgr_new_vm_plan_check_disk(self->plan);
    g_autofree char *install = mgr_new_vm_plan_check_install(self->plan);
    g_autofree char *summary = NULL;
    GtkWidget *disk_field;
    GtkWidget *install_field = NULL;

    mgr_dialog_set_reason(self->name_reason, GTK_WIDGET(self->name_entry), name);
    mgr_dialog_set_reason(self->memory_reason, GTK_WIDGET(self->memory_spin), memory);
    mgr_dialog_set_reason(self->memory_warning, NULL, memory == NULL ? warning : NULL);
    switch (self->plan->disk_choice) {
    case MGR_DISK_CHOICE_CREATE:
        disk_field = GTK_WIDGET(self->disk_name_entry);
        break;
    case MGR_DISK_CHOICE_EXISTING:
        disk_field = GTK_WIDGET(self->existing_disk_entry);
        break;
    default:
        disk_field = NULL;
        break;
    }
    gtk_widget_remove_css_class(GTK_WIDGET(self->disk_name_entry), "error");
    gtk_widget_remove_css_class(GTK_WIDGET(self->existing_disk_entry), "error");
    mgr_dialog_set_reason(self->disk_reason, disk_field, disk);
    if (self->plan->install == HVX_NEW_VM_INSTALL_DVD)
        install_field = GTK_WIDGET(self->iso_entry);
    else if (self->plan->install == HVX_NEW_VM_INSTALL_FLOPPY)
        install_field = GTK_WIDGET(self->floppy_entry);
    gtk_widget_remove_css_class(GTK_WIDGET(self->iso_entry), "error");
    gtk_widget_remove_css_class(GTK_WIDGET(self->floppy_entry), "error");
    mgr_dialog_set_reason(self->install_reason, install_field, install);

    for (guint i = 0; i < N_PAGES; i++)
        self->page_valid[i] = TRUE;
    self->page_valid[PAGE_NAME] = name == NULL;
    self->page_valid[PAGE_MEMORY] = memory == NULL;
    self->page_valid[PAGE_DISK] = disk == NULL;
    self->page_valid[PAGE_INSTALL] = install == NULL;

    for (guint i = 0; i < PAGE_SUMMARY; i++)
        if (!self->page_valid[i]) {
            summary = g_strdup_printf(_("Go back to “%s”: %s"), page_title(i),
                                      name != NULL     ? name
                                      : memory != NULL ? memory
                                      : disk != NULL   ? disk
                                                       : install);
            break;
        }
    mgr_dialog_set_reason(self->summary_reason, NULL, summary);
    if (self->quick) {
        const char *reason = name != NULL ? name : disk != NULL ? disk : install;
        g_autofree char *text = mgr_new_vm_plan_summary(self->plan);

        mgr_dialog_set_reason(self->quick_reason, GTK_WIDGET(self->quick_name_entry), reason);
        if (name == NULL)
            gtk_widget_remove_css_class(GTK_WIDGET(self->quick_name_entry), "error");
        gtk_label_set_text(self->quick_summary, text);
        gtk_widget_set_sensitive(self->quick_source_box,
                                 gtk_check_button_get_active(self->quick_local_check));
    }
}

static gboolean
all_valid(MgrNewVmWizard *self)
{
    for (guint i = 0; i < N_PAGES; i++)
        if (!self->page_valid[i])
            return FALSE;
    return TRUE;
}

/* Which widgets make sense for the choices: sub-fields follow their radio button, floppy is
 * Generation 1 only, the memory text names the limits. */
static void
update_sensitivity(MgrNewVmWizard *self)
{
    gboolean gen1 = self->plan->generation == 1;
    g_autofree char *intro = NULL;

    gtk_widget_set_sensitive(self->disk_create_grid,
                             self->plan->disk_choice == MGR_DISK_CHOICE_CREATE);
    gtk_widget_set_sensitive(self->disk_existing_box,
                             self->plan->disk_choice == MGR_DISK_CHOICE_EXISTING);
    gtk_widget_set_sensitive(self->iso_box, self->plan->install == HVX_NEW_VM_INSTALL_DVD);
    gtk_widget_set_visible(GTK_WIDGET(self->install_floppy_check), gen1);
    gtk_widget_set_visible(self->floppy_box, gen1);
    gtk_widget_set_sensitive(self->floppy_box, self->plan->install == HVX_NEW_VM_INSTALL_FLOPPY);

    intro = g_strdup_printf(_("Specify the amount of memory to allocate to this virtual machine. "
                              "You can specify an amount from %u MB through %u MB. To improve "
                              "performance, specify more than the minimum amount recommended for "
                              "the operating system."),
                            (guint)HVX_MEMORY_MIN_MIB,
                            host_memory_mib(self) > 0 ? (guint)host_memory_mib(self)
                                                      : (guint)HVX_MEMORY_MAX_MIB);
    gtk_label_set_text(self->memory_intro, intro);
}

static void
update_steps(MgrNewVmWizard *self, guint page)
{
    gboolean reachable = !self->busy;

    for (guint i = 0; i < N_PAGES; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->steps_list, (int)i);

        gtk_widget_set_sensitive(GTK_WIDGET(row), reachable);
        if (!self->page_valid[i])
            reachable = FALSE;
    }
    gtk_list_box_select_row(self->steps_list,
                            gtk_list_box_get_row_at_index(self->steps_list, (int)page));
}

static void
update(MgrNewVmWizard *self)
{
    guint page;
    g_autofree char *summary = NULL;

    if (self->updating)
        return;
    self->updating = TRUE;
    page = current_page(self);
    read_plan(self);
    check_pages(self);
    update_sensitivity(self);
    summary = mgr_new_vm_plan_summary(self->plan);
    gtk_label_set_text(self->summary_label, summary);
    if (self->quick) {
        gtk_label_set_text(self->page_title, _("Quick Create"));
    } else {
        gtk_label_set_text(self->page_title, page_title(page));
        update_steps(self, page);
    }

    gtk_widget_action_set_enabled(GTK_WIDGET(self), "wizard.previous",
                                  !self->busy && page > first_page(self));
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "wizard.next",
                                  !self->busy && page < PAGE_SUMMARY && self->page_valid[page]);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "wizard.finish",
                                  !self->busy && all_valid(self));
    gtk_widget_set_sensitive(GTK_WIDGET(self->pages), !self->busy);
    self->updating = FALSE;
}

/* ---- Switches ------------------------------------------------------------------------------ */

static void
fill_switches(MgrNewVmWizard *self)
{
    g_auto(GStrv) names = mgr_dialog_switch_names(mgr_client_get_manager(self->client));
    guint selected = gtk_drop_down_get_selected(self->switch_dropdown);
    g_autofree char *chosen = NULL;
    guint n = g_list_model_get_n_items(G_LIST_MODEL(self->switch_model));
    guint position = 0;

    if (selected != GTK_INVALID_LIST_POSITION && selected > 0)
        chosen = g_strdup(gtk_string_list_get_string(self->switch_model, selected));
    gtk_string_list_splice(self->switch_model, 0, n, NULL);
    gtk_string_list_append(self->switch_model, _("Not connected"));
    for (guint i = 0; names[i] != NULL; i++) {
        gtk_string_list_append(self->switch_model, names[i]);
        if (g_strcmp0(names[i], chosen) == 0)
            position = i + 1;
    }
    gtk_drop_down_set_selected(self->switch_dropdown, position);
    mgr_dialog_set_reason(self->network_reason, NULL,
                          names[0] == NULL ? _("There are no virtual switches yet: create one in "
                                               "the Virtual Switch Manager, or leave the adapter "
                                               "not connected for now.")
                                           : NULL);
}

static void
objects_changed(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
    MgrNewVmWizard *self = user_data;

    if (berth_dbus_object_peek_switch(BERTH_DBUS_OBJECT(object)) != NULL)
        fill_switches(self);
    update(self); /* a VM appeared or vanished: the name may now be taken or free */
}

/* ---- Navigation ------------------------------------------------------------------------------ */

void
mgr_new_vm_wizard_set_page(MgrNewVmWizard *self, const char *page)
{
    g_return_if_fail(MGR_IS_NEW_VM_WIZARD(self));

    gtk_stack_set_visible_child_name(self->pages, page);
    update(self);
}

MgrNewVmWizard *
mgr_new_vm_wizard_new_quick(GtkWindow *parent, MgrClient *client)
{
    MgrNewVmWizard *self = mgr_new_vm_wizard_new(parent, client);
    g_autofree char *demo = demo_image();
    g_autofree char *demo_text = NULL;

    self->quick = TRUE;
    gtk_window_set_title(GTK_WINDOW(self), _("Quick Create"));
    gtk_window_set_default_size(GTK_WINDOW(self), 720, 520);
    gtk_widget_set_visible(self->steps_scroller, FALSE);
    gtk_widget_set_visible(self->steps_separator, FALSE);
    gtk_widget_set_visible(self->previous_button, FALSE);
    gtk_widget_set_visible(self->next_button, FALSE);
    gtk_button_set_label(GTK_BUTTON(self->finish_button), _("_Create Virtual Machine"));
    gtk_editable_set_text(GTK_EDITABLE(self->quick_name_entry), _("New Virtual Machine"));
    if (demo != NULL) {
        demo_text = g_strdup_printf(_("A small Linux guest to try Berth with (%s)."), demo);
        gtk_check_button_set_active(self->quick_demo_check, TRUE);
    } else {
        demo_text = g_strdup(_("Not installed on this computer: choose a local installation "
                               "source."));
        gtk_widget_set_sensitive(GTK_WIDGET(self->quick_demo_check), FALSE);
    }
    gtk_label_set_text(self->quick_demo_label, demo_text);
    gtk_stack_set_visible_child_name(self->pages, "quick");
    update(self);
    gtk_widget_grab_focus(GTK_WIDGET(self->quick_name_entry));
    return self;
}

const char *
mgr_new_vm_wizard_get_page(MgrNewVmWizard *self)
{
    g_return_val_if_fail(MGR_IS_NEW_VM_WIZARD(self), NULL);
    return gtk_stack_get_visible_child_name(self->pages);
}

static void
show_page(MgrNewVmWizard *self, guint page)
{
    mgr_new_vm_wizard_set_page(self, page_names[page]);
}

static void
step_selected(GtkListBox *list, GtkListBoxRow *row, gpointer user_data)
{
    MgrNewVmWizard *self = user_data;

    if (self->updating || row == NULL)
        return;
    show_page(self, (guint)gtk_list_box_row_get_index(row));
}

static void
previous_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrNewVmWizard *self = MGR_NEW_VM_WIZARD(widget);
    guint page = current_page(self);

    if (page > first_page(self))
        show_page(self, page - 1);
}

static void
next_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrNewVmWizard *self = MGR_NEW_VM_WIZARD(widget);
    guint page = current_page(self);

    if (page < PAGE_SUMMARY && self->page_valid[page])
        show_page(self, page + 1);
}

/* ---- Finish and Cancel ---------------------------------------------------------------------- */

static void
set_busy(MgrNewVmWizard *self, gboolean busy)
{
    self->busy = busy;
    gtk_widget_set_visible(GTK_WIDGET(self->progress_bar), busy);
    gtk_widget_set_visible(GTK_WIDGET(self->progress_label), busy);
    if (busy) {
        gtk_progress_bar_set_fraction(self->progress_bar, 0.0);
        gtk_label_set_text(self->progress_label, _("Creating the virtual machine…"));
    }
    update(self);
}

static void
creation_progress(double fraction, gpointer user_data)
{
    MgrNewVmWizard *self = user_data;
    g_autofree char *text =
        g_strdup_printf(_("Creating the virtual hard disk… %d%%"), (int)(fraction * 100));

    gtk_progress_bar_set_fraction(self->progress_bar, fraction);
    gtk_label_set_text(self->progress_label, text);
}

static void
creation_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(MgrNewVmWizard) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = mgr_vm_creator_run_finish(result, &error);

    g_clear_object(&self->cancellable);
    if (path != NULL) {
        g_signal_emit(self, signals[SIGNAL_VM_CREATED], 0, path);
        gtk_window_destroy(GTK_WINDOW(self));
        return;
    }
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        /* The user cancelled: the half-made VM is gone again. */
        gtk_window_destroy(GTK_WINDOW(self));
        return;
    }
    set_busy(self, FALSE);
    if (!self->quick)
        show_page(self, PAGE_SUMMARY);
    {
        g_autofree char *text = mgr_dialog_error_text(error);

        mgr_dialog_set_reason(self->summary_reason, NULL, text);
    }
    mgr_dialog_show_error(GTK_WINDOW(self), _("The virtual machine could not be created"), error);
}

static void
finish_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrNewVmWizard *self = MGR_NEW_VM_WIZARD(widget);

    update(self);
    if (self->busy || !all_valid(self))
        return;
    if (!self->quick)
        show_page(self, PAGE_SUMMARY);
    self->cancellable = g_cancellable_new();
    set_busy(self, TRUE);
    mgr_vm_creator_run_async(self->client, self->plan, self->cancellable, creation_progress, self,
                             creation_done, g_object_ref(self));
}

static void
cancel_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrNewVmWizard *self = MGR_NEW_VM_WIZARD(widget);

    if (self->busy) {
        /* The creation ends itself (and removes what it made); then the window closes. */
        gtk_label_set_text(self->progress_label, _("Cancelling…"));
        g_cancellable_cancel(self->cancellable);
        return;
    }
    gtk_window_destroy(GTK_WINDOW(self));
}

static gboolean
close_requested(GtkWindow *window)
{
    MgrNewVmWizard *self = MGR_NEW_VM_WIZARD(window);

    if (self->busy) {
        cancel_activated(GTK_WIDGET(self), "wizard.cancel", NULL);
        return TRUE;
    }
    return FALSE;
}

/* ---- Browse buttons ------------------------------------------------------------------------- */

static void
browse_activated(GtkWidget *widget, const char *action, GVariant *param)
{
    MgrNewVmWizard *self = MGR_NEW_VM_WIZARD(widget);

    if (g_str_equal(action, "wizard.browse-location"))
        mgr_dialog_choose_path(GTK_WINDOW(self), _("Location of the Virtual Machine"),
                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                               GTK_EDITABLE(self->location_entry));
    else if (g_str_equal(action, "wizard.browse-disk-folder"))
        mgr_dialog_choose_path(GTK_WINDOW(self), _("Location of the Virtual Hard Disk"),
                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                               GTK_EDITABLE(self->disk_folder_entry));
    else if (g_str_equal(action, "wizard.browse-existing-disk"))
        mgr_dialog_choose_path(GTK_WINDOW(self), _("Existing Virtual Hard Disk"),
                               GTK_FILE_CHOOSER_ACTION_OPEN,
                               GTK_EDITABLE(self->existing_disk_entry));
    else if (g_str_equal(action, "wizard.browse-iso"))
        mgr_dialog_choose_path(GTK_WINDOW(self), _("Image File"), GTK_FILE_CHOOSER_ACTION_OPEN,
                               GTK_EDITABLE(self->iso_entry));
    else if (g_str_equal(action, "wizard.browse-quick-source"))
        mgr_dialog_choose_path(GTK_WINDOW(self), _("Installation Source"),
                               GTK_FILE_CHOOSER_ACTION_OPEN,
                               GTK_EDITABLE(self->quick_source_entry));
    else if (g_str_equal(action, "wizard.browse-floppy"))
        mgr_dialog_choose_path(GTK_WINDOW(self), _("Virtual Floppy Disk"),
                               GTK_FILE_CHOOSER_ACTION_OPEN, GTK_EDITABLE(self->floppy_entry));
}

/* ---- Fields that follow others -------------------------------------------------------------- */

static void
set_entry_quietly(MgrNewVmWizard *self, GtkEntry *entry, const char *text)
{
    gboolean updating = self->updating;

    self->updating = TRUE;
    gtk_editable_set_text(GTK_EDITABLE(entry), text);
    self->updating = updating;
}

static void
name_changed(MgrNewVmWizard *self)
{
    /* Like Hyper-V, the new disk is named after the VM until the user names it. */
    if (!self->disk_name_edited) {
        g_autofree char *name = g_strdup(gtk_editable_get_text(GTK_EDITABLE(self->name_entry)));
        g_autofree char *file = NULL;

        g_strdelimit(g_strstrip(name), "/", '-');
        file = g_strdup_printf("%s.vhdx", name);
        set_entry_quietly(self, self->disk_name_entry, file);
    }
    update(self);
}

static void
location_changed(MgrNewVmWizard *self)
{
    if (!self->disk_folder_edited)
        set_entry_quietly(self, self->disk_folder_entry,
                          gtk_editable_get_text(GTK_EDITABLE(self->location_entry)));
    update(self);
}

static void
disk_name_changed(MgrNewVmWizard *self)
{
    if (!self->updating)
        self->disk_name_edited = TRUE;
    update(self);
}

static void
disk_folder_changed(MgrNewVmWizard *self)
{
    if (!self->updating)
        self->disk_folder_edited = TRUE;
    update(self);
}

static void
skip_intro_toggled(MgrNewVmWizard *self)
{
    if (self->settings != NULL)
        g_settings_set_boolean(self->settings, SKIP_INTRO_KEY,
                               gtk_check_button_get_active(self->skip_intro_check));
}

static GSettings *
open_settings(void)
{
    g_autoptr(GSettings) settings = mgr_gsettings_new();
    g_autoptr(GSettingsSchema) schema = NULL;

    /* Without the installed schema (tests, an uninstalled build) nothing is remembered. */
    if (settings == NULL)
        return NULL;
    g_object_get(settings, "settings-schema", &schema, NULL);
    if (!g_settings_schema_has_key(schema, SKIP_INTRO_KEY))
        return NULL;
    return g_steal_pointer(&settings);
}

/* ---- Object ------------------------------------------------------------------------------- */

static void
mgr_new_vm_wizard_dispose(GObject *object)
{
    MgrNewVmWizard *self = MGR_NEW_VM_WIZARD(object);

    if (self->client != NULL && mgr_client_get_manager(self->client) != NULL) {
        g_clear_signal_handler(&self->added_id, mgr_client_get_manager(self->client));
        g_clear_signal_handler(&self->removed_id, mgr_client_get_manager(self->client));
    }
    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->client);
    g_clear_object(&self->settings);
    g_clear_pointer(&self->plan, mgr_new_vm_plan_free);
    gtk_widget_dispose_template(GTK_WIDGET(self), MGR_TYPE_NEW_VM_WIZARD);
    G_OBJECT_CLASS(mgr_new_vm_wizard_parent_class)->dispose(object);
}

static void
mgr_new_vm_wizard_class_init(MgrNewVmWizardClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = mgr_new_vm_wizard_dispose;
    GTK_WINDOW_CLASS(klass)->close_request = close_requested;

    /* vm-created: the VM's object path, once it and its disk exist. */
    signals[SIGNAL_VM_CREATED] =
        g_signal_new("vm-created", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 1, G_TYPE_STRING);

    mgr_dialog_ensure_resources();
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/berth/Manager/mgr-new-vm-wizard.ui");
#define CHILD(name) gtk_widget_class_bind_template_child(widget_class, MgrNewVmWizard, name)
    CHILD(steps_list);
    CHILD(page_title);
    CHILD(pages);
    CHILD(skip_intro_check);
    CHILD(name_entry);
    CHILD(name_reason);
    CHILD(location_entry);
    CHILD(gen1_check);
    CHILD(gen2_check);
    CHILD(memory_intro);
    CHILD(memory_spin);
    CHILD(dynamic_check);
    CHILD(memory_reason);
    CHILD(memory_warning);
    CHILD(switch_model);
    CHILD(switch_dropdown);
    CHILD(network_reason);
    CHILD(disk_create_check);
    CHILD(disk_existing_check);
    CHILD(disk_later_check);
    CHILD(disk_create_grid);
    CHILD(disk_existing_box);
    CHILD(disk_name_entry);
    CHILD(disk_folder_entry);
    CHILD(disk_size_spin);
    CHILD(existing_disk_entry);
    CHILD(disk_reason);
    CHILD(install_later_check);
    CHILD(install_iso_check);
    CHILD(install_floppy_check);
    CHILD(install_network_check);
    CHILD(iso_box);
    CHILD(floppy_box);
    CHILD(iso_entry);
    CHILD(floppy_entry);
    CHILD(install_reason);
    CHILD(summary_label);
    CHILD(summary_reason);
    CHILD(progress_label);
    CHILD(progress_bar);
    CHILD(previous_button);
    CHILD(next_button);
    CHILD(finish_button);
    CHILD(cancel_button);
    CHILD(steps_scroller);
    CHILD(steps_separator);
    CHILD(quick_demo_check);
    CHILD(quick_demo_label);
    CHILD(quick_local_check);
    CHILD(quick_source_box);
    CHILD(quick_source_entry);
    CHILD(quick_name_entry);
    CHILD(quick_summary);
    CHILD(quick_reason);
#undef CHILD

    gtk_widget_class_install_action(widget_class, "wizard.previous", NULL, previous_activated);
    gtk_widget_class_install_action(widget_class, "wizard.next", NULL, next_activated);
    gtk_widget_class_install_action(widget_class, "wizard.finish", NULL, finish_activated);
    gtk_widget_class_install_action(widget_class, "wizard.cancel", NULL, cancel_activated);
    gtk_widget_class_install_action(widget_class, "wizard.browse-location", NULL, browse_activated);
    gtk_widget_class_install_action(widget_class, "wizard.browse-disk-folder", NULL,
                                    browse_activated);
    gtk_widget_class_install_action(widget_class, "wizard.browse-existing-disk", NULL,
                                    browse_activated);
    gtk_widget_class_install_action(widget_class, "wizard.browse-iso", NULL, browse_activated);
    gtk_widget_class_install_action(widget_class, "wizard.browse-floppy", NULL, browse_activated);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Escape, 0, "wizard.cancel", NULL);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Page_Down, GDK_ALT_MASK,
                                        "wizard.next", NULL);
    gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Page_Up, GDK_ALT_MASK,
                                        "wizard.previous", NULL);
}

static void
mgr_new_vm_wizard_init(MgrNewVmWizard *self)
{
    g_autofree char *folder =
        g_build_filename(g_get_user_data_dir(), "berth", "Virtual Hard Disks", NULL);

    gtk_widget_init_template(GTK_WIDGET(self));
    self->plan = mgr_new_vm_plan_new(folder);
    self->settings = open_settings();

    for (guint i = 0; i < N_PAGES; i++) {
        g_autofree char *text = g_strdup(page_title(i));
        GtkWidget *label = gtk_label_new(text);

        gtk_label_set_xalign(GTK_LABEL(label), 0);
        gtk_widget_set_margin_start(label, 6);
        gtk_widget_set_margin_top(label, 6);
        gtk_widget_set_margin_bottom(label, 6);
        gtk_list_box_append(self->steps_list, label);
    }
    g_signal_connect(self->steps_list, "row-selected", G_CALLBACK(step_selected), self);

    self->updating = TRUE;
    gtk_editable_set_text(GTK_EDITABLE(self->name_entry), self->plan->name);
    gtk_editable_set_text(GTK_EDITABLE(self->location_entry), folder);
    gtk_editable_set_text(GTK_EDITABLE(self->disk_folder_entry), folder);
    gtk_editable_set_text(GTK_EDITABLE(self->disk_name_entry), self->plan->disk_name);
    gtk_spin_button_set_value(self->memory_spin, (double)self->plan->memory_mib);
    gtk_spin_button_set_value(self->disk_size_spin, (double)self->plan->disk_size_gib);
    if (self->settings != NULL)
        gtk_check_button_set_active(self->skip_intro_check,
                                    g_settings_get_boolean(self->settings, SKIP_INTRO_KEY));
    self->updating = FALSE;

    g_signal_connect_swapped(self->name_entry, "changed", G_CALLBACK(name_changed), self);
    g_signal_connect_swapped(self->location_entry, "changed", G_CALLBACK(location_changed), self);
    g_signal_connect_swapped(self->disk_name_entry, "changed", G_CALLBACK(disk_name_changed), self);
    g_signal_connect_swapped(self->disk_folder_entry, "changed", G_CALLBACK(disk_folder_changed),
                             self);
    g_signal_connect_swapped(self->skip_intro_check, "toggled", G_CALLBACK(skip_intro_toggled),
                             self);
    {
        GtkWidget *watched[] = {
            GTK_WIDGET(self->existing_disk_entry), GTK_WIDGET(self->iso_entry),
            GTK_WIDGET(self->floppy_entry),        GTK_WIDGET(self->quick_source_entry),
            GTK_WIDGET(self->quick_name_entry),
        };
        GtkWidget *toggles[] = {
            GTK_WIDGET(self->gen1_check),           GTK_WIDGET(self->gen2_check),
            GTK_WIDGET(self->dynamic_check),        GTK_WIDGET(self->disk_create_check),
            GTK_WIDGET(self->disk_existing_check),  GTK_WIDGET(self->disk_later_check),
            GTK_WIDGET(self->install_later_check),  GTK_WIDGET(self->install_iso_check),
            GTK_WIDGET(self->install_floppy_check), GTK_WIDGET(self->install_network_check),
            GTK_WIDGET(self->quick_demo_check),     GTK_WIDGET(self->quick_local_check),
        };

        for (guint i = 0; i < G_N_ELEMENTS(watched); i++)
            g_signal_connect_swapped(watched[i], "changed", G_CALLBACK(update), self);
        for (guint i = 0; i < G_N_ELEMENTS(toggles); i++)
            g_signal_connect_swapped(toggles[i], "toggled", G_CALLBACK(update), self);
    }
    g_signal_connect_swapped(self->memory_spin, "value-changed", G_CALLBACK(update), self);
    g_signal_connect_swapped(self->disk_size_spin, "value-changed", G_CALLBACK(update), self);
    g_signal_connect_swapped(self->switch_dropdown, "notify::selected", G_CALLBACK(update), self);
    g_signal_connect_swapped(self->pages, "notify::visible-child", G_CALLBACK(update), self);
}

MgrNewVmWizard *
mgr_new_vm_wizard_new(GtkWindow *parent, MgrClient *client)
{
    MgrNewVmWizard *self;
    GDBusObjectManager *manager;

    g_return_val_if_fail(parent == NULL || GTK_IS_WINDOW(parent), NULL);
    g_return_val_if_fail(MGR_IS_CLIENT(client), NULL);

    self = g_object_new(MGR_TYPE_NEW_VM_WIZARD, "transient-for", parent, NULL);
    self->client = g_object_ref(client);
    manager = mgr_client_get_manager(client);
    if (manager != NULL) {
        self->added_id =
            g_signal_connect(manager, "object-added", G_CALLBACK(objects_changed), self);
        self->removed_id =
            g_signal_connect(manager, "object-removed", G_CALLBACK(objects_changed), self);
    }
    fill_switches(self);
    gtk_stack_set_visible_child_name(self->pages, page_names[first_page(self)]);
    update(self);
    if (first_page(self) == PAGE_NAME)
        gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
    return self;
}
