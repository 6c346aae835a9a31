/* test-settings-dialog.c: a VM's Settings, the real dialog under Xvfb against a real berthd
 * (berthtest.py session): a Generation 2 VM edited in every kind of section and checked with
 * "berth dumpxml"; Generation 1's sections (IDE, diskette, BIOS, legacy adapter; no Security);
 * Cancel changes nothing; invalid memory blocks OK; fields locked while the VM runs and unlocked
 * when it stops; a VM deleted while its settings are open.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvx-vm-def.h"
#include "mgr-settings-dialog.h"
#include "mgr-test-util.h"

static MgrClient *client;

typedef struct {
    MgrSettingsDialog *dialog; /* weak */
} Run;

static gboolean
not_busy(gpointer data)
{
    Run *run = data;

    return run->dialog == NULL || !mgr_settings_dialog_is_busy(run->dialog);
}

static char *
vm_path(const char *name)
{
    GList *objects = g_dbus_object_manager_get_objects(mgr_client_get_manager(client));
    char *path = NULL;

    for (GList *l = objects; l != NULL; l = l->next) {
        BerthDBusVirtualMachine *vm = berth_dbus_object_peek_virtual_machine(l->data);

        if (vm != NULL && g_strcmp0(berth_dbus_virtual_machine_get_name(vm), name) == 0)
            path = g_strdup(g_dbus_object_get_object_path(l->data));
    }
    g_list_free_full(objects, g_object_unref);
    return path;
}

static gboolean
vm_known(gpointer name)
{
    g_autofree char *path = vm_path(name);

    return path != NULL;
}

static void
open_settings(Run *run, const char *name)
{
    g_autofree char *path = NULL;

    g_assert_true(mgr_test_wait(vm_known, (gpointer)name, 5000));
    path = vm_path(name);
    run->dialog = mgr_settings_dialog_new(NULL, client, path);
    g_object_add_weak_pointer(G_OBJECT(run->dialog), (gpointer *)&run->dialog);
    gtk_window_present(GTK_WINDOW(run->dialog));
    g_assert_true(mgr_test_wait(not_busy, run, 10000));
    mgr_test_spin(100);
}

static GtkWidget *
find(Run *run, const char *path)
{
    GtkWidget *widget = mgr_settings_dialog_find(run->dialog, path);

    if (widget == NULL)
        g_error("The Settings dialog has no “%s”", path);
    return widget;
}

typedef struct {
    Run *run;
    const char *id;
} Wanted;

static gboolean
section_shown(gpointer data)
{
    Wanted *wanted = data;

    return mgr_settings_dialog_select(wanted->run->dialog, wanted->id);
}

/* Sections appear after the idle that rebuilds them: wait for them. */
static void
select_section(Run *run, const char *id)
{
    Wanted wanted = {run, id};

    if (!mgr_test_wait(section_shown, &wanted, 5000))
        g_error("No section “%s” in the Settings dialog", id);
    mgr_test_spin(30);
}

static void
set_switch(Run *run, const char *path, gboolean active)
{
    GtkWidget *sw = find(run, path);

    g_assert_true(gtk_widget_is_sensitive(sw));
    gtk_switch_set_active(GTK_SWITCH(sw), active);
    mgr_test_spin(10);
}

static void
set_spin(Run *run, const char *path, double value)
{
    GtkWidget *spin = find(run, path);

    g_assert_true(gtk_widget_is_sensitive(spin));
    gtk_spin_button_set_value(GTK_SPIN_BUTTON(spin), value);
    mgr_test_spin(10);
}

