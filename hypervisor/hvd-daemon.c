/* hvd-daemon.c: berthd itself: the bus, the store, the host object and one object per VM.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>

#include <glib/gi18n.h>
#include <polkit/polkit.h>

#include "hvd-checkpoint-images.h"
#include "hvd-daemon.h"
#include "hvd-error.h"
#include "hvd-host-object.h"
#include "hvd-host.h"
#include "hvd-job-object.h"
#include "hvd-network.h"
#include "hvd-qemu-argv.h"
#include "hvd-switch-object.h"
#include "hvd-vm-object.h"

/* A finished job stays on the bus this long, for clients that look late. */
#define JOB_LINGER_SECONDS 60

#define POLKIT_ACTION_MANAGE  "org.berth.Berth1.manage"
#define POLKIT_ACTION_CONSOLE "org.berth.Berth1.console"
#define POLKIT_ACTION_SWITCH  "org.berth.Berth1.switch"

/* org.freedesktop.DBus.RequestName flags and replies. */
#define DBUS_NAME_FLAG_DO_NOT_QUEUE        4
#define DBUS_REQUEST_NAME_REPLY_PRIMARY    1
#define DBUS_REQUEST_NAME_REPLY_ALREADY_OK 4

struct _HvdDaemon {
    GObject parent_instance;

    GDBusConnection *connection;
    gboolean use_polkit;
    char *runtime_dir;
    HvdAccelMode accel_mode;

    HvdVmStore *store;
    PolkitAuthority *authority;
    HvdHost *host;
    HvdHostObject *host_object;
    GDBusObjectManagerServer *manager;
    GHashTable *vms; /* uuid → HvdVmObject */
    HvdNetwork *network;
    GHashTable *switches; /* uuid → HvdSwitchObject */
    guint status_timer;   /* switch statuses follow the kernel (an adapter unplugged, gone) */
    guint64 last_job;
    gboolean owns_name;
};

G_DEFINE_FINAL_TYPE(HvdDaemon, hvd_daemon, G_TYPE_OBJECT)

static void
hvd_daemon_finalize(GObject *object)
{
    HvdDaemon *self = HVD_DAEMON(object);

    hvd_daemon_stop(self);
    g_clear_handle_id(&self->status_timer, g_source_remove);
    g_clear_pointer(&self->vms, g_hash_table_unref);
    g_clear_pointer(&self->switches, g_hash_table_unref);
    g_clear_object(&self->network);
    g_clear_object(&self->manager);
    g_clear_object(&self->host_object);
    g_clear_object(&self->host);
    g_clear_object(&self->authority);
    g_clear_object(&self->store);
    g_clear_object(&self->connection);
    g_free(self->runtime_dir);
    G_OBJECT_CLASS(hvd_daemon_parent_class)->finalize(object);
}

static void
hvd_daemon_class_init(HvdDaemonClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = hvd_daemon_finalize;
}

static void
hvd_daemon_init(HvdDaemon *self)
{
    self->vms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
    self->switches = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
}

GDBusConnection *
hvd_daemon_connect_bus(const char *bus, GError **error)
{
    g_return_val_if_fail(bus != NULL, NULL);

    if (g_str_equal(bus, "system"))
        return g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, error);
    if (g_str_equal(bus, "session"))
        return g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, error);
    return g_dbus_connection_new_for_address_sync(
        bus,
        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
        NULL, NULL, error);
}

HvdDaemon *
hvd_daemon_new(GDBusConnection *connection, gboolean use_polkit, const char *state_dir,
               const char *runtime_dir, HvdAccelMode accel_mode)
{
    HvdDaemon *self;

    g_return_val_if_fail(G_IS_DBUS_CONNECTION(connection), NULL);
    g_return_val_if_fail(state_dir != NULL, NULL);
    g_return_val_if_fail(runtime_dir != NULL, NULL);

    self = g_object_new(HVD_TYPE_DAEMON, NULL);
    self->connection = g_object_ref(connection);
    self->use_polkit = use_polkit;
    self->store = hvd_vm_store_new(state_dir);
    self->runtime_dir = g_strdup(runtime_dir);
    self->accel_mode = accel_mode;
    self->network = hvd_network_new(hvd_vm_store_get_state_dir(self->store), runtime_dir);
    return self;
}

HvdVmStore *
hvd_daemon_get_store(HvdDaemon *self)
{
    g_return_val_if_fail(HVD_IS_DAEMON(self), NULL);
    return self->store;
}

HvdNetwork *
hvd_daemon_get_network(HvdDaemon *self)
{
    g_return_val_if_fail(HVD_IS_DAEMON(self), NULL);
    return self->network;
}

GDBusConnection *
hvd_daemon_get_connection(HvdDaemon *self)
{
    g_return_val_if_fail(HVD_IS_DAEMON(self), NULL);
    return self->connection;
}

/* polkit: every method that changes something or reaches the guest, checked here, in one place,
 * before the method's handler runs. Read-only methods pass without asking. */

typedef struct {
    const char *method;
    const char *action;    /* NULL: no authorisation needed */
    const char *interface; /* NULL: any */
} HvdMethodAction;

static const HvdMethodAction hvd_method_actions[] = {
    {"FindVirtualMachine", NULL},
    {"FindSwitch", NULL},
    {"ListAdapters", NULL},
    {"GetDefinition", NULL},
    {"ListCheckpoints", NULL},
    {"DefineSwitch", POLKIT_ACTION_SWITCH},
    {"SetMacAddressRange", POLKIT_ACTION_SWITCH},
    {"Delete", POLKIT_ACTION_SWITCH, BERTH_SWITCH_INTERFACE},
    {"DefineVirtualMachine", POLKIT_ACTION_MANAGE},
    {"CreateDisk", POLKIT_ACTION_MANAGE},
    {"InspectDisk", POLKIT_ACTION_MANAGE}, /* reads any file as root */
    {"ConvertDisk", POLKIT_ACTION_MANAGE},
    {"ResizeDisk", POLKIT_ACTION_MANAGE},
    {"Screenshot", POLKIT_ACTION_CONSOLE},
    {"OpenConsole", POLKIT_ACTION_CONSOLE},
    {"ReadSerial", POLKIT_ACTION_CONSOLE},
    {"SendSerial", POLKIT_ACTION_CONSOLE},
};

