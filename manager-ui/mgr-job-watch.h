/* mgr-job-watch.h: follows one of berthd's Job objects to its end.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef void (*MgrJobProgressFunc)(double fraction, gpointer user_data);

/* Waits for the job at @job_path to end, calling @progress as it moves. Cancelling
 * @cancellable asks berthd to cancel the job; the call still completes only when the job has
 * ended (so no file is left behind when it finishes). */
void mgr_job_watch_async(GDBusConnection *connection, const char *job_path,
                         GCancellable *cancellable, MgrJobProgressFunc progress,
                         gpointer progress_data, GAsyncReadyCallback callback, gpointer user_data);
/* TRUE when the job succeeded; otherwise FALSE with its reason (G_IO_ERROR_CANCELLED when it
 * was cancelled). */
gboolean mgr_job_watch_finish(GAsyncResult *result, GError **error);

G_END_DECLS
