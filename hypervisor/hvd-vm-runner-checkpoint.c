/* hvd-vm-runner-checkpoint.c: a checkpoint operation's hold on the runner, and the switch of a
 * running guest's disks to their new overlays.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <glib/gi18n-lib.h>

#include "hvd-error.h"
#include "hvd-vm-runner-private.h"

/* --- checkpoints ------------------------------------------------------------------------------ */

gboolean
hvd_vm_runner_hold(HvdVmRunner *self, const char *action, GError **error)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), FALSE);
    g_return_val_if_fail(action != NULL, FALSE);

    if (!hvd_vm_runner_check_action(self, action, error))
        return FALSE;
    self->op = OP_CHECKPOINT;
    self->op_cancellable = g_cancellable_new();
    return TRUE;
}

void
hvd_vm_runner_release(HvdVmRunner *self)
{
    g_autoptr(GCancellable) cancellable = NULL;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    g_return_if_fail(self->op == OP_CHECKPOINT);

    cancellable = g_steal_pointer(&self->op_cancellable);
    self->op = OP_NONE;
    g_cancellable_cancel(cancellable);
}

gboolean
hvd_vm_runner_is_held(HvdVmRunner *self)
{
    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), FALSE);
    return self->op == OP_CHECKPOINT;
}

typedef struct {
    GPtrArray *nodes;    /* the argv's node names of the disks, e.g. "ide0-0" */
    GPtrArray *overlays; /* absolute paths of the prepared overlays, one per node */
} SnapshotData;

static void
snapshot_data_free(SnapshotData *data)
{
    g_ptr_array_unref(data->nodes);
    g_ptr_array_unref(data->overlays);
    g_free(data);
}

static void
on_snapshot_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(JsonNode) reply = hvd_vm_runner_task_qmp_finish(
        task, source, result, _("Cannot take a checkpoint of the running virtual machine"));

    if (reply != NULL)
        g_task_return_boolean(task, TRUE);
}

/* The node each device reads now: after a snapshot it is no longer the argv's name. */
static const char *
find_top_node(JsonArray *block, const char *node)
{
    g_autofree char *qdev = g_strdup_printf("%s-dev", node);

    for (guint i = 0; i < json_array_get_length(block); i++) {
        JsonObject *entry = json_array_get_object_element(block, i);
        JsonObject *inserted;
        const char *id;

        if (entry == NULL || !json_object_has_member(entry, "inserted"))
            continue;
        id = json_object_get_string_member_with_default(entry, "qdev", "");
        inserted = json_object_get_object_member(entry, "inserted");
        if ((g_str_equal(id, qdev) || g_str_has_suffix(id, qdev)) && inserted != NULL)
            return json_object_get_string_member_with_default(inserted, "node-name", NULL);
    }
    return NULL;
}

static void
on_snapshot_query_block(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    HvdVmRunner *self = g_task_get_source_object(task);
    SnapshotData *data = g_task_get_task_data(task);
    g_autoptr(JsonNode) reply = hvd_vm_runner_task_qmp_finish(
        task, source, result, _("Cannot take a checkpoint of the running virtual machine"));
    g_autoptr(JsonBuilder) builder = NULL;
    g_autoptr(JsonNode) args = NULL;

    if (reply == NULL)
        return;
    if (!JSON_NODE_HOLDS_ARRAY(reply) || self->qmp == NULL) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED, "%s",
                                _("Cannot take a checkpoint of the running virtual machine"));
        return;
    }
    /* One transaction: every disk switches to its overlay at the same instant, or none. */
    builder = json_builder_new();
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "actions");
    json_builder_begin_array(builder);
    for (guint i = 0; i < data->nodes->len; i++) {
        const char *node = g_ptr_array_index(data->nodes, i);
        const char *top = find_top_node(json_node_get_array(reply), node);
        g_autofree char *new_node = g_strdup_printf("%s-%08x", node, g_random_int());

        if (top == NULL) {
            g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                    _("Cannot take a checkpoint: QEMU has no disk “%s”"), node);
            return;
        }
        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "type");
        json_builder_add_string_value(builder, "blockdev-snapshot-sync");
        json_builder_set_member_name(builder, "data");
        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "node-name");
        json_builder_add_string_value(builder, top);
        json_builder_set_member_name(builder, "snapshot-file");
        json_builder_add_string_value(builder, g_ptr_array_index(data->overlays, i));
        json_builder_set_member_name(builder, "snapshot-node-name");
        json_builder_add_string_value(builder, new_node);
        json_builder_set_member_name(builder, "format");
        json_builder_add_string_value(builder, "qcow2");
        json_builder_set_member_name(builder, "mode");
        json_builder_add_string_value(builder, "existing");
        json_builder_end_object(builder);
        json_builder_end_object(builder);
    }
    json_builder_end_array(builder);
    json_builder_end_object(builder);
    args = json_builder_get_root(builder);
    hvd_qmp_client_execute_async(self->qmp, "transaction", json_node_get_object(args), -1,
                                 self->op_cancellable, on_snapshot_done, g_steal_pointer(&task));
}

void
hvd_vm_runner_snapshot_disks_async(HvdVmRunner *self, GPtrArray *nodes, GPtrArray *overlays,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    SnapshotData *data;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    g_return_if_fail(nodes != NULL && overlays != NULL && nodes->len == overlays->len);

    task = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_snapshot_disks_async);
    if (self->op != OP_CHECKPOINT || self->qmp == NULL ||
        (self->state != HVD_VM_STATE_RUNNING && self->state != HVD_VM_STATE_PAUSED)) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_WRONG_STATE, "%s",
                                _("The virtual machine is not running"));
        return;
    }
    data = g_new0(SnapshotData, 1);
    data->nodes = g_ptr_array_ref(nodes);
    data->overlays = g_ptr_array_ref(overlays);
    g_task_set_task_data(task, data, (GDestroyNotify)snapshot_data_free);
    if (nodes->len == 0) {
        g_task_return_boolean(task, TRUE);
        return;
    }
    hvd_qmp_client_execute_async(self->qmp, "query-block", NULL, -1, self->op_cancellable,
                                 on_snapshot_query_block, g_steal_pointer(&task));
}

gboolean
hvd_vm_runner_snapshot_disks_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
