/* hvd-vm-store.c: the VM definitions berthd keeps, one folder per VM (STATE/vms/<uuid>/vm.xml).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <stdlib.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-vm-store.h"

#define VM_FILE_NAME "vm.xml"

struct _HvdVmStore {
    GObject parent_instance;

    char *state_dir;
    char *vms_dir;
    GHashTable *vms;   /* uuid → HvxVmDef */
    GHashTable *names; /* casefolded name → uuid (owned by the def) */
};

G_DEFINE_FINAL_TYPE(HvdVmStore, hvd_vm_store, G_TYPE_OBJECT)

/* Files berthd makes in a VM's folder, removed with the VM (see DESIGN.md's state layout). */
static const char *const hvd_vm_store_own_files[] = {
    VM_FILE_NAME, "nvram.fd", "saved.state", "serial.log", "tpm", "checkpoints", NULL,
};

static void
hvd_vm_store_finalize(GObject *object)
{
    HvdVmStore *self = HVD_VM_STORE(object);

    g_clear_pointer(&self->names, g_hash_table_unref);
    g_clear_pointer(&self->vms, g_hash_table_unref);
    g_free(self->vms_dir);
    g_free(self->state_dir);
    G_OBJECT_CLASS(hvd_vm_store_parent_class)->finalize(object);
}

static void
hvd_vm_store_class_init(HvdVmStoreClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = hvd_vm_store_finalize;
}

static void
hvd_vm_store_init(HvdVmStore *self)
{
    self->vms =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)hvx_vm_def_free);
    self->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

HvdVmStore *
hvd_vm_store_new(const char *state_dir)
{
    HvdVmStore *self;

    g_return_val_if_fail(state_dir != NULL, NULL);

    self = g_object_new(HVD_TYPE_VM_STORE, NULL);
    self->state_dir = g_canonicalize_filename(state_dir, NULL);
    self->vms_dir = g_build_filename(self->state_dir, "vms", NULL);
    return self;
}

const char *
hvd_vm_store_get_state_dir(HvdVmStore *self)
{
    g_return_val_if_fail(HVD_IS_VM_STORE(self), NULL);
    return self->state_dir;
}

static char *
name_key(const char *name)
{
    g_autofree char *normalized = g_utf8_normalize(name, -1, G_NORMALIZE_DEFAULT);

    return g_utf8_casefold(normalized != NULL ? normalized : name, -1);
}

/* "1B4E28BA2FA111D2883F0016D3CCA427" or with dashes → canonical lower-case with dashes. */
char *
hvd_uuid_normalize(const char *text)
{
    g_autoptr(GString) hex = g_string_new(NULL);
    g_autofree char *dashed = NULL;

    for (const char *p = text; *p != '\0'; p++) {
        if (g_ascii_isxdigit(*p))
            g_string_append_c(hex, g_ascii_tolower(*p));
        else if (*p != '-')
            return NULL;
    }
    if (hex->len != 32)
        return NULL;
    dashed = g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", hex->str, hex->str + 8, hex->str + 12,
                             hex->str + 16, hex->str + 20);
    return g_uuid_string_is_valid(dashed) ? g_steal_pointer(&dashed) : NULL;
}

static void
hvd_vm_store_insert(HvdVmStore *self, HvxVmDef *def)
{
    g_hash_table_replace(self->vms, def->uuid, def);
    g_hash_table_replace(self->names, name_key(def->name), def->uuid);
}

