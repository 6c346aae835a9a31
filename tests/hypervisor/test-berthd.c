/* test-berthd.c: berthd on a private bus, seen through the generated client code: the object
 * manager's signals, typed errors by D-Bus name, what is (not) stored, a second berthd.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "berth-dbus.h"
#include "berth-test.h"

typedef struct {
    char *tmp;
    char *state_dir;
    GTestDBus *bus;
    const char *address; /* the bus's */
    GSubprocess *berthd;
    GDBusConnection *connection;
    BerthDBusHost *host;
} Fixture;

static const char *berthd_path;
static const char *examples_dir;

static const char minimal_vm[] = "<vm generation=\"2\">\n"
                                 "  <name>%s</name>\n"
                                 "  <memory startup=\"64\" unit=\"MiB\"/>\n"
                                 "</vm>\n";

static char *
minimal_xml(const char *name)
{
    return g_strdup_printf(minimal_vm, name);
}

static GSubprocess *
start_berthd(Fixture *f, GSubprocessFlags flags, GError **error)
{
    g_autofree char *runtime = g_build_filename(f->tmp, "run", NULL);

    return g_subprocess_new(flags, error, berthd_path, "--bus", f->address, "--state-dir",
                            f->state_dir, "--runtime-dir", runtime, "--accel", "tcg", NULL);
}

static void
wait_for_name(Fixture *f)
{
    for (guint i = 0; i < 500; i++) {
        g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
            f->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "NameHasOwner", g_variant_new("(s)", "org.berth.Berth1"), G_VARIANT_TYPE("(b)"),
            G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
        gboolean has = FALSE;

        g_assert_nonnull(reply);
        g_variant_get(reply, "(b)", &has);
        if (has)
            return;
        g_usleep(10000);
    }
    g_error("berthd did not take its name");
}

/* Switches outlive berthd on purpose: the dnsmasq of each berthd's Default Switch (its files
 * under @tmp) goes with the test, before the next berthd starts in this namespace. */
static void
end_processes_using(const char *tmp)
{
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *name;

    while (proc != NULL && (name = g_dir_read_name(proc)) != NULL) {
        g_autofree char *path = g_strdup_printf("/proc/%s/cmdline", name);
        g_autofree char *cmdline = NULL;
        gsize len = 0;
        guint64 pid;

        if (!g_ascii_string_to_unsigned(name, 10, 2, G_MAXINT, &pid, NULL) ||
            (pid_t)pid == getpid() || !g_file_get_contents(path, &cmdline, &len, NULL))
            continue;
        for (gsize i = 0; i + 1 < len; i++) {
            if (cmdline[i] == '\0')
                cmdline[i] = ' ';
        }
        if (strstr(cmdline, tmp) != NULL)
            kill((pid_t)pid, SIGKILL);
    }
}

/* A private bus (GTestDBus: its own dbus-daemon, ended with the test even when it crashes). */
static void
start_bus(Fixture *f)
{
    f->bus = g_test_dbus_new(G_TEST_DBUS_NONE);
    g_test_dbus_up(f->bus);
    f->address = g_test_dbus_get_bus_address(f->bus);
    g_assert_nonnull(f->address);
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->tmp = g_dir_make_tmp("test-berthd-XXXXXX", &error);
    g_assert_no_error(error);
    f->state_dir = g_build_filename(f->tmp, "state", NULL);

    start_bus(f);
    f->connection =
        g_dbus_connection_new_for_address_sync(f->address,
                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                               NULL, NULL, &error);
    g_assert_no_error(error);

    f->berthd = start_berthd(f, G_SUBPROCESS_FLAGS_NONE, &error);
    g_assert_no_error(error);
    wait_for_name(f);
    f->host = berth_dbus_host_proxy_new_sync(f->connection, G_DBUS_PROXY_FLAGS_NONE,
                                             "org.berth.Berth1", "/org/berth/Berth1", NULL, &error);
    g_assert_no_error(error);
}

