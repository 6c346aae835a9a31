/* mgr-vm-creator.c: define the VM, create its disk, undo the VM when the disk fails.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mgr-vm-creator.h"

typedef struct {
    MgrClient *client;
    char *xml;
    char *disk_path;   /* a disk to create, NULL for none */
    char *copy_source; /* …as a VHDX copy of this image, NULL for a new empty disk */
    guint64 disk_bytes;
    char *vm_path;
    GError *disk_error; /* why the disk failed, while the VM is being deleted */
    MgrJobProgressFunc progress;
    gpointer progress_data;
} CreatorData;

static void
creator_data_free(CreatorData *data)
{
    g_clear_object(&data->client);
    g_free(data->xml);
    g_free(data->disk_path);
    g_free(data->copy_source);
    g_free(data->vm_path);
    g_clear_error(&data->disk_error);
    g_free(data);
}

static GDBusConnection *
creator_connection(CreatorData *data)
{
    return g_dbus_proxy_get_connection(G_DBUS_PROXY(mgr_client_get_host(data->client)));
}

static void
vm_deleted(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    CreatorData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    if (!berth_dbus_virtual_machine_call_delete_finish(BERTH_DBUS_VIRTUAL_MACHINE(source), result,
                                                       &error))
        g_warning("Could not delete the half-made VM %s: %s", data->vm_path, error->message);
    g_task_return_error(task, g_steal_pointer(&data->disk_error));
}

static void
undo_proxy_ready(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    CreatorData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm =
        berth_dbus_virtual_machine_proxy_new_finish(result, &error);

    if (vm == NULL) {
        g_warning("Could not delete the half-made VM %s: %s", data->vm_path, error->message);
        g_task_return_error(task, g_steal_pointer(&data->disk_error));
        return;
    }
    /* Not even a cancelled wizard may stop this: no cancellable. */
    berth_dbus_virtual_machine_call_delete(vm, FALSE, NULL, vm_deleted, g_steal_pointer(&task));
}

/* The disk failed or was cancelled: delete the VM defined for it, then report @error. */
static void
undo_vm(GTask *task, GError *error)
{
    CreatorData *data = g_task_get_task_data(task);

    data->disk_error = error;
    berth_dbus_virtual_machine_proxy_new(creator_connection(data), G_DBUS_PROXY_FLAGS_NONE,
                                         BERTH_BUS_NAME, data->vm_path, NULL, undo_proxy_ready,
                                         task);
}

static void
disk_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    CreatorData *data = g_task_get_task_data(task);
    GError *error = NULL;

    if (!mgr_job_watch_finish(result, &error)) {
        g_prefix_error(&error, _("The virtual hard disk “%s” could not be created: "),
                       data->disk_path);
        undo_vm(task, error);
        return;
    }
    g_task_return_pointer(task, g_strdup(data->vm_path), g_free);
    g_object_unref(task);
}

static void
disk_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    CreatorData *data = g_task_get_task_data(task);
    g_autofree char *job = NULL;
    GError *error = NULL;

    if (!berth_dbus_host_call_create_disk_finish(BERTH_DBUS_HOST(source), &job, result, &error)) {
        g_dbus_error_strip_remote_error(error);
        g_prefix_error(&error, _("The virtual hard disk “%s” could not be created: "),
                       data->disk_path);
        undo_vm(task, error);
        return;
    }
    mgr_job_watch_async(creator_connection(data), job, g_task_get_cancellable(task), data->progress,
                        data->progress_data, disk_done, task);
}

static void
vm_defined(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    CreatorData *data = g_task_get_task_data(task);
    GError *error = NULL;
    GVariantBuilder options;

    if (!berth_dbus_host_call_define_virtual_machine_finish(BERTH_DBUS_HOST(source), &data->vm_path,
                                                            result, &error)) {
        g_dbus_error_strip_remote_error(error);
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    if (data->disk_path == NULL) {
        g_task_return_pointer(task, g_strdup(data->vm_path), g_free);
        g_object_unref(task);
        return;
    }
    if (g_cancellable_is_cancelled(g_task_get_cancellable(task))) {
        undo_vm(task, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
        return;
    }
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&options, "{sv}", "format", g_variant_new_string("vhdx"));
    if (data->copy_source != NULL) {
        berth_dbus_host_call_convert_disk(BERTH_DBUS_HOST(source), data->copy_source,
                                          data->disk_path, g_variant_builder_end(&options), NULL,
                                          disk_started, task);
        return;
    }
    g_variant_builder_add(&options, "{sv}", "size-bytes", g_variant_new_uint64(data->disk_bytes));
    berth_dbus_host_call_create_disk(BERTH_DBUS_HOST(source), data->disk_path,
                                     g_variant_builder_end(&options), NULL, disk_started, task);
}

void
mgr_vm_creator_run_async(MgrClient *client, const MgrNewVmPlan *plan, GCancellable *cancellable,
                         MgrJobProgressFunc progress, gpointer progress_data,
                         GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task;
    CreatorData *data;
    g_autoptr(HvxVmDef) def = NULL;
    GError *error = NULL;

    g_return_if_fail(MGR_IS_CLIENT(client));
    g_return_if_fail(plan != NULL);

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, mgr_vm_creator_run_async);
    data = g_new0(CreatorData, 1);
    data->client = g_object_ref(client);
    def = mgr_new_vm_plan_build(plan, &error);
    if (def != NULL)
        data->xml = hvx_vm_def_format(def);
    if (plan->disk_choice == MGR_DISK_CHOICE_CREATE || plan->disk_choice == MGR_DISK_CHOICE_COPY) {
        data->disk_path = mgr_new_vm_plan_disk_path(plan);
        data->disk_bytes = plan->disk_size_gib * G_GUINT64_CONSTANT(1024) * 1024 * 1024;
    }
    if (plan->disk_choice == MGR_DISK_CHOICE_COPY)
        data->copy_source = g_strdup(plan->copy_source);
    data->progress = progress;
    data->progress_data = progress_data;
    g_task_set_task_data(task, data, (GDestroyNotify)creator_data_free);

    if (def == NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    if (mgr_client_get_host(client) == NULL) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                _("Berth Manager is not connected to berthd."));
        g_object_unref(task);
        return;
    }
    if (data->disk_path != NULL) {
        g_autofree char *folder = g_path_get_dirname(data->disk_path);

        if (g_mkdir_with_parents(folder, 0755) != 0) {
            int saved_errno = errno;

            g_task_return_new_error(task, G_IO_ERROR, g_io_error_from_errno(saved_errno),
                                    _("Cannot create the folder “%s”: %s"), folder,
                                    g_strerror(saved_errno));
            g_object_unref(task);
            return;
        }
    }
    /* The definition first: if berthd refuses it, no disk was made. */
    berth_dbus_host_call_define_virtual_machine(mgr_client_get_host(client), data->xml, NULL,
                                                vm_defined, task);
}

char *
mgr_vm_creator_run_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}
