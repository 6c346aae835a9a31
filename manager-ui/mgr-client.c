/* mgr-client.c: Berth Manager's connection to berthd.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mgr-client.h"

struct _MgrClient {
    GObject parent_instance;
    GDBusObjectManager *manager;
    BerthDBusHost *host;
};

G_DEFINE_FINAL_TYPE(MgrClient, mgr_client, G_TYPE_OBJECT)

static void
mgr_client_dispose(GObject *object)
{
    MgrClient *self = MGR_CLIENT(object);

    g_clear_object(&self->manager);
    g_clear_object(&self->host);
    G_OBJECT_CLASS(mgr_client_parent_class)->dispose(object);
}

static void
mgr_client_class_init(MgrClientClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = mgr_client_dispose;
}

static void
mgr_client_init(MgrClient *self)
{
}

MgrClient *
mgr_client_new_sync(const char *address, GCancellable *cancellable, GError **error)
{
    g_autoptr(MgrClient) self = g_object_new(MGR_TYPE_CLIENT, NULL);
    g_autoptr(GDBusConnection) connection = NULL;

    if (address == NULL)
        address = g_getenv("BERTH_BUS_ADDRESS");
    if (address != NULL && *address != '\0')
        connection = g_dbus_connection_new_for_address_sync(
            address,
            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
            NULL, cancellable, error);
    else
        connection = g_bus_get_sync(G_BUS_TYPE_SESSION, cancellable, error);
    if (connection == NULL)
        return NULL;
    self->manager = berth_dbus_object_manager_client_new_sync(
        connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE, "org.berth.Berth1",
        "/org/berth/Berth1", cancellable, error);
    if (self->manager == NULL)
        return NULL;
    self->host =
        berth_dbus_host_proxy_new_sync(connection, G_DBUS_PROXY_FLAGS_NONE, "org.berth.Berth1",
                                       "/org/berth/Berth1", cancellable, error);
    if (self->host == NULL)
        return NULL;
    return g_steal_pointer(&self);
}

GDBusObjectManager *
mgr_client_get_manager(MgrClient *self)
{
    g_return_val_if_fail(MGR_IS_CLIENT(self), NULL);
    return self->manager;
}

BerthDBusHost *
mgr_client_get_host(MgrClient *self)
{
    g_return_val_if_fail(MGR_IS_CLIENT(self), NULL);
    return self->host;
}
