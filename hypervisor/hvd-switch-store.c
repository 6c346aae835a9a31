/* hvd-switch-store.c: the switch definitions berthd keeps, one file per switch
 * (STATE/switches/<uuid>.xml).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-switch-store.h"
#include "hvd-vm-store.h"

struct _HvdSwitchStore {
    GObject parent_instance;

    char *dir;
    GHashTable *switches; /* uuid → HvxSwitchDef */
};

G_DEFINE_FINAL_TYPE(HvdSwitchStore, hvd_switch_store, G_TYPE_OBJECT)

static void
hvd_switch_store_finalize(GObject *object)
{
    HvdSwitchStore *self = HVD_SWITCH_STORE(object);

    g_clear_pointer(&self->switches, g_hash_table_unref);
    g_free(self->dir);
    G_OBJECT_CLASS(hvd_switch_store_parent_class)->finalize(object);
}

static void
hvd_switch_store_class_init(HvdSwitchStoreClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = hvd_switch_store_finalize;
}

static void
hvd_switch_store_init(HvdSwitchStore *self)
{
    self->switches =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)hvx_switch_def_free);
}

HvdSwitchStore *
hvd_switch_store_new(const char *state_dir)
{
    HvdSwitchStore *self;

    g_return_val_if_fail(state_dir != NULL, NULL);

    self = g_object_new(HVD_TYPE_SWITCH_STORE, NULL);
    self->dir = g_build_filename(state_dir, "switches", NULL);
    return self;
}

static gboolean
names_equal(const char *a, const char *b)
{
    g_autofree char *fa = g_utf8_casefold(a, -1);
    g_autofree char *fb = g_utf8_casefold(b, -1);

    return g_str_equal(fa, fb);
}

/* The switch other than @uuid called @name, else NULL. */
static const HvxSwitchDef *
find_by_name(HvdSwitchStore *self, const char *name, const char *uuid)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, self->switches);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        const HvxSwitchDef *def = value;

        if (g_strcmp0(def->uuid, uuid) != 0 && names_equal(def->name, name))
            return def;
    }
    return NULL;
}

static void
load_one(HvdSwitchStore *self, const char *file_name)
{
    g_autofree char *path = g_build_filename(self->dir, file_name, NULL);
    g_autofree char *stem = g_strndup(file_name, strlen(file_name) - strlen(".xml"));
    g_autofree char *file_uuid = hvd_uuid_normalize(stem);
    g_autoptr(GPtrArray) diagnostics = NULL;
    g_autoptr(HvxDefinition) definition = NULL;
    g_autoptr(GError) error = NULL;
    HvxSwitchDef *def;

    if (file_uuid == NULL || !g_str_equal(file_uuid, stem))
        return; /* a temporary file of an interrupted write, or not ours */
    definition = hvx_definition_parse_file(path, HVX_DEFINITION_KIND_SWITCH, &diagnostics, &error);
    if (definition == NULL) {
        g_warning(_("Skipping the switch in %s: its definition is invalid:"), path);
        if (diagnostics != NULL && diagnostics->len > 0) {
            for (guint i = 0; i < diagnostics->len; i++) {
                g_autofree char *line = hvx_diagnostic_to_string(g_ptr_array_index(diagnostics, i));
                g_warning("%s", line);
            }
        } else {
            g_warning("%s", error->message);
        }
        return;
    }
    def = definition->sw;
    if (def->uuid == NULL) {
        def->uuid = g_strdup(file_uuid);
    } else {
        g_autofree char *uuid = hvd_uuid_normalize(def->uuid);

        if (g_strcmp0(uuid, file_uuid) != 0) {
            g_warning(_("Skipping %s: its UUID %s does not match its file name"), path, def->uuid);
            return;
        }
        g_free(def->uuid);
        def->uuid = g_steal_pointer(&uuid);
    }
    if (find_by_name(self, def->name, def->uuid) != NULL) {
        g_warning(_("Skipping %s: another switch is already called “%s”"), path, def->name);
        return;
    }
    definition->sw = NULL;
    g_hash_table_replace(self->switches, def->uuid, def);
}

gboolean
hvd_switch_store_load(HvdSwitchStore *self, gboolean *ret_first_start, GError **error)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GError) local_error = NULL;
    const char *name;
    gboolean first = !g_file_test(self->dir, G_FILE_TEST_IS_DIR);

    g_return_val_if_fail(HVD_IS_SWITCH_STORE(self), FALSE);

    if (g_mkdir_with_parents(self->dir, 0700) != 0) {
        int saved_errno = errno;

        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot create %s: %s"), self->dir,
                    g_strerror(saved_errno));
        return FALSE;
    }
    dir = g_dir_open(self->dir, 0, &local_error);
    if (dir == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot read %s: %s"), self->dir,
                    local_error->message);
        return FALSE;
    }
    while ((name = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(name, ".xml"))
            load_one(self, name);
    }
    if (ret_first_start != NULL)
        *ret_first_start = first;
    return TRUE;
}

