/* hvx-schema.c: RelaxNG validation against the built-in schemas.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libxml/relaxng.h>

#include "hvx-error.h"
#include "hvx-resources.h"
#include "hvx-schema-private.h"

static const char *const hvx_schema_paths[] = {
    [HVX_DEFINITION_KIND_VM] = "/org/berth/xml/schemas/berth-vm.rng",
    [HVX_DEFINITION_KIND_SWITCH] = "/org/berth/xml/schemas/berth-switch.rng",
};

static void
hvx_schema_silence(void *user_data, xmlError *err)
{
}

/* Compiled once per kind and kept for the life of the process; a compiled grammar is read-only
 * during validation, so threads may share it. */
static xmlRelaxNG *
hvx_schema_load(const char *resource)
{
    g_autoptr(GBytes) bytes = NULL;
    xmlRelaxNGParserCtxt *parser;
    xmlRelaxNG *schema;
    gsize size;
    const char *data;

    /* Our own bundle, not the global registry: referencing it keeps the generated object (and
     * its constructor) from being dropped by the linker, and it works uninstalled. */
    bytes =
        g_resource_lookup_data(hvx_get_resource(), resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    g_assert(bytes != NULL);
    data = g_bytes_get_data(bytes, &size);
    parser = xmlRelaxNGNewMemParserCtxt(data, (int)size);
    xmlRelaxNGSetParserStructuredErrors(parser, hvx_schema_silence, NULL);
    schema = xmlRelaxNGParse(parser);
    xmlRelaxNGFreeParserCtxt(parser);
    g_assert(schema != NULL);
    return schema;
}

static xmlRelaxNG *
hvx_schema_get(HvxDefinitionKind kind)
{
    static gsize schemas[G_N_ELEMENTS(hvx_schema_paths)];

    g_assert(kind == HVX_DEFINITION_KIND_VM || kind == HVX_DEFINITION_KIND_SWITCH);
    if (g_once_init_enter(&schemas[kind]))
        g_once_init_leave(&schemas[kind], (gsize)hvx_schema_load(hvx_schema_paths[kind]));
    return (xmlRelaxNG *)schemas[kind];
}

typedef struct {
    const char *source_name;
    GPtrArray *diagnostics;
    char *message; /* the most specific error seen */
    guint line;
    guint any_line; /* the first line any error gave: some carry none */
    int rank;
} HvxSchemaErrors;

/* libxml2 reports one problem as a cascade ("extra content", "failed to validate content"...);
 * rank the specific ones first and keep only the best. */
static int
hvx_schema_rank(int code)
{
    switch (code) {
    case XML_RELAXNG_ERR_INVALIDATTR:
    case XML_RELAXNG_ERR_ELEMWRONG:
    case XML_RELAXNG_ERR_EXTRACONTENT:
    case XML_RELAXNG_ERR_DATATYPE:
    case XML_RELAXNG_ERR_VALUE:
    case XML_RELAXNG_ERR_TEXTWRONG:
    case XML_RELAXNG_ERR_INTEREXTRA:
        return 3;
    case XML_RELAXNG_ERR_NOELEM:
    case XML_RELAXNG_ERR_ELEMNAME:
    case XML_RELAXNG_ERR_ELEMNOTEMPTY:
    case XML_RELAXNG_ERR_ATTRVALID:
        return 2;
    default:
        return 1;
    }
}

static char *
hvx_schema_message(const xmlError *err)
{
    const char *node = err->node != NULL ? (const char *)((xmlNode *)err->node)->name : "?";
    const char *s1 = err->str1 != NULL ? err->str1 : node;
    const char *s2 = err->str2 != NULL ? err->str2 : "?";

    switch (err->code) {
    case XML_RELAXNG_ERR_INVALIDATTR:
        return g_strdup_printf(_("<%s>: unknown attribute \"%s\""), s2, s1);
    case XML_RELAXNG_ERR_ELEMWRONG:
    case XML_RELAXNG_ERR_ELEMNAME:
        return g_strdup_printf(_("<%s> is not allowed here"), s1);
    case XML_RELAXNG_ERR_EXTRACONTENT:
        return g_strdup_printf(_("<%s>: unknown element <%s>"), s1, s2);
    case XML_RELAXNG_ERR_INTEREXTRA:
        /* libxml2 says no more than this for an element inside <interleave>. */
        return g_strdup_printf(_("<%s>: its attributes or content do not match the schema"), s1);
    case XML_RELAXNG_ERR_NOELEM:
        return g_strdup_printf(_("the element <%s> is missing"), s1);
    case XML_RELAXNG_ERR_ELEMNOTEMPTY:
    case XML_RELAXNG_ERR_TEXTWRONG:
        return g_strdup_printf(_("<%s>: text is not allowed here"), node);
    case XML_RELAXNG_ERR_DATATYPE:
    case XML_RELAXNG_ERR_VALUE:
    case XML_RELAXNG_ERR_TYPE:
    case XML_RELAXNG_ERR_TYPEVAL:
    case XML_RELAXNG_ERR_ATTRVALID:
        return g_strdup_printf(_("<%s>: a value does not have the allowed form"), node);
    default:
        /* Translators: the schema check failed in a way without a better sentence; %d is
         * libxml2's RelaxNG error number, for bug reports. */
        return g_strdup_printf(_("<%s> does not match the schema (rule %d)"), node, err->code);
    }
}

static void
hvx_schema_error_cb(void *user_data, xmlError *err)
{
    HvxSchemaErrors *errors = user_data;
    int rank = hvx_schema_rank(err->code);
    guint line =
        err->node != NULL ? (guint)MAX(xmlGetLineNo(err->node), 0) : (guint)MAX(err->line, 0);

    if (errors->any_line == 0)
        errors->any_line = line;
    if (rank <= errors->rank)
        return;
    g_free(errors->message);
    errors->message = hvx_schema_message(err);
    errors->line = line;
    errors->rank = rank;
}

gboolean
hvx_schema_validate(xmlDoc *doc, HvxDefinitionKind kind, const char *source_name,
                    GPtrArray *diagnostics)
{
    HvxSchemaErrors errors = {source_name, diagnostics, NULL, 0, 0, 0};
    xmlRelaxNGValidCtxt *validator;
    int result;

    validator = xmlRelaxNGNewValidCtxt(hvx_schema_get(kind));
    xmlRelaxNGSetValidStructuredErrors(validator, hvx_schema_error_cb, &errors);
    result = xmlRelaxNGValidateDoc(validator, doc);
    xmlRelaxNGFreeValidCtxt(validator);

    if (result == 0)
        return TRUE;
    if (errors.message == NULL)
        errors.message = g_strdup(_("the document does not match the schema"));
    hvx_diagnostics_add(diagnostics, source_name, errors.line != 0 ? errors.line : errors.any_line,
                        "%s", errors.message);
    g_free(errors.message);
    return FALSE;
}