/* Reads one vm.xml; FALSE (logged) when it is broken or conflicts with what is loaded. */
static gboolean
hvd_vm_store_load_one(HvdVmStore *self, const char *dir_name)
{
    g_autofree char *path = g_build_filename(self->vms_dir, dir_name, VM_FILE_NAME, NULL);
    g_autofree char *dir_uuid = hvd_uuid_normalize(dir_name);
    g_autoptr(GPtrArray) diagnostics = NULL;
    g_autoptr(HvxDefinition) definition = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *key = NULL;
    HvxVmDef *def;

    if (dir_uuid == NULL || !g_str_equal(dir_uuid, dir_name)) {
        g_debug("Ignoring %s/%s: not a VM folder", self->vms_dir, dir_name);
        return FALSE;
    }
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_debug("Ignoring %s/%s: no %s", self->vms_dir, dir_name, VM_FILE_NAME);
        return FALSE;
    }
    definition = hvx_definition_parse_file(path, HVX_DEFINITION_KIND_VM, &diagnostics, &error);
    if (definition == NULL) {
        g_warning(_("Skipping the VM in %s/%s: its definition is invalid:"), self->vms_dir,
                  dir_name);
        if (diagnostics != NULL && diagnostics->len > 0) {
            for (guint i = 0; i < diagnostics->len; i++) {
                g_autofree char *line = hvx_diagnostic_to_string(g_ptr_array_index(diagnostics, i));
                g_warning("%s", line);
            }
        } else {
            g_warning("%s", error->message);
        }
        return FALSE;
    }
    def = definition->vm;
    if (def->uuid == NULL) {
        def->uuid = g_strdup(dir_uuid);
    } else {
        g_autofree char *uuid = hvd_uuid_normalize(def->uuid);

        if (!g_str_equal(uuid, dir_uuid)) {
            g_warning(_("Skipping %s: its UUID %s does not match its folder"), path, def->uuid);
            return FALSE;
        }
        g_free(def->uuid);
        def->uuid = g_steal_pointer(&uuid);
    }
    key = name_key(def->name);
    if (g_hash_table_contains(self->names, key)) {
        g_warning(_("Skipping %s: another VM is already called “%s”"), path, def->name);
        return FALSE;
    }
    definition->vm = NULL;
    hvd_vm_store_insert(self, def);
    return TRUE;
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

gboolean
hvd_vm_store_load(HvdVmStore *self, GError **error)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    g_return_val_if_fail(HVD_IS_VM_STORE(self), FALSE);

    if (g_mkdir_with_parents(self->vms_dir, 0700) != 0) {
        int saved_errno = errno;

        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot create %s: %s"),
                    self->vms_dir, g_strerror(saved_errno));
        return FALSE;
    }
    dir = g_dir_open(self->vms_dir, 0, error);
    if (dir == NULL)
        return FALSE;
    while ((name = g_dir_read_name(dir)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    /* Sorted, so which of two VMs with one name wins does not depend on the file system. */
    g_ptr_array_sort(names, compare_strings);
    for (guint i = 0; i < names->len; i++)
        hvd_vm_store_load_one(self, g_ptr_array_index(names, i));
    g_info("Loaded %u VM definitions from %s", g_hash_table_size(self->vms), self->vms_dir);
    return TRUE;
}

GPtrArray *
hvd_vm_store_list(HvdVmStore *self)
{
    GPtrArray *uuids;
    GHashTableIter iter;
    gpointer key;

    g_return_val_if_fail(HVD_IS_VM_STORE(self), NULL);

    uuids = g_ptr_array_new_full(g_hash_table_size(self->vms), g_free);
    g_hash_table_iter_init(&iter, self->vms);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(uuids, g_strdup(key));
    g_ptr_array_sort(uuids, compare_strings);
    return uuids;
}

guint
hvd_vm_store_get_count(HvdVmStore *self)
{
    g_return_val_if_fail(HVD_IS_VM_STORE(self), 0);
    return g_hash_table_size(self->vms);
}

const HvxVmDef *
hvd_vm_store_lookup(HvdVmStore *self, const char *uuid)
{
    g_return_val_if_fail(HVD_IS_VM_STORE(self), NULL);
    g_return_val_if_fail(uuid != NULL, NULL);
    return g_hash_table_lookup(self->vms, uuid);
}

HvxVmDef *
hvd_vm_store_dup_definition(HvdVmStore *self, const char *uuid, GError **error)
{
    const HvxVmDef *def;

    g_return_val_if_fail(HVD_IS_VM_STORE(self), NULL);

    def = hvd_vm_store_lookup(self, uuid);
    if (def == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("No virtual machine “%s”"), uuid);
        return NULL;
    }
    return hvx_vm_def_copy(def);
}

