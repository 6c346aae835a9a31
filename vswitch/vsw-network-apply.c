/* vsw-network-apply.c: applying and removing switches, one change at a time (each waits for
 * dnsmasq from the main loop), and their statuses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hvx-names.h"
#include "vsw-error.h"
#include "vsw-network-private.h"
#include "vsw-share.h"

typedef struct {
    GTask *task;
    OpRunFunc run;
} Op;

static void
op_next(VswNetwork *self)
{
    Op *op;

    if (self->op_running || g_queue_is_empty(self->ops))
        return;
    op = g_queue_pop_head(self->ops);
    self->op_running = TRUE;
    op->run(self, op->task);
    g_free(op);
}

/* Queues @task (taken), a public switch change whose work is @run. */
void
vsw_network_op_queue(VswNetwork *self, GTask *task, OpRunFunc run)
{
    Op *op = g_new0(Op, 1);

    op->task = task;
    op->run = run;
    g_queue_push_tail(self->ops, op);
    op_next(self);
}

/* Ends the running change @task (taken) with @error (taken; NULL: success). */
void
vsw_network_op_return(GTask *task, GError *error)
{
    g_autoptr(VswNetwork) self = g_object_ref(g_task_get_source_object(task));

    self->op_running = FALSE;
    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, TRUE);
    g_object_unref(task);
    op_next(self);
}

/* An inner step's boolean GTask result into the running change (user_data). */
static void
op_step_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GError *error = NULL;

    g_task_propagate_boolean(G_TASK(result), &error);
    vsw_network_op_return(user_data, error);
}

typedef struct {
    Switch *sw;  /* the new shape, until it is in the table */
    Switch *old; /* reshape: the switch as it is (in the table) */
    GArray *undo;
    GError *error; /* reshape: why the new shape failed, while the old one comes back */
} ApplyData;

static void
apply_data_free(ApplyData *data)
{
    if (data->sw)
        vsw_network_switch_free(data->sw);
    g_array_unref(data->undo);
    g_clear_error(&data->error);
    g_free(data);
}

