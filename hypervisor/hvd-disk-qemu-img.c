/* hvd-disk-qemu-img.c: reading qemu-img's output and disk headers for hvd-disk.
 *
 * qemu-img runs with LC_ALL=C, so the system error texts matched here are English.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "hvd-disk-qemu-img.h"
#include "hvd-error.h"

static gboolean
parse_percent(const char *piece, double *ret_percent)
{
    g_autofree char *text = g_strstrip(g_strdup(piece));
    size_t len = strlen(text);
    char *end = NULL;
    double value;

    if (len < 7 || text[0] != '(' || !g_str_has_suffix(text, "/100%)"))
        return FALSE;
    text[len - strlen("/100%)")] = '\0';
    value = g_ascii_strtod(text + 1, &end);
    if (end == text + 1 || *end != '\0' || value < 0.0 || value > 100.0)
        return FALSE;
    *ret_percent = value;
    return TRUE;
}

gboolean
hvd_disk_parse_output(GString *buffer, double *ret_percent, GString *messages)
{
    gboolean seen = FALSE;
    gsize start = 0;

    g_return_val_if_fail(buffer != NULL && ret_percent != NULL && messages != NULL, FALSE);

    for (gsize i = 0; i < buffer->len; i++) {
        g_autofree char *piece = NULL;
        double percent;

        if (buffer->str[i] != '\r' && buffer->str[i] != '\n')
            continue;
        piece = g_strndup(buffer->str + start, i - start);
        start = i + 1;
        if (parse_percent(piece, &percent)) {
            *ret_percent = percent;
            seen = TRUE;
        } else if (*g_strstrip(piece) != '\0') {
            g_string_append(messages, piece);
            g_string_append_c(messages, '\n');
        }
    }
    g_string_erase(buffer, 0, start);
    return seen;
}

/* The last line that says something, without qemu-img's "qemu-img: " and file prefixes. */
static char *
last_reason(const char *messages)
{
    g_auto(GStrv) lines = g_strsplit(messages, "\n", -1);
    const char *last = NULL;
    const char *colon;

    for (guint i = 0; lines[i] != NULL; i++) {
        g_strstrip(lines[i]);
        /* qemu-img's hints ("Is another process…", "Try 'qemu-img --help'…") add nothing. */
        if (*lines[i] != '\0' && !g_str_has_prefix(lines[i], "Try ") &&
            !g_str_has_prefix(lines[i], "Is another process"))
            last = lines[i];
    }
    if (last == NULL)
        return g_strdup(_("no reason given"));
    if (g_str_has_prefix(last, "qemu-img: "))
        last += strlen("qemu-img: ");
    /* "Could not open 'x': reason" → "reason" */
    colon = g_strrstr(last, ": ");
    if (colon != NULL && colon[2] != '\0')
        last = colon + 2;
    return g_strdup(last);
}

/* The file in qemu-img's first "Could not open 'FILE'", or NULL. */
static char *
first_opened(const char *messages)
{
    const char *start = strstr(messages, "Could not open '");
    const char *end;

    if (start == NULL)
        return NULL;
    start += strlen("Could not open '");
    end = strchr(start, '\'');
    return end != NULL ? g_strndup(start, end - start) : NULL;
}

GError *
hvd_disk_error_from_qemu_img(const char *messages, const char *path)
{
    g_autofree char *reason = NULL;

    g_return_val_if_fail(messages != NULL && path != NULL, NULL);

    if (strstr(messages, "Failed to get \"write\" lock") != NULL ||
        strstr(messages, "Failed to get shared \"write\" lock") != NULL ||
        (strstr(messages, "lock") != NULL && strstr(messages, "Is another process") != NULL))
        return g_error_new(BERTH_ERROR, BERTH_ERROR_BUSY,
                           _("“%s” is in use by a running virtual machine"), path);
    if (strstr(messages, "No space left on device") != NULL ||
        strstr(messages, "Disk quota exceeded") != NULL)
        return g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                           _("There is not enough free space for “%s”"), path);
    if (strstr(messages, "Could not open backing image") != NULL ||
        strstr(messages, "Could not open backing file") != NULL)
        return g_error_new(BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                           _("The parent of “%s” is missing or not a disk image"), path);
    if (strstr(messages, "No such file or directory") != NULL) {
        g_autofree char *missing = first_opened(messages);

        /* Another file than the one named: a differencing disk's parent. */
        if (missing != NULL && g_strcmp0(missing, path) != 0)
            return g_error_new(BERTH_ERROR, BERTH_ERROR_NOT_FOUND,
                               /* Translators: the parent disk “a.vhdx” of “b.qcow2” … */
                               _("The parent disk “%s” of “%s” does not exist"), missing, path);
        return g_error_new(BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("“%s” does not exist"), path);
    }
    if (strstr(messages, "Permission denied") != NULL ||
        strstr(messages, "Read-only file system") != NULL ||
        strstr(messages, "Operation not permitted") != NULL)
        return g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED,
                           _("Berth is not allowed to read or write “%s”"), path);
    if ((strstr(messages, "is not in") != NULL && strstr(messages, "format") != NULL) ||
        strstr(messages, "Unknown file format") != NULL ||
        strstr(messages, "not a supported") != NULL ||
        strstr(messages, "Could not read image") != NULL ||
        (strstr(messages, "Invalid") != NULL && strstr(messages, "header") != NULL) ||
        strstr(messages, "Image not in") != NULL)
        return g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED, _("“%s” is not a disk image"), path);

    reason = last_reason(messages);
    /* Translators: the first %s is a file, the second qemu-img's reason (in English). */
    return g_error_new(BERTH_ERROR, BERTH_ERROR_FAILED, _("qemu-img failed on “%s”: %s"), path,
                       reason);
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