static void
click(Run *run, const char *path)
{
    GtkWidget *button = find(run, path);

    g_assert_true(gtk_widget_is_sensitive(button));
    g_signal_emit_by_name(button, "clicked");
    mgr_test_spin(100); /* sections are rebuilt from an idle */
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

static void
ok(Run *run)
{
    g_assert_true(mgr_test_sensitive(run->dialog, MGR_TYPE_SETTINGS_DIALOG, "ok_button"));
    mgr_test_activate(run->dialog, "settings.ok");
    if (!mgr_test_wait(mgr_test_window_gone, &run->dialog, 10000))
        g_error("OK did not close the dialog: %s",
                gtk_label_get_text(
                    mgr_test_child(run->dialog, MGR_TYPE_SETTINGS_DIALOG, "reason_label")));
}

static void
test_gen2(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("settings");
    g_autofree char *iso = g_build_filename(folder, "tools.iso", NULL);
    g_autofree char *out = mgr_test_berth(NULL, "new", "--name", "Settings Gen2", "--generation",
                                          "2", "--memory", "1024M", NULL);
    g_autoptr(HvxVmDef) def = NULL;
    const HvxNetworkAdapterDef *adapter;
    const HvxControllerDef *scsi;
    GtkWidget *list;
    GtkWidget *row;

    g_assert_nonnull(out);
    g_assert_true(g_file_set_contents(iso, "", 0, NULL));
    open_settings(&run, "Settings Gen2");
    /* Generation 2: Security, no IDE, no diskette. */
    g_assert_true(mgr_settings_dialog_select(run.dialog, "security"));
    g_assert_false(mgr_settings_dialog_select(run.dialog, "ide-0"));
    g_assert_false(mgr_settings_dialog_select(run.dialog, "floppy"));

    select_section(&run, "memory");
    set_spin(&run, "memory/startup", 2048);
    set_switch(&run, "memory/dynamic", TRUE);
    set_spin(&run, "memory/minimum", 512);
    set_spin(&run, "memory/maximum", 4096);
    mgr_test_screenshot(run.dialog, "settings-memory");
    select_section(&run, "processor");
    set_spin(&run, "processor/count", 2);
    select_section(&run, "security");
    set_switch(&run, "security/secure-boot", FALSE);
    adw_combo_row_set_selected(ADW_COMBO_ROW(find(&run, "security/template")), 2);
    set_switch(&run, "security/tpm", TRUE);
    mgr_test_screenshot(run.dialog, "settings-security");

    /* Boot order: network (third) moves up to second. */
    select_section(&run, "firmware");
    list = find(&run, "firmware/boot-order");
    row =
        gtk_widget_get_next_sibling(gtk_widget_get_next_sibling(gtk_widget_get_first_child(list)));
    g_assert_cmpstr(adw_preferences_row_get_title(ADW_PREFERENCES_ROW(row)), ==, "Network Adapter");
    g_signal_emit_by_name(g_object_get_data(G_OBJECT(list), "up-2"), "clicked");
    mgr_test_spin(30);
    mgr_test_screenshot(run.dialog, "settings-firmware");

    /* Add Hardware: a network adapter, then a SCSI controller with a DVD drive. */
    select_section(&run, "add-hardware");
    mgr_test_screenshot(run.dialog, "settings-add-hardware");
    click(&run, "add-hardware/add-network");
    select_section(&run, "network-0");
    adw_combo_row_set_selected(ADW_COMBO_ROW(find(&run, "network-0/switch")), 1);
    set_switch(&run, "network-0/vlan-enabled", TRUE);
    set_spin(&run, "network-0/vlan", 5);
    set_spin(&run, "network-0/bandwidth", 100);
    set_switch(&run, "network-0/dhcp-guard", TRUE);
    /* A static MAC: libhvx's rule and words, then kept in lower case. */
    set_switch(&run, "network-0/static-mac", TRUE);
    gtk_editable_set_text(GTK_EDITABLE(find(&run, "network-0/mac")), "01:00:5E:00:00:01");
    mgr_test_spin(10);
    g_assert_cmpstr(
        gtk_label_get_text(mgr_test_child(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "reason_label")),
        ==,
        "<network-adapter mac>: \"01:00:5E:00:00:01\" is a multicast MAC address (the lowest bit "
        "of its first byte is set); an adapter needs a unicast one");
    g_assert_false(mgr_test_sensitive(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "ok_button"));
    gtk_editable_set_text(GTK_EDITABLE(find(&run, "network-0/mac")), "00:15:5D:0A:0B:0C");
    mgr_test_spin(10);
    g_assert_true(mgr_test_sensitive(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "ok_button"));
    mgr_test_screenshot(run.dialog, "settings-network-adapter");
    select_section(&run, "add-hardware");
    click(&run, "add-hardware/add-scsi");
    select_section(&run, "scsi-0");
    click(&run, "scsi-0/add-dvd");
    select_section(&run, "scsi-0");
    gtk_editable_set_text(GTK_EDITABLE(find(&run, "scsi-0/dvd-0")), iso);
    mgr_test_spin(10);

    select_section(&run, "integration");
    set_switch(&run, "integration/kvp", FALSE);
    select_section(&run, "automatic-start");
    gtk_check_button_set_active(GTK_CHECK_BUTTON(find(&run, "automatic-start/always-start")), TRUE);
    set_spin(&run, "automatic-start/delay", 5);
    select_section(&run, "automatic-stop");
    gtk_check_button_set_active(GTK_CHECK_BUTTON(find(&run, "automatic-stop/shut-down")), TRUE);
    select_section(&run, "com-1");
    set_switch(&run, "com-1/present", TRUE);
    set_switch(&run, "com-1/log", TRUE);
    select_section(&run, "name");
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(find(&run, "name/notes"))),
                             "Edited in Settings", -1);
    mgr_test_spin(10);
    ok(&run);

    def = dumpxml("Settings Gen2");
    g_assert_cmpuint(hvx_vm_def_memory_startup_mib(def), ==, 2048);
    g_assert_true(def->memory_dynamic);
    g_assert_cmpuint(def->memory_minimum, ==, 512);
    g_assert_cmpuint(def->memory_maximum, ==, 4096);
    g_assert_cmpuint(def->processor_count, ==, 2);
    g_assert_false(def->secure_boot);
    g_assert_cmpint(def->firmware_template, ==, HVX_FIRMWARE_TEMPLATE_OPEN_SOURCE);
    g_assert_true(def->tpm);
    g_assert_cmpint(g_array_index(def->boot_order, HvxBootDevice, 1), ==, HVX_BOOT_DEVICE_NETWORK);
    g_assert_cmpuint(def->network_adapters->len, ==, 1);
    adapter = g_ptr_array_index(def->network_adapters, 0);
    g_assert_nonnull(adapter->switch_name);
    g_assert_cmpuint(adapter->vlan, ==, 5);
    g_assert_cmpuint(adapter->bandwidth_max, ==, 100);
    g_assert_true(adapter->dhcp_guard);
    g_assert_cmpstr(adapter->mac, ==, "00:15:5d:0a:0b:0c");
    g_assert_cmpuint(def->controllers->len, ==, 1);
    scsi = g_ptr_array_index(def->controllers, 0);
    g_assert_cmpint(((HvxDriveDef *)g_ptr_array_index(scsi->drives, 0))->type, ==, HVX_DRIVE_DVD);
    g_assert_cmpstr(((HvxDriveDef *)g_ptr_array_index(scsi->drives, 0))->path, ==, iso);
    g_assert_false(def->integration_kvp);
    g_assert_cmpint(def->auto_start, ==, HVX_AUTO_START_ALWAYS_START);
    g_assert_cmpuint(def->auto_start_delay, ==, 5);
    g_assert_cmpint(def->auto_stop, ==, HVX_AUTO_STOP_SHUT_DOWN);
    g_assert_cmpuint(def->com_ports->len, ==, 1);
    g_assert_cmpstr(def->notes, ==, "Edited in Settings");
}

