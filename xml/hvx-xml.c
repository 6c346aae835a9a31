/* hvx-xml.c: helpers the element parsers and writers share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <libxml/tree.h>

#include "hvx-error.h"
#include "hvx-xml-private.h"

guint
hvx_xml_line(xmlNode *node)
{
    long line = xmlGetLineNo(node);

    return line > 0 && line < G_MAXINT ? (guint)line : 0;
}

void
hvx_xml_error(HvxParseContext *ctx, guint line, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    g_ptr_array_add(ctx->diagnostics, hvx_diagnostic_new(ctx->file, line, message));
}

static gboolean
hvx_xml_is_blank(const xmlChar *text)
{
    for (const xmlChar *p = text; p != NULL && *p != '\0'; p++) {
        if (!g_ascii_isspace(*p))
            return FALSE;
    }
    return TRUE;
}

gboolean
hvx_xml_check_attributes(HvxParseContext *ctx, xmlNode *node, const char *const *allowed)
{
    gboolean ok = TRUE;

    for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next) {
        const char *name = (const char *)attr->name;

        if (attr->ns == NULL && g_strv_contains(allowed, name))
            continue;
        /* Translators: an attribute the element does not have, e.g. <processor>: unknown
         * attribute "cores". */
        hvx_xml_error(ctx, hvx_xml_line(node), _("<%s>: unknown attribute \"%s\""), HVX_NAME(node),
                      name);
        ok = FALSE;
    }
    return ok;
}

void
hvx_xml_unknown_element(HvxParseContext *ctx, xmlNode *parent, xmlNode *child)
{
    g_autofree char *name = NULL;

    if (child->ns != NULL && child->ns->prefix != NULL)
        name = g_strdup_printf("%s:%s", child->ns->prefix, HVX_NAME(child));
    else
        name = g_strdup(HVX_NAME(child));
    hvx_xml_error(ctx, hvx_xml_line(child), _("<%s>: unknown element <%s>"), HVX_NAME(parent),
                  name);
}

