/* test-disk-dialog.c: New Virtual Hard Disk, Edit (expand, convert) and Inspect, the real dialog
 * under Xvfb against a real berthd (berthtest.py session): disks made and changed by berthd's Jobs
 * and checked with "berth disk info"; invalid input flagged before Create; a disk that does not
 * fit (a 1 MiB tmpfs) fails with berthd's reason and leaves no file; a long conversion shows
 * its progress and Cancel stops it, leaving nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <sys/mount.h>

#include <glib/gstdio.h>

#include "mgr-disk-dialog.h"
#include "mgr-test-util.h"

#define D MGR_TYPE_DISK_DIALOG

static MgrClient *client;

typedef struct {
    MgrDiskDialog *dialog; /* weak */
    char *done;
} Run;

static void
disk_done(MgrDiskDialog *dialog, const char *path, gpointer user_data)
{
    ((Run *)user_data)->done = g_strdup(path);
}

static gboolean
not_busy(gpointer data)
{
    Run *run = data;

    return run->dialog == NULL || !mgr_disk_dialog_is_busy(run->dialog);
}

static void
open_dialog(Run *run, MgrDiskDialogMode mode)
{
    run->dialog = mgr_disk_dialog_new(NULL, client, mode);
    g_object_add_weak_pointer(G_OBJECT(run->dialog), (gpointer *)&run->dialog);
    g_signal_connect(run->dialog, "disk-done", G_CALLBACK(disk_done), run);
    gtk_window_present(GTK_WINDOW(run->dialog));
    mgr_test_spin(100);
}

static void
run_clear(Run *run)
{
    if (run->dialog != NULL)
        gtk_window_destroy(GTK_WINDOW(run->dialog));
    g_clear_pointer(&run->done, g_free);
    mgr_test_spin(50);
}

/* Edit Virtual Hard Disk on @path: Convert to the format in row @format of the dropdown, into
 * @target, and Finish (the form must have nothing to object to). */
static void
start_conversion(Run *run, const char *path, guint format, const char *target)
{
    open_dialog(run, MGR_DISK_DIALOG_EDIT);
    mgr_disk_dialog_set_path(run->dialog, path);
    g_assert_true(mgr_test_wait(not_busy, run, 10000));
    mgr_test_toggle(run->dialog, D, "convert_check", TRUE);
    gtk_drop_down_set_selected(mgr_test_child(run->dialog, D, "convert_format_dropdown"), format);
    mgr_test_type(run->dialog, D, "target_entry", target);
    g_assert_null(mgr_test_reason(run->dialog, D, "reason_label"));
    mgr_test_activate(run->dialog, "disk.run");
}

static char *
disk_info(const char *path)
{
    g_autofree char *err = NULL;
    char *out = mgr_test_berth(&err, "disk", "info", path, NULL);

    if (out == NULL)
        g_error("berth disk info %s: %s", path, err);
    return out;
}

static void
create(Run *run, const char *folder, const char *name, const char *format_check,
       const char *type_check)
{
    open_dialog(run, MGR_DISK_DIALOG_NEW);
    mgr_test_toggle(run->dialog, D, format_check, TRUE);
    mgr_test_toggle(run->dialog, D, type_check, TRUE);
    mgr_test_type(run->dialog, D, "folder_entry", folder);
    mgr_test_type(run->dialog, D, "name_entry", name);
}

