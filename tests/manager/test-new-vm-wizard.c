/* test-new-vm-wizard.c: the New Virtual Machine Wizard, the real window under Xvfb against a real
 * berthd (berthtest.py session): a Generation 2 VM made through every page and checked with
 * "berth dumpxml"; Cancel on every page leaves nothing; Cancel right after Finish removes the
 * half-made VM and disk; invalid input (empty and duplicate name, memory above the host, an
 * existing disk path) is flagged and blocks Finish. Screenshots of every page are saved.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gstdio.h>

#include "hvx-vm-def.h"
#include "mgr-new-vm-wizard.h"
#include "mgr-test-util.h"

#define W MGR_TYPE_NEW_VM_WIZARD

static MgrClient *client;

typedef struct {
    MgrNewVmWizard *wizard; /* weak */
    char *created;
} Run;

static void
vm_created(MgrNewVmWizard *wizard, const char *path, gpointer user_data)
{
    Run *run = user_data;

    run->created = g_strdup(path);
}

static MgrNewVmWizard *
open_wizard(Run *run)
{
    MgrNewVmWizard *wizard = mgr_new_vm_wizard_new(NULL, client);

    run->wizard = wizard;
    g_object_add_weak_pointer(G_OBJECT(wizard), (gpointer *)&run->wizard);
    g_signal_connect(wizard, "vm-created", G_CALLBACK(vm_created), run);
    gtk_window_present(GTK_WINDOW(wizard));
    mgr_test_spin(200);
    return wizard;
}

static void
run_clear(Run *run)
{
    if (run->wizard != NULL)
        gtk_window_destroy(GTK_WINDOW(run->wizard));
    g_clear_pointer(&run->created, g_free);
}

static guint
count_files(const char *folder)
{
    g_autoptr(GDir) dir = g_dir_open(folder, 0, NULL);
    guint n = 0;

    while (dir != NULL && g_dir_read_name(dir) != NULL)
        n++;
    return n;
}

static guint
count_vms(void)
{
    g_autofree char *out = mgr_test_berth(NULL, "list", NULL);
    g_auto(GStrv) lines = NULL;
    guint n = 0;

    g_assert_nonnull(out);
    lines = g_strsplit(out, "\n", -1);
    for (guint i = 1; lines[i] != NULL; i++) /* the first line is the header */
        if (*lines[i] != '\0')
            n++;
    return n;
}

static HvxVmDef *
dumpxml(const char *name)
{
    g_autofree char *err = NULL;
    g_autofree char *xml = mgr_test_berth(&err, "dumpxml", name, NULL);
    g_autoptr(GError) error = NULL;
    HvxVmDef *def;

    if (xml == NULL)
        g_error("berth dumpxml %s: %s", name, err);
    def = hvx_vm_def_parse_string(xml, -1, "dumpxml", &error);
    g_assert_no_error(error);
    return def;
}

static const char *
page(Run *run)
{
    return mgr_new_vm_wizard_get_page(run->wizard);
}