static gboolean
read_at(int fd, void *buffer, size_t size, off_t offset)
{
    ssize_t done = pread(fd, buffer, size, offset);

    return done == (ssize_t)size;
}

static guint32
le32(const guint8 *bytes)
{
    return (guint32)bytes[0] | (guint32)bytes[1] << 8 | (guint32)bytes[2] << 16 |
           (guint32)bytes[3] << 24;
}

static guint64
le64(const guint8 *bytes)
{
    return (guint64)le32(bytes) | (guint64)le32(bytes + 4) << 32;
}

/* VHDX (MS-VHDX 2.2): region table at 192 KiB → metadata region → file parameters item. */
static gboolean
probe_vhdx(int fd, HvdDiskType *ret_type)
{
    /* GUIDs as stored on disk (little-endian fields). */
    static const guint8 metadata_region[16] = {0x06, 0xA2, 0x7C, 0x8B, 0x90, 0x47, 0x9A, 0x4B,
                                               0xB8, 0xFE, 0x57, 0x5F, 0x05, 0x0F, 0x88, 0x6E};
    static const guint8 file_parameters[16] = {0x37, 0x67, 0xA1, 0xCA, 0x36, 0xFA, 0x43, 0x4D,
                                               0xB3, 0xB6, 0x33, 0xF0, 0xAA, 0x44, 0xE7, 0x6B};
    guint8 table[64 * 1024];
    guint64 metadata_offset = 0;
    guint32 count;

    if (!read_at(fd, table, 8, 0) || memcmp(table, "vhdxfile", 8) != 0)
        return FALSE;
    if (!read_at(fd, table, sizeof(table), 192 * 1024) || memcmp(table, "regi", 4) != 0)
        return FALSE;
    count = le32(table + 8);
    for (guint32 i = 0; i < count && 16 + (i + 1) * 32 <= sizeof(table); i++) {
        const guint8 *entry = table + 16 + i * 32;

        if (memcmp(entry, metadata_region, 16) == 0)
            metadata_offset = le64(entry + 16);
    }
    if (metadata_offset == 0 || !read_at(fd, table, sizeof(table), (off_t)metadata_offset) ||
        memcmp(table, "metadata", 8) != 0)
        return FALSE;
    count = table[10] | table[11] << 8;
    for (guint32 i = 0; i < count && 32 + (i + 1) * 32 <= sizeof(table); i++) {
        const guint8 *entry = table + 32 + i * 32;
        guint8 parameters[8];

        if (memcmp(entry, file_parameters, 16) != 0)
            continue;
        if (!read_at(fd, parameters, sizeof(parameters),
                     (off_t)(metadata_offset + le32(entry + 16))))
            return FALSE;
        if (le32(parameters + 4) & 0x2)
            *ret_type = HVD_DISK_TYPE_DIFFERENCING;
        else if (le32(parameters + 4) & 0x1)
            *ret_type = HVD_DISK_TYPE_FIXED;
        else
            *ret_type = HVD_DISK_TYPE_DYNAMIC;
        return TRUE;
    }
    return FALSE;
}

/* VHD: a 512-byte footer at the end; disk type (big-endian) at offset 60. */
static gboolean
read_vhd_footer(int fd, guint8 footer[512])
{
    off_t end = lseek(fd, 0, SEEK_END);

    return end >= 512 && read_at(fd, footer, 512, end - 512) && memcmp(footer, "conectix", 8) == 0;
}

gboolean
hvd_disk_probe_is_vhd(const char *path)
{
    guint8 footer[512];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    gboolean is_vhd;

    if (fd < 0)
        return FALSE;
    is_vhd = read_vhd_footer(fd, footer);
    close(fd);
    return is_vhd;
}

gboolean
hvd_disk_probe_type(const char *path, HvdDiskFormat format, HvdDiskType *ret_type)
{
    guint8 footer[512];
    gboolean ok = FALSE;
    int fd;

    g_return_val_if_fail(path != NULL && ret_type != NULL, FALSE);

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return FALSE;
    if (format == HVD_DISK_FORMAT_VHDX) {
        ok = probe_vhdx(fd, ret_type);
    } else if (format == HVD_DISK_FORMAT_VHD && read_vhd_footer(fd, footer)) {
        guint32 type = (guint32)footer[60] << 24 | (guint32)footer[61] << 16 |
                       (guint32)footer[62] << 8 | footer[63];

        ok = type >= 2 && type <= 4;
        if (ok)
            *ret_type = type == 2   ? HVD_DISK_TYPE_FIXED
                        : type == 3 ? HVD_DISK_TYPE_DYNAMIC
                                    : HVD_DISK_TYPE_DIFFERENCING;
    }
    close(fd);
    return ok;
}