static void
test_new_and_inspect(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("disks");
    g_autofree char *base = g_build_filename(folder, "base.vhdx", NULL);
    g_autofree char *child = g_build_filename(folder, "child.qcow2", NULL);
    g_autofree char *info = NULL;
    const char *text;

    create(&run, folder, "base.vhdx", "format_vhdx_check", "type_dynamic_check");
    mgr_test_set_value(run.dialog, D, "size_spin", 1);
    g_assert_null(mgr_test_reason(run.dialog, D, "reason_label"));
    mgr_test_screenshot(run.dialog, "disk-new");
    mgr_test_activate(run.dialog, "disk.run");
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.dialog, 30000));
    g_assert_cmpstr(run.done, ==, base);
    info = disk_info(base);
    g_test_message("%s", info);
    g_assert_nonnull(strstr(info, "vhdx"));
    run_clear(&run);

    /* A differencing disk: qcow2 only, on the VHDX. */
    create(&run, folder, "child.qcow2", "format_vhdx_check", "type_differencing_check");
    g_assert_nonnull(mgr_test_reason(run.dialog, D, "reason_label"));
    mgr_test_toggle(run.dialog, D, "format_qcow2_check", TRUE);
    mgr_test_type(run.dialog, D, "name_entry", "child.qcow2");
    mgr_test_type(run.dialog, D, "parent_entry", base);
    g_assert_null(mgr_test_reason(run.dialog, D, "reason_label"));
    mgr_test_activate(run.dialog, "disk.run");
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.dialog, 30000));
    g_assert_cmpstr(run.done, ==, child);
    run_clear(&run);

    open_dialog(&run, MGR_DISK_DIALOG_INSPECT);
    mgr_disk_dialog_set_path(run.dialog, child);
    g_assert_true(mgr_test_wait(not_busy, &run, 10000));
    text = gtk_label_get_text(mgr_test_child(run.dialog, D, "info_label"));
    g_test_message("%s", text);
    g_assert_nonnull(strstr(text, "qcow2"));
    g_assert_nonnull(strstr(text, "Differencing"));
    g_assert_nonnull(strstr(text, base));
    mgr_test_screenshot(run.dialog, "disk-inspect");
    mgr_test_activate(run.dialog, "disk.cancel");
    g_assert_null(run.dialog);
    run_clear(&run);
}

static void
test_edit(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("disks");
    g_autofree char *base = g_build_filename(folder, "base.vhdx", NULL);
    g_autofree char *target = g_build_filename(folder, "base-converted.vhd", NULL);
    g_autofree char *info = NULL;

    open_dialog(&run, MGR_DISK_DIALOG_EDIT);
    mgr_disk_dialog_set_path(run.dialog, base);
    g_assert_true(mgr_test_wait(not_busy, &run, 10000));
    /* Shrinking is not offered. */
    mgr_test_set_value(run.dialog, D, "new_size_spin", 1);
    g_assert_nonnull(mgr_test_reason(run.dialog, D, "reason_label"));
    mgr_test_set_value(run.dialog, D, "new_size_spin", 2);
    g_assert_null(mgr_test_reason(run.dialog, D, "reason_label"));
    mgr_test_screenshot(run.dialog, "disk-edit");
    mgr_test_activate(run.dialog, "disk.run");
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.dialog, 30000));
    info = disk_info(base);
    g_test_message("%s", info);
    g_assert_nonnull(strstr(info, "2147483648"));
    run_clear(&run);

    start_conversion(&run, base, 1, target);
    g_assert_true(mgr_test_wait(mgr_test_window_gone, &run.dialog, 60000));
    g_clear_pointer(&info, g_free);
    info = disk_info(target);
    g_assert_nonnull(strstr(info, "vhd"));
    run_clear(&run);
}

static void
test_invalid(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("disks");

    create(&run, folder, "base.vhdx", "format_vhdx_check", "type_dynamic_check");
    g_assert_nonnull(strstr(mgr_test_reason(run.dialog, D, "reason_label"), "already exists"));
    g_assert_false(mgr_test_sensitive(run.dialog, D, "run_button"));
    mgr_test_type(run.dialog, D, "name_entry", "other.vhd");
    g_assert_nonnull(mgr_test_reason(run.dialog, D, "reason_label")); /* wrong extension */
    mgr_test_toggle(run.dialog, D, "format_vhd_check", TRUE);
    g_assert_null(mgr_test_reason(run.dialog, D, "reason_label"));
    mgr_test_set_value(run.dialog, D, "size_spin", 3000); /* VHD's limit is 2,040 GB */
    g_assert_nonnull(mgr_test_reason(run.dialog, D, "reason_label"));
    mgr_test_set_value(run.dialog, D, "size_spin", 0);
    g_assert_nonnull(mgr_test_reason(run.dialog, D, "reason_label"));
    mgr_test_set_value(run.dialog, D, "size_spin", 1);
    mgr_test_type(run.dialog, D, "folder_entry", "/nonexistent/folder");
    g_assert_nonnull(mgr_test_reason(run.dialog, D, "reason_label"));
    g_assert_false(mgr_test_sensitive(run.dialog, D, "run_button"));
    mgr_test_activate(run.dialog, "disk.cancel");
    g_assert_null(run.dialog);
    run_clear(&run);
}

