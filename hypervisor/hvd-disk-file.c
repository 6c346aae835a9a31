/* hvd-disk-file.c: the files behind disk operations: checks of a source and a new target, the
 * hidden temporary name a new disk is written under, its rename into place without replacing
 * anything, and allocating a fixed disk's space (in a worker thread).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE /* renameat2, fallocate */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-disk-file.h"
#include "hvd-error.h"

#define GIB (G_GUINT64_CONSTANT(1) << 30)

static void
set_folder_error(const char *folder, int errsv, GError **error)
{
    if (errsv == ENOSPC || errsv == EDQUOT)
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                    _("There is not enough free space in the folder “%s”"), folder);
    else if ((errsv == ENOENT || errsv == ENOTDIR) && !g_file_test(folder, G_FILE_TEST_IS_DIR))
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("The folder “%s” does not exist"),
                    folder);
    else
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                    /* Translators: the second %s is the system's reason */
                    _("Berth cannot write in the folder “%s”: %s"), folder, g_strerror(errsv));
}

gboolean
hvd_disk_file_check_target(const char *path, GError **error)
{
    g_autofree char *folder = NULL;
    struct stat st;

    if (path == NULL || *path == '\0' || g_str_has_suffix(path, "/")) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("“%s” is not a file name"),
                    path != NULL ? path : "");
        return FALSE;
    }
    if (lstat(path, &st) == 0) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("“%s” exists already"), path);
        return FALSE;
    }
    folder = g_path_get_dirname(path);
    if (!g_file_test(folder, G_FILE_TEST_IS_DIR)) {
        set_folder_error(folder, ENOENT, error);
        return FALSE;
    }
    if (access(folder, W_OK) != 0) {
        set_folder_error(folder, errno, error);
        return FALSE;
    }
    return TRUE;
}

gboolean
hvd_disk_file_check_source(const char *path, GError **error)
{
    struct stat st;

    if (path == NULL || stat(path, &st) != 0) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND, _("“%s” does not exist"),
                    path != NULL ? path : "");
        return FALSE;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("“%s” is not a disk image"), path);
        return FALSE;
    }
    return TRUE;
}

/* Reserves a hidden name beside @target; qemu-img then writes over the empty file. */
char *
hvd_disk_file_reserve_temp(const char *target, GError **error)
{
    g_autofree char *folder = g_path_get_dirname(target);
    g_autofree char *base = g_path_get_basename(target);
    g_autofree char *name = g_strdup_printf("%s/.%s.berth-XXXXXX", folder, base);
    int fd = g_mkstemp_full(name, O_RDWR | O_CLOEXEC, 0666);

    if (fd < 0) {
        set_folder_error(folder, errno, error);
        return NULL;
    }
    close(fd);
    return g_steal_pointer(&name);
}

/* Renames without replacing a file someone made meanwhile (link + unlink where the file
 * system lacks RENAME_NOREPLACE). */
gboolean
hvd_disk_file_rename_new(const char *from, const char *to, GError **error)
{
    int errsv;

    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return TRUE;
    errsv = errno;
    if (errsv == EINVAL || errsv == ENOSYS) {
        if (link(from, to) == 0) {
            g_unlink(from);
            return TRUE;
        }
        errsv = errno;
    }
    if (errsv == EEXIST)
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("“%s” exists already"), to);
    else
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot rename “%s” to “%s”: %s"),
                    from, to, g_strerror(errsv));
    return FALSE;
}

typedef struct {
    char *file;
    char *display;
} AllocateData;

static void
allocate_data_free(AllocateData *data)
{
    g_free(data->file);
    g_free(data->display);
    g_free(data);
}

static void
allocate_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    AllocateData *data = task_data;
    struct stat st;
    int fd = open(data->file, O_WRONLY | O_CLOEXEC);
    int errsv = 0;

    if (fd < 0 || fstat(fd, &st) != 0) {
        errsv = errno;
    } else {
        for (off_t offset = 0; offset < st.st_size; offset += (off_t)GIB) {
            off_t length = MIN((off_t)GIB, st.st_size - offset);

            if (g_cancellable_is_cancelled(cancellable))
                break;
            if (fallocate(fd, 0, offset, length) != 0) {
                errsv = errno;
                /* A file system without fallocate keeps the disk sparse; it still works. */
                if (errsv == EOPNOTSUPP)
                    errsv = 0;
                break;
            }
        }
    }
    if (fd >= 0)
        close(fd);

    if (g_cancellable_is_cancelled(cancellable))
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                _("The operation was cancelled"));
    else if (errsv == ENOSPC || errsv == EDQUOT)
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                _("There is not enough free space for “%s”"), data->display);
    else if (errsv != 0)
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                _("Cannot allocate “%s”: %s"), data->display, g_strerror(errsv));
    else
        g_task_return_boolean(task, TRUE);
}

void
hvd_disk_file_allocate_async(const char *file, const char *display, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    AllocateData *data = g_new0(AllocateData, 1);

    data->file = g_strdup(file);
    data->display = g_strdup(display);
    g_task_set_task_data(task, data, (GDestroyNotify)allocate_data_free);
    g_task_set_check_cancellable(task, FALSE);
    g_task_run_in_thread(task, allocate_thread);
}

gboolean
hvd_disk_file_allocate_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}