static void
test_gen2_every_page(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("gen2");
    g_autofree char *iso = g_build_filename(folder, "setup.iso", NULL);
    g_autofree char *disk = g_build_filename(folder, "Lab Gen2.vhdx", NULL);
    g_autoptr(HvxVmDef) def = NULL;
    const HvxControllerDef *controller;
    const HvxDriveDef *drive;
    GtkDropDown *dropdown;
    g_autofree char *chosen_switch = NULL;

    g_assert_true(g_file_set_contents(iso, "not really an ISO", -1, NULL));
    open_wizard(&run);

    g_assert_cmpstr(page(&run), ==, "before");
    g_assert_false(mgr_test_sensitive(run.wizard, W, "previous_button"));
    mgr_test_screenshot(run.wizard, "wizard-1-before-you-begin");
    mgr_test_activate(run.wizard, "wizard.next");

    g_assert_cmpstr(page(&run), ==, "name");
    mgr_test_type(run.wizard, W, "name_entry", "Lab Gen2");
    mgr_test_type(run.wizard, W, "location_entry", folder);
    g_assert_null(mgr_test_reason(run.wizard, W, "name_reason"));
    mgr_test_screenshot(run.wizard, "wizard-2-name-and-location");
    mgr_test_activate(run.wizard, "wizard.next");

    g_assert_cmpstr(page(&run), ==, "generation");
    mgr_test_toggle(run.wizard, W, "gen2_check", TRUE);
    mgr_test_screenshot(run.wizard, "wizard-3-generation");
    mgr_test_activate(run.wizard, "wizard.next");

    g_assert_cmpstr(page(&run), ==, "memory");
    mgr_test_set_value(run.wizard, W, "memory_spin", 768);
    mgr_test_toggle(run.wizard, W, "dynamic_check", TRUE);
    g_assert_null(mgr_test_reason(run.wizard, W, "memory_reason"));
    mgr_test_screenshot(run.wizard, "wizard-4-memory");
    mgr_test_activate(run.wizard, "wizard.next");

    g_assert_cmpstr(page(&run), ==, "network");
    /* The switches berthd has (its Default Switch once switches are served), else none. */
    dropdown = mgr_test_child(run.wizard, W, "switch_dropdown");
    if (g_list_model_get_n_items(gtk_drop_down_get_model(dropdown)) > 1) {
        gtk_drop_down_set_selected(dropdown, 1);
        chosen_switch = g_strdup(gtk_string_object_get_string(
            GTK_STRING_OBJECT(gtk_drop_down_get_selected_item(dropdown))));
        g_test_message("network: connecting to %s", chosen_switch);
    } else {
        g_test_message("network: berthd serves no switches; the adapter stays not connected");
        g_assert_nonnull(mgr_test_reason(run.wizard, W, "network_reason"));
    }
    mgr_test_spin(20);
    mgr_test_screenshot(run.wizard, "wizard-5-networking");
    mgr_test_activate(run.wizard, "wizard.next");

    g_assert_cmpstr(page(&run), ==, "disk");
    /* The disk follows the VM's name and location until edited. */
    g_assert_cmpstr(gtk_editable_get_text(mgr_test_child(run.wizard, W, "disk_name_entry")), ==,
                    "Lab Gen2.vhdx");
    g_assert_cmpstr(gtk_editable_get_text(mgr_test_child(run.wizard, W, "disk_folder_entry")), ==,
                    folder);
    mgr_test_set_value(run.wizard, W, "disk_size_spin", 2);
    g_assert_null(mgr_test_reason(run.wizard, W, "disk_reason"));
    mgr_test_screenshot(run.wizard, "wizard-6-virtual-hard-disk");
    mgr_test_activate(run.wizard, "wizard.next");

    g_assert_cmpstr(page(&run), ==, "install");
    /* No floppy on Generation 2. */
    g_assert_false(gtk_widget_get_visible(mgr_test_child(run.wizard, W, "install_floppy_check")));
    mgr_test_toggle(run.wizard, W, "install_iso_check", TRUE);
    mgr_test_type(run.wizard, W, "iso_entry", iso);
    g_assert_null(mgr_test_reason(run.wizard, W, "install_reason"));
    mgr_test_screenshot(run.wizard, "wizard-7-installation-options");
    mgr_test_activate(run.wizard, "wizard.next");

    g_assert_cmpstr(page(&run), ==, "summary");
    g_assert_false(mgr_test_sensitive(run.wizard, W, "next_button"));
    g_assert_nonnull(
        strstr(gtk_label_get_text(mgr_test_child(run.wizard, W, "summary_label")), "Lab Gen2"));
    mgr_test_screenshot(run.wizard, "wizard-8-summary");
    mgr_test_activate(run.wizard, "wizard.finish");
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.wizard, 60000));
    g_assert_nonnull(run.created);
    g_assert_true(g_str_has_prefix(run.created, "/org/berth/Berth1/vm/"));

    def = dumpxml("Lab Gen2");
    g_assert_cmpuint(def->generation, ==, 2);
    g_assert_cmpuint(hvx_vm_def_memory_startup_mib(def), ==, 768);
    g_assert_true(def->memory_dynamic);
    g_assert_true(def->secure_boot);
    g_assert_cmpuint(def->controllers->len, ==, 1);
    controller = g_ptr_array_index(def->controllers, 0);
    g_assert_cmpint(controller->type, ==, HVX_CONTROLLER_SCSI);
    g_assert_cmpuint(controller->drives->len, ==, 2);
    drive = g_ptr_array_index(controller->drives, 0);
    g_assert_cmpint(drive->type, ==, HVX_DRIVE_DISK);
    g_assert_cmpstr(drive->path, ==, disk);
    drive = g_ptr_array_index(controller->drives, 1);
    g_assert_cmpint(drive->type, ==, HVX_DRIVE_DVD);
    g_assert_cmpstr(drive->path, ==, iso);
    g_assert_cmpint(g_array_index(def->boot_order, HvxBootDevice, 0), ==, HVX_BOOT_DEVICE_DVD);
    if (chosen_switch != NULL) {
        const HvxNetworkAdapterDef *adapter;

        g_assert_cmpuint(def->network_adapters->len, ==, 1);
        adapter = g_ptr_array_index(def->network_adapters, 0);
        g_assert_cmpstr(adapter->switch_name, ==, chosen_switch);
    } else {
        g_assert_cmpuint(def->network_adapters->len, ==, 0);
    }
    /* The disk was made by berthd: a VHDX file. */
    {
        g_autofree char *info = mgr_test_berth(NULL, "disk", "info", disk, NULL);

        g_assert_nonnull(info);
        g_assert_nonnull(strstr(info, "vhdx"));
    }
    run_clear(&run);
}

