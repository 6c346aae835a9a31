/* hvx-document-private.h: reading definition files safely (libhvx internal).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)

/* Reads a regular file of at most @max_bytes. On failure reports one diagnostic (line 0) and
 * returns NULL. */
char *hvx_document_read_file(const char *path, gsize max_bytes, gsize *ret_len,
                             GPtrArray *diagnostics);

/* Parses @data as a definition document: refuses empty, over-large and non-UTF-8 input, DTDs and
 * entity declarations, never touches the network, and reports libxml2's errors in our words.
 * NULL (with diagnostics) on failure. */
xmlDoc *hvx_document_parse(const char *data, gsize len, const char *source_name, gsize max_bytes,
                           GPtrArray *diagnostics);

G_END_DECLS
