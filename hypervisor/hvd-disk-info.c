/* hvd-disk-info.c: what a disk is (format, type, sizes, parent chain): qemu-img info, then the
 * disk headers read in worker threads; and InspectDisk's a{sv}.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "hvd-disk-file.h"
#include "hvd-disk-probe.h"
#include "hvd-disk.h"
#include "hvd-error.h"
#include "hvd-qemu-img.h"

G_DEFINE_BOXED_TYPE(HvdDiskInfo, hvd_disk_info, hvd_disk_info_copy, hvd_disk_info_free)

HvdDiskInfo *
hvd_disk_info_copy(const HvdDiskInfo *info)
{
    HvdDiskInfo *copy;

    g_return_val_if_fail(info != NULL, NULL);

    copy = g_new0(HvdDiskInfo, 1);
    *copy = *info;
    copy->path = g_strdup(info->path);
    copy->parent = g_strdup(info->parent);
    copy->parent_info = info->parent_info != NULL ? hvd_disk_info_copy(info->parent_info) : NULL;
    return copy;
}

void
hvd_disk_info_free(HvdDiskInfo *info)
{
    while (info != NULL) {
        HvdDiskInfo *next = info->parent_info;

        g_free(info->path);
        g_free(info->parent);
        g_free(info);
        info = next;
    }
}

GVariant *
hvd_disk_info_to_variant(const HvdDiskInfo *info)
{
    GVariantBuilder builder;

    g_return_val_if_fail(info != NULL, NULL);

    g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&builder, "{sv}", "format",
                          g_variant_new_string(hvd_disk_format_to_string(info->format)));
    g_variant_builder_add(&builder, "{sv}", "type",
                          g_variant_new_string(hvd_disk_type_to_string(info->type)));
    g_variant_builder_add(&builder, "{sv}", "fixed",
                          g_variant_new_boolean(info->type == HVD_DISK_TYPE_FIXED));
    g_variant_builder_add(&builder, "{sv}", "virtual-size",
                          g_variant_new_uint64(info->virtual_size));
    g_variant_builder_add(&builder, "{sv}", "file-size", g_variant_new_uint64(info->file_size));
    if (info->parent != NULL) {
        GVariantBuilder chain;

        g_variant_builder_add(&builder, "{sv}", "parent", g_variant_new_string(info->parent));
        g_variant_builder_init(&chain, G_VARIANT_TYPE_STRING_ARRAY);
        for (const HvdDiskInfo *p = info->parent_info; p != NULL; p = p->parent_info)
            g_variant_builder_add(&chain, "s", p->path);
        g_variant_builder_add(&builder, "{sv}", "parent-chain", g_variant_builder_end(&chain));
    }
    return g_variant_builder_end(&builder);
}

static guint64
member_uint(JsonObject *object, const char *name)
{
    gint64 value;

    if (!json_object_has_member(object, name))
        return 0;
    value = json_object_get_int_member(object, name);
    return value > 0 ? (guint64)value : 0;
}

static const char *
member_string(JsonObject *object, const char *name)
{
    JsonNode *node = json_object_get_member(object, name);

    if (node == NULL || JSON_NODE_HOLDS_VALUE(node) == FALSE ||
        json_node_get_value_type(node) != G_TYPE_STRING)
        return NULL;
    return json_node_get_string(node);
}

static HvdDiskInfo *
info_from_object(JsonObject *object, const char *path, GError **error)
{
    g_autoptr(HvdDiskInfo) info = g_new0(HvdDiskInfo, 1);
    const char *qemu_format = member_string(object, "format");
    const char *parent = member_string(object, "full-backing-filename");

    if (qemu_format == NULL || !hvd_disk_format_from_qemu(qemu_format, &info->format)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                    /* Translators: the second %s is a format name, e.g. "vmdk" */
                    _("“%s” is a %s disk image, which Berth does not use"), path,
                    qemu_format != NULL ? qemu_format : "?");
        return NULL;
    }
    if (parent == NULL)
        parent = member_string(object, "backing-filename");

    info->path = g_strdup(path);
    info->virtual_size = member_uint(object, "virtual-size");
    info->file_size = member_uint(object, "actual-size");
    info->parent = g_strdup(parent);
    if (info->parent != NULL)
        info->type = HVD_DISK_TYPE_DIFFERENCING;
    else if (info->file_size >= info->virtual_size && info->virtual_size > 0)
        info->type = HVD_DISK_TYPE_FIXED;
    else
        info->type = HVD_DISK_TYPE_DYNAMIC;
    return g_steal_pointer(&info);
}