/* Takes @task: the new shape is up. */
static void
apply_done(VswNetwork *self, GTask *task)
{
    ApplyData *data = g_task_get_task_data(task);
    Switch *sw = g_steal_pointer(&data->sw);

    sw->up = TRUE;
    g_hash_table_replace(self->switches, g_strdup(sw->def->uuid), sw);
    vsw_network_reattach_ports(self, sw);
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

/* A reshape failed and the old shape could not come back either: the switch is down. */
static void
old_not_back(Switch *old, const GError *again)
{
    g_warning("Cannot bring the switch “%s” back: %s", old->def->name, again->message);
    old->up = FALSE;
    g_free(old->status);
    old->status = g_strdup(again->message);
}

static void
apply_old_back(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    ApplyData *data = g_task_get_task_data(task);
    g_autoptr(GError) again = NULL;

    if (!vsw_network_start_dnsmasq_finish(data->old, result, &again))
        old_not_back(data->old, again);
    g_task_return_error(task, g_steal_pointer(&data->error));
    g_object_unref(task);
}

/* Takes @task and @error: the new shape failed (its steps are undone); the old one comes back. */
static void
apply_failed(VswNetwork *self, GTask *task, GError *error)
{
    ApplyData *data = g_task_get_task_data(task);
    g_autoptr(GError) again = NULL;

    vsw_network_undo_run(self, data->undo);
    g_clear_pointer(&data->sw, vsw_network_switch_free);
    if (data->old == NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    data->error = error;
    if (!vsw_network_build_extras(self, data->old, data->undo, &again)) {
        old_not_back(data->old, again);
        g_task_return_error(task, g_steal_pointer(&data->error));
        g_object_unref(task);
        return;
    }
    vsw_network_start_dnsmasq(self, data->old, apply_old_back, task);
}

static void
apply_dnsmasq_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    VswNetwork *self = g_task_get_source_object(task);
    ApplyData *data = g_task_get_task_data(task);
    GError *error = NULL;

    if (!vsw_network_start_dnsmasq_finish(data->sw, result, &error))
        apply_failed(self, task, error);
    else
        apply_done(self, task);
}

/* Takes @task: everything but dnsmasq, then dnsmasq. */
static void
apply_build(VswNetwork *self, GTask *task)
{
    ApplyData *data = g_task_get_task_data(task);
    GError *error = NULL;

    if (!vsw_network_build_extras(self, data->sw, data->undo, &error)) {
        apply_failed(self, task, error);
        return;
    }
    vsw_network_start_dnsmasq(self, data->sw, apply_dnsmasq_started, task);
}

static void
apply_old_stopped(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    VswNetwork *self = g_task_get_source_object(task);
    ApplyData *data = g_task_get_task_data(task);

    g_task_propagate_boolean(G_TASK(result), NULL);
    vsw_network_teardown_extras(self, data->old);
    apply_build(self, task);
}

/* Creates or reshapes the switch @def names; the work of vsw_network_apply_switch_async(). */
void
vsw_network_apply_unqueued(VswNetwork *self, const HvxSwitchDef *def, GAsyncReadyCallback callback,
                           gpointer user_data)
{
    GTask *task = g_task_new(self, NULL, callback, user_data);
    ApplyData *data = g_new0(ApplyData, 1);
    GError *error = NULL;
    Switch *old;
    Switch *sw;

    data->undo = vsw_network_undo_new();
    g_task_set_task_data(task, data, (GDestroyNotify)apply_data_free);
    if (!vsw_network_check_switch(self, def, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    old = vsw_network_find_switch(self, def->uuid);
    sw = g_new0(Switch, 1);
    sw->def = vsw_network_def_copy(def);
    sw->bridge = hvx_bridge_name(def->uuid);
    data->sw = sw;

    if (old && old->up) {
        /* Reshape: the bridge and its ports stay. */
        data->old = old;
        vsw_network_stop_dnsmasq(old, apply_old_stopped, task);
        return;
    }

    if (!vsw_network_link_exists(self, sw->bridge, NULL)) {
        g_autofree char *record = vsw_network_share_record(self, sw->bridge);

        /* A record without its bridge is from before a reboot: the adapter has its own
         * configuration again; restoring only adds what is missing. */
        if (g_file_test(record, G_FILE_TEST_EXISTS))
            vsw_share_restore(self->platform, record, NULL);
        if (!vsw_platform_bridge_add(self->platform, sw->bridge, &error)) {
            g_task_return_error(task, error);
            g_object_unref(task);
            return;
        }
        vsw_network_undo_push(data->undo, UNDO_DELETE_LINK, sw->bridge, NULL);
    } else {
        /* Left by an earlier berthd: adopt it. A shared adapter's record stays valid only if the
         * switch still shares that adapter. */
        g_autofree char *record = vsw_network_share_record(self, sw->bridge);
        g_autofree char *recorded_adapter = NULL;

        if (vsw_share_read(record, &recorded_adapter, NULL) &&
            !(def->type == HVX_SWITCH_TYPE_EXTERNAL && def->adapter_share_with_host &&
              g_strcmp0(recorded_adapter, def->adapter_name) == 0))
            vsw_share_restore(self->platform, record, NULL);
    }
    apply_build(self, task);
}

static void
apply_run(VswNetwork *self, GTask *op)
{
    vsw_network_apply_unqueued(self, g_task_get_task_data(op), op_step_done, op);
}

void
vsw_network_apply_switch_async(VswNetwork *self, const HvxSwitchDef *def,
                               GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *op;

    g_return_if_fail(VSW_IS_NETWORK(self));
    g_return_if_fail(def != NULL);

    op = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(op, vsw_network_apply_switch_async);
    g_task_set_task_data(op, vsw_network_def_copy(def), (GDestroyNotify)hvx_switch_def_free);
    vsw_network_op_queue(self, op, apply_run);
}

gboolean
vsw_network_apply_switch_finish(VswNetwork *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

static void
remove_stopped(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    VswNetwork *self = g_task_get_source_object(task);
    const char *uuid = g_task_get_task_data(task);
    Switch *sw = vsw_network_find_switch(self, uuid);
    GError *error = NULL;

    g_task_propagate_boolean(G_TASK(result), NULL);
    vsw_network_teardown_extras(self, sw);
    if (vsw_network_link_exists(self, sw->bridge, NULL) &&
        !vsw_platform_link_delete(self->platform, sw->bridge, &error)) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    if (g_strcmp0(self->default_uuid, uuid) == 0) {
        g_clear_pointer(&self->default_uuid, g_free);
        vsw_network_save_default(self, NULL);
    }
    g_hash_table_remove(self->switches, uuid);
    g_task_return_boolean(task, TRUE);
    g_object_unref(task);
}

/* The work of vsw_network_remove_switch_async(). */
void
vsw_network_remove_unqueued(VswNetwork *self, const char *uuid, GAsyncReadyCallback callback,
                            gpointer user_data)
{
    GTask *task = g_task_new(self, NULL, callback, user_data);
    Switch *sw = vsw_network_find_switch(self, uuid);

    g_task_set_task_data(task, g_strdup(uuid), g_free);
    if (!sw) {
        g_task_return_new_error(task, VSW_ERROR, VSW_ERROR_NOT_FOUND,
                                _("There is no switch with UUID %s"), uuid);
        g_object_unref(task);
        return;
    }
    vsw_network_stop_dnsmasq(sw, remove_stopped, task);
}

static void
remove_run(VswNetwork *self, GTask *op)
{
    vsw_network_remove_unqueued(self, g_task_get_task_data(op), op_step_done, op);
}

void
vsw_network_remove_switch_async(VswNetwork *self, const char *uuid, GAsyncReadyCallback callback,
                                gpointer user_data)
{
    GTask *op;

    g_return_if_fail(VSW_IS_NETWORK(self));
    g_return_if_fail(uuid != NULL);

    op = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(op, vsw_network_remove_switch_async);
    g_task_set_task_data(op, g_strdup(uuid), g_free);
    vsw_network_op_queue(self, op, remove_run);
}

gboolean
vsw_network_remove_switch_finish(VswNetwork *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

const char *
vsw_network_switch_status(VswNetwork *self, const char *uuid)
{
    Switch *sw;
    VswLink bridge;
    VswLink adapter;

    g_return_val_if_fail(VSW_IS_NETWORK(self), NULL);

    sw = vsw_network_find_switch(self, uuid);
    if (!sw)
        return _("The switch is not set up");
    if (!sw->up)
        return sw->status;
    g_clear_pointer(&sw->status, g_free);
    if (!vsw_network_link_exists(self, sw->bridge, &bridge))
        sw->status = g_strdup_printf(_("The bridge %s has vanished"), sw->bridge);
    else if (sw->def->type == HVX_SWITCH_TYPE_EXTERNAL &&
             !vsw_network_link_exists(self, sw->def->adapter_name, &adapter))
        sw->status = g_strdup_printf(_("The adapter %s has vanished"), sw->def->adapter_name);
    else if (sw->def->type == HVX_SWITCH_TYPE_EXTERNAL && adapter.master != bridge.ifindex)
        sw->status = g_strdup_printf(_("The adapter %s is no longer connected to the switch"),
                                     sw->def->adapter_name);
    else if (sw->dnsmasq && vsw_dnsmasq_get_pid(sw->dnsmasq) == 0)
        sw->status = g_strdup(_("The DHCP server is restarting"));
    return sw->status;
}