static int
compare_by_name(gconstpointer a, gconstpointer b, gpointer user_data)
{
    HvdSwitchStore *self = user_data;
    const HvxSwitchDef *da = g_hash_table_lookup(self->switches, *(const char *const *)a);
    const HvxSwitchDef *db = g_hash_table_lookup(self->switches, *(const char *const *)b);

    return g_utf8_collate(da->name, db->name);
}

GPtrArray *
hvd_switch_store_list(HvdSwitchStore *self)
{
    GPtrArray *uuids = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key;

    g_return_val_if_fail(HVD_IS_SWITCH_STORE(self), NULL);

    g_hash_table_iter_init(&iter, self->switches);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(uuids, key);
    g_ptr_array_sort_with_data(uuids, compare_by_name, self);
    return uuids;
}

GPtrArray *
hvd_switch_store_get_definitions(HvdSwitchStore *self)
{
    g_autoptr(GPtrArray) uuids = hvd_switch_store_list(self);
    GPtrArray *defs = g_ptr_array_new();

    for (guint i = 0; i < uuids->len; i++)
        g_ptr_array_add(defs, g_hash_table_lookup(self->switches, uuids->pdata[i]));
    return defs;
}

const HvxSwitchDef *
hvd_switch_store_lookup(HvdSwitchStore *self, const char *uuid)
{
    g_return_val_if_fail(HVD_IS_SWITCH_STORE(self), NULL);
    return uuid != NULL ? g_hash_table_lookup(self->switches, uuid) : NULL;
}

const char *
hvd_switch_store_find(HvdSwitchStore *self, const char *name_or_uuid, GError **error)
{
    g_autofree char *uuid = NULL;
    const HvxSwitchDef *def;

    g_return_val_if_fail(HVD_IS_SWITCH_STORE(self), NULL);
    g_return_val_if_fail(name_or_uuid != NULL, NULL);

    def = find_by_name(self, name_or_uuid, NULL);
    if (def == NULL) {
        uuid = hvd_uuid_normalize(name_or_uuid);
        def = uuid != NULL ? g_hash_table_lookup(self->switches, uuid) : NULL;
    }
    if (def == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("No virtual switch “%s”"),
                    name_or_uuid);
        return NULL;
    }
    return def->uuid;
}

HvxSwitchDef *
hvd_switch_store_prepare(HvdSwitchStore *self, const char *xml, GError **error)
{
    g_autoptr(HvxSwitchDef) def = NULL;
    g_autoptr(GError) parse_error = NULL;
    const HvxSwitchDef *other;

    g_return_val_if_fail(HVD_IS_SWITCH_STORE(self), NULL);
    g_return_val_if_fail(xml != NULL, NULL);

    def = hvx_switch_def_parse_string(xml, -1, HVD_SWITCH_STORE_DEFINITION_NAME, &parse_error);
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
    hvx_switch_def_ensure_uuid(def);
    other = find_by_name(self, def->name, def->uuid);
    if (other != NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION,
                    _("%s:%u: another virtual switch is already called “%s”"),
                    HVD_SWITCH_STORE_DEFINITION_NAME, def->name_line, other->name);
        return NULL;
    }
    return g_steal_pointer(&def);
}

gboolean
hvd_switch_store_save(HvdSwitchStore *self, HvxSwitchDef *def, GError **error)
{
    g_autoptr(HvxSwitchDef) owned = def;
    g_autofree char *file = NULL;
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(GError) local_error = NULL;

    g_return_val_if_fail(HVD_IS_SWITCH_STORE(self), FALSE);
    g_return_val_if_fail(def != NULL && def->uuid != NULL, FALSE);

    file = g_strconcat(def->uuid, ".xml", NULL);
    path = g_build_filename(self->dir, file, NULL);
    xml = hvx_switch_def_format(def);
    if (!g_file_set_contents_full(path, xml, -1,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, &local_error)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot write %s: %s"), path,
                    local_error->message);
        return FALSE;
    }
    g_hash_table_remove(self->switches, def->uuid);
    g_hash_table_replace(self->switches, def->uuid, g_steal_pointer(&owned));
    return TRUE;
}

gboolean
hvd_switch_store_delete(HvdSwitchStore *self, const char *uuid, GError **error)
{
    g_autofree char *file = NULL;
    g_autofree char *path = NULL;

    g_return_val_if_fail(HVD_IS_SWITCH_STORE(self), FALSE);

    if (!g_hash_table_contains(self->switches, uuid)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("No virtual switch “%s”"), uuid);
        return FALSE;
    }
    file = g_strconcat(uuid, ".xml", NULL);
    path = g_build_filename(self->dir, file, NULL);
    if (g_unlink(path) != 0 && errno != ENOENT) {
        int saved_errno = errno;

        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot remove %s: %s"), path,
                    g_strerror(saved_errno));
        return FALSE;
    }
    g_hash_table_remove(self->switches, uuid);
    return TRUE;
}

char *
hvd_switch_store_format(HvdSwitchStore *self, const char *uuid)
{
    const HvxSwitchDef *def = hvd_switch_store_lookup(self, uuid);

    return def != NULL ? hvx_switch_def_format(def) : NULL;
}
