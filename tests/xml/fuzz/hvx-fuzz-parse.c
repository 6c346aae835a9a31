/* hvx-fuzz-parse.c: libFuzzer target for the definition parser. Any input must either be refused
 * with at least one diagnostic or parse into a model that writes out, parses again and writes out
 * identically (the lossless round trip). Crashes, leaks and undefined behaviour fail.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>

#include "hvx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(HvxDefinition) definition = NULL;
    g_autoptr(HvxDefinition) again = NULL;
    g_autoptr(GPtrArray) diagnostics = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *output = NULL;
    g_autofree char *output_again = NULL;

    definition = hvx_definition_parse_string((const char *)data, (gssize)size, "fuzz.xml",
                                             HVX_DEFINITION_KIND_ANY, &diagnostics, &error);
    if (definition == NULL) {
        if (diagnostics->len == 0 || error == NULL)
            abort();
        return 0;
    }
    if (diagnostics->len != 0 || error != NULL)
        abort();

    output = hvx_definition_format(definition);
    again = hvx_definition_parse_string(output, -1, "fuzz.out.xml", definition->kind, NULL, NULL);
    if (again == NULL)
        abort();
    output_again = hvx_definition_format(again);
    if (g_strcmp0(output, output_again) != 0)
        abort();
    return 0;
}
