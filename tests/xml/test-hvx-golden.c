/* test-hvx-golden.c: data/good/NAME.xml parses, writes exactly data/good/NAME.out.xml, and that
 * output parses and writes itself again (lossless round trip); a VM's copy (hvx_vm_def_copy)
 * writes the same and shares nothing with the original.
 * Regenerate the expected files with BERTH_REGENERATE=1, then review the diff.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "hvx.h"

static void
test_golden(gconstpointer data)
{
    const char *input = data;
    g_autofree char *base = g_strndup(input, strlen(input) - strlen(".xml"));
    g_autofree char *expected_path = g_strconcat(base, ".out.xml", NULL);
    g_autoptr(HvxDefinition) definition = NULL;
    g_autoptr(HvxDefinition) again = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *output = NULL;
    g_autofree char *output_again = NULL;
    g_autofree char *expected = NULL;

    definition = hvx_definition_parse_file(input, HVX_DEFINITION_KIND_ANY, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(definition);
    output = hvx_definition_format(definition);

    if (g_strcmp0(g_getenv("BERTH_REGENERATE"), "1") == 0) {
        g_file_set_contents(expected_path, output, -1, &error);
        g_assert_no_error(error);
    }
    g_file_get_contents(expected_path, &expected, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(output, ==, expected);

    again = hvx_definition_parse_string(output, -1, expected_path, definition->kind, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(again);
    output_again = hvx_definition_format(again);
    g_assert_cmpstr(output_again, ==, output);

    if (definition->kind == HVX_DEFINITION_KIND_VM) {
        g_autoptr(HvxVmDef) copy = hvx_vm_def_copy(definition->vm);
        g_autofree char *output_copy = NULL;

        /* The original goes first: a pointer the copy shared would now be freed (and
         * poisoned: meson sets MALLOC_PERTURB_). */
        g_clear_pointer(&definition, hvx_definition_free);
        output_copy = hvx_vm_def_format(copy);
        g_assert_cmpstr(output_copy, ==, output);
    }
}

int
main(int argc, char **argv)
{
    g_autofree char *dir = g_build_filename(HVX_TEST_SRCDIR, "data", "good", NULL);
    g_autoptr(GDir) listing = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    const char *name;

    g_test_init(&argc, &argv, NULL);

    listing = g_dir_open(dir, 0, &error);
    g_assert_no_error(error);
    while ((name = g_dir_read_name(listing)) != NULL) {
        if (g_str_has_suffix(name, ".xml") && !g_str_has_suffix(name, ".out.xml"))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    g_assert_cmpuint(names->len, >=, 8);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);
        g_autofree char *path = g_strconcat("/xml/golden/", file, NULL);

        g_test_add_data_func_full(path, g_build_filename(dir, file, NULL), test_golden, g_free);
    }
    return g_test_run();
}
