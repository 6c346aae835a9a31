/* hvd-job.c: a long operation berthd reports on, exported later as org.berth.Berth1.Job.
 *
 * The job knows nothing of what it runs: the operation sets its progress and completes it,
 * and watches hvd_job_get_cancellation() to stop when a client cancels.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvd-error.h"
#include "hvd-job.h"

struct _HvdJob {
    GObject parent_instance;

    char *description;
    double progress;
    HvdJobState state;
    char *error;
    gboolean cancellable;
    GCancellable *cancellation;
};

G_DEFINE_FINAL_TYPE(HvdJob, hvd_job, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE(HvdJobState, hvd_job_state,
                   G_DEFINE_ENUM_VALUE(HVD_JOB_STATE_RUNNING, "running"),
                   G_DEFINE_ENUM_VALUE(HVD_JOB_STATE_SUCCEEDED, "succeeded"),
                   G_DEFINE_ENUM_VALUE(HVD_JOB_STATE_FAILED, "failed"),
                   G_DEFINE_ENUM_VALUE(HVD_JOB_STATE_CANCELLED, "cancelled"))

enum { PROP_0, PROP_DESCRIPTION, PROP_PROGRESS, PROP_STATE, PROP_ERROR, PROP_CANCELLABLE, N_PROPS };

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_FINISHED, N_SIGNALS };

static guint signals[N_SIGNALS];

const char *
hvd_job_state_to_string(HvdJobState state)
{
    switch (state) {
    case HVD_JOB_STATE_RUNNING:
        return "running";
    case HVD_JOB_STATE_SUCCEEDED:
        return "succeeded";
    case HVD_JOB_STATE_FAILED:
        return "failed";
    case HVD_JOB_STATE_CANCELLED:
        return "cancelled";
    }
    g_return_val_if_reached("failed");
}

static void
hvd_job_finalize(GObject *object)
{
    HvdJob *self = HVD_JOB(object);

    g_free(self->description);
    g_free(self->error);
    g_clear_object(&self->cancellation);
    G_OBJECT_CLASS(hvd_job_parent_class)->finalize(object);
}

static void
hvd_job_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HvdJob *self = HVD_JOB(object);

    switch (prop_id) {
    case PROP_DESCRIPTION:
        g_value_set_string(value, self->description);
        break;
    case PROP_PROGRESS:
        g_value_set_double(value, self->progress);
        break;
    case PROP_STATE:
        g_value_set_enum(value, self->state);
        break;
    case PROP_ERROR:
        g_value_set_string(value, self->error);
        break;
    case PROP_CANCELLABLE:
        g_value_set_boolean(value, hvd_job_get_cancellable(self));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hvd_job_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    HvdJob *self = HVD_JOB(object);

    switch (prop_id) {
    case PROP_DESCRIPTION:
        g_free(self->description);
        self->description = g_value_dup_string(value);
        if (self->description == NULL)
            self->description = g_strdup("");
        break;
    case PROP_CANCELLABLE:
        self->cancellable = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
hvd_job_class_init(HvdJobClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->finalize = hvd_job_finalize;
    object_class->get_property = hvd_job_get_property;
    object_class->set_property = hvd_job_set_property;

    properties[PROP_DESCRIPTION] =
        g_param_spec_string("description", NULL, NULL, "",
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    properties[PROP_PROGRESS] =
        g_param_spec_double("progress", NULL, NULL, 0.0, 1.0, 0.0,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_STATE] =
        g_param_spec_enum("state", NULL, NULL, HVD_TYPE_JOB_STATE, HVD_JOB_STATE_RUNNING,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_ERROR] =
        g_param_spec_string("error", NULL, NULL, "",
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_CANCELLABLE] = g_param_spec_boolean(
        "cancellable", NULL, NULL, TRUE,
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    signals[SIGNAL_FINISHED] = g_signal_new("finished", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hvd_job_init(HvdJob *self)
{
    self->description = g_strdup("");
    self->error = g_strdup("");
    self->state = HVD_JOB_STATE_RUNNING;
    self->cancellation = g_cancellable_new();
}

HvdJob *
hvd_job_new(const char *description, gboolean cancellable)
{
    return g_object_new(HVD_TYPE_JOB, "description", description, "cancellable", cancellable, NULL);
}

const char *
hvd_job_get_description(HvdJob *self)
{
    g_return_val_if_fail(HVD_IS_JOB(self), NULL);
    return self->description;
}

double
hvd_job_get_progress(HvdJob *self)
{
    g_return_val_if_fail(HVD_IS_JOB(self), 0.0);
    return self->progress;
}

HvdJobState
hvd_job_get_state(HvdJob *self)
{
    g_return_val_if_fail(HVD_IS_JOB(self), HVD_JOB_STATE_FAILED);
    return self->state;
}

const char *
hvd_job_get_error(HvdJob *self)
{
    g_return_val_if_fail(HVD_IS_JOB(self), NULL);
    return self->error;
}

gboolean
hvd_job_get_cancellable(HvdJob *self)
{
    g_return_val_if_fail(HVD_IS_JOB(self), FALSE);
    return self->cancellable && self->state == HVD_JOB_STATE_RUNNING;
}

gboolean
hvd_job_is_finished(HvdJob *self)
{
    g_return_val_if_fail(HVD_IS_JOB(self), TRUE);
    return self->state != HVD_JOB_STATE_RUNNING;
}

GCancellable *
hvd_job_get_cancellation(HvdJob *self)
{
    g_return_val_if_fail(HVD_IS_JOB(self), NULL);
    return self->cancellation;
}

gboolean
hvd_job_cancel(HvdJob *self, GError **error)
{
    g_return_val_if_fail(HVD_IS_JOB(self), FALSE);

    if (self->state != HVD_JOB_STATE_RUNNING) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE,
                    /* Translators: %s is the job's description, e.g. Creating “disk.vhdx” */
                    _("The job “%s” has already finished"), self->description);
        return FALSE;
    }
    if (!self->cancellable) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE,
                    _("The job “%s” cannot be cancelled at this point"), self->description);
        return FALSE;
    }
    g_cancellable_cancel(self->cancellation);
    return TRUE;
}

