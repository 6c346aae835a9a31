/* hvd-checkpoint.c: a VM's checkpoints: the tree, its files and the overlays.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hvd-checkpoint.h"
#include "hvd-error.h"
#include "hvd-qemu-argv.h"

#define CHECKPOINTS_DIR HVD_CHECKPOINTS_DIR
#define IMAGES_DIR      "checkpoints/images"
#define TREE_FILE       "tree.json"
#define CHECKPOINT_FILE "checkpoint.json"

void
hvd_checkpoint_free(HvdCheckpoint *checkpoint)
{
    if (checkpoint == NULL)
        return;
    g_free(checkpoint->id);
    g_free(checkpoint->name);
    g_free(checkpoint->parent);
    g_free(checkpoint->definition);
    g_clear_pointer(&checkpoint->images, g_ptr_array_unref);
    g_free(checkpoint);
}

void
hvd_checkpoint_tree_free(HvdCheckpointTree *tree)
{
    if (tree == NULL)
        return;
    g_free(tree->vm_dir);
    g_clear_pointer(&tree->checkpoints, g_ptr_array_unref);
    g_free(tree->current);
    g_clear_pointer(&tree->overlays, g_hash_table_unref);
    g_free(tree);
}

static gboolean
write_json(const char *path, JsonNode *root, GError **error)
{
    g_autoptr(JsonGenerator) generator = json_generator_new();
    g_autofree char *text = NULL;
    g_autofree char *dir = g_path_get_dirname(path);
    g_autoptr(GError) local_error = NULL;

    json_generator_set_root(generator, root);
    json_generator_set_pretty(generator, TRUE);
    text = json_generator_to_data(generator, NULL);
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        int saved_errno = errno;

        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot create %s: %s"), dir,
                    g_strerror(saved_errno));
        return FALSE;
    }
    if (!g_file_set_contents_full(path, text, -1,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, &local_error)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot write %s: %s"), path,
                    local_error->message);
        return FALSE;
    }
    return TRUE;
}

static char *
checkpoint_file(HvdCheckpointTree *tree, const char *id)
{
    return g_build_filename(tree->vm_dir, CHECKPOINTS_DIR, id, CHECKPOINT_FILE, NULL);
}

static gboolean
checkpoint_write(HvdCheckpointTree *tree, HvdCheckpoint *checkpoint, GError **error)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *path = checkpoint_file(tree, checkpoint->id);

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "id");
    json_builder_add_string_value(builder, checkpoint->id);
    json_builder_set_member_name(builder, "name");
    json_builder_add_string_value(builder, checkpoint->name);
    json_builder_set_member_name(builder, "created");
    json_builder_add_int_value(builder, checkpoint->created);
    json_builder_set_member_name(builder, "created-us");
    json_builder_add_int_value(builder, checkpoint->created_us);
    json_builder_set_member_name(builder, "parent");
    json_builder_add_string_value(builder, checkpoint->parent ? checkpoint->parent : "");
    json_builder_set_member_name(builder, "images");
    json_builder_begin_array(builder);
    for (guint i = 0; i < checkpoint->images->len; i++)
        json_builder_add_string_value(builder, g_ptr_array_index(checkpoint->images, i));
    json_builder_end_array(builder);
    json_builder_set_member_name(builder, "definition");
    json_builder_add_string_value(builder, checkpoint->definition);
    json_builder_end_object(builder);
    root = json_builder_get_root(builder);
    return write_json(path, root, error);
}

static JsonObject *
read_json_object(const char *path, JsonParser *parser, GError **error)
{
    g_autoptr(GError) local_error = NULL;

    if (!json_parser_load_from_file(parser, path, &local_error) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot read %s: %s"), path,
                    local_error ? local_error->message : _("not a JSON object"));
        return NULL;
    }
    return json_node_get_object(json_parser_get_root(parser));
}

static HvdCheckpoint *
checkpoint_read(const char *path, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(HvdCheckpoint) checkpoint = g_new0(HvdCheckpoint, 1);
    JsonObject *object = read_json_object(path, parser, error);
    JsonArray *images;
    const char *parent;

    if (object == NULL)
        return NULL;
    checkpoint->id = g_strdup(json_object_get_string_member_with_default(object, "id", ""));
    checkpoint->name = g_strdup(json_object_get_string_member_with_default(object, "name", ""));
    checkpoint->created = json_object_get_int_member_with_default(object, "created", 0);
    checkpoint->created_us = json_object_get_int_member_with_default(
        object, "created-us", checkpoint->created * G_USEC_PER_SEC);
    parent = json_object_get_string_member_with_default(object, "parent", "");
    checkpoint->parent = parent[0] != '\0' ? g_strdup(parent) : NULL;
    checkpoint->definition =
        g_strdup(json_object_get_string_member_with_default(object, "definition", ""));
    checkpoint->images = g_ptr_array_new_with_free_func(g_free);
    images = json_object_has_member(object, "images")
                 ? json_object_get_array_member(object, "images")
                 : NULL;
    for (guint i = 0; images != NULL && i < json_array_get_length(images); i++)
        g_ptr_array_add(checkpoint->images, g_strdup(json_array_get_string_element(images, i)));
    if (checkpoint->id[0] == '\0') {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot read %s: %s"), path,
                    _("the checkpoint has no id"));
        return NULL;
    }
    return g_steal_pointer(&checkpoint);
}

static gint
compare_created(gconstpointer a, gconstpointer b)
{
    const HvdCheckpoint *x = *(HvdCheckpoint *const *)a;
    const HvdCheckpoint *y = *(HvdCheckpoint *const *)b;

    if (x->created_us != y->created_us)
        return x->created_us < y->created_us ? -1 : 1;
    return g_strcmp0(x->id, y->id);
}

static HvdCheckpoint *
lookup_id(GPtrArray *checkpoints, const char *id)
{
    for (guint i = 0; id != NULL && i < checkpoints->len; i++) {
        HvdCheckpoint *checkpoint = g_ptr_array_index(checkpoints, i);

        if (g_str_equal(checkpoint->id, id))
            return checkpoint;
    }
    return NULL;
}

static void
add_subtree(GPtrArray *ordered, GPtrArray *by_age, const char *parent)
{
    for (guint i = 0; i < by_age->len; i++) {
        HvdCheckpoint *checkpoint = g_ptr_array_index(by_age, i);

        if (checkpoint != NULL && g_strcmp0(checkpoint->parent, parent) == 0) {
            g_ptr_array_index(by_age, i) = NULL;
            g_ptr_array_add(ordered, checkpoint);
            add_subtree(ordered, by_age, checkpoint->id);
        }
    }
}

/* Puts the checkpoints in tree order; a checkpoint whose parent is missing becomes a root. */
static void
tree_sort(HvdCheckpointTree *tree)
{
    g_autoptr(GPtrArray) by_age =
        g_ptr_array_new_with_free_func((GDestroyNotify)hvd_checkpoint_free);
    GPtrArray *ordered = g_ptr_array_new_with_free_func((GDestroyNotify)hvd_checkpoint_free);

    for (guint i = 0; i < tree->checkpoints->len; i++) {
        HvdCheckpoint *checkpoint = g_ptr_array_index(tree->checkpoints, i);

        if (checkpoint->parent != NULL && lookup_id(tree->checkpoints, checkpoint->parent) == NULL)
            g_clear_pointer(&checkpoint->parent, g_free);
    }
    g_ptr_array_set_free_func(tree->checkpoints, NULL);
    g_ptr_array_extend_and_steal(by_age, g_steal_pointer(&tree->checkpoints));
    g_ptr_array_sort(by_age, compare_created);
    add_subtree(ordered, by_age, NULL);
    tree->checkpoints = ordered;
}

