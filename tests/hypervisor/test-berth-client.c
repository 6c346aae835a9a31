/* test-berth-client.c: the client library (hypervisor/api/berth-client.h) on two private buses
 * (GTestDBus) standing in for the system bus (one where berthd can be started) and the session
 * bus: which bus it picks,
 * the errors berthd sends by D-Bus name arriving as BERTH_ERROR codes, the proxies' timeouts and
 * the object paths.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "berth-client.h"

static GTestDBus *system_bus;
static GTestDBus *session_bus;

/* The bus's own id (org.freedesktop.DBus.GetId): tells which bus a connection reached. */
static char *
bus_id(GDBusConnection *connection)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
        connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "GetId", NULL, G_VARIANT_TYPE("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    char *id = NULL;

    g_assert_no_error(error);
    g_variant_get(reply, "(s)", &id);
    return id;
}

static char *
address_id(const char *address)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection =
        g_dbus_connection_new_for_address_sync(address,
                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                               NULL, NULL, &error);

    g_assert_no_error(error);
    return bus_id(connection);
}

/* berth_client_connect_sync(@address) reached the bus at @expected. */
static void
assert_connects_to(const char *address, const char *expected)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = berth_client_connect_sync(address, NULL, &error);
    g_autofree char *got = NULL;
    g_autofree char *want = address_id(expected);

    g_assert_no_error(error);
    g_assert_nonnull(connection);
    /* The buses go away at the end; the shared system/session connections must not exit. */
    g_dbus_connection_set_exit_on_close(connection, FALSE);
    got = bus_id(connection);
    g_assert_cmpstr(got, ==, want);
}

static void
test_connect_explicit_address(void)
{
    /* --connect wins over $BERTH_BUS_ADDRESS. */
    g_setenv("BERTH_BUS_ADDRESS", g_test_dbus_get_bus_address(session_bus), TRUE);
    assert_connects_to(g_test_dbus_get_bus_address(system_bus),
                       g_test_dbus_get_bus_address(system_bus));
    g_unsetenv("BERTH_BUS_ADDRESS");
}

static void
test_connect_environment(void)
{
    /* $BERTH_BUS_ADDRESS wins over the session bus, and an empty --connect is none. */
    g_setenv("BERTH_BUS_ADDRESS", g_test_dbus_get_bus_address(system_bus), TRUE);
    assert_connects_to(NULL, g_test_dbus_get_bus_address(system_bus));
    assert_connects_to("", g_test_dbus_get_bus_address(system_bus));
    g_unsetenv("BERTH_BUS_ADDRESS");
}

static void
test_connect_session_without_berthd(void)
{
    /* berthd is on neither bus: the session bus, where `berthd --bus session` would be. */
    assert_connects_to(NULL, g_test_dbus_get_bus_address(session_bus));
}

/* Owns @name on the bus at @address until the returned connection is closed. */
static GDBusConnection *
own_name(const char *address, const char *name)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = NULL;
    GDBusConnection *connection =
        g_dbus_connection_new_for_address_sync(address,
                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                               NULL, NULL, &error);
    guint32 result = 0;

    g_assert_no_error(error);
    reply = g_dbus_connection_call_sync(
        connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "RequestName", g_variant_new("(su)", name, 4 /* DO_NOT_QUEUE */), G_VARIANT_TYPE("(u)"),
        G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error(error);
    g_variant_get(reply, "(u)", &result);
    g_assert_cmpuint(result, ==, 1 /* PRIMARY_OWNER */);
    return connection;
}

static void
close_connection(GDBusConnection *connection)
{
    g_autoptr(GError) error = NULL;

    g_dbus_connection_close_sync(connection, NULL, &error);
    g_assert_no_error(error);
    g_object_unref(connection);
}

static void
test_connect_system_with_berthd(void)
{
    GDBusConnection *berthd = own_name(g_test_dbus_get_bus_address(system_bus), BERTH_BUS_NAME);

    /* berthd owns its name on the system bus: the system bus, though a session bus exists. */
    assert_connects_to(NULL, g_test_dbus_get_bus_address(system_bus));
    /* Someone else's name there changes nothing. */
    close_connection(berthd);
    berthd = own_name(g_test_dbus_get_bus_address(system_bus), "org.example.NotBerth");
    assert_connects_to(NULL, g_test_dbus_get_bus_address(session_bus));
    close_connection(berthd);
}

