/* mgr-client.c: finds berthd's bus through the client library (like the berth CLI), then follows
 * berthd's bus name so the manager connects, disconnects and reconnects by itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-client.h"

/* How long to wait before looking for the bus again after it closed. */
#define MGR_CLIENT_RETRY_SECONDS 2

struct _MgrClient {
    GObject parent_instance;

    char *address;
    MgrClientState state;
    char *error;

    GDBusConnection *connection;
    GDBusObjectManager *manager;
    BerthDBusHost *host;

    guint watch_id;
    guint retry_id;
    GCancellable *cancellable; /* the connection attempt or the object manager under way */
};

G_DEFINE_FINAL_TYPE(MgrClient, mgr_client, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_ADDRESS,
    PROP_STATE,
    PROP_CONNECTED,
    PROP_MANAGER,
    PROP_HOST,
    PROP_ERROR,
    N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void mgr_client_connect(MgrClient *self);

static void
mgr_client_set_state(MgrClient *self, MgrClientState state, const char *error)
{
    gboolean was_connected = self->state == MGR_CLIENT_STATE_CONNECTED;

    g_object_freeze_notify(G_OBJECT(self));
    if (g_strcmp0(self->error, error) != 0) {
        g_free(self->error);
        self->error = g_strdup(error);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ERROR]);
    }
    if (self->state != state) {
        self->state = state;
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATE]);
        if (was_connected != (state == MGR_CLIENT_STATE_CONNECTED))
            g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_CONNECTED]);
    }
    g_object_thaw_notify(G_OBJECT(self));
}

/* Drops berthd's objects (it went away, or the bus did). */
static void
mgr_client_drop_objects(MgrClient *self)
{
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    if (self->manager != NULL) {
        g_clear_object(&self->manager);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_MANAGER]);
    }
    if (self->host != NULL) {
        g_clear_object(&self->host);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_HOST]);
    }
}

gboolean
mgr_client_error_is_denied(const GError *error)
{
    g_return_val_if_fail(error != NULL, FALSE);

    return g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
           g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED) ||
           g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
           g_error_matches(error, BERTH_ERROR, BERTH_ERROR_PERMISSION_DENIED);
}

char *
mgr_client_describe_error(const GError *error)
{
    g_autofree char *message = NULL;

    g_return_val_if_fail(error != NULL, NULL);

    message = berth_client_error_message(error);
    if (mgr_client_error_is_denied(error))
        /* Translators: %s is the reason the bus or berthd gave. */
        return g_strdup_printf(_("Permission denied: %s"), message);
    return g_steal_pointer(&message);
}

static void
host_ready(GObject *source, GAsyncResult *result, gpointer user_data)
{
    MgrClient *self = user_data;
    g_autoptr(GError) error = NULL;
    BerthDBusHost *host = berth_dbus_host_proxy_new_finish(result, &error);

    if (host == NULL) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_autofree char *message = mgr_client_describe_error(error);

            mgr_client_drop_objects(self);
            mgr_client_set_state(self,
                                 mgr_client_error_is_denied(error) ? MGR_CLIENT_STATE_DENIED
                                                                   : MGR_CLIENT_STATE_FAILED,
                                 message);
        }
        g_object_unref(self);
        return;
    }
    self->host = host;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_HOST]);
    mgr_client_set_state(self, MGR_CLIENT_STATE_CONNECTED, NULL);
    g_object_unref(self);
}

static void
manager_ready(GObject *source, GAsyncResult *result, gpointer user_data)
{
    MgrClient *self = user_data;
    g_autoptr(GError) error = NULL;
    GDBusObjectManager *manager = berth_dbus_object_manager_client_new_finish(result, &error);

    if (manager == NULL) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_autofree char *message = mgr_client_describe_error(error);

            mgr_client_set_state(self,
                                 mgr_client_error_is_denied(error) ? MGR_CLIENT_STATE_DENIED
                                                                   : MGR_CLIENT_STATE_FAILED,
                                 message);
        }
        g_object_unref(self);
        return;
    }
    self->manager = manager;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_MANAGER]);
    berth_dbus_host_proxy_new(self->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                              BERTH_BUS_NAME, BERTH_HOST_PATH, self->cancellable, host_ready, self);
}