HvdCheckpointTree *
hvd_checkpoint_tree_load(const char *vm_dir, GError **error)
{
    g_autoptr(HvdCheckpointTree) tree = g_new0(HvdCheckpointTree, 1);
    g_autofree char *dir_path = g_build_filename(vm_dir, CHECKPOINTS_DIR, NULL);
    g_autofree char *tree_path = g_build_filename(dir_path, TREE_FILE, NULL);
    g_autoptr(GDir) dir = NULL;
    const char *name;

    g_return_val_if_fail(vm_dir != NULL, NULL);

    tree->vm_dir = g_strdup(vm_dir);
    tree->checkpoints = g_ptr_array_new_with_free_func((GDestroyNotify)hvd_checkpoint_free);
    tree->overlays = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (!g_file_test(dir_path, G_FILE_TEST_IS_DIR))
        return g_steal_pointer(&tree);

    if (g_file_test(tree_path, G_FILE_TEST_EXISTS)) {
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonObject *object = read_json_object(tree_path, parser, error);
        JsonObject *overlays;
        const char *current;

        if (object == NULL)
            return NULL;
        current = json_object_get_string_member_with_default(object, "current", "");
        tree->current = current[0] != '\0' ? g_strdup(current) : NULL;
        overlays = json_object_has_member(object, "overlays")
                       ? json_object_get_object_member(object, "overlays")
                       : NULL;
        if (overlays != NULL) {
            g_autoptr(GList) members = json_object_get_members(overlays);

            for (GList *l = members; l != NULL; l = l->next)
                g_hash_table_insert(
                    tree->overlays, g_strdup(l->data),
                    g_strdup(json_object_get_string_member_with_default(overlays, l->data, "")));
        }
    }

    dir = g_dir_open(dir_path, 0, error);
    if (dir == NULL)
        return NULL;
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = g_build_filename(dir_path, name, CHECKPOINT_FILE, NULL);
        g_autoptr(GError) local_error = NULL;
        HvdCheckpoint *checkpoint;

        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            continue;
        checkpoint = checkpoint_read(path, &local_error);
        if (checkpoint == NULL)
            g_warning("%s", local_error->message); /* skip a broken one, keep the rest */
        else
            g_ptr_array_add(tree->checkpoints, checkpoint);
    }
    tree_sort(tree);
    if (lookup_id(tree->checkpoints, tree->current) == NULL)
        g_clear_pointer(&tree->current, g_free);
    return g_steal_pointer(&tree);
}