const char *
hvd_vm_store_find(HvdVmStore *self, const char *name_or_uuid, GError **error)
{
    g_autofree char *uuid = NULL;
    g_autofree char *key = NULL;
    const char *found;

    g_return_val_if_fail(HVD_IS_VM_STORE(self), NULL);
    g_return_val_if_fail(name_or_uuid != NULL, NULL);

    uuid = hvd_uuid_normalize(name_or_uuid);
    if (uuid != NULL) {
        HvxVmDef *def = g_hash_table_lookup(self->vms, uuid);

        if (def != NULL)
            return def->uuid;
    }
    key = name_key(name_or_uuid);
    found = g_hash_table_lookup(self->names, key);
    if (found == NULL)
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                    _("No virtual machine is called “%s”"), name_or_uuid);
    return found;
}

char *
hvd_vm_store_get_vm_dir(HvdVmStore *self, const char *uuid)
{
    g_return_val_if_fail(HVD_IS_VM_STORE(self), NULL);
    return g_build_filename(self->vms_dir, uuid, NULL);
}

gboolean
hvd_vm_store_path_is_inside(const char *vm_dir, const char *path)
{
    g_autofree char *resolved = g_canonicalize_filename(path, vm_dir);
    g_autofree char *prefix = g_strconcat(vm_dir, G_DIR_SEPARATOR_S, NULL);

    return g_str_has_prefix(resolved, prefix);
}

/* TRUE when @path has a ".." component. */
static gboolean
path_has_dot_dot(const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, G_DIR_SEPARATOR_S, -1);

    for (guint i = 0; parts[i] != NULL; i++) {
        if (g_str_equal(parts[i], ".."))
            return TRUE;
    }
    return FALSE;
}

static void
check_path(GString *problems, const char *vm_dir, const char *path, guint line)
{
    if (path == NULL || !path_has_dot_dot(path) || hvd_vm_store_path_is_inside(vm_dir, path))
        return;
    if (problems->len > 0)
        g_string_append_c(problems, '\n');
    g_string_append_printf(problems, "%s:%u: ", VM_FILE_NAME, line);
    g_string_append_printf(problems, _("the path “%s” leads out of the VM's folder"), path);
}

/* Relative paths are the VM folder's; ".." must not lead out of it. */
static gboolean
check_paths(const HvxVmDef *def, const char *vm_dir, GError **error)
{
    g_autoptr(GString) problems = g_string_new(NULL);

    for (guint i = 0; i < def->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);

            check_path(problems, vm_dir, drive->path, drive->line);
        }
    }
    check_path(problems, vm_dir, def->floppy_path, def->floppy_line);
    if (problems->len == 0)
        return TRUE;
    g_set_error_literal(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION, problems->str);
    return FALSE;
}

static gboolean
check_name_free(HvdVmStore *self, const char *name, const char *uuid, GError **error)
{
    g_autofree char *key = name_key(name);
    const char *owner = g_hash_table_lookup(self->names, key);

    if (owner == NULL || g_str_equal(owner, uuid))
        return TRUE;
    g_set_error(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION,
                _("Another virtual machine is already called “%s”"),
                ((HvxVmDef *)g_hash_table_lookup(self->vms, owner))->name);
    return FALSE;
}

static gboolean
write_definition(HvdVmStore *self, const HvxVmDef *def, GError **error)
{
    g_autofree char *vm_dir = hvd_vm_store_get_vm_dir(self, def->uuid);
    g_autofree char *path = g_build_filename(vm_dir, VM_FILE_NAME, NULL);
    g_autofree char *xml = hvx_vm_def_format(def);
    g_autoptr(GError) local_error = NULL;

    if (g_mkdir_with_parents(vm_dir, 0700) != 0) {
        int saved_errno = errno;

        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot create %s: %s"), vm_dir,
                    g_strerror(saved_errno));
        return FALSE;
    }
    if (!g_file_set_contents_full(path, xml, -1,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, &local_error)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot write %s: %s"), path,
                    local_error->message);
        return FALSE;
    }
    return TRUE;
}

