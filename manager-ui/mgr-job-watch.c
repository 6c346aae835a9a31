/* mgr-job-watch.c: waits for a berthd Job (Finished signal or State property).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "berth-dbus.h"
#include "berth-names.h"
#include "mgr-job-watch.h"

typedef struct {
    BerthDBusJob *job;
    MgrJobProgressFunc progress;
    gpointer progress_data;
    gulong cancel_id;
    gulong finished_id;
    gulong notify_id;
    GCancellable *cancellable;
} WatchData;

static void
watch_data_free(WatchData *data)
{
    if (data->job != NULL) {
        g_clear_signal_handler(&data->finished_id, data->job);
        g_clear_signal_handler(&data->notify_id, data->job);
    }
    if (data->cancellable != NULL && data->cancel_id != 0)
        g_cancellable_disconnect(data->cancellable, data->cancel_id);
    g_clear_object(&data->cancellable);
    g_clear_object(&data->job);
    g_free(data);
}

static void
complete(GTask *task, const char *state, const char *error_text)
{
    if (g_task_get_completed(task) || g_task_had_error(task))
        return;
    if (g_str_equal(state, "succeeded"))
        g_task_return_boolean(task, TRUE);
    else if (g_str_equal(state, "cancelled"))
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
    else
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                                error_text != NULL && *error_text != '\0' ? error_text
                                                                          : _("The job failed"));
}

static void
job_finished(BerthDBusJob *job, const char *state, const char *error_text, gpointer user_data)
{
    GTask *task = user_data;
    WatchData *data = g_task_get_task_data(task);

    /* Disconnect first: completing may drop the last reference to the task. */
    g_clear_signal_handler(&data->notify_id, data->job);
    g_clear_signal_handler(&data->finished_id, data->job);
    complete(task, state, error_text);
    g_object_unref(task);
}

static void
job_progress(BerthDBusJob *job, GParamSpec *pspec, gpointer user_data)
{
    WatchData *data = user_data;

    if (data->progress != NULL)
        data->progress(berth_dbus_job_get_progress(job), data->progress_data);
}

static void
cancel_called(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    /* The job may have ended meanwhile; its Finished signal tells the outcome either way. */
    if (!berth_dbus_job_call_cancel_finish(BERTH_DBUS_JOB(source), result, &error))
        g_debug("Cancelling the job: %s", error->message);
}

static void
cancelled(GCancellable *cancellable, gpointer user_data)
{
    WatchData *data = user_data;

    if (data->job != NULL)
        berth_dbus_job_call_cancel(data->job, NULL, cancel_called, NULL);
}

static void
proxy_ready(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    WatchData *data = g_task_get_task_data(task);
    GError *error = NULL;
    const char *state;

    data->job = berth_dbus_job_proxy_new_finish(result, &error);
    if (data->job == NULL) {
        g_task_return_error(task, error);
        g_object_unref(task);
        return;
    }
    state = berth_dbus_job_get_state(data->job);
    if (state != NULL && !g_str_equal(state, "running")) {
        complete(task, state, berth_dbus_job_get_error(data->job));
        g_object_unref(task);
        return;
    }
    data->notify_id =
        g_signal_connect(data->job, "notify::progress", G_CALLBACK(job_progress), data);
    /* The task's reference now belongs to the signal handler until Finished. */
    data->finished_id = g_signal_connect(data->job, "finished", G_CALLBACK(job_finished), task);
    if (data->cancellable != NULL)
        data->cancel_id =
            g_cancellable_connect(data->cancellable, G_CALLBACK(cancelled), data, NULL);
}

void
mgr_job_watch_async(GDBusConnection *connection, const char *job_path, GCancellable *cancellable,
                    MgrJobProgressFunc progress, gpointer progress_data,
                    GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, NULL, callback, user_data);
    WatchData *data = g_new0(WatchData, 1);

    g_return_if_fail(G_IS_DBUS_CONNECTION(connection));
    g_return_if_fail(job_path != NULL);

    data->progress = progress;
    data->progress_data = progress_data;
    data->cancellable = cancellable != NULL ? g_object_ref(cancellable) : NULL;
    g_task_set_task_data(task, data, (GDestroyNotify)watch_data_free);
    g_task_set_source_tag(task, mgr_job_watch_async);
    berth_dbus_job_proxy_new(connection, G_DBUS_PROXY_FLAGS_NONE, BERTH_BUS_NAME, job_path, NULL,
                             proxy_ready, task);
}

gboolean
mgr_job_watch_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}