static guint
count_files(const char *folder)
{
    g_autoptr(GDir) dir = g_dir_open(folder, 0, NULL);
    guint n = 0;

    while (dir != NULL && g_dir_read_name(dir) != NULL)
        n++;
    return n;
}

static void
test_no_space(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("full");
    const char *reason;

    if (mount("tmpfs", folder, "tmpfs", 0, "size=1m") != 0) {
        g_test_skip("cannot mount a tmpfs here (needs a private mount namespace and root)");
        return;
    }
    create(&run, folder, "big.vhdx", "format_vhdx_check", "type_fixed_check");
    mgr_test_set_value(run.dialog, D, "size_spin", 1);
    mgr_test_activate(run.dialog, "disk.run");
    g_assert_true(mgr_test_wait(not_busy, &run, 60000));
    g_assert_nonnull(run.dialog);
    g_assert_null(run.done);
    reason = mgr_test_reason(run.dialog, D, "reason_label");
    g_assert_nonnull(reason);
    g_test_message("no space: %s", reason);
    mgr_test_screenshot(run.dialog, "disk-no-space");
    g_assert_cmpuint(count_files(folder), ==, 0);
    run_clear(&run);
    umount(folder);
}

static gboolean
progress_shown(gpointer data)
{
    Run *run = data;
    GtkProgressBar *bar;

    if (run->dialog == NULL || !mgr_disk_dialog_is_busy(run->dialog))
        return TRUE;
    bar = mgr_test_child(run->dialog, D, "progress_bar");
    return gtk_widget_get_visible(GTK_WIDGET(bar)) && gtk_progress_bar_get_fraction(bar) > 0;
}

/* A conversion long enough to watch (2 GiB of data, not zeroes, which qemu-img would skip):
 * the progress bar moves, Cancel stops berthd's Job, and nothing of the target is left. */
static void
test_progress_and_cancel(void)
{
    Run run = {0};
    g_autofree char *folder = mgr_test_scratch("slow");
    g_autofree char *source = g_build_filename(folder, "big.img", NULL);
    g_autofree char *target = g_build_filename(folder, "big.vhdx", NULL);
    g_autofree char *command =
        g_strdup_printf("sh -c 'yes berth-disk-data | head -c 2G >\"%s\"'", source);
    g_autoptr(GError) error = NULL;
    GtkProgressBar *bar;
    const char *reason;

    g_assert_true(g_spawn_command_line_sync(command, NULL, NULL, NULL, &error));
    g_assert_no_error(error);
    start_conversion(&run, source, 0, target);
    g_assert_true(mgr_test_wait(progress_shown, &run, 60000));
    g_assert_nonnull(run.dialog);
    g_assert_true(mgr_disk_dialog_is_busy(run.dialog));
    bar = mgr_test_child(run.dialog, D, "progress_bar");
    g_test_message("progress before Cancel: %.3f", gtk_progress_bar_get_fraction(bar));
    g_assert_cmpfloat(gtk_progress_bar_get_fraction(bar), <, 1.0);
    mgr_test_activate(run.dialog, "disk.cancel");
    g_assert_true(mgr_test_wait(not_busy, &run, 60000));
    g_assert_nonnull(run.dialog); /* the dialog stays, saying what happened */
    g_assert_null(run.done);
    reason = mgr_test_reason(run.dialog, D, "reason_label");
    g_assert_nonnull(reason);
    g_test_message("after Cancel: %s", reason);
    g_assert_nonnull(strstr(reason, "Cancelled"));
    g_assert_false(g_file_test(target, G_FILE_TEST_EXISTS));
    run_clear(&run);
    g_unlink(source);
}

int
main(int argc, char **argv)
{
    int status;

    if (!mgr_test_init(&argc, &argv))
        return 0; /* skipped: mgr_test_init() printed the TAP plan saying why */
    client = mgr_test_client();
    g_test_add_func("/disk-dialog/new-and-inspect", test_new_and_inspect);
    g_test_add_func("/disk-dialog/edit", test_edit);
    g_test_add_func("/disk-dialog/invalid", test_invalid);
    g_test_add_func("/disk-dialog/no-space", test_no_space);
    g_test_add_func("/disk-dialog/progress-and-cancel", test_progress_and_cancel);
    status = g_test_run();
    g_clear_object(&client);
    return status;
}