static void
test_connect_system_activatable(void)
{
    const char *activatable = g_getenv("BERTH_TEST_ACTIVATABLE_BUS");

    if (!g_test_subprocess()) {
        /* A process of its own, with a system bus that can start berthd. */
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        return;
    }
    /* Installed berthd is started by the system bus on the first call: the system bus. */
    g_setenv("DBUS_SYSTEM_BUS_ADDRESS", activatable, TRUE);
    assert_connects_to(NULL, activatable);
}

static void
connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GAsyncResult **ret_result = user_data;

    *ret_result = g_object_ref(result);
}

static void
test_connect_async(void)
{
    GDBusConnection *berthd = own_name(g_test_dbus_get_bus_address(system_bus), BERTH_BUS_NAME);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *got = NULL;
    g_autofree char *want = address_id(g_test_dbus_get_bus_address(system_bus));

    berth_client_connect(NULL, NULL, connected, &result);
    while (result == NULL)
        g_main_context_iteration(NULL, TRUE);
    connection = berth_client_connect_finish(result, &error);
    g_assert_no_error(error);
    g_dbus_connection_set_exit_on_close(connection, FALSE);
    got = bus_id(connection);
    g_assert_cmpstr(got, ==, want);
    close_connection(berthd);

    /* An address that cannot be reached says which. */
    g_clear_object(&result);
    berth_client_connect("unix:path=/nonexistent/berth-bus", NULL, connected, &result);
    while (result == NULL)
        g_main_context_iteration(NULL, TRUE);
    g_assert_null(berth_client_connect_finish(result, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_true(g_str_has_prefix(
        error->message, "Cannot connect to berthd's bus unix:path=/nonexistent/berth-bus: "));
}

static void
test_connect_no_session_bus(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;

    if (!g_test_subprocess()) {
        /* A process of its own: GIO keeps the session bus it found for the process. */
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        return;
    }
    g_setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/session-bus", TRUE);
    connection = berth_client_connect_sync(NULL, NULL, &error);
    g_assert_null(connection);
    g_assert_nonnull(error);
    g_assert_true(g_str_has_prefix(error->message,
                                   "berthd is on neither the system bus nor a session bus: "));
}

/* --- a stand-in berthd that answers FindVirtualMachine/FindSwitch with D-Bus error names ------ */

#define VM_UUID "6f1c2a3e-1111-4222-8333-444455556666"

typedef struct {
    GMainContext *context;
    GMainLoop *loop;
    GMutex lock;
    GCond ready;
    gboolean is_ready;
} FakeBerthd;

/* FindVirtualMachine("vm") finds the one VM; any other argument is a D-Bus error name, returned
 * as berthd returns its errors. */
static gboolean
handle_find_vm(BerthDBusHost *host, GDBusMethodInvocation *invocation, const char *name,
               gpointer user_data)
{
    if (g_str_equal(name, "vm")) {
        g_autofree char *path = berth_vm_object_path(VM_UUID);

        berth_dbus_host_complete_find_virtual_machine(host, invocation, path);
        return TRUE;
    }
    g_dbus_method_invocation_return_dbus_error(invocation, name, "what berthd said");
    return TRUE;
}

static gboolean
handle_find_switch(BerthDBusHost *host, GDBusMethodInvocation *invocation, const char *name,
                   gpointer user_data)
{
    g_dbus_method_invocation_return_dbus_error(invocation, "org.berth.Berth1.Error.NotFound",
                                               "No virtual switch “nowhere”");
    return TRUE;
}

static gpointer
fake_berthd_thread(gpointer data)
{
    FakeBerthd *fake = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(BerthDBusHost) host = berth_dbus_host_skeleton_new();
    g_autoptr(BerthDBusVirtualMachine) vm = berth_dbus_virtual_machine_skeleton_new();
    g_autofree char *vm_path = berth_vm_object_path(VM_UUID);
    GDBusConnection *connection;

    g_main_context_push_thread_default(fake->context);
    g_signal_connect(host, "handle-find-virtual-machine", G_CALLBACK(handle_find_vm), NULL);
    g_signal_connect(host, "handle-find-switch", G_CALLBACK(handle_find_switch), NULL);
    berth_dbus_virtual_machine_set_uuid(vm, VM_UUID);
    connection = own_name(g_test_dbus_get_bus_address(session_bus), BERTH_BUS_NAME);
    g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(host), connection, BERTH_HOST_PATH,
                                     &error);
    g_assert_no_error(error);
    g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(vm), connection, vm_path, &error);
    g_assert_no_error(error);

    g_mutex_lock(&fake->lock);
    fake->is_ready = TRUE;
    g_cond_signal(&fake->ready);
    g_mutex_unlock(&fake->lock);
    g_main_loop_run(fake->loop);

    g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(vm));
    g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(host));
    close_connection(connection);
    g_main_context_pop_thread_default(fake->context);
    return NULL;
}