static void
stop_process(GSubprocess *process)
{
    if (process == NULL)
        return;
    g_subprocess_send_signal(process, SIGTERM);
    g_subprocess_wait(process, NULL, NULL);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->host);
    stop_process(f->berthd);
    g_clear_object(&f->berthd);
    end_processes_using(f->tmp);
    g_dbus_connection_close_sync(f->connection, NULL, NULL);
    g_clear_object(&f->connection);
    g_test_dbus_down(f->bus);
    g_clear_object(&f->bus);
    berth_test_remove_tree(f->tmp);
    g_free(f->state_dir);
    g_free(f->tmp);
}

static char *
define(Fixture *f, const char *xml)
{
    g_autoptr(GError) error = NULL;
    char *path = NULL;

    berth_dbus_host_call_define_virtual_machine_sync(f->host, xml, &path, NULL, &error);
    g_assert_no_error(error);
    return path;
}

/* The D-Bus error name of a failed call, and its message without GDBus's prefix. */
static char *
error_name(GError *error)
{
    char *name;

    g_assert_nonnull(error);
    name = g_dbus_error_get_remote_error(error);
    g_assert_nonnull(name);
    g_dbus_error_strip_remote_error(error);
    return name;
}

static guint
count_entries(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    guint n = 0;

    while (dir != NULL && g_dir_read_name(dir) != NULL)
        n++;
    return n;
}

typedef struct {
    GMainLoop *loop;
    GPtrArray *added;
    GPtrArray *removed;
} Events;

static void
on_added(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
    Events *events = user_data;

    g_ptr_array_add(events->added, g_strdup(g_dbus_object_get_object_path(object)));
    g_main_loop_quit(events->loop);
}

static void
on_removed(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
    Events *events = user_data;

    g_ptr_array_add(events->removed, g_strdup(g_dbus_object_get_object_path(object)));
    g_main_loop_quit(events->loop);
}

static gboolean
on_timeout(gpointer user_data)
{
    g_error("timed out waiting for an object manager signal");
    return G_SOURCE_REMOVE;
}

static void
wait_events(Events *events, GPtrArray *list, guint n)
{
    guint id = g_timeout_add_seconds(10, on_timeout, NULL);

    while (list->len < n)
        g_main_loop_run(events->loop);
    g_source_remove(id);
}

static void
define_vm_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    char **ret_path = user_data;
    g_autoptr(GError) error = NULL;

    berth_dbus_host_call_define_virtual_machine_finish(BERTH_DBUS_HOST(source), ret_path, result,
                                                       &error);
    g_assert_no_error(error);
}

static void
delete_vm_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    berth_dbus_virtual_machine_call_delete_finish(BERTH_DBUS_VIRTUAL_MACHINE(source), result,
                                                  &error);
    g_assert_no_error(error);
    *(gboolean *)user_data = TRUE;
}