static void
test_gen1_cancel_and_invalid(void)
{
    Run run = {0};
    g_autofree char *out =
        mgr_test_berth(NULL, "new", "--name", "Settings Gen1", "--generation", "1", NULL);
    g_autofree char *before = mgr_test_berth(NULL, "dumpxml", "Settings Gen1", NULL);
    g_autofree char *after = NULL;

    g_assert_nonnull(out);
    open_settings(&run, "Settings Gen1");
    g_assert_false(mgr_settings_dialog_select(run.dialog, "security"));
    g_assert_true(mgr_settings_dialog_select(run.dialog, "ide-0"));
    g_assert_true(mgr_settings_dialog_select(run.dialog, "ide-1"));
    g_assert_true(mgr_settings_dialog_select(run.dialog, "floppy"));
    mgr_test_screenshot(run.dialog, "settings-gen1-ide");
    select_section(&run, "add-hardware");
    click(&run, "add-hardware/add-legacy");
    select_section(&run, "network-0");
    /* Minimum above maximum: flagged, OK off. */
    select_section(&run, "memory");
    set_switch(&run, "memory/dynamic", TRUE);
    set_spin(&run, "memory/minimum", 4096);
    set_spin(&run, "memory/maximum", 2048);
    g_assert_cmpstr(
        gtk_label_get_text(mgr_test_child(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "reason_label")),
        !=, "");
    g_test_message(
        "invalid memory: %s",
        gtk_label_get_text(mgr_test_child(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "reason_label")));
    g_assert_false(mgr_test_sensitive(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "ok_button"));
    g_assert_false(mgr_test_sensitive(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "apply_button"));
    mgr_test_screenshot(run.dialog, "settings-invalid-memory");
    set_spin(&run, "memory/maximum", 8192);
    set_spin(&run, "memory/minimum", 512);
    g_assert_true(mgr_test_sensitive(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "ok_button"));
    /* A hard drive needs its file. */
    select_section(&run, "ide-0");
    click(&run, "ide-0/add-disk");
    g_assert_false(mgr_test_sensitive(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "ok_button"));

    mgr_test_activate(run.dialog, "settings.cancel");
    g_assert_null(run.dialog);
    after = mgr_test_berth(NULL, "dumpxml", "Settings Gen1", NULL);
    g_assert_cmpstr(before, ==, after);
}

