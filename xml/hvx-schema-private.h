/* hvx-schema-private.h: RelaxNG validation against the built-in schemas (libhvx internal).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "hvx-definition.h"

G_BEGIN_DECLS

/* Validates @doc against the schema for @kind (VM or SWITCH), compiled into the library as a
 * GResource. Each problem becomes one diagnostic in our words. Returns TRUE when valid. */
gboolean hvx_schema_validate(xmlDoc *doc, HvxDefinitionKind kind, const char *source_name,
                             GPtrArray *diagnostics);

G_END_DECLS
