/* test-new-vm-paths.c: "berth new" and the New Virtual Machine Wizard make the same definition
 * from the same choices. Each line of new-vm/choices.txt becomes berth new's options (run with
 * --print-xml: the text it would define) and the wizard's plan (built as the wizard builds it on
 * Finish); the two texts must be byte-identical and equal new-vm/CASE.xml, which shows Hyper-V's
 * behaviour. BERTH_REGENERATE=1 rewrites the CASE.xml files from the wizard's path: review the
 * diff.
 *
 * Usage: BERTH_CLI=BERTH test-new-vm-paths [--tap] DATA-DIR
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "mgr-new-vm-plan.h"
#include "mgr-test-util.h"

static const char *data_dir;

typedef struct {
    char *name;
    GStrv choices; /* "key=value" each */
} Case;

static void
case_free(Case *c)
{
    g_free(c->name);
    g_strfreev(c->choices);
    g_free(c);
}

static void
replace(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value);
}

static void
add(GPtrArray *args, const char *option, const char *value)
{
    g_ptr_array_add(args, g_strdup(option));
    if (value != NULL)
        g_ptr_array_add(args, g_strdup(value));
}

/* One choice, made on both paths side by side: berth new's options in @args, the wizard's
 * fields in @plan (as read_plan() in mgr-new-vm-wizard.c reads them from its pages). */
static void
choose(const char *choice, GPtrArray *args, MgrNewVmPlan *plan)
{
    g_auto(GStrv) pair = g_strsplit(choice, "=", 2);
    const char *key = pair[0];
    const char *value = pair[1];

    if (value == NULL)
        g_error("choice “%s” is not key=value", choice);
    if (g_str_equal(key, "name")) {
        add(args, "--name", value);
        replace(&plan->name, value);
    } else if (g_str_equal(key, "generation")) {
        add(args, "--generation", value);
        plan->generation = (guint)g_ascii_strtoull(value, NULL, 10);
    } else if (g_str_equal(key, "memory")) {
        g_autofree char *mib = g_strconcat(value, "M", NULL);

        add(args, "--memory", mib);
        plan->memory_mib = g_ascii_strtoull(value, NULL, 10);
    } else if (g_str_equal(key, "dynamic-memory") && g_str_equal(value, "yes")) {
        add(args, "--dynamic-memory", NULL);
        plan->dynamic_memory = TRUE;
    } else if (g_str_equal(key, "switch")) {
        add(args, "--switch", value);
        replace(&plan->switch_name, value);
    } else if (g_str_equal(key, "disk") && g_str_has_prefix(value, "new:")) {
        const char *path = value + strlen("new:");
        g_autofree char *folder = g_path_get_dirname(path);
        g_autofree char *file = g_path_get_basename(path);

        add(args, "--new-disk", path);
        add(args, "--size", "1G");
        plan->disk_choice = MGR_DISK_CHOICE_CREATE;
        replace(&plan->disk_folder, folder);
        replace(&plan->disk_name, file);
        plan->disk_size_gib = 1;
    } else if (g_str_equal(key, "disk") && g_str_has_prefix(value, "existing:")) {
        add(args, "--disk", value + strlen("existing:"));
        plan->disk_choice = MGR_DISK_CHOICE_EXISTING;
        replace(&plan->existing_disk, value + strlen("existing:"));
    } else if (g_str_equal(key, "install") && g_str_has_prefix(value, "dvd:")) {
        add(args, "--dvd", value + strlen("dvd:"));
        plan->install = HVX_NEW_VM_INSTALL_DVD;
        replace(&plan->iso_path, value + strlen("dvd:"));
    } else if (g_str_equal(key, "install") && g_str_equal(value, "network")) {
        add(args, "--network-boot", NULL);
        plan->install = HVX_NEW_VM_INSTALL_NETWORK;
    } else if (g_str_equal(key, "install") && g_str_has_prefix(value, "floppy:")) {
        add(args, "--floppy", value + strlen("floppy:"));
        plan->install = HVX_NEW_VM_INSTALL_FLOPPY;
        replace(&plan->floppy_path, value + strlen("floppy:"));
    } else {
        g_error("unknown choice “%s” (see choices.txt's header)", choice);
    }
}

/* What "berth new --print-xml ARGS" prints; the test fails when it fails. */
static char *
cli_xml(GPtrArray *args)
{
    g_autofree char *err = NULL;
    char *out;

    g_ptr_array_add(args, NULL);
    out = mgr_test_berth_argv(&err, (const char *const *)args->pdata);
    if (out == NULL)
        g_error("berth new failed: %s", err);
    g_assert_cmpstr(err, ==, "");
    return out;
}

static void
test_same_xml(gconstpointer data)
{
    const Case *c = data;
    g_autoptr(MgrNewVmPlan) plan = mgr_new_vm_plan_new("/srv/default");
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(HvxVmDef) def = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *from_cli = NULL;
    g_autofree char *from_wizard = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *expected_path = NULL;

    add(args, "new", NULL);
    add(args, "--print-xml", NULL);
    /* The wizard's Virtual Hard Disk page starts at "Create"; no disk= means "Attach later". */
    plan->disk_choice = MGR_DISK_CHOICE_LATER;
    for (guint i = 0; c->choices[i] != NULL; i++)
        choose(c->choices[i], args, plan);

    from_cli = cli_xml(args);
    def = mgr_new_vm_plan_build(plan, &error);
    g_assert_no_error(error);
    from_wizard = hvx_vm_def_format(def);
    g_assert_cmpstr(from_cli, ==, from_wizard);

    expected_path = g_strconcat(data_dir, G_DIR_SEPARATOR_S, c->name, ".xml", NULL);
    if (g_strcmp0(g_getenv("BERTH_REGENERATE"), "1") == 0) {
        g_file_set_contents(expected_path, from_wizard, -1, &error);
        g_assert_no_error(error);
    }
    g_file_get_contents(expected_path, &expected, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(from_wizard, ==, expected);
}

/* The cases of choices.txt, one a line ("#" comments and blank lines aside). */
static GPtrArray *
read_cases(const char *path)
{
    g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func((GDestroyNotify)case_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    g_file_get_contents(path, &text, NULL, &error);
    g_assert_no_error(error);
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        g_auto(GStrv) words = NULL;
        Case *c;

        if (*g_strstrip(lines[i]) == '\0' || lines[i][0] == '#')
            continue;
        if (!g_shell_parse_argv(lines[i], NULL, &words, &error))
            g_error("%s:%u: %s", path, i + 1, error->message);
        c = g_new0(Case, 1);
        c->name = g_strdup(words[0]);
        c->choices = g_strdupv(words + 1);
        g_ptr_array_add(cases, c);
    }
    return g_steal_pointer(&cases);
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) cases = NULL;
    g_autofree char *table = NULL;

    g_test_init(&argc, &argv, NULL);
    if (argc != 2)
        g_error("usage: BERTH_CLI=BERTH %s [--tap] DATA-DIR", argv[0]);
    data_dir = argv[1];
    table = g_build_filename(data_dir, "choices.txt", NULL);
    cases = read_cases(table);
    g_assert_cmpuint(cases->len, >=, 10);
    for (guint i = 0; i < cases->len; i++) {
        const Case *c = g_ptr_array_index(cases, i);
        g_autofree char *path = g_strconcat("/new-vm-paths/", c->name, NULL);

        g_test_add_data_func(path, c, test_same_xml);
    }
    return g_test_run();
}