void
hvd_job_set_progress(HvdJob *self, double progress)
{
    g_return_if_fail(HVD_IS_JOB(self));

    if (self->state != HVD_JOB_STATE_RUNNING)
        return;
    progress = CLAMP(progress, 0.0, 1.0);
    if (progress <= self->progress)
        return;
    self->progress = progress;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_PROGRESS]);
}

void
hvd_job_set_cancellable(HvdJob *self, gboolean cancellable)
{
    g_return_if_fail(HVD_IS_JOB(self));

    cancellable = !!cancellable;
    if (self->cancellable == cancellable)
        return;
    self->cancellable = cancellable;
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_CANCELLABLE]);
}

void
hvd_job_complete(HvdJob *self, const GError *error)
{
    g_return_if_fail(HVD_IS_JOB(self));

    if (self->state != HVD_JOB_STATE_RUNNING)
        return;

    g_object_freeze_notify(G_OBJECT(self));
    if (error == NULL) {
        hvd_job_set_progress(self, 1.0);
        self->state = HVD_JOB_STATE_SUCCEEDED;
    } else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        self->state = HVD_JOB_STATE_CANCELLED;
    } else {
        self->state = HVD_JOB_STATE_FAILED;
        g_free(self->error);
        self->error = g_strdup(error->message);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ERROR]);
    }
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_STATE]);
    if (self->cancellable)
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_CANCELLABLE]);
    g_object_thaw_notify(G_OBJECT(self));

    g_signal_emit(self, signals[SIGNAL_FINISHED], 0);
}
