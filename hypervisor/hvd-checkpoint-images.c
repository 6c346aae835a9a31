/* hvd-checkpoint-images.c: the disk images under a VM's checkpoints, through qemu-img.
 *
 * Each operation is a chain of qemu-img runs (hvd-qemu-img) on berthd's main loop, one after
 * the other; a failure names the checkpoint image it was about.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hvd-checkpoint-images.h"
#include "hvd-disk.h"
#include "hvd-error.h"
#include "hvd-qemu-argv.h"
#include "hvd-qemu-img.h"

/* @error (taken) as the failure of making the checkpoint's disk @path, or of merging into it. */
static GError *
image_error(GError *error, gboolean merge, const char *path)
{
    GError *wrapped;

    if (error->domain != BERTH_ERROR)
        return error;
    if (merge)
        wrapped = g_error_new(BERTH_ERROR, error->code,
                              _("Cannot merge a deleted checkpoint’s disk into %s: %s"), path,
                              error->message);
    else
        wrapped =
            g_error_new(BERTH_ERROR, error->code, _("Cannot create the checkpoint’s disk %s: %s"),
                        path, error->message);
    g_error_free(error);
    return wrapped;
}

/* --- new overlays ----------------------------------------------------------------------------- */

typedef struct {
    GPtrArray *overlays;
    GPtrArray *backings;
    guint next; /* the overlay being made */
} CreateData;

static void
create_data_free(CreateData *data)
{
    g_ptr_array_unref(data->overlays);
    g_ptr_array_unref(data->backings);
    g_free(data);
}

static void create_next(GTask *task);

/* Takes @task and @error: the overlays made so far go. */
static void
create_fail(GTask *task, GError *error)
{
    CreateData *data = g_task_get_task_data(task);

    for (guint j = 0; j <= data->next && j < data->overlays->len; j++)
        g_unlink(g_ptr_array_index(data->overlays, j));
    g_task_return_error(task, error);
    g_object_unref(task);
}

static void
create_made(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    CreateData *data = g_task_get_task_data(task);
    const char *overlay = g_ptr_array_index(data->overlays, data->next);
    GError *error = NULL;
    g_autofree char *output = hvd_qemu_img_run_finish(result, &error);

    if (output == NULL) {
        create_fail(task, image_error(error, FALSE, overlay));
        return;
    }
    data->next++;
    create_next(task);
}

static void
create_sized(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    CreateData *data = g_task_get_task_data(task);
    const char *overlay = g_ptr_array_index(data->overlays, data->next);
    const char *backing = g_ptr_array_index(data->backings, data->next);
    const char *format = hvd_qemu_block_driver_for_path(backing);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autofree char *dir = g_path_get_dirname(overlay);
    g_autofree char *size = NULL;
    GError *error = NULL;
    g_autofree char *json = hvd_qemu_img_run_finish(result, &error);
    JsonNode *root;

    if (json == NULL) {
        create_fail(task, image_error(error, FALSE, overlay));
        return;
    }
    if (!json_parser_load_from_data(parser, json, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT((root = json_parser_get_root(parser)))) {
        create_fail(task, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                                      _("Cannot read the size of %s"), backing));
        return;
    }
    size = g_strdup_printf("%" G_GINT64_FORMAT, json_object_get_int_member_with_default(
                                                    json_node_get_object(root), "virtual-size", 0));
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        int saved_errno = errno;

        create_fail(task, g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot create %s: %s"),
                                      dir, g_strerror(saved_errno)));
        return;
    }
    {
        /* -u: the backing image may be in use by the running QEMU (it holds the lock). */
        const char *args[] = {"create", "-q", "-f",   "qcow2", "-u", "-b",
                              backing,  "-F", format, overlay, size, NULL};

        hvd_qemu_img_run_async(args, overlay, NULL, NULL, 0.0, 0.0, g_task_get_cancellable(task),
                               create_made, task);
    }
}

/* Takes @task. */
static void
create_next(GTask *task)
{
    CreateData *data = g_task_get_task_data(task);
    const char *backing;

    if (data->next == data->overlays->len) {
        g_task_return_boolean(task, TRUE);
        g_object_unref(task);
        return;
    }
    backing = g_ptr_array_index(data->backings, data->next);
    {
        /* -U: the backing image may be in use by the running QEMU. */
        const char *args[] = {
            "info",  "-U", "--output=json", "-f", hvd_qemu_block_driver_for_path(backing),
            backing, NULL};

        hvd_qemu_img_run_async(args, backing, NULL, NULL, 0.0, 0.0, g_task_get_cancellable(task),
                               create_sized, task);
    }
}