/* Unknown methods need "manage": a method added to the API is never open by mistake. */
static const char *
hvd_daemon_action_for_method(const char *interface, const char *method)
{
    for (guint i = 0; i < G_N_ELEMENTS(hvd_method_actions); i++) {
        if (g_str_equal(hvd_method_actions[i].method, method) &&
            (hvd_method_actions[i].interface == NULL ||
             g_strcmp0(hvd_method_actions[i].interface, interface) == 0))
            return hvd_method_actions[i].action;
    }
    return POLKIT_ACTION_MANAGE;
}

/* GDBus emits g-authorize-method in a worker thread before it runs the method's handler in the
 * main thread, so waiting for polkit here blocks no other caller. Returning FALSE leaves the
 * reply to us. */
static gboolean
hvd_daemon_authorize_method(GDBusInterfaceSkeleton *skeleton, GDBusMethodInvocation *invocation,
                            gpointer user_data)
{
    HvdDaemon *self = HVD_DAEMON(user_data);
    const char *method = g_dbus_method_invocation_get_method_name(invocation);
    const char *action = hvd_daemon_action_for_method(
        g_dbus_method_invocation_get_interface_name(invocation), method);
    g_autoptr(PolkitSubject) subject = NULL;
    g_autoptr(PolkitAuthorizationResult) result = NULL;
    g_autoptr(GError) error = NULL;
    PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;

    if (action == NULL)
        return TRUE;
    subject = polkit_system_bus_name_new(g_dbus_method_invocation_get_sender(invocation));
    /* Ask for a password only when the caller said it can wait for one. */
    if (g_dbus_message_get_flags(g_dbus_method_invocation_get_message(invocation)) &
        G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
        flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;
    result = polkit_authority_check_authorization_sync(self->authority, subject, action, NULL,
                                                       flags, NULL, &error);
    if (result == NULL) {
        g_warning("polkit could not check %s for %s: %s", action,
                  g_dbus_method_invocation_get_sender(invocation), error->message);
        g_dbus_method_invocation_return_error(
            invocation, BERTH_ERROR, BERTH_ERROR_PERMISSION_DENIED,
            _("Cannot check the authorisation: %s"), error->message);
        return FALSE;
    }
    if (!polkit_authorization_result_get_is_authorized(result)) {
        g_info("polkit refused %s (%s) to %s", method, action,
               g_dbus_method_invocation_get_sender(invocation));
        g_dbus_method_invocation_return_error(invocation, BERTH_ERROR,
                                              BERTH_ERROR_PERMISSION_DENIED,
                                              _("Not authorised to call %s"), method);
        return FALSE;
    }
    return TRUE;
}

static void
hvd_daemon_guard(HvdDaemon *self, gpointer skeleton)
{
    if (self->use_polkit)
        g_signal_connect_object(skeleton, "g-authorize-method",
                                G_CALLBACK(hvd_daemon_authorize_method), self, 0);
}

/* Switch objects */

static void
hvd_daemon_add_switch(HvdDaemon *self, const char *uuid)
{
    const HvxSwitchDef *def = hvd_switch_store_lookup(hvd_network_get_store(self->network), uuid);
    g_autofree char *path = berth_switch_object_path(uuid);
    g_autoptr(BerthDBusObjectSkeleton) object = berth_dbus_object_skeleton_new(path);
    HvdSwitchObject *sw = hvd_switch_object_new(self, def);

    hvd_daemon_guard(self, sw);
    berth_dbus_object_skeleton_set_switch(object, BERTH_DBUS_SWITCH(sw));
    g_hash_table_replace(self->switches, g_strdup(uuid), sw);
    g_dbus_object_manager_server_export(self->manager, G_DBUS_OBJECT_SKELETON(object));
}

/* g_ptr_array_sort() hands over pointers to the elements. */
static int
compare_names(gconstpointer a, gconstpointer b)
{
    return g_utf8_collate(*(const char *const *)a, *(const char *const *)b);
}

/* The names of the VMs with an adapter on the switch called @name, sorted, NULL-terminated. */
static GPtrArray *
hvd_daemon_switch_users(HvdDaemon *self, const char *name)
{
    g_autoptr(GPtrArray) uuids = hvd_vm_store_list(self->store);
    GPtrArray *names = g_ptr_array_new();

    for (guint i = 0; i < uuids->len; i++) {
        const HvxVmDef *def = hvd_vm_store_lookup(self->store, g_ptr_array_index(uuids, i));

        if (def != NULL && hvd_network_vm_uses_switch(def, name))
            g_ptr_array_add(names, def->name);
    }
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return names;
}

void
hvd_daemon_refresh_switches(HvdDaemon *self)
{
    HvdSwitchStore *store = hvd_network_get_store(self->network);
    GHashTableIter iter;
    gpointer key, value;

    g_return_if_fail(HVD_IS_DAEMON(self));

    g_hash_table_iter_init(&iter, self->switches);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const HvxSwitchDef *def = hvd_switch_store_lookup(store, key);
        g_autoptr(GPtrArray) users = NULL;
        g_autofree char *status = NULL;

        if (def == NULL)
            continue;
        users = hvd_daemon_switch_users(self, def->name);
        status = hvd_network_switch_status(self->network, key);
        hvd_switch_object_update(value, def, status, (const char *const *)users->pdata);
    }
    g_hash_table_iter_init(&iter, self->vms);
    while (g_hash_table_iter_next(&iter, &key, &value))
        hvd_vm_object_sync_network(value);
}