/* A client watching the object manager sees VMs appear, change and vanish without polling. */
static void
test_object_manager(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusObjectManager) manager = NULL;
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func(g_free);
    Events events = {loop, added, removed};
    g_autofree char *xml = minimal_xml("Watched");
    g_autofree char *path = NULL;
    g_autoptr(GDBusObject) object = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autolist(GDBusObject) objects = NULL;
    gboolean deleted = FALSE;

    manager = berth_dbus_object_manager_client_new_sync(
        f->connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, "org.berth.Berth1",
        "/org/berth/Berth1", NULL, &error);
    g_assert_no_error(error);
    /* A fresh berthd has one object: the Default Switch it made on its first start. */
    objects = g_dbus_object_manager_get_objects(manager);
    g_assert_cmpuint(g_list_length(objects), ==, 1);
    {
        g_autoptr(BerthDBusSwitch) sw = berth_dbus_object_get_switch(objects->data);

        g_assert_nonnull(sw);
        g_assert_cmpstr(berth_dbus_switch_get_name(sw), ==, "Default Switch");
        g_assert_true(berth_dbus_switch_get_is_default(sw));
        g_assert_cmpstr(berth_dbus_switch_get_switch_type(sw), ==, "internal");
        g_assert_true(berth_dbus_switch_get_nat(sw));
    }
    g_signal_connect(manager, "object-added", G_CALLBACK(on_added), &events);
    g_signal_connect(manager, "object-removed", G_CALLBACK(on_removed), &events);

    berth_dbus_host_call_define_virtual_machine(f->host, xml, NULL, define_vm_done, &path);
    wait_events(&events, added, 1);
    while (path == NULL)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpstr(g_ptr_array_index(added, 0), ==, path);
    g_assert_true(g_str_has_prefix(path, "/org/berth/Berth1/vm/"));
    g_assert_cmpuint(strlen(path), ==, strlen("/org/berth/Berth1/vm/") + 32);

    object = g_dbus_object_manager_get_object(manager, path);
    g_assert_nonnull(object);
    vm = berth_dbus_object_get_virtual_machine(BERTH_DBUS_OBJECT(object));
    g_assert_nonnull(vm);
    g_assert_cmpstr(berth_dbus_virtual_machine_get_name(vm), ==, "Watched");
    g_assert_cmpstr(berth_dbus_virtual_machine_get_state(vm), ==, "Off");
    g_assert_cmpuint(berth_dbus_virtual_machine_get_generation(vm), ==, 2);

    /* A rename reaches the cached proxy through PropertiesChanged. */
    berth_dbus_virtual_machine_call_rename_sync(vm, "Watched again", NULL, &error);
    g_assert_no_error(error);
    for (guint i = 0;
         i < 500 && g_strcmp0(berth_dbus_virtual_machine_get_name(vm), "Watched again") != 0; i++)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpstr(berth_dbus_virtual_machine_get_name(vm), ==, "Watched again");

    berth_dbus_virtual_machine_call_delete(vm, FALSE, NULL, delete_vm_done, &deleted);
    wait_events(&events, removed, 1);
    g_assert_cmpstr(g_ptr_array_index(removed, 0), ==, path);
    while (!deleted)
        g_main_context_iteration(NULL, TRUE);
}