static void
test_errors_typed(void)
{
    static const struct {
        const char *name;
        BerthError code;
    } names[] = {
        {"org.berth.Berth1.Error.Failed", BERTH_ERROR_FAILED},
        {"org.berth.Berth1.Error.NotFound", BERTH_ERROR_NOT_FOUND},
        {"org.berth.Berth1.Error.InvalidDefinition", BERTH_ERROR_INVALID_DEFINITION},
        {"org.berth.Berth1.Error.WrongState", BERTH_ERROR_WRONG_STATE},
        {"org.berth.Berth1.Error.Busy", BERTH_ERROR_BUSY},
        {"org.berth.Berth1.Error.PermissionDenied", BERTH_ERROR_PERMISSION_DENIED},
        {"org.berth.Berth1.Error.HostUnsupported", BERTH_ERROR_HOST_UNSUPPORTED},
    };
    FakeBerthd fake = {0};
    g_autoptr(GThread) thread = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autoptr(BerthDBusHost) host = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *message = NULL;

    fake.context = g_main_context_new();
    fake.loop = g_main_loop_new(fake.context, FALSE);
    g_mutex_init(&fake.lock);
    g_cond_init(&fake.ready);
    thread = g_thread_new("fake-berthd", fake_berthd_thread, &fake);
    g_mutex_lock(&fake.lock);
    while (!fake.is_ready)
        g_cond_wait(&fake.ready, &fake.lock);
    g_mutex_unlock(&fake.lock);

    connection = berth_client_connect_sync(g_test_dbus_get_bus_address(session_bus), NULL, &error);
    g_assert_no_error(error);

    /* Each error name of the API arrives as its code, with berthd's message. */
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autoptr(GError) remote = NULL;

        g_test_message("%s", names[i].name);
        g_assert_null(berth_client_find_vm_sync(connection, names[i].name, NULL, &remote));
        g_assert_error(remote, BERTH_ERROR, (int)names[i].code);
        message = berth_client_error_message(remote);
        g_assert_cmpstr(message, ==, "what berthd said");
        g_clear_pointer(&message, g_free);
    }
    /* A name outside the API stays a plain remote error. */
    g_assert_null(berth_client_find_vm_sync(connection, "org.example.Other", NULL, &error));
    g_assert_false(error->domain == BERTH_ERROR);
    g_assert_true(g_dbus_error_is_remote_error(error));
    g_clear_error(&error);
    g_assert_null(berth_client_find_switch_sync(connection, "nowhere", NULL, &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND);
    g_clear_error(&error);

    /* Found: a VM proxy that waits as long as the guest does; the host's calls do not. */
    vm = berth_client_find_vm_sync(connection, "vm", NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(berth_dbus_virtual_machine_get_uuid(vm), ==, VM_UUID);
    g_assert_cmpint(g_dbus_proxy_get_default_timeout(G_DBUS_PROXY(vm)), ==,
                    BERTH_CLIENT_VM_TIMEOUT_MS);
    host = berth_client_get_host_sync(connection, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpint(g_dbus_proxy_get_default_timeout(G_DBUS_PROXY(host)), ==,
                    BERTH_CLIENT_TIMEOUT_MS);

    g_main_loop_quit(fake.loop);
    g_thread_join(g_steal_pointer(&thread));

    /* No berthd on the bus any more: the message says so. */
    g_clear_object(&vm);
    g_assert_null(berth_client_find_vm_sync(connection, "vm", NULL, &error));
    g_assert_true(berth_client_error_is_absent(error));
    message = berth_client_error_message(error);
    g_assert_cmpstr(message, ==, "berthd is not running on this bus");

    g_main_loop_unref(fake.loop);
    g_main_context_unref(fake.context);
    g_mutex_clear(&fake.lock);
    g_cond_clear(&fake.ready);
}

static void
find_vm_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GAsyncResult **ret_result = user_data;

    *ret_result = g_object_ref(result);
}

static void
test_find_vm_async_absent(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection =
        berth_client_connect_sync(g_test_dbus_get_bus_address(session_bus), NULL, &error);
    g_autoptr(GAsyncResult) result = NULL;

    g_assert_no_error(error);
    berth_client_find_vm(connection, "anything", NULL, find_vm_done, &result);
    while (result == NULL)
        g_main_context_iteration(NULL, TRUE);
    g_assert_null(berth_client_find_vm_finish(result, &error));
    g_assert_true(berth_client_error_is_absent(error));
}

static void
test_object_paths(void)
{
    g_autofree char *vm = berth_vm_object_path("6f1c2a3e-1111-4222-8333-444455556666");
    g_autofree char *sw = berth_switch_object_path("0123abcd-0000-4000-8000-00000000ffff");
    g_autofree char *job = berth_job_object_path(12);

    g_assert_cmpstr(vm, ==, "/org/berth/Berth1/vm/6f1c2a3e111142228333444455556666");
    g_assert_cmpstr(sw, ==, "/org/berth/Berth1/switch/0123abcd00004000800000000000ffff");
    g_assert_cmpstr(job, ==, "/org/berth/Berth1/job/12");
    g_assert_true(g_variant_is_object_path(vm));
    /* The interface names agree with the contract the code is generated from. */
    g_assert_cmpstr(BERTH_HOST_INTERFACE, ==, berth_dbus_host_interface_info()->name);
    g_assert_cmpstr(BERTH_VM_INTERFACE, ==, berth_dbus_virtual_machine_interface_info()->name);
    g_assert_cmpstr(BERTH_SWITCH_INTERFACE, ==, berth_dbus_switch_interface_info()->name);
    g_assert_cmpstr(BERTH_JOB_INTERFACE, ==, berth_dbus_job_interface_info()->name);
}

int
main(int argc, char **argv)
{
    g_autofree char *tmp = NULL;
    g_autofree char *services = NULL;
    g_autofree char *service = NULL;
    g_autoptr(GError) error = NULL;
    GTestDBus *activatable_bus;
    int status;

    g_test_init(&argc, &argv, NULL);
    g_setenv("LC_ALL", "C", TRUE);
    g_unsetenv("BERTH_BUS_ADDRESS");

    g_test_add_func("/berth-client/object-paths", test_object_paths);
    g_test_add_func("/berth-client/connect/no-session-bus", test_connect_no_session_bus);
    g_test_add_func("/berth-client/connect/explicit-address", test_connect_explicit_address);
    g_test_add_func("/berth-client/connect/environment", test_connect_environment);
    g_test_add_func("/berth-client/connect/session-without-berthd",
                    test_connect_session_without_berthd);
    g_test_add_func("/berth-client/connect/system-with-berthd", test_connect_system_with_berthd);
    g_test_add_func("/berth-client/connect/system-activatable", test_connect_system_activatable);
    g_test_add_func("/berth-client/connect/async", test_connect_async);
    g_test_add_func("/berth-client/errors/typed", test_errors_typed);
    g_test_add_func("/berth-client/errors/absent-async", test_find_vm_async_absent);

    if (g_test_subprocess())
        return g_test_run(); /* the buses are the parent's (inherited environment) */

    /* The stand-in system buses first: GTestDBus points DBUS_SESSION_BUS_ADDRESS at each bus it
     * starts, so the session bus comes last. */
    tmp = g_dir_make_tmp("berth-client-XXXXXX", NULL);
    g_assert_nonnull(tmp);
    services = g_build_filename(tmp, "services", NULL);
    service = g_build_filename(services, BERTH_BUS_NAME ".service", NULL);
    g_assert_cmpint(g_mkdir(services, 0700), ==, 0);
    g_file_set_contents(service, "[D-BUS Service]\nName=" BERTH_BUS_NAME "\nExec=/bin/false\n", -1,
                        &error);
    g_assert_no_error(error);
    activatable_bus = g_test_dbus_new(G_TEST_DBUS_NONE);
    g_test_dbus_add_service_dir(activatable_bus, services);
    g_test_dbus_up(activatable_bus);
    g_setenv("BERTH_TEST_ACTIVATABLE_BUS", g_test_dbus_get_bus_address(activatable_bus), TRUE);
    system_bus = g_test_dbus_new(G_TEST_DBUS_NONE);
    g_test_dbus_up(system_bus);
    g_setenv("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address(system_bus), TRUE);
    session_bus = g_test_dbus_new(G_TEST_DBUS_NONE);
    g_test_dbus_up(session_bus);

    status = g_test_run();

    /* The shared system bus connection must not exit the test when its bus stops. */
    g_dbus_connection_set_exit_on_close(g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, NULL), FALSE);
    g_test_dbus_down(session_bus);
    g_test_dbus_down(system_bus);
    g_test_dbus_down(activatable_bus);
    g_object_unref(session_bus);
    g_object_unref(system_bus);
    g_object_unref(activatable_bus);
    g_unlink(service);
    g_rmdir(services);
    g_rmdir(tmp);
    return status;
}