static gboolean
vm_state_is(gpointer data)
{
    const char *const *want = data;
    g_autofree char *path = vm_path(want[0]);
    g_autoptr(GDBusObject) object =
        path != NULL ? g_dbus_object_manager_get_object(mgr_client_get_manager(client), path)
                     : NULL;
    BerthDBusVirtualMachine *vm =
        object != NULL ? berth_dbus_object_peek_virtual_machine(BERTH_DBUS_OBJECT(object)) : NULL;

    return vm != NULL && g_strcmp0(berth_dbus_virtual_machine_get_state(vm), want[1]) == 0;
}

static void
test_running_locks(void)
{
    Run run = {0};
    g_autofree char *err = NULL;
    g_autofree char *out = mgr_test_berth(NULL, "new", "--name", "Settings Running", "--generation",
                                          "1", "--memory", "64M", NULL);
    g_autofree char *started = NULL;
    const char *running[] = {"Settings Running", "Running"};
    const char *off[] = {"Settings Running", "Off"};

    g_assert_nonnull(out);
    started = mgr_test_berth(&err, "start", "Settings Running", NULL);
    if (started == NULL) {
        g_test_skip_printf("the VM does not start here: %s", err);
        return;
    }
    g_assert_true(mgr_test_wait(vm_state_is, running, 30000));
    open_settings(&run, "Settings Running");
    select_section(&run, "processor");
    g_assert_false(gtk_widget_is_sensitive(find(&run, "processor/count")));
    g_assert_nonnull(find(&run, "processor/locked"));
    g_assert_true(gtk_widget_get_visible(
        mgr_test_child(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "state_label")));
    g_assert_false(gtk_widget_is_sensitive(find(&run, "add-hardware/add-network")));
    /* What may change while it runs stays open. */
    g_assert_true(gtk_widget_is_sensitive(find(&run, "integration/heartbeat")));
    mgr_test_screenshot(run.dialog, "settings-running-locked");

    g_free(mgr_test_berth(NULL, "turn-off", "Settings Running", NULL));
    g_assert_true(mgr_test_wait(vm_state_is, off, 30000));
    mgr_test_spin(200);
    g_assert_true(gtk_widget_is_sensitive(find(&run, "processor/count")));
    g_assert_false(gtk_widget_get_visible(
        mgr_test_child(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "state_label")));
    mgr_test_activate(run.dialog, "settings.cancel");
    g_assert_null(run.dialog);
}

static gboolean
has_message_dialog(gpointer data)
{
    return ((Run *)data)->dialog != NULL && mgr_test_message_dialog(((Run *)data)->dialog) != NULL;
}

static void
test_deleted_while_open(void)
{
    Run run = {0};
    g_autofree char *out =
        mgr_test_berth(NULL, "new", "--name", "Settings Doomed", "--generation", "2", NULL);
    AdwMessageDialog *dialog;

    g_assert_nonnull(out);
    open_settings(&run, "Settings Doomed");
    select_section(&run, "memory");
    set_spin(&run, "memory/startup", 2048);
    g_free(mgr_test_berth(NULL, "delete", "Settings Doomed", NULL));
    g_assert_true(mgr_test_wait(has_message_dialog, &run, 10000));
    dialog = mgr_test_message_dialog(run.dialog);
    g_test_message("%s", adw_message_dialog_get_heading(dialog));
    g_assert_nonnull(strstr(adw_message_dialog_get_heading(dialog), "Settings Doomed"));
    g_assert_false(mgr_test_sensitive(run.dialog, MGR_TYPE_SETTINGS_DIALOG, "ok_button"));
    mgr_test_screenshot(dialog, "settings-vm-deleted");
    adw_message_dialog_response(dialog, "close");
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.dialog, 5000));
}

int
main(int argc, char **argv)
{
    int status;

    if (!mgr_test_init(&argc, &argv))
        return 0; /* skipped: mgr_test_init() printed the TAP plan saying why */
    client = mgr_test_client();
    g_test_add_func("/settings-dialog/gen2", test_gen2);
    g_test_add_func("/settings-dialog/gen1-cancel-and-invalid", test_gen1_cancel_and_invalid);
    g_test_add_func("/settings-dialog/running-locks", test_running_locks);
    g_test_add_func("/settings-dialog/deleted-while-open", test_deleted_while_open);
    status = g_test_run();
    g_clear_object(&client);
    return status;
}
