/* hvx-definition.c: read, parse and validate a definition, dispatching on the root element.
 *
 * The steps, each stopping the next when it fails: read safely; parse the XML; the structure of
 * the root element (our parser, which names the element and attribute); the semantic rules; the
 * RelaxNG schema. A document that fails any step yields no model.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <libxml/parser.h>

#include "hvx-defs-private.h"
#include "hvx-definition.h"
#include "hvx-document-private.h"
#include "hvx-error.h"
#include "hvx-schema-private.h"

void
hvx_definition_free(HvxDefinition *definition)
{
    if (definition == NULL)
        return;
    hvx_vm_def_free(definition->vm);
    hvx_switch_def_free(definition->sw);
    g_free(definition);
}

static HvxDefinition *
hvx_definition_parse_doc(xmlDoc *doc, HvxDefinitionKind kind, HvxParseContext *ctx)
{
    g_autoptr(HvxDefinition) definition = g_new0(HvxDefinition, 1);
    xmlNode *root = xmlDocGetRootElement(doc);
    const char *name = HVX_NAME(root);

    if (root->ns == NULL && g_str_equal(name, "vm"))
        definition->kind = HVX_DEFINITION_KIND_VM;
    else if (root->ns == NULL && g_str_equal(name, "switch"))
        definition->kind = HVX_DEFINITION_KIND_SWITCH;
    else {
        hvx_xml_error(ctx, hvx_xml_line(root),
                      _("<%s> is not a Berth definition; expected <vm> or <switch>"), name);
        return NULL;
    }
    if (kind != HVX_DEFINITION_KIND_ANY && kind != definition->kind) {
        hvx_xml_error(ctx, hvx_xml_line(root), _("expected a <%s> definition, found <%s>"),
                      kind == HVX_DEFINITION_KIND_VM ? "vm" : "switch", name);
        return NULL;
    }

    if (definition->kind == HVX_DEFINITION_KIND_VM)
        definition->vm = hvx_vm_def_parse_node(ctx, root);
    else
        definition->sw = hvx_switch_def_parse_node(ctx, root);
    if (definition->vm == NULL && definition->sw == NULL)
        return NULL;

    if (definition->vm != NULL && !hvx_vm_def_validate(definition->vm, ctx))
        return NULL;
    if (definition->sw != NULL && !hvx_switch_def_validate(definition->sw, ctx))
        return NULL;

    /* Our parser and rules accept no more than the schema does, so this only fires when they
     * drift apart; the schema is the published reference and is checked anyway. */
    if (!hvx_schema_validate(doc, definition->kind, ctx->file, ctx->diagnostics))
        return NULL;
    return g_steal_pointer(&definition);
}

static HvxDefinition *
hvx_definition_finish(HvxDefinition *definition, GPtrArray *diagnostics,
                      GPtrArray **ret_diagnostics, GError **error)
{
    if (definition == NULL) {
        if (diagnostics->len == 0)
            hvx_diagnostics_add(diagnostics, "?", 0, _("the definition is not valid"));
        hvx_diagnostics_set_error(diagnostics, error);
    } else if (diagnostics->len > 0) {
        /* Every step that reports also fails; a model with diagnostics would be a bug. */
        g_assert_not_reached();
    }
    if (ret_diagnostics != NULL)
        *ret_diagnostics = g_ptr_array_ref(diagnostics);
    return definition;
}

HvxDefinition *
hvx_definition_parse_string(const char *text, gssize len, const char *source_name,
                            HvxDefinitionKind kind, GPtrArray **ret_diagnostics, GError **error)
{
    g_autoptr(GPtrArray) diagnostics = hvx_diagnostics_new();
    HvxParseContext ctx = {source_name, diagnostics};
    g_autoptr(xmlDoc) doc = NULL;
    HvxDefinition *definition = NULL;

    g_return_val_if_fail(text != NULL || len == 0, NULL);
    g_return_val_if_fail(source_name != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (len < 0)
        len = (gssize)strlen(text);
    doc = hvx_document_parse(text != NULL ? text : "", (gsize)len, source_name,
                             HVX_DEFINITION_MAX_BYTES, diagnostics);
    if (doc != NULL)
        definition = hvx_definition_parse_doc(doc, kind, &ctx);
    return hvx_definition_finish(definition, diagnostics, ret_diagnostics, error);
}

HvxDefinition *
hvx_definition_parse_file(const char *path, HvxDefinitionKind kind, GPtrArray **ret_diagnostics,
                          GError **error)
{
    g_autoptr(GPtrArray) diagnostics = hvx_diagnostics_new();
    g_autofree char *data = NULL;
    gsize len = 0;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    data = hvx_document_read_file(path, HVX_DEFINITION_MAX_BYTES, &len, diagnostics);
    if (data == NULL) {
        hvx_definition_finish(NULL, diagnostics, ret_diagnostics, error);
        if (error != NULL && *error != NULL)
            (*error)->code = HVX_ERROR_READ;
        return NULL;
    }
    return hvx_definition_parse_string(data, (gssize)len, path, kind, ret_diagnostics, error);
}

char *
hvx_definition_format(const HvxDefinition *definition)
{
    g_return_val_if_fail(definition != NULL, NULL);

    if (definition->kind == HVX_DEFINITION_KIND_VM)
        return hvx_vm_def_format(definition->vm);
    return hvx_switch_def_format(definition->sw);
}

HvxVmDef *
hvx_vm_def_parse_file(const char *path, GError **error)
{
    g_autoptr(HvxDefinition) definition =
        hvx_definition_parse_file(path, HVX_DEFINITION_KIND_VM, NULL, error);

    return definition != NULL ? g_steal_pointer(&definition->vm) : NULL;
}

HvxVmDef *
hvx_vm_def_parse_string(const char *text, gssize len, const char *source_name, GError **error)
{
    g_autoptr(HvxDefinition) definition =
        hvx_definition_parse_string(text, len, source_name, HVX_DEFINITION_KIND_VM, NULL, error);

    return definition != NULL ? g_steal_pointer(&definition->vm) : NULL;
}

HvxSwitchDef *
hvx_switch_def_parse_file(const char *path, GError **error)
{
    g_autoptr(HvxDefinition) definition =
        hvx_definition_parse_file(path, HVX_DEFINITION_KIND_SWITCH, NULL, error);

    return definition != NULL ? g_steal_pointer(&definition->sw) : NULL;
}

HvxSwitchDef *
hvx_switch_def_parse_string(const char *text, gssize len, const char *source_name, GError **error)
{
    g_autoptr(HvxDefinition) definition = hvx_definition_parse_string(
        text, len, source_name, HVX_DEFINITION_KIND_SWITCH, NULL, error);

    return definition != NULL ? g_steal_pointer(&definition->sw) : NULL;
}
