/* hvd-qemu-img.c: the one way berthd runs qemu-img.
 *
 * qemu-img is a GSubprocess with LC_ALL=C; its stdout (progress pieces ended by \r, and what it
 * prints, such as info's JSON) and its stderr (the messages) are read from the main loop. The
 * task ends once both pipes are closed and the process is waited for. Cancelling kills qemu-img
 * (SIGKILL via its PID) and still waits for it, so the caller may delete its files at once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hvd-error.h"
#include "hvd-qemu-img-output.h"
#include "hvd-qemu-img.h"

#define READ_SIZE 4096

typedef struct {
    GSubprocess *process;
    GString *buffer;   /* stdout not yet split into pieces */
    GString *output;   /* stdout without the progress pieces */
    GString *messages; /* stderr */
    char *path;
    char *written;
    HvdJob *job;
    double from;
    double to;
    GCancellable *cancellable;
    gulong cancel_id;
    gboolean cancelled;
    guint pending; /* stdout, stderr and the exit still to come */
} RunData;

static void
run_data_free(RunData *data)
{
    if (data->cancel_id != 0)
        g_cancellable_disconnect(data->cancellable, data->cancel_id);
    g_clear_object(&data->process);
    g_string_free(data->buffer, TRUE);
    g_string_free(data->output, TRUE);
    g_string_free(data->messages, TRUE);
    g_free(data->path);
    g_free(data->written);
    g_clear_object(&data->job);
    g_clear_object(&data->cancellable);
    g_free(data);
}

static const char *
qemu_img_binary(void)
{
    const char *binary = g_getenv("BERTH_QEMU_IMG");

    return binary != NULL && *binary != '\0' ? binary : "qemu-img";
}

static GError *
failure(RunData *data)
{
    const char *messages = data->messages->len > 0 ? data->messages->str : data->output->str;

    if (data->written != NULL && (strstr(messages, "No space left on device") != NULL ||
                                  strstr(messages, "Disk quota exceeded") != NULL))
        return hvd_qemu_img_output_error(messages, data->written);
    return hvd_qemu_img_output_error(messages, data->path);
}

/* Takes @task once the pipes and the exit are all in. */
static void
run_step_done(GTask *task)
{
    RunData *data = g_task_get_task_data(task);
    double percent = 0.0;

    g_assert(data->pending > 0);
    if (--data->pending > 0) {
        g_object_unref(task);
        return;
    }
    if (data->cancel_id != 0) {
        g_cancellable_disconnect(data->cancellable, data->cancel_id);
        data->cancel_id = 0;
    }
    if (data->cancelled) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                _("The operation was cancelled"));
    } else {
        g_string_append_c(data->buffer, '\n');
        hvd_qemu_img_output_parse(data->buffer, &percent, data->output);
        if (!g_subprocess_get_successful(data->process))
            g_task_return_error(task, failure(data));
        else
            g_task_return_pointer(task, g_strdup(data->output->str), g_free);
    }
    g_object_unref(task);
}

static void
run_on_cancelled(GCancellable *cancellable, gpointer user_data)
{
    RunData *data = user_data;

    data->cancelled = TRUE;
    g_subprocess_force_exit(data->process);
}

static void
run_waited(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
    run_step_done(user_data);
}

static void
run_read_stdout(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    RunData *data = g_task_get_task_data(task);
    g_autoptr(GBytes) bytes =
        g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, NULL);
    double percent;

    if (bytes == NULL || g_bytes_get_size(bytes) == 0) {
        run_step_done(task);
        return;
    }
    g_string_append_len(data->buffer, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
    if (hvd_qemu_img_output_parse(data->buffer, &percent, data->output) && data->job != NULL &&
        !data->cancelled)
        hvd_job_set_progress(data->job, data->from + (data->to - data->from) * percent / 100.0);
    g_input_stream_read_bytes_async(G_INPUT_STREAM(source), READ_SIZE, G_PRIORITY_DEFAULT, NULL,
                                    run_read_stdout, task);
}

static void
run_read_stderr(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    RunData *data = g_task_get_task_data(task);
    g_autoptr(GBytes) bytes =
        g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, NULL);

    if (bytes == NULL || g_bytes_get_size(bytes) == 0) {
        run_step_done(task);
        return;
    }
    g_string_append_len(data->messages, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
    g_input_stream_read_bytes_async(G_INPUT_STREAM(source), READ_SIZE, G_PRIORITY_DEFAULT, NULL,
                                    run_read_stderr, task);
}

static GSubprocess *
spawn(const char *const *args, GError **error)
{
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) local_error = NULL;
    GSubprocess *process;

    g_ptr_array_add(argv, (gpointer)qemu_img_binary());
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    g_subprocess_launcher_setenv(launcher, "LC_ALL", "C", TRUE);

    process =
        g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &local_error);
    if (process == NULL) {
        if (g_error_matches(local_error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                        _("qemu-img is not installed (Debian package qemu-utils)"));
        else
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                        _("Cannot run qemu-img: %s"), local_error->message);
    }
    return process;
}

void
hvd_qemu_img_run_async(const char *const *args, const char *path, const char *written, HvdJob *job,
                       double from, double to, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, NULL, callback, user_data);
    GError *error = NULL;
    RunData *data;

    g_return_if_fail(args != NULL && path != NULL);
    g_return_if_fail(job == NULL || HVD_IS_JOB(job));

    g_task_set_source_tag(task, hvd_qemu_img_run_async);
    if (g_cancellable_is_cancelled(cancellable)) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                                _("The operation was cancelled"));
        return;
    }
    data = g_new0(RunData, 1);
    data->buffer = g_string_new(NULL);
    data->output = g_string_new(NULL);
    data->messages = g_string_new(NULL);
    data->path = g_strdup(path);
    data->written = g_strdup(written);
    data->job = job != NULL ? g_object_ref(job) : NULL;
    data->from = from;
    data->to = to;
    data->cancellable = cancellable != NULL ? g_object_ref(cancellable) : NULL;
    g_task_set_task_data(task, data, (GDestroyNotify)run_data_free);

    data->process = spawn(args, &error);
    if (data->process == NULL) {
        g_task_return_error(task, error);
        return;
    }
    if (cancellable != NULL)
        data->cancel_id =
            g_cancellable_connect(cancellable, G_CALLBACK(run_on_cancelled), data, NULL);
    data->pending = 3;
    g_input_stream_read_bytes_async(g_subprocess_get_stdout_pipe(data->process), READ_SIZE,
                                    G_PRIORITY_DEFAULT, NULL, run_read_stdout, g_object_ref(task));
    g_input_stream_read_bytes_async(g_subprocess_get_stderr_pipe(data->process), READ_SIZE,
                                    G_PRIORITY_DEFAULT, NULL, run_read_stderr, g_object_ref(task));
    g_subprocess_wait_async(data->process, NULL, run_waited, g_steal_pointer(&task));
}

char *
hvd_qemu_img_run_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == hvd_qemu_img_run_async, NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}