static void
name_appeared(GDBusConnection *connection, const char *name, const char *owner, gpointer user_data)
{
    MgrClient *self = user_data;

    g_debug("berthd appeared as %s", owner);
    mgr_client_drop_objects(self);
    mgr_client_set_state(self, MGR_CLIENT_STATE_CONNECTING, NULL);
    self->cancellable = g_cancellable_new();
    berth_dbus_object_manager_client_new(
        connection, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, BERTH_BUS_NAME,
        BERTH_HOST_PATH, self->cancellable, manager_ready, g_object_ref(self));
}

static void
name_vanished(GDBusConnection *connection, const char *name, gpointer user_data)
{
    MgrClient *self = user_data;

    mgr_client_drop_objects(self);
    if (connection == NULL)
        return; /* the bus closed; connection_closed() says so and retries */
    mgr_client_set_state(self, MGR_CLIENT_STATE_ABSENT, _("berthd is not running on this bus."));
}

static gboolean
retry_cb(gpointer user_data)
{
    MgrClient *self = user_data;

    self->retry_id = 0;
    mgr_client_connect(self);
    return G_SOURCE_REMOVE;
}

static void
connection_closed(GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
                  gpointer user_data)
{
    MgrClient *self = user_data;
    g_autofree char *message = NULL;

    if (connection != self->connection)
        return;
    g_clear_handle_id(&self->watch_id, g_bus_unwatch_name);
    g_signal_handlers_disconnect_by_data(self->connection, self);
    g_clear_object(&self->connection);
    mgr_client_drop_objects(self);
    /* Translators: %s is the reason the D-Bus connection closed. */
    message = g_strdup_printf(_("The connection to the bus closed: %s"),
                              error != NULL ? error->message : _("no reason given"));
    mgr_client_set_state(self, MGR_CLIENT_STATE_FAILED, message);
    if (self->retry_id == 0)
        self->retry_id = g_timeout_add_seconds(MGR_CLIENT_RETRY_SECONDS, retry_cb, self);
}

static void
mgr_client_use_connection(MgrClient *self, GDBusConnection *connection)
{
    g_set_object(&self->connection, connection);
    g_dbus_connection_set_exit_on_close(connection, FALSE);
    g_signal_connect(connection, "closed", G_CALLBACK(connection_closed), self);
    mgr_client_set_state(self, MGR_CLIENT_STATE_ABSENT, _("berthd is not running on this bus."));
    self->watch_id =
        g_bus_watch_name_on_connection(connection, BERTH_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                       name_appeared, name_vanished, self, NULL);
}