static void
test_typed_errors(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *path = NULL;
    g_autofree char *first = minimal_xml("Alpha");
    g_autofree char *upper = minimal_xml("ALPHA");

    /* Unknown VM, by name. */
    berth_dbus_host_call_find_virtual_machine_sync(f->host, "No such VM", &path, NULL, &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.NotFound");
    g_assert_nonnull(strstr(error->message, "No such VM"));
    g_clear_error(&error);
    g_clear_pointer(&name, g_free);

    /* Names are unique regardless of case. */
    g_free(define(f, first));
    berth_dbus_host_call_define_virtual_machine_sync(f->host, upper, &path, NULL, &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.InvalidDefinition");
    g_assert_nonnull(strstr(error->message, "Alpha"));
    g_clear_error(&error);
    g_clear_pointer(&name, g_free);

    /* Found by name in any case and by uuid with or without dashes. */
    berth_dbus_host_call_find_virtual_machine_sync(f->host, "alpha", &path, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(g_str_has_prefix(path, "/org/berth/Berth1/vm/"));
    {
        g_autofree char *path2 = NULL;
        const char *hex = path + strlen("/org/berth/Berth1/vm/");

        berth_dbus_host_call_find_virtual_machine_sync(f->host, hex, &path2, NULL, &error);
        g_assert_no_error(error);
        g_assert_cmpstr(path2, ==, path);
    }
}

/* Every validation problem comes back, one "vm.xml:LINE: message" line each; nothing is
 * stored. */
static void
test_invalid_definition(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *path = NULL;
    g_autofree char *vms_dir = g_build_filename(f->state_dir, "vms", NULL);
    g_auto(GStrv) lines = NULL;
    const char *bad = "<vm generation=\"2\">\n"
                      "  <name>Broken</name>\n"
                      "  <processor count=\"0\"/>\n"
                      "  <memory startup=\"1\" unit=\"MiB\"/>\n"
                      "  <unknown/>\n"
                      "</vm>\n";
    const char *escaping = "<vm generation=\"2\">\n"
                           "  <name>Escaper</name>\n"
                           "  <memory startup=\"64\" unit=\"MiB\"/>\n"
                           "  <scsi-controller number=\"0\">\n"
                           "    <disk location=\"0\" path=\"disks/../../../etc/shadow\"/>\n"
                           "  </scsi-controller>\n"
                           "</vm>\n";

    g_assert_cmpuint(count_entries(vms_dir), ==, 0);
    berth_dbus_host_call_define_virtual_machine_sync(f->host, bad, &path, NULL, &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.InvalidDefinition");
    lines = g_strsplit(error->message, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), >=, 2);
    for (guint i = 0; lines[i] != NULL; i++)
        g_assert_true(g_str_has_prefix(lines[i], "vm.xml:"));
    g_assert_nonnull(strstr(error->message, "vm.xml:5:"));
    g_assert_cmpuint(count_entries(vms_dir), ==, 0);
    g_clear_error(&error);
    g_clear_pointer(&name, g_free);

    /* A relative path may not lead out of the VM's folder. */
    berth_dbus_host_call_define_virtual_machine_sync(f->host, escaping, &path, NULL, &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.InvalidDefinition");
    g_assert_nonnull(strstr(error->message, "vm.xml:5:"));
    g_assert_nonnull(strstr(error->message, "../../../etc/shadow"));
    g_assert_cmpuint(count_entries(vms_dir), ==, 0);
}

/* Examples define, and GetDefinition gives back what a second define accepts unchanged. */
static void
test_round_trip(Fixture *f, gconstpointer data)
{
    const char *const examples[] = {"gen1-ide-legacy.xml", "gen2-secure-boot-tpm.xml"};

    for (guint i = 0; i < G_N_ELEMENTS(examples); i++) {
        g_autofree char *file = g_build_filename(examples_dir, examples[i], NULL);
        g_autofree char *xml = NULL;
        g_autofree char *path = NULL;
        g_autofree char *path2 = NULL;
        g_autofree char *stored = NULL;
        g_autofree char *stored2 = NULL;
        g_autoptr(BerthDBusVirtualMachine) vm = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_true(g_file_get_contents(file, &xml, NULL, NULL));
        path = define(f, xml);
        vm = berth_dbus_virtual_machine_proxy_new_sync(f->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                       "org.berth.Berth1", path, NULL, &error);
        g_assert_no_error(error);
        berth_dbus_virtual_machine_call_get_definition_sync(vm, &stored, NULL, &error);
        g_assert_no_error(error);
        path2 = define(f, stored); /* an update of the same uuid */
        g_assert_cmpstr(path2, ==, path);
        berth_dbus_virtual_machine_call_get_definition_sync(vm, &stored2, NULL, &error);
        g_assert_no_error(error);
        g_assert_cmpstr(stored2, ==, stored);
    }
}

/* Another berthd on the same bus refuses to start, saying why. */
static void
test_second_berthd(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) second = NULL;
    g_autofree char *err_text = NULL;

    second =
        start_berthd(f, G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
    g_assert_no_error(error);
    g_subprocess_communicate_utf8(second, NULL, NULL, NULL, &err_text, &error);
    g_assert_no_error(error);
    g_assert_true(g_subprocess_get_if_exited(second));
    g_assert_cmpint(g_subprocess_get_exit_status(second), ==, 1);
    g_assert_nonnull(strstr(err_text, "org.berth.Berth1"));
    /* The first one still serves. */
    g_assert_cmpstr(berth_dbus_host_get_accelerator(f->host), ==, "tcg");
}

static void
on_switch_notify(GObject *object, GParamSpec *pspec, gpointer user_data)
{
    g_main_loop_quit(user_data);
}

/* Waits until the switch's ConnectedVms is @expected (joined with ","). */
static void
wait_connected_vms(BerthDBusSwitch *sw, GMainLoop *loop, const char *expected)
{
    guint id = g_timeout_add_seconds(10, on_timeout, NULL);
    gulong handler =
        g_signal_connect(sw, "notify::connected-vms", G_CALLBACK(on_switch_notify), loop);

    for (;;) {
        const char *const *vms = berth_dbus_switch_get_connected_vms(sw);
        g_autofree char *joined = vms != NULL ? g_strjoinv(",", (char **)vms) : g_strdup("");

        if (g_str_equal(joined, expected))
            break;
        g_main_loop_run(loop);
    }
    g_signal_handler_disconnect(sw, handler);
    g_source_remove(id);
}

/* Switch objects: found by name, typed errors, ConnectedVms live as VM definitions change,
 * Delete refused while a VM uses the switch, the definition stored and removed. */
static void
test_switches(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    g_autoptr(BerthDBusSwitch) sw = NULL;
    g_autofree char *path = NULL;
    g_autofree char *name = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *file = NULL;
    g_autofree char *vm_path = NULL;
    g_autofree char *vm_xml = g_strdup("<vm generation=\"2\">\n"
                                       "  <name>Alpha</name>\n"
                                       "  <memory startup=\"64\" unit=\"MiB\"/>\n"
                                       "  <network-adapter switch=\"lab\"/>\n"
                                       "</vm>\n");
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;

    berth_dbus_host_call_find_switch_sync(f->host, "Default Switch", &path, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(g_str_has_prefix(path, "/org/berth/Berth1/switch/"));
    g_assert_cmpuint(strlen(path), ==, strlen("/org/berth/Berth1/switch/") + 32);
    g_clear_pointer(&path, g_free);

    berth_dbus_host_call_find_switch_sync(f->host, "No such switch", &path, NULL, &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.NotFound");
    g_clear_error(&error);
    g_clear_pointer(&name, g_free);

    berth_dbus_host_call_define_switch_sync(f->host, "<switch type=\"hub\"><name>X</name></switch>",
                                            &path, NULL, &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.InvalidDefinition");
    g_assert_nonnull(strstr(error->message, "switch.xml:1:"));
    g_clear_error(&error);
    g_clear_pointer(&name, g_free);

    berth_dbus_host_call_define_switch_sync(
        f->host, "<switch type=\"private\"><name>Lab</name></switch>", &path, NULL, &error);
    g_assert_no_error(error);
    sw = berth_dbus_switch_proxy_new_sync(f->connection, G_DBUS_PROXY_FLAGS_NONE,
                                          "org.berth.Berth1", path, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(berth_dbus_switch_get_name(sw), ==, "Lab");
    g_assert_cmpstr(berth_dbus_switch_get_switch_type(sw), ==, "private");
    g_assert_false(berth_dbus_switch_get_is_default(sw));
    g_assert_true(g_str_has_prefix(berth_dbus_switch_get_bridge(sw), "bsw"));
    file = g_strdup_printf("%s/switches/%s.xml", f->state_dir, berth_dbus_switch_get_uuid(sw));
    g_assert_true(g_file_test(file, G_FILE_TEST_EXISTS));
    berth_dbus_switch_call_get_definition_sync(sw, &xml, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(xml, "<name>Lab</name>"));

    /* A VM naming the switch (in another case) shows up in ConnectedVms at once. */
    vm_path = define(f, vm_xml);
    wait_connected_vms(sw, loop, "Alpha");
    berth_dbus_switch_call_delete_sync(sw, NULL, &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.Busy");
    g_assert_nonnull(strstr(error->message, "Alpha"));
    g_clear_error(&error);
    g_clear_pointer(&name, g_free);
    g_assert_true(g_file_test(file, G_FILE_TEST_EXISTS));

    vm = berth_dbus_virtual_machine_proxy_new_sync(f->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                   "org.berth.Berth1", vm_path, NULL, &error);
    g_assert_no_error(error);
    berth_dbus_virtual_machine_call_delete_sync(vm, FALSE, NULL, &error);
    g_assert_no_error(error);
    wait_connected_vms(sw, loop, "");
    berth_dbus_switch_call_delete_sync(sw, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    berth_dbus_host_call_find_switch_sync(f->host, "Lab", &path, NULL, &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.NotFound");
}

/* berthd keeps answering while a NAT + DHCP switch starts: dnsmasq's start is waited for from
 * its main loop. Property reads sent right after DefineSwitch come back before it does (a berthd
 * that waited in place would answer them only after it). */
typedef struct {
    GMainLoop *loop;
    guint pending;
    guint answered;        /* Version reads answered so far */
    guint answered_before; /* ... when DefineSwitch came back */
    char *path;
} Race;

static void
race_step_done(Race *race)
{
    if (--race->pending == 0)
        g_main_loop_quit(race->loop);
}

static void
race_defined(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Race *race = user_data;
    g_autoptr(GError) error = NULL;

    berth_dbus_host_call_define_switch_finish(BERTH_DBUS_HOST(source), &race->path, result, &error);
    g_assert_no_error(error);
    race->answered_before = race->answered;
    race_step_done(race);
}

static void
race_answered(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Race *race = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply =
        g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

    g_assert_no_error(error);
    race->answered++;
    race_step_done(race);
}

static void
test_answers_while_switch_starts(Fixture *f, gconstpointer data)
{
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    g_autoptr(BerthDBusSwitch) sw = NULL;
    g_autoptr(GError) error = NULL;
    Race race = {loop, 0, 0, 0, NULL};
    guint id;

    berth_dbus_host_call_define_switch(f->host,
                                       "<switch type=\"internal\"><name>Race</name>"
                                       "<address>10.231.0.1/24</address><nat/>"
                                       "<dhcp first=\"10.231.0.100\" last=\"10.231.0.199\"/>"
                                       "</switch>",
                                       NULL, race_defined, &race);
    race.pending++;
    for (guint i = 0; i < 20; i++) {
        g_dbus_connection_call(f->connection, "org.berth.Berth1", "/org/berth/Berth1",
                               "org.freedesktop.DBus.Properties", "Get",
                               g_variant_new("(ss)", "org.berth.Berth1.Host", "Version"),
                               G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                               race_answered, &race);
        race.pending++;
    }
    id = g_timeout_add_seconds(30, on_timeout, NULL);
    g_main_loop_run(loop);
    g_source_remove(id);
    g_assert_cmpuint(race.answered, ==, 20);
    g_assert_cmpuint(race.answered_before, >, 0);

    /* And the switch is up, its DHCP server running. */
    sw = berth_dbus_switch_proxy_new_sync(f->connection, G_DBUS_PROXY_FLAGS_NONE,
                                          "org.berth.Berth1", race.path, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(berth_dbus_switch_get_status(sw), ==, "Active");
    g_free(race.path);
}

/* polkit on the system bus, with a fake authority on a private "system" bus: berthd asks it for
 * every mutating method (with the caller as a system-bus-name subject), not for read-only ones,
 * and a refusal reaches the client as PermissionDenied. */

static const char fake_polkit_xml[] = "<node>"
                                      "  <interface name='org.freedesktop.PolicyKit1.Authority'>"
                                      "    <method name='CheckAuthorization'>"
                                      "      <arg type='(sa{sv})' name='subject' direction='in'/>"
                                      "      <arg type='s' name='action_id' direction='in'/>"
                                      "      <arg type='a{ss}' name='details' direction='in'/>"
                                      "      <arg type='u' name='flags' direction='in'/>"
                                      "      <arg type='s' name='cancellation_id' direction='in'/>"
                                      "      <arg type='(bba{ss})' name='result' direction='out'/>"
                                      "    </method>"
                                      "  </interface>"
                                      "</node>";

typedef struct {
    gboolean allow_manage;
    GPtrArray *actions; /* asked for, in order */
    char *last_subject_name;
} FakePolkit;

static void
fake_polkit_method_call(GDBusConnection *connection, const char *sender, const char *path,
                        const char *interface, const char *method, GVariant *parameters,
                        GDBusMethodInvocation *invocation, gpointer user_data)
{
    FakePolkit *fake = user_data;
    g_autoptr(GVariant) details = NULL;
    const char *kind = NULL;
    const char *action = NULL;
    const char *name = NULL;
    gboolean allowed;
    GVariantBuilder empty;

    g_variant_get(parameters, "((&s@a{sv})&s@a{ss}u&s)", &kind, &details, &action, NULL, NULL,
                  NULL);
    g_assert_cmpstr(kind, ==, "system-bus-name");
    g_assert_true(g_variant_lookup(details, "name", "&s", &name));
    g_free(fake->last_subject_name);
    fake->last_subject_name = g_strdup(name);
    g_ptr_array_add(fake->actions, g_strdup(action));
    allowed = !g_str_equal(action, "org.berth.Berth1.manage") || fake->allow_manage;
    g_variant_builder_init(&empty, G_VARIANT_TYPE("a{ss}"));
    g_dbus_method_invocation_return_value(invocation,
                                          g_variant_new("((bba{ss}))", allowed, FALSE, &empty));
}

static const GDBusInterfaceVTable fake_polkit_vtable = {fake_polkit_method_call, NULL, NULL};

static void
call_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    *(GAsyncResult **)user_data = g_object_ref(result);
}

/* A call whose answer may need our own main loop (the fake authority lives in it). */
static GVariant *
call_async(GDBusConnection *connection, const char *path, const char *interface, const char *method,
           GVariant *parameters, GError **error)
{
    g_autoptr(GAsyncResult) result = NULL;

    g_dbus_connection_call(connection, "org.berth.Berth1", path, interface, method, parameters,
                           NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, call_done, &result);
    while (result == NULL)
        g_main_context_iteration(NULL, TRUE);
    return g_dbus_connection_call_finish(connection, result, error);
}

static void
test_polkit(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml(fake_polkit_xml, NULL);
    g_autoptr(GVariant) reply = NULL;
    g_autofree char *name = NULL;
    g_autofree char *xml = minimal_xml("Guarded");
    g_autofree char *runtime = NULL;
    g_autoptr(GSubprocess) berthd = NULL;
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    FakePolkit fake = {FALSE, g_ptr_array_new_with_free_func(g_free), NULL};
    Fixture f = {0};
    guint id;

    f.tmp = g_dir_make_tmp("test-berthd-XXXXXX", &error);
    g_assert_no_error(error);
    f.state_dir = g_build_filename(f.tmp, "state", NULL);
    runtime = g_build_filename(f.tmp, "run", NULL);
    start_bus(&f);
    f.connection =
        g_dbus_connection_new_for_address_sync(f.address,
                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                               NULL, NULL, &error);
    g_assert_no_error(error);
    id = g_dbus_connection_register_object(f.connection, "/org/freedesktop/PolicyKit1/Authority",
                                           node->interfaces[0], &fake_polkit_vtable, &fake, NULL,
                                           &error);
    g_assert_no_error(error);
    reply = g_dbus_connection_call_sync(
        f.connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "RequestName", g_variant_new("(su)", "org.freedesktop.PolicyKit1", 4),
        G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error(error);
    g_clear_pointer(&reply, g_variant_unref);

    /* This private bus is berthd's "system" bus. */
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
    g_subprocess_launcher_setenv(launcher, "DBUS_SYSTEM_BUS_ADDRESS", f.address, TRUE);
    berthd =
        g_subprocess_launcher_spawn(launcher, &error, berthd_path, "--bus", "system", "--state-dir",
                                    f.state_dir, "--runtime-dir", runtime, "--accel", "tcg", NULL);
    g_assert_no_error(error);
    for (guint i = 0; i < 500; i++) {
        gboolean has = FALSE;

        reply = g_dbus_connection_call_sync(
            f.connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "NameHasOwner", g_variant_new("(s)", "org.berth.Berth1"), G_VARIANT_TYPE("(b)"),
            G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
        g_variant_get(reply, "(b)", &has);
        g_clear_pointer(&reply, g_variant_unref);
        if (has)
            break;
        /* berthd asks the fake authority as it starts: answer. */
        while (g_main_context_iteration(NULL, FALSE))
            ;
        g_usleep(10000);
    }

    /* Read-only: no question asked. */
    reply = call_async(f.connection, "/org/berth/Berth1", "org.berth.Berth1.Host",
                       "FindVirtualMachine", g_variant_new("(s)", "Guarded"), &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.NotFound");
    g_assert_cmpuint(fake.actions->len, ==, 0);
    g_clear_error(&error);
    g_clear_pointer(&name, g_free);

    /* Refused. */
    reply = call_async(f.connection, "/org/berth/Berth1", "org.berth.Berth1.Host",
                       "DefineVirtualMachine", g_variant_new("(s)", xml), &error);
    name = error_name(error);
    g_assert_cmpstr(name, ==, "org.berth.Berth1.Error.PermissionDenied");
    g_assert_cmpuint(fake.actions->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(fake.actions, 0), ==, "org.berth.Berth1.manage");
    g_assert_cmpstr(fake.last_subject_name, ==, g_dbus_connection_get_unique_name(f.connection));
    g_clear_error(&error);
    g_clear_pointer(&name, g_free);

    /* Allowed. */
    fake.allow_manage = TRUE;
    reply = call_async(f.connection, "/org/berth/Berth1", "org.berth.Berth1.Host",
                       "DefineVirtualMachine", g_variant_new("(s)", xml), &error);
    g_assert_no_error(error);
    g_assert_cmpuint(fake.actions->len, ==, 2);
    g_clear_pointer(&reply, g_variant_unref);

    /* Switch methods ask for the switch action; listing adapters asks nothing. */
    reply =
        call_async(f.connection, "/org/berth/Berth1", "org.berth.Berth1.Host", "SetMacAddressRange",
                   g_variant_new("(ss)", "52:54:00:77:00:00", "52:54:00:77:00:ff"), &error);
    g_assert_no_error(error);
    g_clear_pointer(&reply, g_variant_unref);
    reply = call_async(f.connection, "/org/berth/Berth1", "org.berth.Berth1.Host", "ListAdapters",
                       NULL, &error);
    g_assert_no_error(error);
    g_clear_pointer(&reply, g_variant_unref);
    g_assert_cmpuint(fake.actions->len, ==, 3);
    g_assert_cmpstr(g_ptr_array_index(fake.actions, 2), ==, "org.berth.Berth1.switch");

    g_dbus_connection_unregister_object(f.connection, id);
    f.berthd = g_steal_pointer(&berthd);
    fixture_tear_down(&f, NULL);
    g_ptr_array_unref(fake.actions);
    g_free(fake.last_subject_name);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    berthd_path = g_getenv("BERTHD");
    examples_dir = g_getenv("BERTH_EXAMPLES");
    if (berthd_path == NULL || examples_dir == NULL) {
        g_printerr("BERTHD and BERTH_EXAMPLES must be set\n");
        return 1;
    }
    if (g_find_program_in_path("dbus-daemon") == NULL) {
        g_test_skip("no dbus-daemon");
        return 77;
    }

#define ADD(name, func) g_test_add(name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
    ADD("/berthd/object-manager", test_object_manager);
    ADD("/berthd/typed-errors", test_typed_errors);
    ADD("/berthd/invalid-definition", test_invalid_definition);
    ADD("/berthd/round-trip", test_round_trip);
    ADD("/berthd/second-berthd", test_second_berthd);
    ADD("/berthd/switches", test_switches);
    ADD("/berthd/answers-while-switch-starts", test_answers_while_switch_starts);
#undef ADD
    g_test_add_func("/berthd/polkit", test_polkit);
    return g_test_run();
}
