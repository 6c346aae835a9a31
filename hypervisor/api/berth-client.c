/* berth-client.c: how the berth CLI, Berth Manager and vmconnect find berthd's bus, its objects
 * and the meaning of its errors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "berth-client.h"

/* --- the bus ---------------------------------------------------------------------------------- */

/* berthd owns its name on @connection, or the bus can start it. */
static gboolean
berth_client_bus_has_berthd(GDBusConnection *connection, GCancellable *cancellable)
{
    g_autoptr(GVariant) owner = NULL;
    g_autoptr(GVariant) activatable = NULL;
    g_autofree const char **names = NULL;
    gboolean has_owner = FALSE;

    owner = g_dbus_connection_call_sync(
        connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "NameHasOwner", g_variant_new("(s)", BERTH_BUS_NAME), G_VARIANT_TYPE("(b)"),
        G_DBUS_CALL_FLAGS_NONE, BERTH_CLIENT_TIMEOUT_MS, cancellable, NULL);
    if (owner != NULL)
        g_variant_get(owner, "(b)", &has_owner);
    if (has_owner)
        return TRUE;
    activatable = g_dbus_connection_call_sync(
        connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "ListActivatableNames", NULL, G_VARIANT_TYPE("(as)"), G_DBUS_CALL_FLAGS_NONE,
        BERTH_CLIENT_TIMEOUT_MS, cancellable, NULL);
    if (activatable == NULL)
        return FALSE;
    g_variant_get(activatable, "(^a&s)", &names);
    return g_strv_contains(names, BERTH_BUS_NAME);
}

GDBusConnection *
berth_client_connect_sync(const char *address, GCancellable *cancellable, GError **error)
{
    g_autoptr(GDBusConnection) system = NULL;
    g_autoptr(GError) local_error = NULL;
    GDBusConnection *connection;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    /* Before any call: a remote error is mapped when it arrives. */
    (void)BERTH_ERROR;
    if (address == NULL || *address == '\0')
        address = g_getenv("BERTH_BUS_ADDRESS");
    if (address != NULL && *address != '\0') {
        connection = g_dbus_connection_new_for_address_sync(
            address,
            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
            NULL, cancellable, &local_error);
        if (connection == NULL)
            /* Translators: the first %s is a D-Bus address, the second the reason. */
            g_set_error(error, local_error->domain, local_error->code,
                        _("Cannot connect to berthd's bus %s: %s"), address, local_error->message);
        return connection;
    }

    system = g_bus_get_sync(G_BUS_TYPE_SYSTEM, cancellable, NULL);
    if (system != NULL && berth_client_bus_has_berthd(system, cancellable))
        return g_steal_pointer(&system);
    connection = g_bus_get_sync(G_BUS_TYPE_SESSION, cancellable, &local_error);
    if (connection == NULL)
        /* Translators: %s is why the session bus could not be reached. */
        g_set_error(error, local_error->domain, local_error->code,
                    _("berthd is on neither the system bus nor a session bus: %s"),
                    local_error->message);
    return connection;
}

static void
berth_client_connect_thread(GTask *task, gpointer source, gpointer task_data,
                            GCancellable *cancellable)
{
    GError *error = NULL;
    GDBusConnection *connection = berth_client_connect_sync(task_data, cancellable, &error);

    if (connection == NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, connection, g_object_unref);
}

void
berth_client_connect(const char *address, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);

    g_task_set_source_tag(task, berth_client_connect);
    g_task_set_task_data(task, g_strdup(address), g_free);
    g_task_run_in_thread(task, berth_client_connect_thread);
}

GDBusConnection *
berth_client_connect_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == berth_client_connect, NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}

/* --- objects ---------------------------------------------------------------------------------- */

static gpointer
berth_client_with_timeout(gpointer proxy, int timeout_ms)
{
    if (proxy != NULL)
        g_dbus_proxy_set_default_timeout(G_DBUS_PROXY(proxy), timeout_ms);
    return proxy;
}

BerthDBusHost *
berth_client_get_host_sync(GDBusConnection *connection, GCancellable *cancellable, GError **error)
{
    g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);

    return berth_client_with_timeout(
        berth_dbus_host_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE, BERTH_BUS_NAME,
                                       BERTH_HOST_PATH, cancellable, error),
        BERTH_CLIENT_TIMEOUT_MS);
}

BerthDBusVirtualMachine *
berth_client_get_vm_sync(GDBusConnection *connection, const char *object_path,
                         GCancellable *cancellable, GError **error)
{
    g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);
    g_return_val_if_fail(object_path != NULL, NULL);

    return berth_client_with_timeout(
        berth_dbus_virtual_machine_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE,
                                                  BERTH_BUS_NAME, object_path, cancellable, error),
        BERTH_CLIENT_VM_TIMEOUT_MS);
}

