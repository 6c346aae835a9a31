/* hvd-vm-object-checkpoints.c: a VM object's checkpoint methods: CreateCheckpoint (also while
 * the VM runs: overlays made, the definition switched, then the running disks), ListCheckpoints,
 * ApplyCheckpoint and DeleteCheckpoint (then unused overlays collected and merged). The runner is
 * held while one runs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hvd-checkpoint-images.h"
#include "hvd-daemon.h"
#include "hvd-error.h"
#include "hvd-qemu-argv.h"
#include "hvd-vm-object-private.h"

void
hvd_vm_object_sync_checkpoint(HvdVmObject *self, HvdCheckpointTree *tree)
{
    berth_dbus_virtual_machine_set_current_checkpoint(
        BERTH_DBUS_VIRTUAL_MACHINE(self), tree != NULL && tree->current ? tree->current : "");
}

/* Stores @def (the VM's definition with new disk paths) and hands it to the runner. */
static gboolean
hvd_vm_object_store_definition(HvdVmObject *self, const HvxVmDef *def, GError **error)
{
    HvdVmStore *store = hvd_daemon_get_store(self->daemon);
    g_autofree char *xml = hvx_vm_def_format(def);
    const char *uuid = hvd_vm_store_define(store, xml, NULL, error);

    if (uuid == NULL)
        return FALSE;
    hvd_vm_runner_set_definition(self->runner, hvd_vm_store_dup_definition(store, uuid, NULL));
    hvd_vm_object_update(self, hvd_vm_store_lookup(store, uuid));
    return TRUE;
}

/* One checkpoint operation under way: the runner is held until it ends. */
typedef struct {
    HvdVmObject *self;
    GDBusMethodInvocation *invocation;
    HvdCheckpointTree *tree;
    HvxVmDef *def;        /* the VM's definition, with the overlays once made */
    HvdCheckpoint *taken; /* CreateCheckpoint: the new checkpoint */
    char *apply_id;       /* ApplyCheckpoint: the checkpoint */
    GPtrArray *nodes;     /* the disks' QEMU node names */
    GPtrArray *overlays;  /* relative to the VM's folder */
    GPtrArray *absolute;  /* the same, absolute */
    GPtrArray *backings;  /* absolute */
    gboolean held;
} HvdCheckpointCall;

