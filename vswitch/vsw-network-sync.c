/* vsw-network-sync.c: bringing the kernel in line with the defined switches at berthd's start,
 * after a restart or a crash.
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

static gboolean
bridge_wanted(GPtrArray *defs, const char *bridge)
{
    for (guint i = 0; defs && i < defs->len; i++) {
        const HvxSwitchDef *def = g_ptr_array_index(defs, i);
        g_autofree char *b = def->uuid ? hvx_bridge_name(def->uuid) : NULL;

        if (g_strcmp0(b, bridge) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Files named PREFIX + bsw… + SUFFIX in @dir whose bridge is not wanted. */
static GPtrArray *
stale_files(const char *dir, const char *prefix, const char *suffix, GPtrArray *defs)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *bridge = NULL;

        if (!g_str_has_prefix(name, prefix) || !g_str_has_suffix(name, suffix))
            continue;
        bridge = g_strndup(name + strlen(prefix), strlen(name) - strlen(prefix) - strlen(suffix));
        if (g_str_has_prefix(bridge, "bsw") && !bridge_wanted(defs, bridge))
            g_ptr_array_add(paths, g_build_filename(dir, name, NULL));
    }
    return paths;
}

/* sync's steps, each over a list, one item at a time. */
typedef struct {
    GPtrArray *defs;      /* of HvxSwitchDef (copies) */
    GPtrArray *forget;    /* uuids of switches we know that are no longer wanted */
    GPtrArray *pid_files; /* of dnsmasq processes an earlier berthd left */
    guint next;
} SyncData;

static void
sync_data_free(SyncData *data)
{
    g_ptr_array_unref(data->defs);
    g_clear_pointer(&data->forget, g_ptr_array_unref);
    g_clear_pointer(&data->pid_files, g_ptr_array_unref);
    g_free(data);
}

/* Takes @task: rules of switches that are gone and of taps that are gone. */
static void
sync_rules(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);
    g_auto(GStrv) tags = NULL;
    GError *error = NULL;

    tags = vsw_nft_list_tags(self->nft, &error);
    if (!tags) {
        vsw_network_op_return(task, error);
        return;
    }
    for (guint i = 0; tags[i]; i++) {
        gboolean stale = FALSE;

        if (g_str_has_prefix(tags[i], "berth:sw:"))
            stale = !bridge_wanted(data->defs, tags[i] + strlen("berth:sw:"));
        else if (g_str_has_prefix(tags[i], "berth:port:"))
            stale = !vsw_network_link_exists(self, tags[i] + strlen("berth:port:"), NULL);
        else
            stale = TRUE;
        if (stale) {
            g_autoptr(GError) local_error = NULL;

            g_hash_table_remove(self->ports, tags[i] + strlen("berth:port:"));
            if (!vsw_nft_remove(self->nft, tags[i], &local_error))
                g_warning("%s", local_error->message);
        }
    }
    vsw_network_op_return(task, NULL);
}

static void sync_apply_next(VswNetwork *self, GTask *task);

static void
sync_applied(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    VswNetwork *self = g_task_get_source_object(task);
    SyncData *data = g_task_get_task_data(task);
    const HvxSwitchDef *def = g_ptr_array_index(data->defs, data->next);
    g_autoptr(GError) error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error)) {
        Switch *sw = vsw_network_find_switch(self, def->uuid);

        g_warning("Cannot set up the switch “%s”: %s", def->name, error->message);
        if (!sw) {
            sw = g_new0(Switch, 1);
            sw->def = vsw_network_def_copy(def);
            sw->bridge = hvx_bridge_name(def->uuid);
            g_hash_table_replace(self->switches, g_strdup(def->uuid), sw);
        }
        sw->up = FALSE;
        g_free(sw->status);
        sw->status = g_strdup(error->message);
    }
    data->next++;
    sync_apply_next(self, task);
}

/* Takes @task: the wanted switches, each on its own: one that fails does not stop the others. */
static void
sync_apply_next(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);

    while (data->next < data->defs->len &&
           ((HvxSwitchDef *)g_ptr_array_index(data->defs, data->next))->uuid == NULL)
        data->next++;
    if (data->next == data->defs->len) {
        sync_rules(self, task);
        return;
    }
    vsw_network_apply_unqueued(self, g_ptr_array_index(data->defs, data->next), sync_applied, task);
}

static void sync_end_dnsmasq_next(VswNetwork *self, GTask *task);

static void
sync_dnsmasq_ended(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    SyncData *data = g_task_get_task_data(task);

    vsw_dnsmasq_kill_stale_finish(result, NULL);
    data->next++;
    sync_end_dnsmasq_next(g_task_get_source_object(task), task);
}