HvdCheckpoint *
hvd_checkpoint_tree_find(HvdCheckpointTree *tree, const char *id_or_name, GError **error)
{
    HvdCheckpoint *found;
    guint count = 0;

    g_return_val_if_fail(tree != NULL && id_or_name != NULL, NULL);

    found = lookup_id(tree->checkpoints, id_or_name);
    if (found != NULL)
        return found;
    for (guint i = 0; i < tree->checkpoints->len; i++) {
        HvdCheckpoint *checkpoint = g_ptr_array_index(tree->checkpoints, i);

        if (g_str_equal(checkpoint->name, id_or_name)) {
            found = checkpoint;
            count++;
        }
    }
    if (count > 1) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                    _("Several checkpoints are called “%s”; name one by its id"), id_or_name);
        return NULL;
    }
    if (found == NULL)
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("No checkpoint “%s”"), id_or_name);
    return found;
}

gboolean
hvd_checkpoint_tree_save(HvdCheckpointTree *tree, GError **error)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *path = g_build_filename(tree->vm_dir, CHECKPOINTS_DIR, TREE_FILE, NULL);
    g_autoptr(GList) keys = g_hash_table_get_keys(tree->overlays);

    keys = g_list_sort(keys, (GCompareFunc)g_strcmp0);
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "current");
    json_builder_add_string_value(builder, tree->current ? tree->current : "");
    json_builder_set_member_name(builder, "overlays");
    json_builder_begin_object(builder);
    for (GList *l = keys; l != NULL; l = l->next) {
        json_builder_set_member_name(builder, l->data);
        json_builder_add_string_value(builder, g_hash_table_lookup(tree->overlays, l->data));
    }
    json_builder_end_object(builder);
    json_builder_end_object(builder);
    root = json_builder_get_root(builder);
    return write_json(path, root, error);
}

gboolean
hvd_checkpoint_tree_add(HvdCheckpointTree *tree, HvdCheckpoint *checkpoint, GError **error)
{
    g_autoptr(HvdCheckpoint) owned = checkpoint;

    g_return_val_if_fail(tree != NULL && checkpoint != NULL, FALSE);

    g_free(checkpoint->parent);
    checkpoint->parent = g_strdup(tree->current);
    if (!checkpoint_write(tree, checkpoint, error))
        return FALSE;
    g_free(tree->current);
    tree->current = g_strdup(checkpoint->id);
    g_ptr_array_add(tree->checkpoints, g_steal_pointer(&owned));
    tree_sort(tree);
    return hvd_checkpoint_tree_save(tree, error);
}