gboolean
hvx_xml_check_no_text(HvxParseContext *ctx, xmlNode *node)
{
    for (xmlNode *child = node->children; child != NULL; child = child->next) {
        if ((child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) &&
            !hvx_xml_is_blank(child->content)) {
            hvx_xml_error(ctx, hvx_xml_line(child), _("<%s>: text is not allowed here"),
                          HVX_NAME(node));
            return FALSE;
        }
        if (child->type == XML_ENTITY_REF_NODE) {
            hvx_xml_error(ctx, hvx_xml_line(node), _("<%s>: text is not allowed here"),
                          HVX_NAME(node));
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
hvx_xml_check_empty(HvxParseContext *ctx, xmlNode *node)
{
    gboolean ok = hvx_xml_check_no_text(ctx, node);

    for_each_child (child, node) {
        hvx_xml_unknown_element(ctx, node, child);
        ok = FALSE;
    }
    return ok;
}

gboolean
hvx_xml_check_once(HvxParseContext *ctx, xmlNode *child, guint *seen_line)
{
    if (*seen_line != 0) {
        hvx_xml_error(ctx, hvx_xml_line(child), _("<%s> may appear only once (first on line %u)"),
                      HVX_NAME(child), *seen_line);
        return FALSE;
    }
    *seen_line = MAX(hvx_xml_line(child), 1);
    return TRUE;
}

char *
hvx_xml_attr(xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetNoNsProp(node, (const xmlChar *)name);
    char *copy;

    if (value == NULL)
        return NULL;
    copy = g_strdup((const char *)value);
    xmlFree(value);
    return copy;
}

gboolean
hvx_xml_get_string(HvxParseContext *ctx, xmlNode *node, const char *name, gboolean required,
                   char **ret)
{
    g_autofree char *value = hvx_xml_attr(node, name);

    if (value == NULL) {
        if (required) {
            hvx_xml_error(ctx, hvx_xml_line(node), _("<%s>: the attribute \"%s\" is required"),
                          HVX_NAME(node), name);
            return FALSE;
        }
        return TRUE;
    }
    g_free(*ret);
    *ret = g_steal_pointer(&value);
    return TRUE;
}

/* Strict: ASCII digits only, no sign, no spaces; overflow is an error, not a wrap. */
static gboolean
hvx_parse_uint64(const char *text, guint64 *ret)
{
    guint64 value = 0;

    if (*text == '\0')
        return FALSE;
    for (const char *p = text; *p != '\0'; p++) {
        guint digit;

        if (!g_ascii_isdigit(*p))
            return FALSE;
        digit = (guint)(*p - '0');
        if (value > (G_MAXUINT64 - digit) / 10)
            return FALSE;
        value = value * 10 + digit;
    }
    *ret = value;
    return TRUE;
}

gboolean
hvx_xml_get_uint(HvxParseContext *ctx, xmlNode *node, const char *name, guint64 min, guint64 max,
                 gboolean required, guint64 *ret, gboolean *ret_present)
{
    g_autofree char *value = hvx_xml_attr(node, name);
    guint64 number;

    if (ret_present != NULL)
        *ret_present = value != NULL;
    if (value == NULL) {
        if (required) {
            hvx_xml_error(ctx, hvx_xml_line(node), _("<%s>: the attribute \"%s\" is required"),
                          HVX_NAME(node), name);
            return FALSE;
        }
        return TRUE;
    }
    if (!hvx_parse_uint64(value, &number) || number < min || number > max) {
        g_autofree char *min_text = g_strdup_printf("%" G_GUINT64_FORMAT, min);
        g_autofree char *max_text = g_strdup_printf("%" G_GUINT64_FORMAT, max);

        /* Translators: e.g. <processor count="0">: must be a whole number from 1 to 240 */
        hvx_xml_error(ctx, hvx_xml_line(node),
                      _("<%s %s=\"%s\">: must be a whole number from %s to %s"), HVX_NAME(node),
                      name, value, min_text, max_text);
        return FALSE;
    }
    *ret = number;
    return TRUE;
}

gboolean
hvx_xml_get_bool(HvxParseContext *ctx, xmlNode *node, const char *name, gboolean *ret)
{
    g_autofree char *value = hvx_xml_attr(node, name);

    if (value == NULL)
        return TRUE;
    if (g_str_equal(value, "true"))
        *ret = TRUE;
    else if (g_str_equal(value, "false"))
        *ret = FALSE;
    else {
        hvx_xml_error(ctx, hvx_xml_line(node), _("<%s %s=\"%s\">: must be \"true\" or \"false\""),
                      HVX_NAME(node), name, value);
        return FALSE;
    }
    return TRUE;
}

gboolean
hvx_xml_get_enum(HvxParseContext *ctx, xmlNode *node, const char *name, const char *const *names,
                 gboolean required, int *ret)
{
    g_autofree char *value = hvx_xml_attr(node, name);

    if (value == NULL) {
        if (required) {
            hvx_xml_error(ctx, hvx_xml_line(node), _("<%s>: the attribute \"%s\" is required"),
                          HVX_NAME(node), name);
            return FALSE;
        }
        return TRUE;
    }
    for (int i = 0; names[i] != NULL; i++) {
        if (g_str_equal(names[i], value)) {
            *ret = i;
            return TRUE;
        }
    }
    {
        g_autofree char *list = g_strjoinv(", ", (char **)names);

        /* Translators: the last %s is the list of allowed words, e.g. "qxl, virtio-gpu". */
        hvx_xml_error(ctx, hvx_xml_line(node), _("<%s %s=\"%s\">: must be one of %s"),
                      HVX_NAME(node), name, value, list);
    }
    return FALSE;
}

char *
hvx_xml_get_text(HvxParseContext *ctx, xmlNode *node)
{
    g_autoptr(GString) text = g_string_new(NULL);

    if (node->properties != NULL) {
        hvx_xml_check_attributes(ctx, node, (const char *const[]){NULL});
        return NULL;
    }
    for (xmlNode *child = node->children; child != NULL; child = child->next) {
        switch (child->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            g_string_append(text, (const char *)child->content);
            break;
        case XML_ELEMENT_NODE:
            hvx_xml_unknown_element(ctx, node, child);
            return NULL;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            break;
        default:
            /* Entity references and the like: never part of a definition. */
            hvx_xml_error(ctx, hvx_xml_line(node), _("<%s>: only plain text is allowed here"),
                          HVX_NAME(node));
            return NULL;
        }
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

gboolean
hvx_xml_check_path(HvxParseContext *ctx, xmlNode *node, const char *attr, const char *path)
{
    g_auto(GStrv) parts = NULL;
    int depth = 0;

    if (*path == '\0') {
        hvx_xml_error(ctx, hvx_xml_line(node), _("<%s %s=\"\">: the path is empty"), HVX_NAME(node),
                      attr);
        return FALSE;
    }
    for (const char *p = path; *p != '\0'; p++) {
        if (g_ascii_iscntrl(*p)) {
            hvx_xml_error(ctx, hvx_xml_line(node),
                          _("<%s %s>: the path must not contain control characters"),
                          HVX_NAME(node), attr);
            return FALSE;
        }
    }
    if (g_path_is_absolute(path))
        return TRUE;
    parts = g_strsplit(path, "/", -1);
    for (guint i = 0; parts[i] != NULL; i++) {
        if (g_str_equal(parts[i], ".."))
            depth--;
        else if (*parts[i] != '\0' && !g_str_equal(parts[i], "."))
            depth++;
        if (depth < 0) {
            hvx_xml_error(ctx, hvx_xml_line(node),
                          _("<%s %s=\"%s\">: a relative path must stay inside the VM's folder"),
                          HVX_NAME(node), attr, path);
            return FALSE;
        }
    }
    return TRUE;
}

void
hvx_xml_append_escaped(GString *out, const char *text, gboolean attribute)
{
    for (const char *p = text; *p != '\0'; p++) {
        switch (*p) {
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '"':
            g_string_append(out, attribute ? "&quot;" : "\"");
            break;
        case '\r':
            /* Parsers turn a literal CR into LF; a character reference survives. */
            g_string_append(out, "&#13;");
            break;
        case '\n':
            g_string_append(out, attribute ? "&#10;" : "\n");
            break;
        case '\t':
            g_string_append(out, attribute ? "&#9;" : "\t");
            break;
        default:
            g_string_append_c(out, *p);
        }
    }
}

void
hvx_xml_attr_string(GString *out, const char *name, const char *value)
{
    g_string_append_printf(out, " %s=\"", name);
    hvx_xml_append_escaped(out, value, TRUE);
    g_string_append_c(out, '"');
}

void
hvx_xml_attr_uint(GString *out, const char *name, guint64 value)
{
    g_string_append_printf(out, " %s=\"%" G_GUINT64_FORMAT "\"", name, value);
}

void
hvx_xml_attr_bool(GString *out, const char *name, gboolean value)
{
    g_string_append_printf(out, " %s=\"%s\"", name, value ? "true" : "false");
}

void
hvx_xml_text_element(GString *out, const char *indent, const char *name, const char *text)
{
    g_string_append_printf(out, "%s<%s>", indent, name);
    hvx_xml_append_escaped(out, text, FALSE);
    g_string_append_printf(out, "</%s>\n", name);
}

gboolean
hvx_xml_replace_text(HvxParseContext *ctx, xmlNode *node, char **ret)
{
    g_autofree char *text = hvx_xml_get_text(ctx, node);

    if (text == NULL)
        return FALSE;
    g_free(*ret);
    *ret = g_steal_pointer(&text);
    return TRUE;
}