#define SWITCH_STATUS_INTERVAL_S 5

static gboolean
hvd_daemon_refresh_switch_statuses(gpointer user_data)
{
    HvdDaemon *self = user_data;
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init(&iter, self->switches);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        g_autofree char *status = hvd_network_switch_status(self->network, key);

        /* The skeleton signals only a real change. */
        berth_dbus_switch_set_status(value, status);
    }
    return G_SOURCE_CONTINUE;
}

/* VMs name their switches: a renamed switch takes its VMs along. */
static void
hvd_daemon_follow_switch_rename(HvdDaemon *self, const char *old_name, const char *new_name)
{
    g_autoptr(GPtrArray) uuids = hvd_vm_store_list(self->store);

    for (guint i = 0; i < uuids->len; i++) {
        const char *uuid = g_ptr_array_index(uuids, i);
        g_autoptr(HvxVmDef) def = hvd_vm_store_dup_definition(self->store, uuid, NULL);
        g_autofree char *xml = NULL;
        g_autoptr(GError) error = NULL;
        HvdVmObject *vm;

        if (def == NULL || !hvd_network_vm_uses_switch(def, old_name))
            continue;
        for (guint j = 0; j < def->network_adapters->len; j++) {
            HvxNetworkAdapterDef *adapter = g_ptr_array_index(def->network_adapters, j);
            g_autofree char *a =
                adapter->switch_name ? g_utf8_casefold(adapter->switch_name, -1) : NULL;
            g_autofree char *b = g_utf8_casefold(old_name, -1);

            if (a != NULL && g_str_equal(a, b)) {
                g_free(adapter->switch_name);
                adapter->switch_name = g_strdup(new_name);
            }
        }
        xml = hvx_vm_def_format(def);
        if (hvd_vm_store_define(self->store, xml, NULL, &error) == NULL) {
            g_warning("Cannot point the VM %s at the renamed switch “%s”: %s", def->name, new_name,
                      error->message);
            continue;
        }
        vm = g_hash_table_lookup(self->vms, uuid);
        if (vm != NULL)
            hvd_vm_runner_set_definition(hvd_vm_object_get_runner(vm),
                                         hvd_vm_store_dup_definition(self->store, uuid, NULL));
    }
}

static void
hvd_daemon_switch_defined(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    HvdDaemon *self = g_task_get_source_object(task);
    g_autofree char *old_name = NULL;
    g_autofree char *uuid = NULL;
    const HvxSwitchDef *def;
    GError *error = NULL;

    uuid = hvd_network_define_switch_finish(HVD_NETWORK(source), result, &old_name, &error);
    if (uuid == NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    def = hvd_switch_store_lookup(hvd_network_get_store(self->network), uuid);
    if (old_name != NULL && !g_str_equal(old_name, def->name))
        hvd_daemon_follow_switch_rename(self, old_name, def->name);
    if (!g_hash_table_contains(self->switches, uuid))
        hvd_daemon_add_switch(self, uuid);
    hvd_daemon_refresh_switches(self);
    g_task_return_pointer(task, berth_switch_object_path(uuid), g_free);
    g_object_unref(task);
}

void
hvd_daemon_define_switch_async(HvdDaemon *self, const char *xml, GAsyncReadyCallback callback,
                               gpointer user_data)
{
    GTask *task;

    g_return_if_fail(HVD_IS_DAEMON(self));

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, hvd_daemon_define_switch_async);
    hvd_network_define_switch_async(self->network, xml, hvd_daemon_switch_defined, task);
}

char *
hvd_daemon_define_switch_finish(HvdDaemon *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

char *
hvd_daemon_find_switch(HvdDaemon *self, const char *name_or_uuid, GError **error)
{
    const char *uuid;

    g_return_val_if_fail(HVD_IS_DAEMON(self), NULL);

    uuid = hvd_switch_store_find(hvd_network_get_store(self->network), name_or_uuid, error);
    return uuid != NULL ? berth_switch_object_path(uuid) : NULL;
}

char *
hvd_daemon_get_switch_definition(HvdDaemon *self, const char *uuid, GError **error)
{
    char *xml;

    g_return_val_if_fail(HVD_IS_DAEMON(self), NULL);

    xml = hvd_switch_store_format(hvd_network_get_store(self->network), uuid);
    if (xml == NULL)
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("No virtual switch “%s”"), uuid);
    return xml;
}

static void
hvd_daemon_switch_deleted(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    HvdDaemon *self = g_task_get_source_object(task);
    const char *uuid = g_task_get_task_data(task);
    g_autofree char *path = NULL;
    GError *error = NULL;

    if (!hvd_network_delete_switch_finish(HVD_NETWORK(source), result, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    path = berth_switch_object_path(uuid);
    g_dbus_object_manager_server_unexport(self->manager, path);
    g_hash_table_remove(self->switches, uuid);
    hvd_daemon_refresh_switches(self);
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

void
hvd_daemon_delete_switch_async(HvdDaemon *self, const char *uuid, GAsyncReadyCallback callback,
                               gpointer user_data)
{
    const HvxSwitchDef *def;
    g_autoptr(GPtrArray) users = NULL;
    GTask *task;

    g_return_if_fail(HVD_IS_DAEMON(self));
    g_return_if_fail(uuid != NULL);

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, hvd_daemon_delete_switch_async);
    g_task_set_task_data(task, g_strdup(uuid), g_free);
    def = hvd_switch_store_lookup(hvd_network_get_store(self->network), uuid);
    if (def == NULL) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                                _("No virtual switch “%s”"), uuid);
        g_object_unref(task);
        return;
    }
    users = hvd_daemon_switch_users(self, def->name);
    if (users->len > 1) {
        /* Translators: the separator of a list of VM names. */
        g_autofree char *names = g_strjoinv(_(", "), (char **)users->pdata);

        g_task_return_new_error(
            task, BERTH_ERROR, BERTH_ERROR_BUSY,
            /* Translators: the second %s is a VM's name or a list of them. */
            ngettext("The switch “%s” is in use by the virtual machine %s; connect its "
                     "network adapters elsewhere first",
                     "The switch “%s” is in use by the virtual machines %s; connect their "
                     "network adapters elsewhere first",
                     users->len - 1),
            def->name, names);
        g_object_unref(task);
        return;
    }
    hvd_network_delete_switch_async(self->network, uuid, hvd_daemon_switch_deleted, task);
}