const char *
hvd_vm_store_define(HvdVmStore *self, const char *xml, gboolean *ret_created, GError **error)
{
    g_autoptr(HvxVmDef) def = NULL;
    g_autoptr(GError) parse_error = NULL;
    g_autofree char *vm_dir = NULL;
    HvxVmDef *old;
    gboolean created;

    g_return_val_if_fail(HVD_IS_VM_STORE(self), NULL);
    g_return_val_if_fail(xml != NULL, NULL);

    def = hvx_vm_def_parse_string(xml, -1, VM_FILE_NAME, &parse_error);
    if (def == NULL) {
        g_set_error_literal(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION,
                            parse_error->message);
        return NULL;
    }
    if (def->uuid != NULL) {
        g_autofree char *uuid = hvd_uuid_normalize(def->uuid);

        g_assert(uuid != NULL); /* the schema checked the pattern */
        g_free(def->uuid);
        def->uuid = g_steal_pointer(&uuid);
    }
    hvx_vm_def_ensure_uuid(def);
    if (!check_name_free(self, def->name, def->uuid, error))
        return NULL;
    vm_dir = hvd_vm_store_get_vm_dir(self, def->uuid);
    if (!check_paths(def, vm_dir, error))
        return NULL;

    old = g_hash_table_lookup(self->vms, def->uuid);
    created = old == NULL;
    if (!write_definition(self, def, error)) {
        if (created)
            g_rmdir(vm_dir);
        return NULL;
    }
    if (old != NULL) {
        g_autofree char *old_key = name_key(old->name);

        g_hash_table_remove(self->names, old_key);
        g_hash_table_remove(self->vms, old->uuid);
    }
    if (ret_created != NULL)
        *ret_created = created;
    hvd_vm_store_insert(self, def);
    g_info("%s VM %s (%s)", created ? "Created" : "Updated", def->uuid, def->name);
    return g_steal_pointer(&def)->uuid;
}

gboolean
hvd_vm_store_rename(HvdVmStore *self, const char *uuid, const char *name, GError **error)
{
    HvxVmDef *def;
    g_autofree char *reason = NULL;
    g_autofree char *old_name = NULL;
    g_autofree char *old_key = NULL;

    g_return_val_if_fail(HVD_IS_VM_STORE(self), FALSE);
    g_return_val_if_fail(name != NULL, FALSE);

    def = g_hash_table_lookup(self->vms, uuid);
    if (def == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("No virtual machine “%s”"), uuid);
        return FALSE;
    }
    if (!hvx_name_is_valid(name, &reason)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION, _("Invalid name “%s”: %s"),
                    name, reason);
        return FALSE;
    }
    if (!check_name_free(self, name, uuid, error))
        return FALSE;

    old_name = g_steal_pointer(&def->name);
    def->name = g_strdup(name);
    if (!write_definition(self, def, error)) {
        g_free(def->name);
        def->name = g_steal_pointer(&old_name);
        return FALSE;
    }
    old_key = name_key(old_name);
    g_hash_table_remove(self->names, old_key);
    g_hash_table_replace(self->names, name_key(def->name), def->uuid);
    g_info("Renamed VM %s from “%s” to “%s”", uuid, old_name, name);
    return TRUE;
}