BerthDBusSwitch *
berth_client_get_switch_sync(GDBusConnection *connection, const char *object_path,
                             GCancellable *cancellable, GError **error)
{
    g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);
    g_return_val_if_fail(object_path != NULL, NULL);

    return berth_client_with_timeout(
        berth_dbus_switch_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE, BERTH_BUS_NAME,
                                         object_path, cancellable, error),
        BERTH_CLIENT_TIMEOUT_MS);
}

BerthDBusJob *
berth_client_get_job_sync(GDBusConnection *connection, const char *object_path,
                          GCancellable *cancellable, GError **error)
{
    g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);
    g_return_val_if_fail(object_path != NULL, NULL);

    return berth_client_with_timeout(
        berth_dbus_job_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE, BERTH_BUS_NAME,
                                      object_path, cancellable, error),
        BERTH_CLIENT_TIMEOUT_MS);
}

/* Host.@method(@name_or_uuid) → the object's path, without making a Host proxy. */
static char *
berth_client_find_sync(GDBusConnection *connection, const char *method, const char *name_or_uuid,
                       GCancellable *cancellable, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    char *path = NULL;

    (void)BERTH_ERROR;
    reply = g_dbus_connection_call_sync(
        connection, BERTH_BUS_NAME, BERTH_HOST_PATH, BERTH_HOST_INTERFACE, method,
        g_variant_new("(s)", name_or_uuid), G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE,
        BERTH_CLIENT_TIMEOUT_MS, cancellable, error);
    if (reply != NULL)
        g_variant_get(reply, "(o)", &path);
    return path;
}

BerthDBusVirtualMachine *
berth_client_find_vm_sync(GDBusConnection *connection, const char *name_or_uuid,
                          GCancellable *cancellable, GError **error)
{
    g_autofree char *path = NULL;

    g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);
    g_return_val_if_fail(name_or_uuid != NULL, NULL);

    path =
        berth_client_find_sync(connection, "FindVirtualMachine", name_or_uuid, cancellable, error);
    if (path == NULL)
        return NULL;
    return berth_client_get_vm_sync(connection, path, cancellable, error);
}

BerthDBusSwitch *
berth_client_find_switch_sync(GDBusConnection *connection, const char *name_or_uuid,
                              GCancellable *cancellable, GError **error)
{
    g_autofree char *path = NULL;

    g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);
    g_return_val_if_fail(name_or_uuid != NULL, NULL);

    path = berth_client_find_sync(connection, "FindSwitch", name_or_uuid, cancellable, error);
    if (path == NULL)
        return NULL;
    return berth_client_get_switch_sync(connection, path, cancellable, error);
}

static void
berth_client_vm_proxy_ready(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;
    BerthDBusVirtualMachine *vm = berth_dbus_virtual_machine_proxy_new_finish(result, &error);

    if (vm == NULL) {
        g_task_return_error(task, error);
        return;
    }
    g_task_return_pointer(task, berth_client_with_timeout(vm, BERTH_CLIENT_VM_TIMEOUT_MS),
                          g_object_unref);
}

static void
berth_client_vm_found(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GDBusConnection *connection = G_DBUS_CONNECTION(source);
    g_autoptr(GVariant) reply = NULL;
    GError *error = NULL;
    const char *path;

    reply = g_dbus_connection_call_finish(connection, result, &error);
    if (reply == NULL) {
        g_task_return_error(task, error);
        return;
    }
    g_variant_get(reply, "(&o)", &path);
    berth_dbus_virtual_machine_proxy_new(connection, G_DBUS_PROXY_FLAGS_NONE, BERTH_BUS_NAME, path,
                                         g_task_get_cancellable(task), berth_client_vm_proxy_ready,
                                         g_object_ref(task));
}

void
berth_client_find_vm(GDBusConnection *connection, const char *name_or_uuid,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task;

    g_return_if_fail(G_IS_DBUS_CONNECTION(connection));
    g_return_if_fail(name_or_uuid != NULL);

    (void)BERTH_ERROR;
    task = g_task_new(connection, cancellable, callback, user_data);
    g_task_set_source_tag(task, berth_client_find_vm);
    g_dbus_connection_call(connection, BERTH_BUS_NAME, BERTH_HOST_PATH, BERTH_HOST_INTERFACE,
                           "FindVirtualMachine", g_variant_new("(s)", name_or_uuid),
                           G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE, BERTH_CLIENT_TIMEOUT_MS,
                           cancellable, berth_client_vm_found, task);
}

BerthDBusVirtualMachine *
berth_client_find_vm_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == berth_client_find_vm, NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}

/* --- errors ----------------------------------------------------------------------------------- */

gboolean
berth_client_error_is_absent(const GError *error)
{
    g_return_val_if_fail(error != NULL, FALSE);

    return g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
           g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
}

char *
berth_client_error_message(const GError *error)
{
    g_autoptr(GError) copy = NULL;

    g_return_val_if_fail(error != NULL, NULL);

    if (berth_client_error_is_absent(error))
        return g_strdup(_("berthd is not running on this bus"));
    copy = g_error_copy(error);
    g_dbus_error_strip_remote_error(copy);
    return g_strdup(copy->message);
}
