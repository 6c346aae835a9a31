/* test-checkpoint.c: the checkpoint tree on disk (hvd-checkpoint), without QEMU: tree order and
 * branches, removal, broken files, which overlays are deleted and which merged.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gstdio.h>

#include "hvd-checkpoint.h"
#include "hvd-error.h"
#include "berth-test.h"

static char *
make_vm_dir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("test-checkpoint-XXXXXX", &error);

    g_assert_no_error(error);
    return dir;
}

static HvdCheckpoint *
checkpoint_new(const char *id, const char *name, gint64 created_us, const char *image)
{
    HvdCheckpoint *checkpoint = g_new0(HvdCheckpoint, 1);

    checkpoint->id = g_strdup(id);
    checkpoint->name = g_strdup(name);
    checkpoint->created_us = created_us;
    checkpoint->created = created_us / G_USEC_PER_SEC;
    checkpoint->definition = g_strdup("<vm/>");
    checkpoint->images = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(checkpoint->images, g_strdup(image));
    return checkpoint;
}

static HvxVmDef *
def_with_disk(const char *path)
{
    g_autofree char *xml = g_strdup_printf("<vm generation=\"2\"><name>T</name>"
                                           "<memory startup=\"64\" unit=\"MiB\"/>"
                                           "<scsi-controller number=\"0\">"
                                           "<disk location=\"0\" path=\"%s\"/>"
                                           "<dvd location=\"1\"/>"
                                           "</scsi-controller></vm>",
                                           path);
    g_autoptr(GError) error = NULL;
    HvxVmDef *def = hvx_vm_def_parse_string(xml, -1, "test.xml", &error);

    g_assert_no_error(error);
    return def;
}

static const char *
name_at(HvdCheckpointTree *tree, guint i)
{
    return ((HvdCheckpoint *)g_ptr_array_index(tree->checkpoints, i))->name;
}

static void
test_tree(void)
{
    g_autofree char *vm_dir = make_vm_dir();
    g_autoptr(HvdCheckpointTree) tree = NULL;
    g_autoptr(HvdCheckpointTree) again = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *broken = NULL;
    g_autofree char *c_dir = NULL;

    tree = hvd_checkpoint_tree_load(vm_dir, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(tree->checkpoints->len, ==, 0);
    g_assert_null(tree->current);

    /* A, then B on A; back to A (as an apply does), then C: a branch under A. */
    g_assert_true(hvd_checkpoint_tree_add(tree, checkpoint_new("a", "A", 1, "base.vhdx"), &error));
    g_assert_true(hvd_checkpoint_tree_add(tree, checkpoint_new("b", "B", 2, "x.qcow2"), &error));
    g_free(tree->current);
    tree->current = g_strdup("a");
    g_assert_true(hvd_checkpoint_tree_add(tree, checkpoint_new("c", "C", 3, "y.qcow2"), &error));
    g_assert_true(hvd_checkpoint_tree_add(tree, checkpoint_new("d", "D", 4, "z.qcow2"), &error));
    g_assert_no_error(error);
    g_assert_cmpstr(tree->current, ==, "d");

    /* A broken file is skipped, the rest read; tree order: A, B, C, D (D under C). */
    broken = g_build_filename(vm_dir, "checkpoints", "zz", "checkpoint.json", NULL);
    g_assert_cmpint(g_mkdir_with_parents(broken, 0700), ==, 0);
    g_rmdir(broken);
    g_assert_true(g_file_set_contents(broken, "{ not json", -1, NULL));
    g_test_expect_message("berthd", G_LOG_LEVEL_WARNING, "*Cannot read*");
    again = hvd_checkpoint_tree_load(vm_dir, &error);
    g_test_assert_expected_messages();
    g_unlink(broken);
    g_assert_no_error(error);
    g_assert_cmpuint(again->checkpoints->len, ==, 4);
    g_assert_cmpstr(name_at(again, 0), ==, "A");
    g_assert_cmpstr(name_at(again, 1), ==, "B");
    g_assert_cmpstr(name_at(again, 2), ==, "C");
    g_assert_cmpstr(name_at(again, 3), ==, "D");
    g_assert_cmpstr(again->current, ==, "d");
    g_assert_true(hvd_checkpoint_tree_find(again, "C", NULL) ==
                  hvd_checkpoint_tree_find(again, "c", NULL));
    g_assert_null(hvd_checkpoint_tree_find(again, "E", &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND);
    g_clear_error(&error);

    /* Removing C moves D under A, and the current one stays D. */
    g_assert_true(
        hvd_checkpoint_tree_remove(again, hvd_checkpoint_tree_find(again, "C", NULL), &error));
    g_assert_no_error(error);
    g_clear_pointer(&again, hvd_checkpoint_tree_free);
    again = hvd_checkpoint_tree_load(vm_dir, NULL);
    g_assert_cmpuint(again->checkpoints->len, ==, 3);
    g_assert_cmpstr(hvd_checkpoint_tree_find(again, "D", NULL)->parent, ==, "a");
    g_assert_cmpstr(again->current, ==, "d");
    c_dir = g_build_filename(vm_dir, "checkpoints", "c", NULL);
    g_assert_false(g_file_test(c_dir, G_FILE_TEST_EXISTS));
    berth_test_remove_tree(vm_dir);
}