/* Deletes @file and, if it is a directory, what it holds; never follows symbolic links. */
static gboolean
delete_recursively(GFile *file, GError **error)
{
    g_autoptr(GError) local_error = NULL;
    GFileType type = g_file_query_file_type(file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL);

    if (type == G_FILE_TYPE_UNKNOWN)
        return TRUE; /* absent */
    if (type == G_FILE_TYPE_DIRECTORY) {
        g_autoptr(GFileEnumerator) children = g_file_enumerate_children(
            file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, error);

        if (children == NULL)
            return FALSE;
        while (TRUE) {
            GFile *child = NULL;

            if (!g_file_enumerator_iterate(children, NULL, &child, NULL, error))
                return FALSE;
            if (child == NULL)
                break;
            if (!delete_recursively(child, error))
                return FALSE;
        }
    }
    if (!g_file_delete(file, NULL, &local_error) &&
        !g_error_matches(local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
        g_propagate_error(error, g_steal_pointer(&local_error));
        return FALSE;
    }
    return TRUE;
}

/* The real (symlink-free) directory of @path resolved in @vm_dir is inside @vm_dir. */
static gboolean
disk_is_inside(const char *vm_dir, const char *path)
{
    g_autofree char *resolved = g_canonicalize_filename(path, vm_dir);
    g_autofree char *parent = g_path_get_dirname(resolved);
    g_autofree char *real_parent = realpath(parent, NULL);
    g_autofree char *real_vm_dir = realpath(vm_dir, NULL);
    g_autofree char *prefix = NULL;

    if (real_parent == NULL || real_vm_dir == NULL)
        return FALSE;
    if (g_str_equal(real_parent, real_vm_dir))
        return TRUE;
    prefix = g_strconcat(real_vm_dir, G_DIR_SEPARATOR_S, NULL);
    return g_str_has_prefix(real_parent, prefix);
}

/* Removes the folders between @path and @vm_dir that are now empty (e.g. "disks/"). */
static void
remove_empty_parents(const char *vm_dir, const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    while (hvd_vm_store_path_is_inside(vm_dir, dir) && g_rmdir(dir) == 0) {
        char *parent = g_path_get_dirname(dir);

        g_free(dir);
        dir = parent;
    }
}

static gboolean
delete_disks(const HvxVmDef *def, const char *vm_dir, GError **error)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);
            g_autofree char *path = NULL;

            if (drive->type != HVX_DRIVE_DISK || drive->path == NULL)
                continue;
            if (!disk_is_inside(vm_dir, drive->path)) {
                g_info("Keeping %s: it is outside the VM's folder", drive->path);
                continue;
            }
            path = g_canonicalize_filename(drive->path, vm_dir);
            if (g_unlink(path) != 0 && errno != ENOENT) {
                int saved_errno = errno;

                g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot delete %s: %s"), path,
                            g_strerror(saved_errno));
                return FALSE;
            }
            remove_empty_parents(vm_dir, path);
        }
    }
    return TRUE;
}

gboolean
hvd_vm_store_delete(HvdVmStore *self, const char *uuid, gboolean with_disks, GError **error)
{
    HvxVmDef *def;
    g_autofree char *vm_dir = NULL;
    g_autofree char *key = NULL;

    g_return_val_if_fail(HVD_IS_VM_STORE(self), FALSE);

    def = g_hash_table_lookup(self->vms, uuid);
    if (def == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("No virtual machine “%s”"), uuid);
        return FALSE;
    }
    vm_dir = hvd_vm_store_get_vm_dir(self, def->uuid);
    if (with_disks && !delete_disks(def, vm_dir, error))
        return FALSE;

    /* The definition first: once it is gone the VM is gone, even if a later file stays. */
    for (guint i = 0; hvd_vm_store_own_files[i] != NULL; i++) {
        g_autofree char *path = g_build_filename(vm_dir, hvd_vm_store_own_files[i], NULL);
        g_autoptr(GFile) file = g_file_new_for_path(path);
        g_autoptr(GError) local_error = NULL;

        if (!delete_recursively(file, &local_error)) {
            if (i == 0) {
                g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot delete %s: %s"), path,
                            local_error->message);
                return FALSE;
            }
            g_warning("Cannot delete %s: %s", path, local_error->message);
        }
    }
    /* Kept disks (or the user's files) keep the folder; otherwise it goes. */
    g_rmdir(vm_dir);

    g_info("Deleted VM %s (%s)%s", def->uuid, def->name, with_disks ? " with its disks" : "");
    key = name_key(def->name);
    g_hash_table_remove(self->names, key);
    g_hash_table_remove(self->vms, uuid);
    return TRUE;
}