gboolean
hvd_daemon_delete_switch_finish(HvdDaemon *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* VM objects */

/* A VM's object and runner. */
static HvdVmRunner *
hvd_daemon_add_vm(HvdDaemon *self, const HvxVmDef *def)
{
    g_autofree char *path = berth_vm_object_path(def->uuid);
    g_autofree char *vm_dir = hvd_vm_store_get_vm_dir(self->store, def->uuid);
    g_autofree char *runtime_dir = g_build_filename(self->runtime_dir, def->uuid, NULL);
    g_autoptr(BerthDBusObjectSkeleton) object = berth_dbus_object_skeleton_new(path);
    g_autoptr(HvdVmRunner) runner = hvd_vm_runner_new(self->host, vm_dir, runtime_dir);
    g_autoptr(GError) error = NULL;
    HvxVmDef *copy = hvd_vm_store_dup_definition(self->store, def->uuid, &error);
    HvdVmObject *vm;

    g_assert(copy != NULL); /* it was just written or read */
    hvd_vm_runner_set_definition(runner, copy);
    hvd_vm_runner_set_network(runner, self->network);
    vm = hvd_vm_object_new(self, def, runner);
    hvd_daemon_guard(self, vm);
    berth_dbus_object_skeleton_set_virtual_machine(object, BERTH_DBUS_VIRTUAL_MACHINE(vm));
    g_hash_table_replace(self->vms, g_strdup(def->uuid), vm);
    g_dbus_object_manager_server_export(self->manager, G_DBUS_OBJECT_SKELETON(object));
    return runner; /* the VM object holds it */
}

static void
hvd_daemon_hyperv_flags_probed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HvdDaemon) self = user_data;
    g_autoptr(GError) error = NULL;

    if (hvd_host_get_hyperv_flags_finish(HVD_HOST(source), result, &error) == NULL) {
        g_warning(_("Cannot probe the Hyper-V enlightenments QEMU accepts: %s"), error->message);
        return;
    }
    berth_dbus_host_set_capabilities(BERTH_DBUS_HOST(self->host_object),
                                     hvd_host_get_capabilities(self->host));
}

/* The host's accelerator and what it offers. */
static gboolean
hvd_daemon_create_host(HvdDaemon *self, GError **error)
{
    self->host = hvd_host_new(self->accel_mode, error);
    if (self->host == NULL)
        return FALSE;
    g_info("Accelerator: %s (%s)", hvd_accel_to_string(hvd_host_get_accel(self->host)),
           hvd_host_get_accel_reason(self->host));
    self->host_object = hvd_host_object_new(
        self, hvd_accel_to_string(hvd_host_get_accel(self->host)),
        hvd_host_get_accel_reason(self->host), hvd_host_get_capabilities(self->host));
    /* Cached after the first run; otherwise a few short QEMU runs in a worker thread. */
    if (hvd_host_get_hyperv_flags(self->host) == NULL && hvd_host_get_qemu_binary(self->host))
        hvd_host_get_hyperv_flags_async(self->host, NULL, hvd_daemon_hyperv_flags_probed,
                                        g_object_ref(self));
    return TRUE;
}

static gboolean
hvd_daemon_request_name(HvdDaemon *self, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    guint32 result;

    reply = g_dbus_connection_call_sync(
        self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "RequestName", g_variant_new("(su)", BERTH_BUS_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE),
        G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
    if (reply == NULL) {
        g_prefix_error(error, _("Cannot own the name %s: "), BERTH_BUS_NAME);
        return FALSE;
    }
    g_variant_get(reply, "(u)", &result);
    if (result != DBUS_REQUEST_NAME_REPLY_PRIMARY && result != DBUS_REQUEST_NAME_REPLY_ALREADY_OK) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                    _("Another berthd already owns %s on this bus"), BERTH_BUS_NAME);
        return FALSE;
    }
    self->owns_name = TRUE;
    return TRUE;
}

/* The start's last step, once every VM an earlier berthd left running is found again (or
 * RECOVERY_WAIT_MS passed): the bus name. A client that sees the name sees every VM in its true
 * state, never a running VM as Off for a moment. */
#define RECOVERY_WAIT_MS 10000

typedef struct {
    guint pending;    /* recoveries not yet ended */
    gboolean done;    /* the name was requested */
    guint timeout_id; /* RECOVERY_WAIT_MS */
} HvdDaemonRecovery;

static void
hvd_daemon_serve_done(GTask *task)
{
    HvdDaemon *self = g_task_get_source_object(task);
    HvdDaemonRecovery *recovery = g_task_get_task_data(task);
    GError *error = NULL;

    if (recovery->done)
        return;
    recovery->done = TRUE;
    g_clear_handle_id(&recovery->timeout_id, g_source_remove);
    if (recovery->pending > 0)
        g_warning(_("Serving before every running virtual machine was found again (%u not "
                    "yet); their state shows once it is known"),
                  recovery->pending);
    if (!hvd_daemon_request_name(self, &error))
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
}

static void
hvd_daemon_recovery_ended(GTask *task)
{
    HvdDaemonRecovery *recovery = g_task_get_task_data(task);

    if (--recovery->pending == 0)
        hvd_daemon_serve_done(task);
}

