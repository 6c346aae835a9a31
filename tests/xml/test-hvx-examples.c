/* test-hvx-examples.c: every example in data/examples/ is valid for libhvx and for the RelaxNG
 * schemas as xmllint sees them; so are the golden inputs and outputs in tests/xml/data/good/.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "hvx.h"

static void
test_example(gconstpointer data)
{
    const char *path = data;
    g_autoptr(HvxDefinition) definition = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *schema = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;

    definition = hvx_definition_parse_file(path, HVX_DEFINITION_KIND_ANY, NULL, &error);
    g_assert_no_error(error);

    schema = g_build_filename(
        BERTH_SOURCE_ROOT, "data", "schemas",
        definition->kind == HVX_DEFINITION_KIND_VM ? "berth-vm.rng" : "berth-switch.rng", NULL);
    if (g_find_program_in_path("xmllint") == NULL) {
        g_test_skip("xmllint is not installed (Debian package libxml2-utils)");
        return;
    }
    g_spawn_sync(NULL, (char *[]){"xmllint", "--noout", "--relaxng", schema, (char *)path, NULL},
                 NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("xmllint --relaxng %s %s failed:\n%s", schema, path, err);
}

static void
add_dir(const char *dir, const char *prefix, guint min_files)
{
    g_autoptr(GDir) listing = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    listing = g_dir_open(dir, 0, &error);
    g_assert_no_error(error);
    while ((name = g_dir_read_name(listing)) != NULL) {
        if (g_str_has_suffix(name, ".xml"))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_assert_cmpuint(names->len, >=, min_files);
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);
        g_autofree char *test = g_strconcat(prefix, file, NULL);

        g_test_add_data_func_full(test, g_build_filename(dir, file, NULL), test_example, g_free);
    }
}

int
main(int argc, char **argv)
{
    g_autofree char *examples = g_build_filename(BERTH_SOURCE_ROOT, "data", "examples", NULL);
    g_autofree char *good = g_build_filename(HVX_TEST_SRCDIR, "data", "good", NULL);

    g_test_init(&argc, &argv, NULL);
    add_dir(examples, "/xml/examples/", 5);
    add_dir(good, "/xml/schema-good/", 8);
    return g_test_run();
}