static void
hvd_checkpoint_call_free(HvdCheckpointCall *call)
{
    if (call->held)
        hvd_vm_runner_release(call->self->runner);
    if (call->invocation != NULL)
        g_dbus_method_invocation_return_error(g_steal_pointer(&call->invocation), BERTH_ERROR,
                                              BERTH_ERROR_FAILED, "%s",
                                              _("The checkpoint operation failed"));
    g_object_unref(call->self);
    g_clear_pointer(&call->tree, hvd_checkpoint_tree_free);
    g_clear_pointer(&call->def, hvx_vm_def_free);
    g_clear_pointer(&call->taken, hvd_checkpoint_free);
    g_free(call->apply_id);
    g_clear_pointer(&call->nodes, g_ptr_array_unref);
    g_clear_pointer(&call->overlays, g_ptr_array_unref);
    g_clear_pointer(&call->absolute, g_ptr_array_unref);
    g_clear_pointer(&call->backings, g_ptr_array_unref);
    g_free(call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvdCheckpointCall, hvd_checkpoint_call_free)

/* Holds the runner for @action and reads the tree and the definition; NULL after replying with
 * the error. */
static HvdCheckpointCall *
hvd_checkpoint_call_begin(HvdVmObject *self, GDBusMethodInvocation *invocation, const char *action)
{
    g_autoptr(HvdCheckpointCall) call = g_new0(HvdCheckpointCall, 1);
    g_autoptr(GError) error = NULL;
    HvdVmStore *store = hvd_daemon_get_store(self->daemon);

    call->self = g_object_ref(self);
    call->invocation = invocation;
    if (!hvd_vm_runner_hold(self->runner, action, &error))
        goto fail;
    call->held = TRUE;
    call->tree = hvd_checkpoint_tree_load(hvd_vm_runner_get_vm_dir(self->runner), &error);
    if (call->tree == NULL)
        goto fail;
    call->def = hvd_vm_store_dup_definition(
        store, berth_dbus_virtual_machine_get_uuid(BERTH_DBUS_VIRTUAL_MACHINE(self)), &error);
    if (call->def == NULL)
        goto fail;
    return g_steal_pointer(&call);

fail:
    g_dbus_method_invocation_return_gerror(g_steal_pointer(&call->invocation), error);
    return NULL;
}

static void
hvd_checkpoint_call_fail(HvdCheckpointCall *call, const GError *error)
{
    g_dbus_method_invocation_return_gerror(g_steal_pointer(&call->invocation), error);
    hvd_checkpoint_call_free(call);
}

/* Plans a new overlay for each disk of call->def, on its current image. */
static void
hvd_checkpoint_call_plan_overlays(HvdCheckpointCall *call)
{
    const char *vm_dir = hvd_vm_runner_get_vm_dir(call->self->runner);
    g_autoptr(GPtrArray) drives = hvd_checkpoint_disks(call->def, &call->nodes);

    call->overlays = g_ptr_array_new_with_free_func(g_free);
    call->absolute = g_ptr_array_new_with_free_func(g_free);
    call->backings = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < drives->len; i++) {
        HvxDriveDef *drive = g_ptr_array_index(drives, i);
        char *overlay = hvd_checkpoint_new_overlay_path(g_ptr_array_index(call->nodes, i));

        g_ptr_array_add(call->overlays, overlay);
        g_ptr_array_add(call->absolute, hvd_qemu_resolve_path(vm_dir, overlay));
        g_ptr_array_add(call->backings, hvd_qemu_resolve_path(vm_dir, drive->path));
    }
}

/* The overlays are in use: record them and point the definition at them. */
static gboolean
hvd_checkpoint_call_switch_disks(HvdCheckpointCall *call, GError **error)
{
    g_autoptr(GPtrArray) drives = hvd_checkpoint_disks(call->def, NULL);

    for (guint i = 0; i < drives->len; i++) {
        HvxDriveDef *drive = g_ptr_array_index(drives, i);

        g_hash_table_replace(call->tree->overlays, g_strdup(g_ptr_array_index(call->overlays, i)),
                             g_strdup(g_ptr_array_index(call->backings, i)));
        g_free(drive->path);
        drive->path = g_strdup(g_ptr_array_index(call->overlays, i));
    }
    return hvd_checkpoint_tree_save(call->tree, error) &&
           hvd_vm_object_store_definition(call->self, call->def, error);
}

static void
hvd_checkpoint_call_delete_overlays(HvdCheckpointCall *call)
{
    for (guint i = 0; i < call->absolute->len; i++)
        g_unlink(g_ptr_array_index(call->absolute, i));
}

static void
hvd_vm_object_create_checkpoint_finish(HvdCheckpointCall *call)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *id = g_strdup(call->taken->id);

    if (!hvd_checkpoint_tree_add(call->tree, g_steal_pointer(&call->taken), &error)) {
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    hvd_vm_object_sync_checkpoint(call->self, call->tree);
    g_info("Took checkpoint %s of VM %s", id, call->def->uuid);
    berth_dbus_virtual_machine_complete_create_checkpoint(BERTH_DBUS_VIRTUAL_MACHINE(call->self),
                                                          g_steal_pointer(&call->invocation), id);
    hvd_checkpoint_call_free(call);
}