HvdDiskInfo *
hvd_disk_info_from_json(const char *json, const char *path, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) local_error = NULL;
    g_autoptr(HvdDiskInfo) top = NULL;
    HvdDiskInfo **tail = &top;
    JsonNode *root;
    GList *elements = NULL;

    g_return_val_if_fail(json != NULL && path != NULL, NULL);

    if (!json_parser_load_from_data(parser, json, -1, &local_error)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("qemu-img failed on “%s”: %s"), path,
                    local_error->message);
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (root != NULL && JSON_NODE_HOLDS_ARRAY(root))
        elements = json_array_get_elements(json_node_get_array(root));
    else if (root != NULL && JSON_NODE_HOLDS_OBJECT(root))
        elements = g_list_append(NULL, root);

    for (GList *l = elements; l != NULL; l = l->next) {
        JsonObject *object = JSON_NODE_HOLDS_OBJECT(l->data) ? json_node_get_object(l->data) : NULL;
        const char *name = l == elements ? path : NULL;

        if (object == NULL)
            continue;
        if (name == NULL)
            name = member_string(object, "filename");
        *tail = info_from_object(object, name != NULL ? name : path, error);
        if (*tail == NULL) {
            g_list_free(elements);
            return NULL;
        }
        tail = &(*tail)->parent_info;
    }
    g_list_free(elements);

    if (top == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("qemu-img failed on “%s”: %s"), path,
                    _("no information returned"));
        return NULL;
    }
    return g_steal_pointer(&top);
}

/* A raw file can be anything; only names that say "disk" are taken for raw disks. */
static gboolean
raw_name_ok(const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *lower = g_ascii_strdown(base, -1);

    return strchr(lower, '.') == NULL || g_str_has_suffix(lower, ".img") ||
           g_str_has_suffix(lower, ".raw") || g_str_has_suffix(lower, ".bin") ||
           g_str_has_suffix(lower, ".iso");
}

/* The file reads around qemu-img info (is it a VHD? fixed or dynamic?) run in worker threads:
 * file I/O the main loop should not wait for. */
typedef struct {
    char *path;
    char *json;
} InspectData;

static void
inspect_data_free(InspectData *data)
{
    g_free(data->path);
    g_free(data->json);
    g_free(data);
}

static void
inspect_read_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    InspectData *data = task_data;
    g_autoptr(HvdDiskInfo) info = NULL;
    GError *error = NULL;

    info = hvd_disk_info_from_json(data->json, data->path, &error);
    if (info == NULL) {
        g_task_return_error(task, error);
        return;
    }
    if (info->format == HVD_DISK_FORMAT_RAW &&
        (!raw_name_ok(data->path) || info->virtual_size == 0)) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                _("“%s” is not a disk image"), data->path);
        return;
    }
    for (HvdDiskInfo *i = info; i != NULL; i = i->parent_info) {
        HvdDiskType type;

        if (i->type != HVD_DISK_TYPE_DIFFERENCING && hvd_disk_probe_type(i->path, i->format, &type))
            i->type = type;
    }
    g_task_return_pointer(task, g_steal_pointer(&info), (GDestroyNotify)hvd_disk_info_free);
}

static void
inspect_ran(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    InspectData *data = g_task_get_task_data(task);
    GError *error = NULL;

    data->json = hvd_qemu_img_run_finish(result, &error);
    if (data->json == NULL) {
        g_task_return_error(task, error);
        return;
    }
    g_task_run_in_thread(task, inspect_read_thread);
}

static void
inspect_probe_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    InspectData *data = g_task_get_task_data(G_TASK(task_data));
    GError *error = NULL;

    if (!hvd_disk_file_check_source(data->path, &error))
        g_task_return_error(task, error);
    else
        g_task_return_boolean(task, hvd_disk_probe_is_vhd(data->path));
}

static void
inspect_probed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    InspectData *data = g_task_get_task_data(task);
    GError *error = NULL;
    gboolean is_vhd = g_task_propagate_boolean(G_TASK(result), &error);

    if (error != NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    {
        /* -U: works while a VM has the disk open. */
        const char *args[] = {"info", "--output=json", "--backing-chain", "-U", data->path, NULL};
        /* A fixed VHD starts with raw data: qemu-img's probe would call it raw. */
        const char *vhd_args[] = {"info", "--output=json", "--backing-chain", "-U",
                                  "-f",   "vpc",           data->path,        NULL};

        hvd_qemu_img_run_async(is_vhd ? vhd_args : args, data->path, NULL, NULL, 0.0, 0.0,
                               g_task_get_cancellable(task), inspect_ran, task);
    }
}

void
hvd_disk_inspect_async(const char *path, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    g_autoptr(GTask) probe = NULL;
    InspectData *data = g_new0(InspectData, 1);

    g_return_if_fail(path != NULL);

    g_task_set_source_tag(task, hvd_disk_inspect_async);
    data->path = g_strdup(path);
    g_task_set_task_data(task, data, (GDestroyNotify)inspect_data_free);
    probe = g_task_new(NULL, cancellable, inspect_probed, task);
    g_task_set_task_data(probe, g_object_ref(task), g_object_unref);
    g_task_run_in_thread(probe, inspect_probe_thread);
}

HvdDiskInfo *
hvd_disk_inspect_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}