/* Goes to @target with valid values on the way, then Cancel: no VM, no file. */
static void
test_cancel_every_page(void)
{
    static const char *const pages[] = {"before",  "name", "generation", "memory",
                                        "network", "disk", "install",    "summary"};
    g_autofree char *folder = mgr_test_scratch("cancel");
    guint vms = count_vms();

    for (guint target = 0; target < G_N_ELEMENTS(pages); target++) {
        Run run = {0};
        g_autofree char *name = g_strdup_printf("Cancelled %u", target);

        open_wizard(&run);
        for (guint i = 0; i < target; i++) {
            if (g_str_equal(page(&run), "name")) {
                mgr_test_type(run.wizard, W, "name_entry", name);
                mgr_test_type(run.wizard, W, "location_entry", folder);
            }
            mgr_test_activate(run.wizard, "wizard.next");
        }
        g_assert_cmpstr(page(&run), ==, pages[target]);
        mgr_test_activate(run.wizard, "wizard.cancel");
        g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.wizard, 5000));
        g_assert_null(run.created);
        g_assert_cmpuint(count_vms(), ==, vms);
        g_assert_cmpuint(count_files(folder), ==, 0);
        run_clear(&run);
    }
}

/* Cancel while Finish runs: the VM defined for the disk is deleted again, no disk stays. */
static void
test_cancel_during_finish(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("cancel-finish");
    guint vms = count_vms();

    open_wizard(&run);
    mgr_test_activate(run.wizard, "wizard.next");
    mgr_test_type(run.wizard, W, "name_entry", "Cancelled while finishing");
    mgr_test_type(run.wizard, W, "location_entry", folder);
    gtk_widget_activate_action(GTK_WIDGET(run.wizard), "wizard.finish", NULL);
    gtk_widget_activate_action(GTK_WIDGET(run.wizard), "wizard.cancel", NULL);
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.wizard, 60000));
    g_assert_null(run.created);
    g_assert_cmpuint(count_vms(), ==, vms);
    g_assert_cmpuint(count_files(folder), ==, 0);
    run_clear(&run);
}

