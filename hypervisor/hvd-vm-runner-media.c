/* hvd-vm-runner-media.c: InsertMedia / EjectMedia: changing the disk in a running worker's DVD
 * drive (or floppy drive) with QMP, like VMConnect's Media menu. The definition is the VM
 * object's business; this only tells QEMU.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvd-error.h"
#include "hvd-qemu-argv.h"
#include "hvd-qmp-args.h"
#include "hvd-vm-runner-private.h"

const HvxDriveDef *
hvd_vm_media_find_drive(const HvxVmDef *def, const char *controller, guint number, guint location,
                        char **ret_node, GError **error)
{
    HvxControllerType type;

    g_return_val_if_fail(def != NULL, NULL);
    g_return_val_if_fail(controller != NULL, NULL);

    if (g_str_equal(controller, "floppy")) {
        if (!def->has_floppy || number != 0 || location != 0) {
            g_set_error_literal(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                                _("The virtual machine has no floppy drive"));
            return NULL;
        }
        if (ret_node != NULL)
            *ret_node = g_strdup("fd0");
        return NULL; /* a floppy has no HvxDriveDef; *ret_node says it exists */
    }
    if (g_str_equal(controller, "ide"))
        type = HVX_CONTROLLER_IDE;
    else if (g_str_equal(controller, "scsi"))
        type = HVX_CONTROLLER_SCSI;
    else {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                    _("Unknown controller “%s”; use ide, scsi or floppy"), controller);
        return NULL;
    }
    for (guint i = 0; i < def->controllers->len; i++) {
        const HvxControllerDef *c = g_ptr_array_index(def->controllers, i);

        if (c->type != type || c->number != number)
            continue;
        for (guint j = 0; j < c->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(c->drives, j);

            if (drive->location != location)
                continue;
            if (drive->type != HVX_DRIVE_DVD) {
                g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                            _("The drive at %s %u:%u is a hard disk, not a DVD drive"), controller,
                            number, location);
                return NULL;
            }
            if (ret_node != NULL)
                *ret_node = g_strdup_printf("%s%u-%u", controller, number, location);
            return drive;
        }
    }
    g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                _("The virtual machine has no DVD drive at %s %u:%u"), controller, number,
                location);
    return NULL;
}

static void
on_media_changed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(JsonNode) node =
        hvd_vm_runner_task_qmp_finish(task, source, result, g_task_get_task_data(task));

    if (node != NULL)
        g_task_return_boolean(task, TRUE);
}

void
hvd_vm_runner_change_media_async(HvdVmRunner *self, const char *node, const char *path,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(JsonObject) args = NULL;
    g_autofree char *device = NULL;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));
    g_return_if_fail(node != NULL);

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_change_media_async);
    if (self->state == HVD_VM_STATE_OFF) {
        g_task_return_boolean(task, TRUE); /* the next start takes the definition's media */
        return;
    }
    if ((self->state != HVD_VM_STATE_RUNNING && self->state != HVD_VM_STATE_PAUSED) ||
        self->qmp == NULL) {
        /* A saved VM restores only with the media it was saved with. */
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_WRONG_STATE,
                                _("The virtual machine is %s; media can change while it runs, "
                                  "is paused or is off"),
                                hvd_vm_state_to_display(self->state));
        return;
    }
    device = g_strdup_printf("%s-dev", node);
    if (path != NULL) {
        g_task_set_task_data(task, (gpointer)_("Cannot insert the disk"), NULL);
        args = hvd_qmp_args_new("s:id", device, "s:filename", path, "s:format",
                                hvd_qemu_block_driver_for_path(path), "s:read-only-mode",
                                "read-only", NULL);
        hvd_qmp_client_execute_async(self->qmp, "blockdev-change-medium", args, -1, cancellable,
                                     on_media_changed, g_steal_pointer(&task));
    } else {
        g_task_set_task_data(task, (gpointer)_("Cannot eject the disk"), NULL);
        /* force: the guest may have locked the tray (a mounted DVD). */
        args = hvd_qmp_args_new("s:id", device, "b:force", TRUE, NULL);
        hvd_qmp_client_execute_async(self->qmp, "eject", args, -1, cancellable, on_media_changed,
                                     g_steal_pointer(&task));
    }
}

gboolean
hvd_vm_runner_change_media_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