static void
bus_found(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(MgrClient) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = berth_client_connect_finish(result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return; /* disposed */
    if (connection != NULL) {
        mgr_client_use_connection(self, connection);
        return;
    }
    mgr_client_set_state(
        self, mgr_client_error_is_denied(error) ? MGR_CLIENT_STATE_DENIED : MGR_CLIENT_STATE_FAILED,
        error->message);
    if (self->retry_id == 0)
        self->retry_id = g_timeout_add_seconds(MGR_CLIENT_RETRY_SECONDS, retry_cb, self);
}

static void
mgr_client_connect(MgrClient *self)
{
    mgr_client_set_state(self, MGR_CLIENT_STATE_CONNECTING, NULL);
    mgr_client_drop_objects(self);
    self->cancellable = g_cancellable_new();
    berth_client_connect(self->address, self->cancellable, bus_found, g_object_ref(self));
}

void
mgr_client_start(MgrClient *self)
{
    g_return_if_fail(MGR_IS_CLIENT(self));
    g_return_if_fail(self->connection == NULL);

    mgr_client_connect(self);
}

static void
mgr_client_dispose(GObject *object)
{
    MgrClient *self = MGR_CLIENT(object);

    g_clear_handle_id(&self->retry_id, g_source_remove);
    g_clear_handle_id(&self->watch_id, g_bus_unwatch_name);
    mgr_client_drop_objects(self);
    if (self->connection != NULL)
        g_signal_handlers_disconnect_by_data(self->connection, self);
    g_clear_object(&self->connection);
    G_OBJECT_CLASS(mgr_client_parent_class)->dispose(object);
}

static void
mgr_client_finalize(GObject *object)
{
    MgrClient *self = MGR_CLIENT(object);

    g_free(self->address);
    g_free(self->error);
    G_OBJECT_CLASS(mgr_client_parent_class)->finalize(object);
}

static void
mgr_client_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    MgrClient *self = MGR_CLIENT(object);

    switch (prop_id) {
    case PROP_ADDRESS:
        g_value_set_string(value, self->address);
        break;
    case PROP_STATE:
        g_value_set_int(value, self->state);
        break;
    case PROP_CONNECTED:
        g_value_set_boolean(value, mgr_client_get_connected(self));
        break;
    case PROP_MANAGER:
        g_value_set_object(value, self->manager);
        break;
    case PROP_HOST:
        g_value_set_object(value, self->host);
        break;
    case PROP_ERROR:
        g_value_set_string(value, self->error);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
mgr_client_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    MgrClient *self = MGR_CLIENT(object);

    switch (prop_id) {
    case PROP_ADDRESS:
        self->address = g_value_dup_string(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
mgr_client_class_init(MgrClientClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = mgr_client_dispose;
    object_class->finalize = mgr_client_finalize;
    object_class->get_property = mgr_client_get_property;
    object_class->set_property = mgr_client_set_property;

    properties[PROP_ADDRESS] =
        g_param_spec_string("address", NULL, NULL, NULL,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    properties[PROP_STATE] =
        g_param_spec_int("state", NULL, NULL, MGR_CLIENT_STATE_CONNECTING, MGR_CLIENT_STATE_FAILED,
                         MGR_CLIENT_STATE_CONNECTING,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_CONNECTED] =
        g_param_spec_boolean("connected", NULL, NULL, FALSE,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_MANAGER] =
        g_param_spec_object("manager", NULL, NULL, G_TYPE_DBUS_OBJECT_MANAGER,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_HOST] =
        g_param_spec_object("host", NULL, NULL, BERTH_DBUS_TYPE_HOST,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_ERROR] =
        g_param_spec_string("error", NULL, NULL, NULL,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
mgr_client_init(MgrClient *self)
{
    self->state = MGR_CLIENT_STATE_CONNECTING;
}

MgrClient *
mgr_client_new(const char *address)
{
    return g_object_new(MGR_TYPE_CLIENT, "address", address, NULL);
}

MgrClientState
mgr_client_get_state(MgrClient *self)
{
    g_return_val_if_fail(MGR_IS_CLIENT(self), MGR_CLIENT_STATE_FAILED);
    return self->state;
}

gboolean
mgr_client_get_connected(MgrClient *self)
{
    g_return_val_if_fail(MGR_IS_CLIENT(self), FALSE);
    return self->state == MGR_CLIENT_STATE_CONNECTED;
}

const char *
mgr_client_get_address(MgrClient *self)
{
    g_return_val_if_fail(MGR_IS_CLIENT(self), NULL);
    return self->address;
}

GDBusConnection *
mgr_client_get_connection(MgrClient *self)
{
    g_return_val_if_fail(MGR_IS_CLIENT(self), NULL);
    return self->connection;
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

const char *
mgr_client_get_error(MgrClient *self)
{
    g_return_val_if_fail(MGR_IS_CLIENT(self), NULL);
    return self->error;
}

BerthDBusVirtualMachine *
mgr_client_get_vm(MgrClient *self, const char *object_path)
{
    g_autoptr(GDBusInterface) iface = NULL;

    g_return_val_if_fail(MGR_IS_CLIENT(self), NULL);
    g_return_val_if_fail(object_path != NULL, NULL);

    if (self->manager == NULL)
        return NULL;
    iface = g_dbus_object_manager_get_interface(self->manager, object_path, BERTH_VM_INTERFACE);
    return BERTH_DBUS_VIRTUAL_MACHINE(iface); /* the manager keeps it alive */
}