static void
test_invalid_input(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("invalid");
    g_autofree char *taken = g_build_filename(folder, "taken.vhdx", NULL);
    g_autofree char *defined =
        mgr_test_berth(NULL, "new", "--name", "Already Here", "--generation", "1", NULL);
    const char *reason;
    guint64 host_mib = 0;
    GVariant *capabilities = berth_dbus_host_get_capabilities(mgr_client_get_host(client));

    g_assert_nonnull(defined);
    g_assert_true(g_file_set_contents(taken, "", 0, NULL));
    g_assert_true(g_variant_lookup(capabilities, "memory-mib", "t", &host_mib));
    mgr_test_spin(300); /* the new VM reaches the object manager */
    open_wizard(&run);
    mgr_new_vm_wizard_set_page(run.wizard, "name");

    mgr_test_type(run.wizard, W, "name_entry", "");
    reason = mgr_test_reason(run.wizard, W, "name_reason");
    g_assert_nonnull(reason);
    g_test_message("empty name: %s", reason);
    g_assert_false(mgr_test_sensitive(run.wizard, W, "next_button"));
    g_assert_false(mgr_test_sensitive(run.wizard, W, "finish_button"));
    mgr_test_screenshot(run.wizard, "wizard-invalid-empty-name");

    mgr_test_type(run.wizard, W, "name_entry", "already here");
    reason = mgr_test_reason(run.wizard, W, "name_reason");
    g_assert_nonnull(reason);
    g_assert_nonnull(strstr(reason, "already exists"));
    g_assert_false(mgr_test_sensitive(run.wizard, W, "finish_button"));
    mgr_test_screenshot(run.wizard, "wizard-invalid-duplicate-name");

    mgr_test_type(run.wizard, W, "name_entry", "Fine Name");
    mgr_test_type(run.wizard, W, "location_entry", folder);
    g_assert_null(mgr_test_reason(run.wizard, W, "name_reason"));
    g_assert_true(mgr_test_sensitive(run.wizard, W, "finish_button"));

    mgr_new_vm_wizard_set_page(run.wizard, "memory");
    mgr_test_set_value(run.wizard, W, "memory_spin", (double)(host_mib + 1024));
    reason = mgr_test_reason(run.wizard, W, "memory_reason");
    g_assert_nonnull(reason);
    g_test_message("memory above the host: %s", reason);
    g_assert_false(mgr_test_sensitive(run.wizard, W, "finish_button"));
    g_assert_false(mgr_test_sensitive(run.wizard, W, "next_button"));
    mgr_test_screenshot(run.wizard, "wizard-invalid-memory");
    mgr_test_set_value(run.wizard, W, "memory_spin", 512);
    g_assert_null(mgr_test_reason(run.wizard, W, "memory_reason"));

    mgr_new_vm_wizard_set_page(run.wizard, "disk");
    mgr_test_type(run.wizard, W, "disk_name_entry", "taken.vhdx");
    reason = mgr_test_reason(run.wizard, W, "disk_reason");
    g_assert_nonnull(reason);
    g_assert_nonnull(strstr(reason, "already exists"));
    g_assert_false(mgr_test_sensitive(run.wizard, W, "finish_button"));
    mgr_test_screenshot(run.wizard, "wizard-invalid-existing-disk");
    mgr_test_type(run.wizard, W, "disk_name_entry", "taken");
    g_assert_nonnull(mgr_test_reason(run.wizard, W, "disk_reason")); /* not .vhdx */
    mgr_test_toggle(run.wizard, W, "disk_existing_check", TRUE);
    mgr_test_type(run.wizard, W, "existing_disk_entry", "/nonexistent/disk.vhdx");
    g_assert_nonnull(mgr_test_reason(run.wizard, W, "disk_reason"));
    mgr_test_type(run.wizard, W, "existing_disk_entry", taken);
    g_assert_null(mgr_test_reason(run.wizard, W, "disk_reason"));

    mgr_new_vm_wizard_set_page(run.wizard, "install");
    mgr_test_toggle(run.wizard, W, "install_iso_check", TRUE);
    g_assert_nonnull(mgr_test_reason(run.wizard, W, "install_reason")); /* no ISO chosen */
    g_assert_false(mgr_test_sensitive(run.wizard, W, "finish_button"));
    mgr_test_toggle(run.wizard, W, "install_later_check", TRUE);
    g_assert_true(mgr_test_sensitive(run.wizard, W, "finish_button"));

    mgr_test_activate(run.wizard, "wizard.cancel");
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.wizard, 5000));
    run_clear(&run);
}

/* Generation 1: floppy offered, IDE placement, legacy adapter for network boot. */
static void
test_gen1_floppy(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("gen1");
    g_autofree char *floppy = g_build_filename(folder, "boot.vfd", NULL);
    g_autoptr(HvxVmDef) def = NULL;

    g_assert_true(g_file_set_contents(floppy, "", 0, NULL));
    open_wizard(&run);
    mgr_new_vm_wizard_set_page(run.wizard, "name");
    mgr_test_type(run.wizard, W, "name_entry", "Lab Gen1");
    mgr_test_type(run.wizard, W, "location_entry", folder);
    mgr_new_vm_wizard_set_page(run.wizard, "generation");
    mgr_test_toggle(run.wizard, W, "gen1_check", TRUE);
    mgr_new_vm_wizard_set_page(run.wizard, "disk");
    mgr_test_toggle(run.wizard, W, "disk_later_check", TRUE);
    mgr_new_vm_wizard_set_page(run.wizard, "install");
    mgr_test_toggle(run.wizard, W, "install_floppy_check", TRUE);
    mgr_test_type(run.wizard, W, "floppy_entry", floppy);
    mgr_test_activate(run.wizard, "wizard.finish");
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.wizard, 60000));
    g_assert_nonnull(run.created);
    def = dumpxml("Lab Gen1");
    g_assert_cmpuint(def->generation, ==, 1);
    g_assert_true(def->has_floppy);
    g_assert_cmpstr(def->floppy_path, ==, floppy);
    g_assert_cmpint(g_array_index(def->boot_order, HvxBootDevice, 0), ==, HVX_BOOT_DEVICE_FLOPPY);
    run_clear(&run);
}