/* Deletes @file and what it holds (a checkpoint's folder: plain files only). */
static void
remove_dir(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *child = g_build_filename(path, name, NULL);

        if (g_unlink(child) != 0)
            g_warning("Cannot delete %s: %s", child, g_strerror(errno));
    }
    if (g_rmdir(path) != 0 && errno != ENOENT)
        g_warning("Cannot delete %s: %s", path, g_strerror(errno));
}

gboolean
hvd_checkpoint_tree_remove(HvdCheckpointTree *tree, HvdCheckpoint *checkpoint, GError **error)
{
    g_autofree char *id = NULL;
    g_autofree char *parent = NULL;
    g_autofree char *dir = NULL;

    g_return_val_if_fail(tree != NULL && checkpoint != NULL, FALSE);

    id = g_strdup(checkpoint->id);
    parent = g_strdup(checkpoint->parent);
    for (guint i = 0; i < tree->checkpoints->len; i++) {
        HvdCheckpoint *child = g_ptr_array_index(tree->checkpoints, i);

        if (g_strcmp0(child->parent, id) == 0) {
            g_free(child->parent);
            child->parent = g_strdup(parent);
            if (!checkpoint_write(tree, child, error))
                return FALSE;
        }
    }
    if (g_strcmp0(tree->current, id) == 0) {
        g_free(tree->current);
        tree->current = g_strdup(parent);
    }
    if (!hvd_checkpoint_tree_save(tree, error))
        return FALSE;
    dir = g_build_filename(tree->vm_dir, CHECKPOINTS_DIR, id, NULL);
    remove_dir(dir);
    g_ptr_array_remove(tree->checkpoints, checkpoint);
    tree_sort(tree);
    return TRUE;
}

gboolean
hvd_checkpoint_tree_is_frozen(HvdCheckpointTree *tree, const char *absolute)
{
    GHashTableIter iter;
    gpointer backing;

    g_return_val_if_fail(tree != NULL && absolute != NULL, FALSE);

    g_hash_table_iter_init(&iter, tree->overlays);
    while (g_hash_table_iter_next(&iter, NULL, &backing)) {
        if (g_str_equal(backing, absolute))
            return TRUE;
    }
    for (guint i = 0; i < tree->checkpoints->len; i++) {
        HvdCheckpoint *checkpoint = g_ptr_array_index(tree->checkpoints, i);

        for (guint j = 0; j < checkpoint->images->len; j++) {
            g_autofree char *path =
                hvd_qemu_resolve_path(tree->vm_dir, g_ptr_array_index(checkpoint->images, j));

            if (g_str_equal(path, absolute))
                return TRUE;
        }
    }
    return FALSE;
}

/* Marks @path (as a definition names it) and the overlays under it as used. */
static void
mark_chain(HvdCheckpointTree *tree, GHashTable *by_absolute, GHashTable *used, const char *path)
{
    g_autofree char *absolute = hvd_qemu_resolve_path(tree->vm_dir, path);
    const char *key;

    while ((key = g_hash_table_lookup(by_absolute, absolute)) != NULL &&
           !g_hash_table_contains(used, key)) {
        g_hash_table_add(used, (gpointer)key);
        g_free(absolute);
        absolute = g_strdup(g_hash_table_lookup(tree->overlays, key));
    }
}

gboolean
hvd_checkpoint_tree_names_image(HvdCheckpointTree *tree, const HvxVmDef *active,
                                const char *absolute)
{
    for (guint i = 0; i < tree->checkpoints->len; i++) {
        HvdCheckpoint *checkpoint = g_ptr_array_index(tree->checkpoints, i);

        for (guint j = 0; j < checkpoint->images->len; j++) {
            g_autofree char *path =
                hvd_qemu_resolve_path(tree->vm_dir, g_ptr_array_index(checkpoint->images, j));

            if (g_str_equal(path, absolute))
                return TRUE;
        }
    }
    for (guint i = 0; i < active->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(active->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);
            g_autofree char *path =
                drive->path ? hvd_qemu_resolve_path(tree->vm_dir, drive->path) : NULL;

            if (path != NULL && g_str_equal(path, absolute))
                return TRUE;
        }
    }
    return FALSE;
}