/* Takes @task: dnsmasq processes of switches that are gone. */
static void
sync_end_dnsmasq_next(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);

    if (data->next == data->pid_files->len) {
        data->next = 0;
        sync_apply_next(self, task);
        return;
    }
    vsw_dnsmasq_kill_stale_async(g_ptr_array_index(data->pid_files, data->next), NULL,
                                 sync_dnsmasq_ended, task);
}

/* Takes @task: what an earlier berthd left: shared adapters first (their bridge must still exist
 * to take the addresses off), then bridges, dnsmasq processes and rules. */
static void
sync_leftovers(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);
    g_autoptr(GPtrArray) records = stale_files(self->state_dir, "shared-", ".ini", data->defs);
    g_autoptr(GArray) links = NULL;
    GError *error = NULL;

    for (guint i = 0; i < records->len; i++) {
        g_autoptr(GError) local_error = NULL;

        g_message("Giving a shared adapter back its addresses (%s)",
                  (char *)g_ptr_array_index(records, i));
        if (!vsw_share_restore(self->platform, g_ptr_array_index(records, i), &local_error))
            g_warning("%s", local_error->message);
    }
    links = vsw_platform_list_links(self->platform, &error);
    if (!links) {
        vsw_network_op_return(task, error);
        return;
    }
    for (guint i = 0; i < links->len; i++) {
        const VswLink *link = &g_array_index(links, VswLink, i);
        g_autoptr(GError) local_error = NULL;

        if (link->kind != VSW_LINK_KIND_BRIDGE || !g_str_has_prefix(link->name, "bsw") ||
            bridge_wanted(data->defs, link->name))
            continue;
        g_message("Removing the bridge %s left by an earlier berthd", link->name);
        if (!vsw_platform_link_delete(self->platform, link->name, &local_error))
            g_warning("%s", local_error->message);
    }
    data->pid_files = stale_files(self->runtime_dir, "dnsmasq-", ".pid", data->defs);
    data->next = 0;
    sync_end_dnsmasq_next(self, task);
}

static void sync_forget_next(VswNetwork *self, GTask *task);

static void
sync_forgotten(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    SyncData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error))
        g_warning("%s", error->message);
    data->next++;
    sync_forget_next(g_task_get_source_object(task), task);
}

/* Takes @task: switches we know that are no longer wanted go first. */
static void
sync_forget_next(VswNetwork *self, GTask *task)
{
    SyncData *data = g_task_get_task_data(task);

    if (data->next == data->forget->len) {
        sync_leftovers(self, task);
        return;
    }
    vsw_network_remove_unqueued(self, g_ptr_array_index(data->forget, data->next), sync_forgotten,
                                task);
}

static void
sync_run(VswNetwork *self, GTask *op)
{
    SyncData *data = g_task_get_task_data(op);
    g_autoptr(GArray) links = NULL;
    GError *error = NULL;
    GHashTableIter iter;
    const char *uuid;

    links = vsw_platform_list_links(self->platform, &error);
    if (!links || !vsw_nft_ensure(self->nft, &error)) {
        vsw_network_op_return(op, error);
        return;
    }
    data->forget = g_ptr_array_new_with_free_func(g_free);
    g_hash_table_iter_init(&iter, self->switches);
    while (g_hash_table_iter_next(&iter, (gpointer *)&uuid, NULL)) {
        g_autofree char *bridge = hvx_bridge_name(uuid);

        if (!bridge_wanted(data->defs, bridge))
            g_ptr_array_add(data->forget, g_strdup(uuid));
    }
    data->next = 0;
    sync_forget_next(self, op);
}

void
vsw_network_sync_async(VswNetwork *self, GPtrArray *defs, GAsyncReadyCallback callback,
                       gpointer user_data)
{
    GTask *op;
    SyncData *data;

    g_return_if_fail(VSW_IS_NETWORK(self));

    op = g_task_new(self, NULL, callback, user_data);
    g_task_set_source_tag(op, vsw_network_sync_async);
    data = g_new0(SyncData, 1);
    data->defs = g_ptr_array_new_with_free_func((GDestroyNotify)hvx_switch_def_free);
    for (guint i = 0; defs && i < defs->len; i++)
        g_ptr_array_add(data->defs, vsw_network_def_copy(g_ptr_array_index(defs, i)));
    g_task_set_task_data(op, data, (GDestroyNotify)sync_data_free);
    vsw_network_op_queue(self, op, sync_run);
}

gboolean
vsw_network_sync_finish(VswNetwork *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
