/* hvx-defs-private.h: the element parsers and validators behind the public parse functions
 * (libhvx internal).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "hvx-switch-def.h"
#include "hvx-vm-def.h"
#include "hvx-xml-private.h"

G_BEGIN_DECLS

/* Structural parse of a <vm>/<switch> root: unknown or duplicate elements and attributes,
 * missing required ones, values of the wrong form or range. NULL when anything was reported. */
HvxVmDef *hvx_vm_def_parse_node(HvxParseContext *ctx, xmlNode *root);
HvxSwitchDef *hvx_switch_def_parse_node(HvxParseContext *ctx, xmlNode *root);

/* Semantic rules across elements. FALSE when anything was reported. */
gboolean hvx_vm_def_validate(const HvxVmDef *def, HvxParseContext *ctx);
gboolean hvx_switch_def_validate(const HvxSwitchDef *def, HvxParseContext *ctx);

G_END_DECLS
