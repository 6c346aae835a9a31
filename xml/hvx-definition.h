/* hvx-definition.h: parse any Berth definition, dispatching on the root element.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "hvx-switch-def.h"
#include "hvx-vm-def.h"

G_BEGIN_DECLS

/* Files larger than this are refused before parsing. */
#define HVX_DEFINITION_MAX_BYTES (1024 * 1024)

typedef enum {
    HVX_DEFINITION_KIND_ANY,
    HVX_DEFINITION_KIND_VM,
    HVX_DEFINITION_KIND_SWITCH,
} HvxDefinitionKind;

typedef struct {
    HvxDefinitionKind kind; /* VM or SWITCH */
    HvxVmDef *vm;           /* set when kind is VM */
    HvxSwitchDef *sw;       /* set when kind is SWITCH */
} HvxDefinition;

void hvx_definition_free(HvxDefinition *definition);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvxDefinition, hvx_definition_free)

/* Reads, parses and validates a definition of @kind (ANY = <vm> or <switch>).
 * On success returns the model; @ret_diagnostics (optional) gets an empty list.
 * On failure returns NULL, @ret_diagnostics gets every problem (HvxDiagnostic) and @error is set
 * (HVX_ERROR; message = all problems, one per line). */
HvxDefinition *hvx_definition_parse_file(const char *path, HvxDefinitionKind kind,
                                         GPtrArray **ret_diagnostics, GError **error);
/* @len -1 = NUL-terminated; @source_name is the "FILE" of the messages. */
HvxDefinition *hvx_definition_parse_string(const char *text, gssize len, const char *source_name,
                                           HvxDefinitionKind kind, GPtrArray **ret_diagnostics,
                                           GError **error);

/* The definition as XML text. */
char *hvx_definition_format(const HvxDefinition *definition);

G_END_DECLS