/* Overlays: what nothing reaches is deleted; a frozen image or a backing file is kept. */
static void
test_collect(void)
{
    g_autofree char *vm_dir = make_vm_dir();
    g_autoptr(HvdCheckpointTree) tree = hvd_checkpoint_tree_load(vm_dir, NULL);
    g_autoptr(HvxVmDef) active = def_with_disk("checkpoints/images/o3.qcow2");
    g_autoptr(GError) error = NULL;
    g_autofree char *images = g_build_filename(vm_dir, "checkpoints", "images", NULL);
    const char *names[] = {"o1", "o2", "o3", "garbage"};
    const char *backings[] = {"/base.vhdx", "o1", "o2", "o1"};
    g_autofree char *o1 = g_build_filename(images, "o1.qcow2", NULL);
    g_autofree char *o2 = g_build_filename(images, "o2.qcow2", NULL);
    g_autofree char *o3 = g_build_filename(images, "o3.qcow2", NULL);
    g_autofree char *garbage = g_build_filename(images, "garbage.qcow2", NULL);
    g_autofree char *stray = g_build_filename(images, "stray.qcow2", NULL);

    g_assert_cmpint(g_mkdir_with_parents(images, 0700), ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *rel = g_strdup_printf("checkpoints/images/%s.qcow2", names[i]);
        g_autofree char *path = g_build_filename(vm_dir, rel, NULL);
        g_autofree char *backing =
            backings[i][0] == '/'
                ? g_strdup(backings[i])
                : g_strdup_printf("%s/checkpoints/images/%s.qcow2", vm_dir, backings[i]);

        g_assert_true(g_file_set_contents(path, "", 0, NULL));
        g_hash_table_insert(tree->overlays, g_steal_pointer(&rel), g_steal_pointer(&backing));
    }
    g_assert_true(hvd_checkpoint_tree_add(tree, checkpoint_new("a", "A", 1, "/base.vhdx"), &error));
    /* An overlay made but never recorded (berthd stopped in between) goes too. */
    g_assert_true(g_file_set_contents(stray, "", 0, NULL));
    g_assert_true(hvd_checkpoint_tree_collect(tree, active, &error));
    g_assert_no_error(error);
    /* o3 is the disk, o2 and o1 its chain; the garbage overlay goes. */
    g_assert_cmpuint(g_hash_table_size(tree->overlays), ==, 3);
    g_assert_false(g_hash_table_contains(tree->overlays, "checkpoints/images/garbage.qcow2"));
    g_assert_false(g_file_test(garbage, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(stray, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(o1, G_FILE_TEST_EXISTS));
    /* The base (a checkpoint's image) and o2 (o3 is made on it) are frozen; o3 is not. */
    g_assert_true(hvd_checkpoint_tree_is_frozen(tree, "/base.vhdx"));
    g_assert_true(hvd_checkpoint_tree_is_frozen(tree, o2));
    g_assert_false(hvd_checkpoint_tree_is_frozen(tree, o3));
    berth_test_remove_tree(vm_dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/checkpoint/tree", test_tree);
    g_test_add_func("/checkpoint/collect", test_collect);
    return g_test_run();
}