static void
hvd_daemon_recovered(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(GError) error = NULL;

    if (!hvd_vm_runner_recover_finish(HVD_VM_RUNNER(source), result, &error))
        g_warning(_("Cannot find the state of the VM in %s: %s"),
                  hvd_vm_runner_get_vm_dir(HVD_VM_RUNNER(source)), error->message);
    hvd_daemon_recovery_ended(task);
}

static gboolean
hvd_daemon_recovery_waited(gpointer user_data)
{
    HvdDaemonRecovery *recovery = g_task_get_task_data(G_TASK(user_data));

    recovery->timeout_id = 0;
    hvd_daemon_serve_done(G_TASK(user_data));
    return G_SOURCE_REMOVE;
}

/* The rest of the start, once the switches are up: objects, their workers found again, then
 * the bus name (hvd_daemon_serve_done). Ends @task. */
static void
hvd_daemon_serve(HvdDaemon *self, GTask *task)
{
    g_autoptr(GPtrArray) uuids = NULL;
    g_autoptr(GPtrArray) switch_uuids = NULL;
    g_autoptr(GPtrArray) runners = g_ptr_array_new();
    HvdDaemonRecovery *recovery = g_new0(HvdDaemonRecovery, 1);
    GError *error = NULL;

    g_task_set_task_data(task, recovery, g_free);
    self->manager = g_dbus_object_manager_server_new(BERTH_HOST_PATH);
    uuids = hvd_vm_store_list(self->store);
    for (guint i = 0; i < uuids->len; i++)
        g_ptr_array_add(
            runners,
            hvd_daemon_add_vm(self, hvd_vm_store_lookup(self->store, g_ptr_array_index(uuids, i))));
    switch_uuids = hvd_switch_store_list(hvd_network_get_store(self->network));
    for (guint i = 0; i < switch_uuids->len; i++)
        hvd_daemon_add_switch(self, g_ptr_array_index(switch_uuids, i));
    hvd_daemon_refresh_switches(self);
    self->status_timer =
        g_timeout_add_seconds(SWITCH_STATUS_INTERVAL_S, hvd_daemon_refresh_switch_statuses, self);
    {
        char *first = NULL;
        char *last = NULL;

        hvd_network_get_mac_range(self->network, &first, &last);
        berth_dbus_host_set_mac_address_range(BERTH_DBUS_HOST(self->host_object),
                                              g_variant_new("(ss)", first, last));
        g_free(first);
        g_free(last);
    }

    hvd_daemon_guard(self, self->host_object);
    if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(self->host_object),
                                          self->connection, BERTH_HOST_PATH, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    g_dbus_object_manager_server_set_connection(self->manager, self->connection);

    /* One more for this function, so the name waits until every recovery has begun. */
    recovery->pending = runners->len + 1;
    recovery->timeout_id =
        g_timeout_add_full(G_PRIORITY_DEFAULT, RECOVERY_WAIT_MS, hvd_daemon_recovery_waited,
                           g_object_ref(task), g_object_unref);
    for (guint i = 0; i < runners->len; i++)
        hvd_vm_runner_recover_async(g_ptr_array_index(runners, i), NULL, hvd_daemon_recovered,
                                    g_object_ref(task));
    hvd_daemon_recovery_ended(task);
    g_object_unref(task);
}

static void
hvd_daemon_network_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    GError *error = NULL;

    if (!hvd_network_start_finish(HVD_NETWORK(source), result, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    hvd_daemon_serve(g_task_get_source_object(task), task);
}

void
hvd_daemon_start_async(HvdDaemon *self, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task;
    GError *local_error = NULL;
    GError **error = &local_error;

    g_return_if_fail(HVD_IS_DAEMON(self));
    g_return_if_fail(self->manager == NULL);

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, hvd_daemon_start_async);

    if (g_mkdir_with_parents(self->runtime_dir, 0700) != 0) {
        int saved_errno = errno;

        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot create %s: %s"),
                    self->runtime_dir, g_strerror(saved_errno));
        goto fail;
    }
    if (self->use_polkit) {
        self->authority = polkit_authority_get_sync(NULL, error);
        if (self->authority == NULL) {
            g_prefix_error(error, _("Cannot reach polkit: "));
            goto fail;
        }
    }
    if (!hvd_daemon_create_host(self, error))
        goto fail;
    if (!hvd_vm_store_load(self->store, error))
        goto fail;
    hvd_network_start_async(self->network, hvd_daemon_network_started, task);
    return;

fail:
    g_task_return_error(task, local_error);
    g_object_unref(task);
}

gboolean
hvd_daemon_start_finish(HvdDaemon *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

void
hvd_daemon_stop(HvdDaemon *self)
{
    g_return_if_fail(HVD_IS_DAEMON(self));

    if (self->owns_name && !g_dbus_connection_is_closed(self->connection)) {
        g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
            self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
            "org.freedesktop.DBus", "ReleaseName", g_variant_new("(s)", BERTH_BUS_NAME), NULL,
            G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
    }
    self->owns_name = FALSE;
    if (self->manager != NULL)
        g_dbus_object_manager_server_set_connection(self->manager, NULL);
    if (self->host_object != NULL &&
        g_dbus_interface_skeleton_has_connection(G_DBUS_INTERFACE_SKELETON(self->host_object),
                                                 self->connection))
        g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(self->host_object));
}