/* Overlays berthd made but never recorded (it stopped in between): nothing names them. */
static void
collect_strays(HvdCheckpointTree *tree, const HvxVmDef *active)
{
    g_autofree char *dir_path = g_build_filename(tree->vm_dir, IMAGES_DIR, NULL);
    g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *relative = g_build_filename(IMAGES_DIR, name, NULL);
        g_autofree char *absolute = g_build_filename(dir_path, name, NULL);

        if (g_hash_table_contains(tree->overlays, relative) ||
            hvd_checkpoint_tree_names_image(tree, active, absolute))
            continue;
        g_info("Deleting %s, an overlay no checkpoint or disk uses", absolute);
        if (g_unlink(absolute) != 0)
            g_warning("Cannot delete %s: %s", absolute, g_strerror(errno));
    }
}

gboolean
hvd_checkpoint_tree_collect(HvdCheckpointTree *tree, const HvxVmDef *active, GError **error)
{
    g_autoptr(GHashTable) by_absolute =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) used = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) unused = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer key;

    g_return_val_if_fail(tree != NULL && active != NULL, FALSE);

    g_hash_table_iter_init(&iter, tree->overlays);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_hash_table_insert(by_absolute, hvd_qemu_resolve_path(tree->vm_dir, key), key);
    for (guint i = 0; i < active->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(active->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);

            if (drive->path != NULL)
                mark_chain(tree, by_absolute, used, drive->path);
        }
    }
    for (guint i = 0; i < tree->checkpoints->len; i++) {
        HvdCheckpoint *checkpoint = g_ptr_array_index(tree->checkpoints, i);

        for (guint j = 0; j < checkpoint->images->len; j++)
            mark_chain(tree, by_absolute, used, g_ptr_array_index(checkpoint->images, j));
    }
    g_hash_table_iter_init(&iter, tree->overlays);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (!g_hash_table_contains(used, key))
            g_ptr_array_add(unused, g_strdup(key));
    }
    collect_strays(tree, active);
    for (guint i = 0; i < unused->len; i++) {
        const char *path = g_ptr_array_index(unused, i);
        g_autofree char *absolute = hvd_qemu_resolve_path(tree->vm_dir, path);

        if (g_unlink(absolute) != 0 && errno != ENOENT) {
            g_warning("Cannot delete %s: %s", absolute, g_strerror(errno));
            continue;
        }
        g_hash_table_remove(tree->overlays, path);
    }
    return hvd_checkpoint_tree_save(tree, error);
}

GPtrArray *
hvd_checkpoint_disks(HvxVmDef *def, GPtrArray **ret_nodes)
{
    GPtrArray *drives = g_ptr_array_new();
    GPtrArray *nodes = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; i < def->controllers->len; i++) {
        HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);

            if (drive->type == HVX_DRIVE_DVD || drive->path == NULL)
                continue;
            g_ptr_array_add(drives, drive);
            /* The argv builder's names (hvd-qemu-argv.c). */
            g_ptr_array_add(nodes,
                            g_strdup_printf("%s%u-%u",
                                            controller->type == HVX_CONTROLLER_IDE ? "ide" : "scsi",
                                            controller->number, drive->location));
        }
    }
    if (ret_nodes != NULL)
        *ret_nodes = nodes;
    else
        g_ptr_array_unref(nodes);
    return drives;
}

char *
hvd_checkpoint_new_overlay_path(const char *node)
{
    return g_strdup_printf(IMAGES_DIR "/%s-%08x.qcow2", node, g_random_int());
}

char *
hvd_checkpoint_default_name(const char *vm_name, gint64 created)
{
    g_autoptr(GDateTime) time = g_date_time_new_from_unix_local(created);
    g_autofree char *text = g_date_time_format(time, "%Y-%m-%d %H:%M:%S");

    /* Translators: a checkpoint's default name, like Hyper-V's: the VM's name, then the date
     * and time it was taken, e.g. "Test VM - (2026-11-22 05:10:00)". */
    return g_strdup_printf(_("%s - (%s)"), vm_name, text);
}
