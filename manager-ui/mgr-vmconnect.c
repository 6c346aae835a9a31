/* mgr-vmconnect.c: finds vmconnect and runs it, reporting a failed start with its message.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-vmconnect.h"

char *
mgr_vmconnect_find(void)
{
    const char *env = g_getenv("BERTH_VMCONNECT");
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);

    if (env != NULL && *env != '\0')
        return g_strdup(env);
    if (self != NULL) {
        g_autofree char *dir = g_path_get_dirname(self);
        g_autofree char *built = g_build_filename(dir, "..", "vmconnect", "vmconnect", NULL);

        if (g_file_test(built, G_FILE_TEST_IS_EXECUTABLE))
            return g_canonicalize_filename(built, NULL);
    }
    return g_find_program_in_path("vmconnect");
}

static void
communicated(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GSubprocess *process = G_SUBPROCESS(source);
    g_autoptr(GError) error = NULL;
    g_autofree char *err = NULL;

    if (!g_subprocess_communicate_utf8_finish(process, result, NULL, &err, &error)) {
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    if (g_subprocess_get_if_exited(process) && g_subprocess_get_exit_status(process) == 0) {
        g_task_return_boolean(task, TRUE);
        return;
    }
    g_strstrip(err);
    g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED,
                            /* Translators: %s is what vmconnect printed when it failed. */
                            _("The console window failed: %s"),
                            err != NULL && *err != '\0' ? err : _("it gave no reason"));
}

gboolean
mgr_vmconnect_spawn(const char *address, const char *uuid, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data, GError **error)
{
    g_autofree char *vmconnect = mgr_vmconnect_find();
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GSubprocess) process = NULL;
    GTask *task;

    g_return_val_if_fail(uuid != NULL, FALSE);

    if (vmconnect == NULL) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                            _("vmconnect, Berth's console window, is not installed."));
        return FALSE;
    }
    g_ptr_array_add(argv, vmconnect);
    if (address != NULL) {
        g_ptr_array_add(argv, (char *)"--connect");
        g_ptr_array_add(argv, (char *)address);
    }
    g_ptr_array_add(argv, (char *)uuid);
    g_ptr_array_add(argv, NULL);
    process =
        g_subprocess_newv((const char *const *)argv->pdata,
                          G_SUBPROCESS_FLAGS_STDIN_INHERIT | G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
    if (process == NULL)
        return FALSE;
    task = g_task_new(process, cancellable, callback, user_data);
    g_task_set_source_tag(task, mgr_vmconnect_spawn);
    g_subprocess_communicate_utf8_async(process, NULL, cancellable, communicated, task);
    return TRUE;
}

gboolean
mgr_vmconnect_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}