static gboolean
controllers_equal(const HvxVmDef *a, const HvxVmDef *b)
{
    if (a->controllers->len != b->controllers->len)
        return FALSE;
    for (guint i = 0; i < a->controllers->len; i++) {
        const HvxControllerDef *ca = g_ptr_array_index(a->controllers, i);
        const HvxControllerDef *cb = g_ptr_array_index(b->controllers, i);

        if (ca->type != cb->type || ca->number != cb->number || ca->drives->len != cb->drives->len)
            return FALSE;
        for (guint j = 0; j < ca->drives->len; j++) {
            const HvxDriveDef *da = g_ptr_array_index(ca->drives, j);
            const HvxDriveDef *db = g_ptr_array_index(cb->drives, j);

            /* A DVD's medium may change while running; the drives themselves may not. */
            if (da->type != db->type || da->location != db->location ||
                (da->type == HVX_DRIVE_DISK && g_strcmp0(da->path, db->path) != 0))
                return FALSE;
        }
    }
    return TRUE;
}

/* Switch, VLAN, bandwidth and guards change live; what the guest sees of the adapter does not. */
static gboolean
network_hardware_equal(const HvxVmDef *a, const HvxVmDef *b)
{
    for (guint i = 0; i < a->network_adapters->len; i++) {
        const HvxNetworkAdapterDef *na = g_ptr_array_index(a->network_adapters, i);
        const HvxNetworkAdapterDef *nb = g_ptr_array_index(b->network_adapters, i);

        if (na->legacy != nb->legacy || g_strcmp0(na->mac, nb->mac) != 0)
            return FALSE;
    }
    return TRUE;
}

/* The fields of @old that @new changes and that only a VM that is Off may change, e.g.
 * "processors, memory"; NULL when there are none. */
static char *
fields_needing_off(const HvxVmDef *old, const HvxVmDef *new)
{
    g_autoptr(GPtrArray) fields = g_ptr_array_new();

    if (old->generation != new->generation)
        g_ptr_array_add(fields, _("generation"));
    if (old->processor_count != new->processor_count ||
        old->hyperv_enlightenments != new->hyperv_enlightenments)
        g_ptr_array_add(fields, _("processors"));
    if (old->memory_dynamic != new->memory_dynamic ||
        (!new->memory_dynamic &&hvx_vm_def_memory_startup_mib(old) !=
         hvx_vm_def_memory_startup_mib(new)))
        g_ptr_array_add(fields, _("memory"));
    if (old->secure_boot != new->secure_boot || old->firmware_template != new->firmware_template ||
        old->tpm != new->tpm)
        g_ptr_array_add(fields, _("firmware"));
    if (!controllers_equal(old, new) || old->has_floppy != new->has_floppy)
        g_ptr_array_add(fields, _("controllers"));
    if (old->network_adapters->len != new->network_adapters->len ||
        old->com_ports->len != new->com_ports->len)
        g_ptr_array_add(fields, _("devices"));
    else if (!network_hardware_equal(old, new))
        g_ptr_array_add(fields, _("network adapters’ MAC addresses or models"));
    if (fields->len == 0)
        return NULL;
    g_ptr_array_add(fields, NULL);
    /* Translators: the separator of a list of fields, "processors, memory". */
    return g_strjoinv(_(", "), (char **)fields->pdata);
}

/* A disk that checkpoints froze is history: writing it would change them (and every overlay
 * made on it). The VM uses it again only through ApplyCheckpoint. */
static gboolean
hvd_daemon_check_frozen_disks(HvdDaemon *self, const char *uuid, HvxVmDef *def, GError **error)
{
    g_autofree char *vm_dir = hvd_vm_store_get_vm_dir(self->store, uuid);
    g_autoptr(HvdCheckpointTree) tree = hvd_checkpoint_tree_load(vm_dir, NULL);
    g_autoptr(GPtrArray) drives = NULL;

    if (tree == NULL)
        return TRUE;
    drives = hvd_checkpoint_disks(def, NULL);
    for (guint i = 0; i < drives->len; i++) {
        HvxDriveDef *drive = g_ptr_array_index(drives, i);
        g_autofree char *path = hvd_qemu_resolve_path(vm_dir, drive->path);

        if (hvd_checkpoint_tree_is_frozen(tree, path)) {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION,
                        _("%s:%u: the disk %s belongs to the virtual machine’s checkpoints; apply "
                          "a checkpoint to return to it"),
                        HVD_VM_STORE_DEFINITION_NAME, drive->line, drive->path);
            return FALSE;
        }
    }
    return TRUE;
}

/* A VM that is not Off keeps its hardware: a running QEMU cannot change it, and a saved state
 * only restores onto the same. */
static gboolean
hvd_daemon_check_update(HvdDaemon *self, const char *xml, GError **error)
{
    g_autoptr(HvxVmDef) def = hvx_vm_def_parse_string(xml, -1, HVD_VM_STORE_DEFINITION_NAME, NULL);
    g_autofree char *fields = NULL;
    const char *uuid;
    const HvxVmDef *old;
    HvdVmObject *vm;
    HvdVmState state;

    if (def == NULL || def->uuid == NULL)
        return TRUE; /* invalid (the store says why) or new */
    uuid = hvd_vm_store_find(self->store, def->uuid, NULL);
    old = uuid != NULL ? hvd_vm_store_lookup(self->store, uuid) : NULL;
    vm = uuid != NULL ? g_hash_table_lookup(self->vms, uuid) : NULL;
    if (old == NULL || vm == NULL)
        return TRUE;
    if (hvd_vm_runner_is_held(hvd_vm_object_get_runner(vm))) {
        g_set_error_literal(error, BERTH_ERROR, BERTH_ERROR_BUSY,
                            _("A checkpoint of this virtual machine is being taken, applied or "
                              "deleted; try again when it has finished"));
        return FALSE;
    }
    if (!hvd_daemon_check_frozen_disks(self, uuid, def, error))
        return FALSE;
    state = hvd_vm_object_get_state(vm);
    if (state == HVD_VM_STATE_OFF)
        return TRUE;
    fields = fields_needing_off(old, def);
    if (fields == NULL)
        return TRUE;
    g_set_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE,
                /* Translators: "The virtual machine is Running; turn it off to change its
                   processors, memory". */
                _("The virtual machine is %s; turn it off to change its %s"),
                hvd_vm_state_to_display(state), fields);
    return FALSE;
}

