/* test-disk-qemu-img.c: reading qemu-img's progress, messages and JSON, without qemu-img.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "hvd-disk.h"
#include "hvd-error.h"
#include "hvd-qemu-img-output.h"

static void
test_progress(void)
{
    g_autoptr(GString) buffer = g_string_new(NULL);
    g_autoptr(GString) messages = g_string_new(NULL);
    double percent = -1.0;

    /* A piece cut in the middle waits for the rest. */
    g_string_append(buffer, "    (0.00/100%)\r    (1.5");
    g_assert_true(hvd_qemu_img_output_parse(buffer, &percent, messages));
    g_assert_cmpfloat(percent, ==, 0.0);
    g_assert_cmpstr(buffer->str, ==, "    (1.5");

    g_string_append(buffer, "6/100%)\r    (3.12/100%)\r");
    g_assert_true(hvd_qemu_img_output_parse(buffer, &percent, messages));
    g_assert_cmpfloat_with_epsilon(percent, 3.12, 1e-9);
    g_assert_cmpstr(buffer->str, ==, "");
    g_assert_cmpstr(messages->str, ==, "");

    /* Messages (stderr merged) between progress pieces. */
    g_string_append(buffer, "qemu-img: error while writing at byte 2097152: No space left on "
                            "device\n    (100.00/100%)\r(bogus/100%)\n");
    g_assert_true(hvd_qemu_img_output_parse(buffer, &percent, messages));
    g_assert_cmpfloat(percent, ==, 100.0);
    g_assert_cmpstr(messages->str, ==,
                    "qemu-img: error while writing at byte 2097152: No space left on device\n"
                    "(bogus/100%)\n");

    g_string_append(buffer, "no end yet");
    g_assert_false(hvd_qemu_img_output_parse(buffer, &percent, messages));
    g_assert_cmpstr(buffer->str, ==, "no end yet");
}

typedef struct {
    const char *messages;
    int code;
    const char *expected;
} ErrorCase;

static const ErrorCase error_cases[] = {
    {"qemu-img: Could not open '/d/x.vhdx': Failed to get \"write\" lock\n"
     "Is another process using the image [/d/x.vhdx]?\n",
     BERTH_ERROR_BUSY, "“/d/x.vhdx” is in use by a running virtual machine"},
    {"qemu-img: Could not open '/d/x.vhdx': Failed to get shared \"write\" lock\n"
     "Is another process using the image [/d/x.vhdx]?\n",
     BERTH_ERROR_BUSY, "“/d/x.vhdx” is in use by a running virtual machine"},
    {"qemu-img: /d/.x.vhdx.berth-1: Could not write zeros for preallocation: No space left on "
     "device\n",
     BERTH_ERROR_FAILED, "There is not enough free space for “/d/x.vhdx”"},
    {"qemu-img: Could not open '/d/x.vhdx': Could not open '/d/x.vhdx': No such file or "
     "directory\n",
     BERTH_ERROR_NOT_FOUND, "“/d/x.vhdx” does not exist"},
    {"qemu-img: /d/x.qcow2: Could not open '/d/p.vhdx': No such file or directory\n"
     "Could not open backing image.\n",
     BERTH_ERROR_NOT_FOUND, "The parent of “/d/x.vhdx” is missing or not a disk image"},
    {"qemu-img: Could not open '/d/p.qcow2': Could not open '/d/p.qcow2': No such file or "
     "directory\n",
     BERTH_ERROR_NOT_FOUND, "The parent disk “/d/p.qcow2” of “/d/x.vhdx” does not exist"},
    {"qemu-img: Could not open '/d/x.vhdx': Image is not in qcow2 format\n", BERTH_ERROR_FAILED,
     "“/d/x.vhdx” is not a disk image"},
    {"qemu-img: Could not open '/d/x.vhdx': Could not open '/d/x.vhdx': Permission denied\n",
     BERTH_ERROR_FAILED, "Berth is not allowed to read or write “/d/x.vhdx”"},
    {"qemu-img: Image format driver does not support resize\n", BERTH_ERROR_FAILED,
     "qemu-img failed on “/d/x.vhdx”: Image format driver does not support resize"},
    {"", BERTH_ERROR_FAILED, "qemu-img failed on “/d/x.vhdx”: no reason given"},
};

static void
test_errors(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(error_cases); i++) {
        g_autoptr(GError) error = hvd_qemu_img_output_error(error_cases[i].messages, "/d/x.vhdx");

        g_assert_error(error, BERTH_ERROR, error_cases[i].code);
        g_assert_cmpstr(error->message, ==, error_cases[i].expected);
    }
}

static void
test_info_json(void)
{
    g_autofree char *file =
        g_test_build_filename(G_TEST_DIST, "data", "disk", "info-chain.json", NULL);
    g_autofree char *json = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(HvdDiskInfo) info = NULL;

    g_assert_true(g_file_get_contents(file, &json, NULL, &error));
    info = hvd_disk_info_from_json(json, "/disks/i.qcow2", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(info->path, ==, "/disks/i.qcow2");
    g_assert_cmpint(info->format, ==, HVD_DISK_FORMAT_QCOW2);
    g_assert_cmpint(info->type, ==, HVD_DISK_TYPE_DIFFERENCING);
    g_assert_cmpuint(info->virtual_size, ==, 10485760);
    g_assert_cmpuint(info->file_size, ==, 200704);
    g_assert_cmpstr(info->parent, ==, "/disks/h.qcow2");
    g_assert_cmpstr(info->parent_info->path, ==, "/disks/h.qcow2");
    g_assert_cmpstr(info->parent_info->parent, ==, "/disks/b.vhdx");
    g_assert_cmpstr(info->parent_info->parent_info->path, ==, "/disks/b.vhdx");
    g_assert_cmpint(info->parent_info->parent_info->format, ==, HVD_DISK_FORMAT_VHDX);
    g_assert_null(info->parent_info->parent_info->parent);
    g_assert_null(info->parent_info->parent_info->parent_info);

    /* One object (no --backing-chain), a format Berth does not use, and garbage. */
    g_clear_pointer(&info, hvd_disk_info_free);
    info = hvd_disk_info_from_json("{\"format\": \"raw\", \"virtual-size\": 4096, "
                                   "\"actual-size\": 4096}",
                                   "/d/a.img", &error);
    g_assert_no_error(error);
    g_assert_cmpint(info->type, ==, HVD_DISK_TYPE_FIXED);
    g_clear_pointer(&info, hvd_disk_info_free);
    info = hvd_disk_info_from_json("{\"format\": \"vmdk\", \"virtual-size\": 4096}", "/d/a.vmdk",
                                   &error);
    g_assert_null(info);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "vmdk"));
    g_clear_error(&error);
    info = hvd_disk_info_from_json("not json", "/d/a.img", &error);
    g_assert_null(info);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/disk-qemu-img/progress", test_progress);
    g_test_add_func("/disk-qemu-img/errors", test_errors);
    g_test_add_func("/disk-qemu-img/info-json", test_info_json);
    return g_test_run();
}
