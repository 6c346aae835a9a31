/* berth-cli-client.c: how berth finds berthd and reports its errors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

#define BERTH_BUS_NAME    "org.berth.Berth1"
#define BERTH_OBJECT_PATH "/org/berth/Berth1"

static char *berth_cli_address;

void
berth_cli_set_address(const char *address)
{
    g_free(berth_cli_address);
    berth_cli_address = g_strdup(address);
}

const char *
berth_cli_get_address(void)
{
    return berth_cli_address;
}

static GDBusConnection *
berth_cli_connect_address(const char *address, GError **error)
{
    GDBusConnection *connection =
        g_dbus_connection_new_for_address_sync(address,
                                               G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                               NULL, NULL, error);

    if (connection == NULL)
        g_prefix_error(error, _("Cannot connect to the bus %s: "), address);
    return connection;
}

/* berthd owns the name, or the bus can start it. */
static gboolean
berth_cli_bus_has_berthd(GDBusConnection *connection)
{
    g_autoptr(GVariant) owner = NULL;
    g_autoptr(GVariant) activatable = NULL;
    gboolean has_owner = FALSE;
    g_autofree const char **names = NULL;

    owner = g_dbus_connection_call_sync(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", "NameHasOwner",
                                        g_variant_new("(s)", BERTH_BUS_NAME), G_VARIANT_TYPE("(b)"),
                                        G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
    if (owner != NULL)
        g_variant_get(owner, "(b)", &has_owner);
    if (has_owner)
        return TRUE;
    activatable =
        g_dbus_connection_call_sync(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                    "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                    G_VARIANT_TYPE("(as)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
    if (activatable == NULL)
        return FALSE;
    g_variant_get(activatable, "(^a&s)", &names);
    return g_strv_contains(names, BERTH_BUS_NAME);
}

GDBusConnection *
berth_cli_connect(GError **error)
{
    const char *address = berth_cli_address;
    g_autoptr(GDBusConnection) system = NULL;
    GDBusConnection *session;

    if (address == NULL || *address == '\0')
        address = g_getenv("BERTH_BUS_ADDRESS");
    if (address != NULL && *address != '\0')
        return berth_cli_connect_address(address, error);

    system = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, NULL);
    if (system != NULL && berth_cli_bus_has_berthd(system))
        return g_steal_pointer(&system);
    session = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, error);
    if (session == NULL)
        g_prefix_error(error, _("berthd is on neither the system bus nor a session bus: "));
    return session;
}

BerthDBusHost *
berth_cli_get_host(GDBusConnection *connection, GError **error)
{
    return berth_dbus_host_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE, BERTH_BUS_NAME,
                                          BERTH_OBJECT_PATH, NULL, error);
}

BerthDBusVirtualMachine *
berth_cli_find_vm(GDBusConnection *connection, const char *name_or_uuid, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    const char *path = NULL;

    reply = g_dbus_connection_call_sync(connection, BERTH_BUS_NAME, BERTH_OBJECT_PATH,
                                        "org.berth.Berth1.Host", "FindVirtualMachine",
                                        g_variant_new("(s)", name_or_uuid), G_VARIANT_TYPE("(o)"),
                                        G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
    if (reply == NULL)
        return NULL;
    g_variant_get(reply, "(&o)", &path);
    return berth_dbus_virtual_machine_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE,
                                                     BERTH_BUS_NAME, path, NULL, error);
}

int
berth_cli_fail(const char *command, GError *error)
{
    if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
        g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
        berth_cli_error(command, _("berthd is not running on this bus"));
        return 1;
    }
    g_dbus_error_strip_remote_error(error);
    berth_cli_error(command, "%s", error->message);
    return 1;
}

GPtrArray *
berth_cli_list_objects(GDBusConnection *connection, const char *interface, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GVariant) objects = NULL;
    GPtrArray *found;
    GVariantIter iter;
    const char *path;
    GVariant *interfaces;

    reply = g_dbus_connection_call_sync(connection, "org.berth.Berth1", "/org/berth/Berth1",
                                        "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                        NULL, G_VARIANT_TYPE("(a{oa{sa{sv}}})"),
                                        G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
    if (reply == NULL)
        return NULL;
    objects = g_variant_get_child_value(reply, 0);
    found = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
    g_variant_iter_init(&iter, objects);
    while (g_variant_iter_next(&iter, "{&o@a{sa{sv}}}", &path, &interfaces)) {
        g_autoptr(GVariant) owned = interfaces;
        g_autoptr(GVariant) properties = g_variant_lookup_value(interfaces, interface, NULL);

        if (properties != NULL)
            g_ptr_array_add(found,
                            g_variant_ref_sink(g_variant_new("(o@a{sv})", path, properties)));
    }
    return found;
}

const char *
berth_cli_dict_string(GVariant *dict, const char *key)
{
    const char *value = "";

    g_variant_lookup(dict, key, "&s", &value);
    return value;
}

gboolean
berth_cli_dict_bool(GVariant *dict, const char *key)
{
    gboolean value = FALSE;

    g_variant_lookup(dict, key, "b", &value);
    return value;
}
