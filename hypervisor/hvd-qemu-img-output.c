/* hvd-qemu-img-output.c: what qemu-img says: progress pieces, and its messages turned into one
 * sentence of ours.
 *
 * qemu-img runs with LC_ALL=C, so the system error texts matched here are English.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hvd-error.h"
#include "hvd-qemu-img-output.h"

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
hvd_qemu_img_output_parse(GString *buffer, double *ret_percent, GString *messages)
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
hvd_qemu_img_output_error(const char *messages, const char *path)
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