/* The running worker did not switch: the definition goes back to the images it uses. */
static void
hvd_vm_object_checkpoint_undo(HvdCheckpointCall *call)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HvxVmDef) old =
        hvx_vm_def_parse_string(call->taken->definition, -1, "checkpoint.json", &error);

    if (old == NULL || !hvd_vm_object_store_definition(call->self, old, &error)) {
        g_warning("Cannot restore the definition of VM %s: %s", call->def->uuid, error->message);
        return; /* the overlays stay: the definition names them */
    }
    for (guint i = 0; i < call->overlays->len; i++)
        g_hash_table_remove(call->tree->overlays, g_ptr_array_index(call->overlays, i));
    hvd_checkpoint_call_delete_overlays(call);
    if (!hvd_checkpoint_tree_save(call->tree, &error))
        g_warning("%s", error->message);
}

static void
hvd_vm_object_checkpoint_snapshotted(GObject *source, GAsyncResult *result, gpointer user_data)
{
    HvdCheckpointCall *call = user_data;
    g_autoptr(GError) error = NULL;

    if (!hvd_vm_runner_snapshot_disks_finish(HVD_VM_RUNNER(source), result, &error)) {
        hvd_vm_object_checkpoint_undo(call);
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    hvd_vm_object_create_checkpoint_finish(call);
}

/* The definition names the overlays before a running worker switches to them: should berthd
 * stop in between, the next start reads the overlay on the image QEMU went on writing, which
 * is the same disk; the other way round it would write to a checkpoint's frozen image. */
static void
hvd_vm_object_checkpoint_overlays_made(GObject *source, GAsyncResult *result, gpointer user_data)
{
    HvdCheckpointCall *call = user_data;
    g_autoptr(GError) error = NULL;
    HvdVmState state;

    if (!hvd_checkpoint_images_create_finish(result, &error)) {
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    if (!hvd_checkpoint_call_switch_disks(call, &error)) {
        hvd_vm_object_checkpoint_undo(call);
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    state = hvd_vm_runner_get_state(call->self->runner);
    if (state == HVD_VM_STATE_RUNNING || state == HVD_VM_STATE_PAUSED)
        hvd_vm_runner_snapshot_disks_async(call->self->runner, call->nodes, call->absolute,
                                           hvd_vm_object_checkpoint_snapshotted, call);
    else
        hvd_vm_object_create_checkpoint_finish(call);
}

gboolean
hvd_vm_object_handle_create_checkpoint(BerthDBusVirtualMachine *vm,
                                       GDBusMethodInvocation *invocation, const char *name)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    HvdCheckpointCall *call;
    HvdCheckpoint *checkpoint;
    g_autofree char *reason = NULL;
    g_autoptr(GPtrArray) drives = NULL;

    if (name[0] != '\0' && !hvx_name_is_valid(name, &reason)) {
        g_dbus_method_invocation_return_error(invocation, BERTH_ERROR,
                                              BERTH_ERROR_INVALID_DEFINITION,
                                              _("Invalid checkpoint name “%s”: %s"), name, reason);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    call = hvd_checkpoint_call_begin(self, invocation, "CreateCheckpoint");
    if (call == NULL)
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    checkpoint = g_new0(HvdCheckpoint, 1);
    checkpoint->id = g_uuid_string_random();
    checkpoint->created_us = g_get_real_time();
    checkpoint->created = checkpoint->created_us / G_USEC_PER_SEC;
    checkpoint->name = name[0] != '\0'
                           ? g_strdup(name)
                           : hvd_checkpoint_default_name(call->def->name, checkpoint->created);
    checkpoint->definition = hvx_vm_def_format(call->def);
    checkpoint->images = g_ptr_array_new_with_free_func(g_free);
    call->taken = checkpoint;
    hvd_checkpoint_call_plan_overlays(call);
    drives = hvd_checkpoint_disks(call->def, NULL);
    for (guint i = 0; i < drives->len; i++)
        g_ptr_array_add(checkpoint->images,
                        g_strdup(((HvxDriveDef *)g_ptr_array_index(drives, i))->path));
    hvd_checkpoint_images_create_async(call->absolute, call->backings, NULL,
                                       hvd_vm_object_checkpoint_overlays_made, call);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
hvd_vm_object_handle_list_checkpoints(BerthDBusVirtualMachine *vm,
                                      GDBusMethodInvocation *invocation)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    g_autoptr(GError) error = NULL;
    g_autoptr(HvdCheckpointTree) tree =
        hvd_checkpoint_tree_load(hvd_vm_runner_get_vm_dir(self->runner), &error);
    GVariantBuilder builder;

    if (tree == NULL) {
        g_dbus_method_invocation_return_gerror(invocation, error);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    g_variant_builder_init(&builder, G_VARIANT_TYPE("a(sssxb)"));
    for (guint i = 0; i < tree->checkpoints->len; i++) {
        HvdCheckpoint *checkpoint = g_ptr_array_index(tree->checkpoints, i);

        g_variant_builder_add(&builder, "(sssxb)", checkpoint->id, checkpoint->name,
                              checkpoint->parent ? checkpoint->parent : "", checkpoint->created,
                              g_strcmp0(checkpoint->id, tree->current) == 0);
    }
    berth_dbus_virtual_machine_complete_list_checkpoints(vm, invocation,
                                                         g_variant_builder_end(&builder));
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The end of Apply and Delete: while no QEMU uses the images, overlays that only chain
 * others are merged into their one child (a failed merge changes no image: logged only). */
static void
hvd_checkpoint_call_complete(HvdCheckpointCall *call)
{
    BerthDBusVirtualMachine *vm = BERTH_DBUS_VIRTUAL_MACHINE(call->self);

    hvd_vm_object_sync_checkpoint(call->self, call->tree);
    if (call->apply_id != NULL) {
        g_info("Applied checkpoint %s to VM %s", call->apply_id, call->def->uuid);
        berth_dbus_virtual_machine_complete_apply_checkpoint(vm,
                                                             g_steal_pointer(&call->invocation));
    } else {
        g_info("Deleted a checkpoint of VM %s", call->def->uuid);
        berth_dbus_virtual_machine_complete_delete_checkpoint(vm,
                                                              g_steal_pointer(&call->invocation));
    }
    hvd_checkpoint_call_free(call);
}

static void
hvd_checkpoint_call_merged(GObject *source, GAsyncResult *result, gpointer user_data)
{
    HvdCheckpointCall *call = user_data;
    g_autoptr(GError) error = NULL;

    if (!hvd_checkpoint_images_merge_finish(result, &error))
        g_warning("%s", error->message);
    g_clear_error(&error);
    if (!hvd_checkpoint_tree_save(call->tree, &error)) {
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    hvd_checkpoint_call_complete(call);
}

static void
hvd_checkpoint_call_tidy(HvdCheckpointCall *call)
{
    g_autoptr(GError) error = NULL;
    HvdVmState state = hvd_vm_runner_get_state(call->self->runner);

    /* Only files nothing uses go: the VM's own disks are always among the used. */
    if (!hvd_checkpoint_tree_collect(call->tree, call->def, &error)) {
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    if (state == HVD_VM_STATE_OFF || state == HVD_VM_STATE_SAVED)
        hvd_checkpoint_images_merge_async(call->tree, call->def, NULL, hvd_checkpoint_call_merged,
                                          call);
    else
        hvd_checkpoint_call_complete(call);
}

static void
hvd_vm_object_apply_overlays_made(GObject *source, GAsyncResult *result, gpointer user_data)
{
    HvdCheckpointCall *call = user_data;
    g_autoptr(GError) error = NULL;

    if (!hvd_checkpoint_images_create_finish(result, &error)) {
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    g_free(call->tree->current);
    call->tree->current = g_strdup(call->apply_id);
    if (!hvd_checkpoint_call_switch_disks(call, &error)) {
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    hvd_checkpoint_call_tidy(call);
}

static void
hvd_vm_object_apply_checkpoint(HvdVmObject *self, GDBusMethodInvocation *invocation,
                               const char *id_or_name)
{
    HvdCheckpointCall *call = hvd_checkpoint_call_begin(self, invocation, "ApplyCheckpoint");
    g_autoptr(GError) error = NULL;
    g_autoptr(HvxVmDef) def = NULL;
    HvdCheckpoint *checkpoint;

    if (call == NULL)
        return;
    checkpoint = hvd_checkpoint_tree_find(call->tree, id_or_name, &error);
    if (checkpoint == NULL) {
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    def = hvx_vm_def_parse_string(checkpoint->definition, -1, "checkpoint.json", &error);
    if (def == NULL) {
        hvd_checkpoint_call_fail(call, error);
        return;
    }
    /* The checkpoint's hardware and disks, under the VM's present name. */
    g_free(def->name);
    def->name = g_strdup(call->def->name);
    g_free(def->uuid);
    def->uuid = g_strdup(call->def->uuid);
    hvx_vm_def_free(call->def);
    call->def = g_steal_pointer(&def);
    call->apply_id = g_strdup(checkpoint->id);
    hvd_checkpoint_call_plan_overlays(call);
    hvd_checkpoint_images_create_async(call->absolute, call->backings, NULL,
                                       hvd_vm_object_apply_overlays_made, call);
}

typedef struct {
    HvdVmObject *self;
    GDBusMethodInvocation *invocation;
    char *id_or_name;
} HvdApplyCall;

static void
hvd_vm_object_apply_turned_off(GObject *source, GAsyncResult *result, gpointer user_data)
{
    HvdApplyCall *apply = user_data;
    g_autoptr(GError) error = NULL;

    if (!hvd_vm_runner_turn_off_finish(HVD_VM_RUNNER(source), result, &error))
        g_dbus_method_invocation_return_gerror(apply->invocation, error);
    else
        hvd_vm_object_apply_checkpoint(apply->self, apply->invocation, apply->id_or_name);
    g_object_unref(apply->self);
    g_free(apply->id_or_name);
    g_free(apply);
}

gboolean
hvd_vm_object_handle_apply_checkpoint(BerthDBusVirtualMachine *vm,
                                      GDBusMethodInvocation *invocation, const char *id_or_name)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    HvdApplyCall *apply;
    HvdVmState state = hvd_vm_runner_get_state(self->runner);

    if (state == HVD_VM_STATE_RUNNING || state == HVD_VM_STATE_PAUSED) {
        /* Translators: %s is the VM's state, e.g. "Running". */
        g_dbus_method_invocation_return_error(
            invocation, BERTH_ERROR, BERTH_ERROR_WRONG_STATE,
            _("The virtual machine is %s; turn it off before applying a checkpoint"),
            hvd_vm_state_to_display(state));
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    if (state != HVD_VM_STATE_SAVED) {
        hvd_vm_object_apply_checkpoint(self, invocation, id_or_name);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    /* Hyper-V discards a saved state before applying a checkpoint: so do we. */
    apply = g_new0(HvdApplyCall, 1);
    apply->self = g_object_ref(self);
    apply->invocation = invocation;
    apply->id_or_name = g_strdup(id_or_name);
    hvd_vm_runner_turn_off_async(self->runner, NULL, hvd_vm_object_apply_turned_off, apply);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean
hvd_vm_object_handle_delete_checkpoint(BerthDBusVirtualMachine *vm,
                                       GDBusMethodInvocation *invocation, const char *id_or_name)
{
    HvdVmObject *self = HVD_VM_OBJECT(vm);
    HvdCheckpointCall *call = hvd_checkpoint_call_begin(self, invocation, "DeleteCheckpoint");
    g_autoptr(GError) error = NULL;
    HvdCheckpoint *checkpoint;

    if (call == NULL)
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    checkpoint = hvd_checkpoint_tree_find(call->tree, id_or_name, &error);
    if (checkpoint == NULL || !hvd_checkpoint_tree_remove(call->tree, checkpoint, &error)) {
        hvd_checkpoint_call_fail(call, error);
        return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
    hvd_checkpoint_call_tidy(call);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}