/* A running VM's network adapters that move to another switch or VLAN move now. Returns the
 * definition they had (to put them back if storing fails), or NULL when none moved. */
static HvxVmDef *
hvd_daemon_update_ports(HvdDaemon *self, const char *xml, gboolean *ret_ok, GError **error)
{
    g_autoptr(HvxVmDef) def = hvx_vm_def_parse_string(xml, -1, HVD_VM_STORE_DEFINITION_NAME, NULL);
    const char *uuid;
    HvdVmObject *vm;
    HvdVmState state;
    HvxVmDef *old;

    *ret_ok = TRUE;
    if (def == NULL || def->uuid == NULL)
        return NULL;
    uuid = hvd_vm_store_find(self->store, def->uuid, NULL);
    vm = uuid != NULL ? g_hash_table_lookup(self->vms, uuid) : NULL;
    if (vm == NULL)
        return NULL;
    state = hvd_vm_object_get_state(vm);
    if (state == HVD_VM_STATE_OFF || state == HVD_VM_STATE_SAVED)
        return NULL;
    old = hvd_vm_store_dup_definition(self->store, uuid, NULL);
    if (old == NULL || old->network_adapters->len != def->network_adapters->len) {
        g_clear_pointer(&old, hvx_vm_def_free);
        return NULL;
    }
    g_free(def->uuid);
    def->uuid = g_strdup(uuid);
    if (!hvd_network_update_vm(self->network, old, def, error)) {
        *ret_ok = FALSE;
        g_clear_pointer(&old, hvx_vm_def_free);
        return NULL;
    }
    return old;
}

char *
hvd_daemon_define_vm(HvdDaemon *self, const char *xml, GError **error)
{
    const char *uuid;
    const HvxVmDef *def;
    HvdVmObject *vm;
    g_autoptr(HvxVmDef) moved_from = NULL;
    gboolean ports_ok;

    g_return_val_if_fail(HVD_IS_DAEMON(self), NULL);

    if (!hvd_daemon_check_update(self, xml, error))
        return NULL;
    moved_from = hvd_daemon_update_ports(self, xml, &ports_ok, error);
    if (!ports_ok)
        return NULL;
    uuid = hvd_vm_store_define(self->store, xml, NULL, error);
    if (uuid == NULL) {
        if (moved_from != NULL) {
            g_autoptr(HvxVmDef) now =
                hvx_vm_def_parse_string(xml, -1, HVD_VM_STORE_DEFINITION_NAME, NULL);

            if (now != NULL) {
                g_free(now->uuid);
                now->uuid = g_strdup(moved_from->uuid);
                hvd_network_update_vm(self->network, now, moved_from, NULL);
            }
        }
        return NULL;
    }
    def = hvd_vm_store_lookup(self->store, uuid);
    vm = g_hash_table_lookup(self->vms, uuid);
    if (vm != NULL) {
        /* The next start uses it; a running worker keeps its command line. */
        hvd_vm_runner_set_definition(hvd_vm_object_get_runner(vm),
                                     hvd_vm_store_dup_definition(self->store, uuid, NULL));
        hvd_vm_object_update(vm, def);
    } else {
        hvd_daemon_add_vm(self, def);
    }
    hvd_daemon_refresh_switches(self);
    return berth_vm_object_path(uuid);
}

char *
hvd_daemon_find_vm(HvdDaemon *self, const char *name_or_uuid, GError **error)
{
    const char *uuid;

    g_return_val_if_fail(HVD_IS_DAEMON(self), NULL);

    uuid = hvd_vm_store_find(self->store, name_or_uuid, error);
    return uuid != NULL ? berth_vm_object_path(uuid) : NULL;
}

gboolean
hvd_daemon_rename_vm(HvdDaemon *self, const char *uuid, const char *name, GError **error)
{
    HvdVmObject *vm;

    g_return_val_if_fail(HVD_IS_DAEMON(self), FALSE);

    if (!hvd_vm_store_rename(self->store, uuid, name, error))
        return FALSE;
    vm = g_hash_table_lookup(self->vms, uuid);
    if (vm != NULL)
        hvd_vm_object_update(vm, hvd_vm_store_lookup(self->store, uuid));
    hvd_daemon_refresh_switches(self);
    return TRUE;
}

typedef struct {
    HvdDaemon *self;
    char *uuid;
    gboolean delete_disks;
    HvdVmRunner *held; /* while the disks get what the VM wrote into checkpoint overlays */
} HvdDeleteCall;

static void
hvd_delete_call_free(HvdDeleteCall *call)
{
    if (call->held != NULL) {
        hvd_vm_runner_release(call->held);
        g_object_unref(call->held);
    }
    g_object_unref(call->self);
    g_free(call->uuid);
    g_free(call);
}

/* The VM @uuid when it may be deleted now, else NULL with @error. */
static HvdVmObject *
hvd_daemon_deletable_vm(HvdDaemon *self, const char *uuid, GError **error)
{
    HvdVmObject *vm = g_hash_table_lookup(self->vms, uuid);
    HvdVmState state;

    if (vm == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("No virtual machine “%s”"), uuid);
        return NULL;
    }
    state = hvd_vm_object_get_state(vm);
    if (state != HVD_VM_STATE_OFF && state != HVD_VM_STATE_SAVED) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE,
                    _("The virtual machine is %s; only a VM that is Off or Saved can be deleted"),
                    hvd_vm_state_to_display(state));
        return NULL;
    }
    if (hvd_vm_runner_is_held(hvd_vm_object_get_runner(vm))) {
        g_set_error_literal(error, BERTH_ERROR, BERTH_ERROR_BUSY,
                            _("A checkpoint of this virtual machine is being taken, applied or "
                              "deleted; try again when it has finished"));
        return NULL;
    }
    return vm;
}

