/* hvd-job.h: a long operation (disk creation, conversion, resize, save) berthd reports on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
    HVD_JOB_STATE_RUNNING,
    HVD_JOB_STATE_SUCCEEDED,
    HVD_JOB_STATE_FAILED,
    HVD_JOB_STATE_CANCELLED,
} HvdJobState;

/* "running", "succeeded", "failed", "cancelled": the D-Bus Job's State values (and the enum
 * type's nicks). */
const char *hvd_job_state_to_string(HvdJobState state);
#define HVD_TYPE_JOB_STATE (hvd_job_state_get_type())
GType hvd_job_state_get_type(void);

#define HVD_TYPE_JOB (hvd_job_get_type())
G_DECLARE_FINAL_TYPE(HvdJob, hvd_job, HVD, JOB, GObject)

/* A running job at progress 0. Properties (all notify): "description" (string), "progress"
 * (double 0..1), "state" (HvdJobState), "error" (string, "" unless failed), "cancellable"
 * (boolean). Signal "finished" (no arguments) is emitted once, when the state leaves running. */
HvdJob *hvd_job_new(const char *description, gboolean cancellable);

const char *hvd_job_get_description(HvdJob *self);
double hvd_job_get_progress(HvdJob *self);
HvdJobState hvd_job_get_state(HvdJob *self);
const char *hvd_job_get_error(HvdJob *self);
gboolean hvd_job_get_cancellable(HvdJob *self);
gboolean hvd_job_is_finished(HvdJob *self);

/* The GCancellable the operation watches; hvd_job_cancel() triggers it. */
GCancellable *hvd_job_get_cancellation(HvdJob *self);

/* Asks the operation to stop. Fails (BERTH_ERROR_WRONG_STATE) when the job has finished or
 * cannot be cancelled; the job becomes "cancelled" once the operation has cleaned up. */
gboolean hvd_job_cancel(HvdJob *self, GError **error);

/* For the operation driving the job. Progress is clamped to 0..1 and never goes back. */
void hvd_job_set_progress(HvdJob *self, double progress);
void hvd_job_set_cancellable(HvdJob *self, gboolean cancellable);
/* Ends the job: NULL → succeeded (progress 1), G_IO_ERROR_CANCELLED → cancelled, else failed
 * with error->message. Only the first call counts. */
void hvd_job_complete(HvdJob *self, const GError *error);

G_END_DECLS