void
hvd_checkpoint_images_create_async(GPtrArray *overlays, GPtrArray *backings,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
    GTask *task;
    CreateData *data;

    g_return_if_fail(overlays != NULL && backings != NULL && overlays->len == backings->len);

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_checkpoint_images_create_async);
    data = g_new0(CreateData, 1);
    data->overlays = g_ptr_array_ref(overlays);
    data->backings = g_ptr_array_ref(backings);
    g_task_set_task_data(task, data, (GDestroyNotify)create_data_free);
    create_next(task);
}

gboolean
hvd_checkpoint_images_create_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* --- merging ---------------------------------------------------------------------------------- */

typedef struct {
    HvdCheckpointTree *tree;
    const HvxVmDef *active;
    char *parent; /* the overlay being merged away (its key) */
    char *child;  /* its only child (its key) */
} MergeData;

static void
merge_data_free(MergeData *data)
{
    g_free(data->parent);
    g_free(data->child);
    g_free(data);
}

/* One overlay that can be merged into its only child: its key, and the child's. */
static gboolean
find_merge(HvdCheckpointTree *tree, const HvxVmDef *active, const char **ret_parent,
           const char **ret_child)
{
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, tree->overlays);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        g_autofree char *absolute = hvd_qemu_resolve_path(tree->vm_dir, key);
        GHashTableIter children;
        gpointer child_key;
        gpointer backing;
        const char *child = NULL;
        guint count = 0;

        if (hvd_checkpoint_tree_names_image(tree, active, absolute))
            continue;
        g_hash_table_iter_init(&children, tree->overlays);
        while (g_hash_table_iter_next(&children, &child_key, &backing)) {
            if (g_str_equal(backing, absolute)) {
                child = child_key;
                count++;
            }
        }
        if (count == 1) {
            *ret_parent = key;
            *ret_child = child;
            return TRUE;
        }
    }
    return FALSE;
}

static void merge_next(GTask *task);

static void
merge_rebased(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    MergeData *data = g_task_get_task_data(task);
    HvdCheckpointTree *tree = data->tree;
    g_autofree char *parent_path = hvd_qemu_resolve_path(tree->vm_dir, data->parent);
    g_autofree char *child_path = hvd_qemu_resolve_path(tree->vm_dir, data->child);
    GError *error = NULL;
    g_autofree char *output = hvd_qemu_img_run_finish(result, &error);

    if (output == NULL) {
        g_task_return_error(task, image_error(error, TRUE, child_path));
        g_object_unref(task);
        return;
    }
    g_hash_table_replace(tree->overlays, g_strdup(data->child),
                         g_strdup(g_hash_table_lookup(tree->overlays, data->parent)));
    g_hash_table_remove(tree->overlays, data->parent);
    if (g_unlink(parent_path) != 0 && errno != ENOENT)
        g_warning("Cannot delete %s: %s", parent_path, g_strerror(errno));
    merge_next(task);
}

/* Takes @task. */
static void
merge_next(GTask *task)
{
    MergeData *data = g_task_get_task_data(task);
    HvdCheckpointTree *tree = data->tree;
    const char *parent;
    const char *child;
    const char *backing;
    g_autofree char *child_path = NULL;

    if (!find_merge(tree, data->active, &parent, &child)) {
        g_task_return_boolean(task, TRUE);
        g_object_unref(task);
        return;
    }
    g_free(data->parent);
    data->parent = g_strdup(parent);
    g_free(data->child);
    data->child = g_strdup(child);
    backing = g_hash_table_lookup(tree->overlays, parent);
    child_path = hvd_qemu_resolve_path(tree->vm_dir, child);
    {
        const char *args[] = {"rebase",   "-q",    "-f", "qcow2",
                              "-b",       backing, "-F", hvd_qemu_block_driver_for_path(backing),
                              child_path, NULL};

        hvd_qemu_img_run_async(args, child_path, NULL, NULL, 0.0, 0.0, g_task_get_cancellable(task),
                               merge_rebased, task);
    }
}