/* Quick Create with the demo guest: a Generation 2 VM with a VHDX copy of the image. */
static void
test_quick_create(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("quick");
    g_autofree char *image = g_build_filename(folder, "demo.img", NULL);
    g_autofree char *copy = g_build_filename(g_get_user_data_dir(), "berth", "Virtual Hard Disks",
                                             "Quick Demo.vhdx", NULL);
    g_autoptr(HvxVmDef) def = NULL;
    const HvxControllerDef *controller;
    g_autofree char *info = NULL;
    char zeros[65536] = {0};

    g_assert_true(g_file_set_contents(image, zeros, sizeof zeros, NULL));
    g_setenv("BERTH_DEMO_IMAGE", image, TRUE);
    run.wizard = mgr_new_vm_wizard_new_quick(NULL, client);
    g_object_add_weak_pointer(G_OBJECT(run.wizard), (gpointer *)&run.wizard);
    g_signal_connect(run.wizard, "vm-created", G_CALLBACK(vm_created), &run);
    gtk_window_present(GTK_WINDOW(run.wizard));
    mgr_test_spin(200);
    g_assert_true(gtk_check_button_get_active(mgr_test_child(run.wizard, W, "quick_demo_check")));
    mgr_test_type(run.wizard, W, "quick_name_entry", "");
    g_assert_nonnull(mgr_test_reason(run.wizard, W, "quick_reason"));
    g_assert_false(mgr_test_sensitive(run.wizard, W, "finish_button"));
    mgr_test_type(run.wizard, W, "quick_name_entry", "Quick Demo");
    g_assert_null(mgr_test_reason(run.wizard, W, "quick_reason"));
    mgr_test_screenshot(run.wizard, "wizard-quick-create");
    mgr_test_activate(run.wizard, "wizard.finish");
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.wizard, 60000));
    g_assert_nonnull(run.created);
    def = dumpxml("Quick Demo");
    g_assert_cmpuint(def->generation, ==, 2);
    g_assert_cmpuint(hvx_vm_def_memory_startup_mib(def), ==, 2048);
    g_assert_true(def->memory_dynamic);
    controller = g_ptr_array_index(def->controllers, 0);
    g_assert_cmpstr(((HvxDriveDef *)g_ptr_array_index(controller->drives, 0))->path, ==, copy);
    info = mgr_test_berth(NULL, "disk", "info", copy, NULL);
    g_assert_nonnull(info);
    g_assert_nonnull(strstr(info, "vhdx"));
    g_unsetenv("BERTH_DEMO_IMAGE");
    run_clear(&run);
}

/* "Do not show this page again" is remembered (GSettings) and the next wizard starts at Specify
 * Name and Location. */
static void
test_skip_before_you_begin(void)
{
    Run run = {0};

    if (g_getenv("GSETTINGS_SCHEMA_DIR") == NULL) {
        g_test_skip("needs the built schema (GSETTINGS_SCHEMA_DIR)");
        return;
    }
    open_wizard(&run);
    g_assert_cmpstr(page(&run), ==, "before");
    mgr_test_toggle(run.wizard, W, "skip_intro_check", TRUE);
    mgr_test_activate(run.wizard, "wizard.cancel");
    run_clear(&run);

    open_wizard(&run);
    g_assert_cmpstr(page(&run), ==, "name");
    g_assert_false(mgr_test_sensitive(run.wizard, W, "previous_button"));
    mgr_test_toggle(run.wizard, W, "skip_intro_check", FALSE);
    mgr_test_activate(run.wizard, "wizard.cancel");
    run_clear(&run);

    open_wizard(&run);
    g_assert_cmpstr(page(&run), ==, "before");
    mgr_test_activate(run.wizard, "wizard.cancel");
    run_clear(&run);
}

int
main(int argc, char **argv)
{
    int status;

    if (!mgr_test_init(&argc, &argv))
        return 0; /* skipped: mgr_test_init() printed the TAP plan saying why */
    client = mgr_test_client();
    g_test_add_func("/new-vm-wizard/gen2-every-page", test_gen2_every_page);
    g_test_add_func("/new-vm-wizard/gen1-floppy", test_gen1_floppy);
    g_test_add_func("/new-vm-wizard/cancel-every-page", test_cancel_every_page);
    g_test_add_func("/new-vm-wizard/cancel-during-finish", test_cancel_during_finish);
    g_test_add_func("/new-vm-wizard/invalid-input", test_invalid_input);
    g_test_add_func("/new-vm-wizard/quick-create", test_quick_create);
    g_test_add_func("/new-vm-wizard/skip-before-you-begin", test_skip_before_you_begin);
    status = g_test_run();
    g_clear_object(&client);
    return status;
}
