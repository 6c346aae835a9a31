/* mgr-checkpoint.c: checkpoint items and the tree built from ListCheckpoints.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-checkpoint.h"

struct _MgrCheckpoint {
    GObject parent_instance;

    char *id; /* NULL for "Now" */
    char *name;
    gint64 created;
    gboolean current;
    GListStore *children;
};

G_DEFINE_FINAL_TYPE(MgrCheckpoint, mgr_checkpoint, G_TYPE_OBJECT)

static void
mgr_checkpoint_finalize(GObject *object)
{
    MgrCheckpoint *self = MGR_CHECKPOINT(object);

    g_free(self->id);
    g_free(self->name);
    g_clear_object(&self->children);
    G_OBJECT_CLASS(mgr_checkpoint_parent_class)->finalize(object);
}

static void
mgr_checkpoint_class_init(MgrCheckpointClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = mgr_checkpoint_finalize;
}

static void
mgr_checkpoint_init(MgrCheckpoint *self)
{
    self->children = g_list_store_new(MGR_TYPE_CHECKPOINT);
}

MgrCheckpoint *
mgr_checkpoint_new(const char *id, const char *name, gint64 created, gboolean current)
{
    MgrCheckpoint *self = g_object_new(MGR_TYPE_CHECKPOINT, NULL);

    self->id = g_strdup(id);
    self->name = g_strdup(name);
    self->created = created;
    self->current = current;
    return self;
}

MgrCheckpoint *
mgr_checkpoint_new_now(void)
{
    /* Translators: the entry under the current checkpoint: the VM as it is now (Hyper-V). */
    return mgr_checkpoint_new(NULL, _("Now"), 0, FALSE);
}

const char *
mgr_checkpoint_get_id(MgrCheckpoint *self)
{
    g_return_val_if_fail(MGR_IS_CHECKPOINT(self), NULL);
    return self->id;
}

const char *
mgr_checkpoint_get_name(MgrCheckpoint *self)
{
    g_return_val_if_fail(MGR_IS_CHECKPOINT(self), NULL);
    return self->name;
}

gint64
mgr_checkpoint_get_created(MgrCheckpoint *self)
{
    g_return_val_if_fail(MGR_IS_CHECKPOINT(self), 0);
    return self->created;
}

gboolean
mgr_checkpoint_get_current(MgrCheckpoint *self)
{
    g_return_val_if_fail(MGR_IS_CHECKPOINT(self), FALSE);
    return self->current;
}

gboolean
mgr_checkpoint_is_now(MgrCheckpoint *self)
{
    g_return_val_if_fail(MGR_IS_CHECKPOINT(self), FALSE);
    return self->id == NULL;
}

GListStore *
mgr_checkpoint_get_children(MgrCheckpoint *self)
{
    g_return_val_if_fail(MGR_IS_CHECKPOINT(self), NULL);
    return self->children;
}

GListStore *
mgr_checkpoint_build_tree(GVariant *checkpoints)
{
    GListStore *roots = g_list_store_new(MGR_TYPE_CHECKPOINT);
    g_autoptr(GHashTable) by_id =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_object_unref);
    g_autoptr(MgrCheckpoint) now = mgr_checkpoint_new_now();
    MgrCheckpoint *current = NULL;
    GVariantIter iter;
    const char *id, *name, *parent;
    gint64 created;
    gboolean is_current;

    g_return_val_if_fail(g_variant_is_of_type(checkpoints, G_VARIANT_TYPE("a(sssxb)")), roots);

    g_variant_iter_init(&iter, checkpoints);
    while (g_variant_iter_next(&iter, "(&s&s&sxb)", &id, &name, &parent, &created, &is_current)) {
        MgrCheckpoint *checkpoint = mgr_checkpoint_new(id, name, created, is_current);
        MgrCheckpoint *up = *parent != '\0' ? g_hash_table_lookup(by_id, parent) : NULL;

        /* Tree order puts parents first; an unknown parent makes a root. */
        g_list_store_append(up != NULL ? up->children : roots, checkpoint);
        g_hash_table_insert(by_id, checkpoint->id, checkpoint);
        if (is_current)
            current = checkpoint;
    }
    g_list_store_append(current != NULL ? current->children : roots, now);
    return roots;
}