void
hvd_checkpoint_images_merge_async(HvdCheckpointTree *tree, const HvxVmDef *active,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
    GTask *task;
    MergeData *data;

    g_return_if_fail(tree != NULL && active != NULL);

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_checkpoint_images_merge_async);
    data = g_new0(MergeData, 1);
    data->tree = tree;
    data->active = active;
    g_task_set_task_data(task, data, (GDestroyNotify)merge_data_free);
    merge_next(task);
}

gboolean
hvd_checkpoint_images_merge_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* --- committing into the user's disks --------------------------------------------------------- */

typedef struct {
    GPtrArray *tops; /* absolute active images inside checkpoints/ */
    char *prefix;    /* VM_DIR/checkpoints/ */
    guint next;      /* the top being committed */
    char *base;      /* ... into this user's disk */
} CommitData;

static void
commit_data_free(CommitData *data)
{
    g_ptr_array_unref(data->tops);
    g_free(data->prefix);
    g_free(data->base);
    g_free(data);
}

static void commit_next(GTask *task);

static void
commit_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    CommitData *data = g_task_get_task_data(task);
    GError *error = NULL;
    g_autofree char *output = hvd_qemu_img_run_finish(result, &error);

    if (output == NULL) {
        g_task_return_error(task, image_error(error, TRUE, data->base));
        g_object_unref(task);
        return;
    }
    data->next++;
    commit_next(task);
}

static void
commit_chain_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    CommitData *data = g_task_get_task_data(task);
    const char *top = g_ptr_array_index(data->tops, data->next);
    g_autofree char *dir = g_path_get_dirname(top);
    g_autoptr(HvdDiskInfo) chain = NULL;
    g_autofree char *base = NULL;
    GError *error = NULL;
    g_autofree char *json = hvd_qemu_img_run_finish(result, &error);

    if (json == NULL)
        error = image_error(error, TRUE, top);
    else
        chain = hvd_disk_info_from_json(json, top, &error);
    if (chain == NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    /* The first image of the chain outside checkpoints/ is the user's disk. */
    for (const HvdDiskInfo *link = chain; link != NULL && base == NULL; link = link->parent_info) {
        g_autofree char *absolute = g_canonicalize_filename(link->path, dir);

        if (!g_str_has_prefix(absolute, data->prefix))
            base = g_steal_pointer(&absolute);
    }
    if (base == NULL) {
        /* A disk berthd made inside checkpoints/: nothing outside to keep. */
        data->next++;
        commit_next(task);
        return;
    }
    g_free(data->base);
    data->base = g_strdup(base);
    {
        const char *args[] = {"commit", "-q", "-b", base, top, NULL};

        hvd_qemu_img_run_async(args, base, NULL, NULL, 0.0, 0.0, g_task_get_cancellable(task),
                               commit_done, task);
    }
}

/* Takes @task. */
static void
commit_next(GTask *task)
{
    CommitData *data = g_task_get_task_data(task);
    const char *top;

    if (data->next == data->tops->len) {
        g_task_return_boolean(task, TRUE);
        g_object_unref(task);
        return;
    }
    top = g_ptr_array_index(data->tops, data->next);
    {
        const char *args[] = {"info", "-U", "--backing-chain", "--output=json", top, NULL};

        hvd_qemu_img_run_async(args, top, NULL, NULL, 0.0, 0.0, g_task_get_cancellable(task),
                               commit_chain_read, task);
    }
}

void
hvd_checkpoint_images_commit_async(const HvxVmDef *def, const char *vm_dir,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
    g_autofree char *images = NULL;
    GTask *task;
    CommitData *data;

    g_return_if_fail(def != NULL && vm_dir != NULL);

    task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_checkpoint_images_commit_async);
    images = g_build_filename(vm_dir, HVD_CHECKPOINTS_DIR, NULL);
    data = g_new0(CommitData, 1);
    data->prefix = g_strconcat(images, G_DIR_SEPARATOR_S, NULL);
    data->tops = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < def->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);
            g_autofree char *top = NULL;

            if (drive->type != HVX_DRIVE_DISK || drive->path == NULL)
                continue;
            top = g_canonicalize_filename(drive->path, vm_dir);
            /* Outside checkpoints/, the VM writes to the user's disk itself. */
            if (g_str_has_prefix(top, data->prefix))
                g_ptr_array_add(data->tops, g_steal_pointer(&top));
        }
    }
    g_task_set_task_data(task, data, (GDestroyNotify)commit_data_free);
    commit_next(task);
}

gboolean
hvd_checkpoint_images_commit_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
