/* hvx-xml-private.h: helpers the element parsers and writers share (libhvx internal).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Where parse problems go: the file name used in messages and the diagnostics list. */
typedef struct {
    const char *file;
    GPtrArray *diagnostics;
} HvxParseContext;

#define HVX_NAME(node) ((const char *)(node)->name)

guint hvx_xml_line(xmlNode *node);
void hvx_xml_error(HvxParseContext *ctx, guint line, const char *format, ...) G_GNUC_PRINTF(3, 4);

/* The element's next/first child element, skipping comments and whitespace text. */
#define for_each_child(child, parent)                                             \
    for (xmlNode *child = (parent)->children; child != NULL; child = child->next) \
        if (child->type == XML_ELEMENT_NODE)

/* Reports every attribute not in the NULL-terminated @allowed list and any content (child
 * elements or text) when @empty. Returns FALSE when something was reported. */
gboolean hvx_xml_check_attributes(HvxParseContext *ctx, xmlNode *node, const char *const *allowed);
gboolean hvx_xml_check_empty(HvxParseContext *ctx, xmlNode *node);
/* Reports text (other than whitespace) directly inside an element that holds only elements. */
gboolean hvx_xml_check_no_text(HvxParseContext *ctx, xmlNode *node);
/* Reports a child element @child that is not known inside @parent. */
void hvx_xml_unknown_element(HvxParseContext *ctx, xmlNode *parent, xmlNode *child);
/* Reports a singleton child seen twice; @seen_line is its first line, 0 if not seen yet.
 * Returns FALSE for a duplicate. */
gboolean hvx_xml_check_once(HvxParseContext *ctx, xmlNode *child, guint *seen_line);

/* Attribute getters: return FALSE (and report) when present but invalid; leave *ret alone and
 * return TRUE when absent. *ret_present (optional) says whether it was there. */
char *hvx_xml_attr(xmlNode *node, const char *name);
gboolean hvx_xml_get_string(HvxParseContext *ctx, xmlNode *node, const char *name,
                            gboolean required, char **ret);
gboolean hvx_xml_get_uint(HvxParseContext *ctx, xmlNode *node, const char *name, guint64 min,
                          guint64 max, gboolean required, guint64 *ret, gboolean *ret_present);
gboolean hvx_xml_get_bool(HvxParseContext *ctx, xmlNode *node, const char *name, gboolean *ret);
gboolean hvx_xml_get_enum(HvxParseContext *ctx, xmlNode *node, const char *name,
                          const char *const *names, gboolean required, int *ret);
/* The text content of an element that must hold text only. NULL (and reported) otherwise. */
char *hvx_xml_get_text(HvxParseContext *ctx, xmlNode *node);
/* Replaces *@ret with the text of a text-only element (<name>, <uuid>, <notes>). */
gboolean hvx_xml_replace_text(HvxParseContext *ctx, xmlNode *node, char **ret);

/* Paths: absolute, or relative without escaping the VM's folder. */
gboolean hvx_xml_check_path(HvxParseContext *ctx, xmlNode *node, const char *attr,
                            const char *path);

/* Writers. */
void hvx_xml_append_escaped(GString *out, const char *text, gboolean attribute);
void hvx_xml_attr_string(GString *out, const char *name, const char *value);
void hvx_xml_attr_uint(GString *out, const char *name, guint64 value);
void hvx_xml_attr_bool(GString *out, const char *name, gboolean value);
void hvx_xml_text_element(GString *out, const char *indent, const char *name, const char *text);

G_END_DECLS