/* Takes @task: the definition, its folder (and the disks if asked) and the object go. */
static void
hvd_daemon_delete_vm_files(GTask *task)
{
    HvdDeleteCall *call = g_task_get_task_data(task);
    HvdDaemon *self = call->self;
    g_autofree char *path = NULL;
    GError *error = NULL;

    if (call->held != NULL) {
        hvd_vm_runner_release(call->held);
        g_clear_object(&call->held);
    }
    if (!hvd_vm_store_delete(self->store, call->uuid, call->delete_disks, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    path = berth_vm_object_path(call->uuid);
    g_dbus_object_manager_server_unexport(self->manager, path);
    g_hash_table_remove(self->vms, call->uuid);
    hvd_daemon_refresh_switches(self);
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

static void
hvd_daemon_delete_vm_committed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    GError *error = NULL;

    if (!hvd_checkpoint_images_commit_finish(result, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    hvd_daemon_delete_vm_files(task);
}

void
hvd_daemon_delete_vm_async(HvdDaemon *self, const char *uuid, gboolean delete_disks,
                           GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task;
    HvdDeleteCall *call;
    HvdVmObject *vm;
    const HvxVmDef *def;
    g_autofree char *vm_dir = NULL;
    GError *error = NULL;

    g_return_if_fail(HVD_IS_DAEMON(self));
    g_return_if_fail(uuid != NULL);

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, hvd_daemon_delete_vm_async);
    call = g_new0(HvdDeleteCall, 1);
    call->self = g_object_ref(self);
    call->uuid = g_strdup(uuid);
    call->delete_disks = delete_disks;
    g_task_set_task_data(task, call, (GDestroyNotify)hvd_delete_call_free);
    vm = hvd_daemon_deletable_vm(self, uuid, &error);
    if (vm == NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    def = hvd_vm_store_lookup(self->store, uuid);
    if (delete_disks || def == NULL) {
        hvd_daemon_delete_vm_files(task);
        return;
    }
    /* The disks stay: first give them what the VM wrote since its checkpoints began. Nothing
     * may start the VM or change its checkpoints meanwhile. */
    if (!hvd_vm_runner_hold(hvd_vm_object_get_runner(vm), "Delete", &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    call->held = g_object_ref(hvd_vm_object_get_runner(vm));
    vm_dir = hvd_vm_store_get_vm_dir(self->store, uuid);
    hvd_checkpoint_images_commit_async(def, vm_dir, NULL, hvd_daemon_delete_vm_committed, task);
}

gboolean
hvd_daemon_delete_vm_finish(HvdDaemon *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

typedef struct {
    HvdDaemon *self;
    char *path;
} HvdJobExport;

static void
hvd_job_export_free(HvdJobExport *export)
{
    g_object_unref(export->self);
    g_free(export->path);
    g_free(export);
}

static gboolean
hvd_daemon_unexport_job(gpointer user_data)
{
    HvdJobExport *export = user_data;

    if (export->self->manager != NULL)
        g_dbus_object_manager_server_unexport(export->self->manager, export->path);
    return G_SOURCE_REMOVE;
}

static void
hvd_daemon_job_finished(HvdJob *job, gpointer user_data)
{
    HvdJobExport *export = user_data;

    g_timeout_add_seconds_full(G_PRIORITY_DEFAULT, JOB_LINGER_SECONDS, hvd_daemon_unexport_job,
                               export, (GDestroyNotify)hvd_job_export_free);
}

char *
hvd_daemon_export_job(HvdDaemon *self, HvdJob *job)
{
    g_autofree char *path = NULL;
    g_autoptr(BerthDBusObjectSkeleton) object = NULL;
    g_autoptr(HvdJobObject) job_object = NULL;
    HvdJobExport *export;

    g_return_val_if_fail(HVD_IS_DAEMON(self), NULL);
    g_return_val_if_fail(HVD_IS_JOB(job), NULL);

    path = berth_job_object_path(++self->last_job);
    object = berth_dbus_object_skeleton_new(path);
    job_object = hvd_job_object_new(job);
    hvd_daemon_guard(self, job_object);
    berth_dbus_object_skeleton_set_job(object, BERTH_DBUS_JOB(job_object));
    g_dbus_object_manager_server_export(self->manager, G_DBUS_OBJECT_SKELETON(object));

    export = g_new0(HvdJobExport, 1);
    export->self = g_object_ref(self);
    export->path = g_strdup(path);
    if (hvd_job_is_finished(job))
        hvd_daemon_job_finished(job, export);
    else
        g_signal_connect(job, "finished", G_CALLBACK(hvd_daemon_job_finished), export);
    return g_steal_pointer(&path);
}

static gboolean
def_uses_disk(const HvxVmDef *def, const char *vm_dir, const char *path)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);
            g_autofree char *resolved = NULL;

            if (drive->path == NULL)
                continue;
            resolved = g_canonicalize_filename(drive->path, vm_dir);
            if (g_str_equal(resolved, path))
                return TRUE;
        }
    }
    return FALSE;
}

const char *
hvd_daemon_find_disk_user(HvdDaemon *self, const char *path)
{
    g_autofree char *wanted = NULL;
    GHashTableIter iter;
    gpointer key, value;

    g_return_val_if_fail(HVD_IS_DAEMON(self), NULL);

    wanted = g_canonicalize_filename(path, NULL);
    g_hash_table_iter_init(&iter, self->vms);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const HvxVmDef *def = hvd_vm_store_lookup(self->store, key);
        g_autofree char *vm_dir = NULL;

        if (def == NULL || hvd_vm_object_get_state(value) == HVD_VM_STATE_OFF)
            continue;
        vm_dir = hvd_vm_store_get_vm_dir(self->store, key);
        if (def_uses_disk(def, vm_dir, wanted))
            return def->name;
    }
    return NULL;
}
