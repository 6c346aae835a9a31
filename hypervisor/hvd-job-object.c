/* hvd-job-object.c: org.berth.Berth1.Job, one per long operation at /org/berth/Berth1/job/<n>.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvd-job-object.h"

struct _HvdJobObject {
    BerthDBusJobSkeleton parent_instance;

    HvdJob *job;
};

static void hvd_job_object_iface_init(BerthDBusJobIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(HvdJobObject, hvd_job_object, BERTH_DBUS_TYPE_JOB_SKELETON,
                              G_IMPLEMENT_INTERFACE(BERTH_DBUS_TYPE_JOB, hvd_job_object_iface_init))

static gboolean
hvd_job_object_handle_cancel(BerthDBusJob *object, GDBusMethodInvocation *invocation)
{
    HvdJobObject *self = HVD_JOB_OBJECT(object);
    g_autoptr(GError) error = NULL;

    if (!hvd_job_cancel(self->job, &error))
        g_dbus_method_invocation_return_gerror(invocation, error);
    else
        berth_dbus_job_complete_cancel(object, invocation);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
hvd_job_object_iface_init(BerthDBusJobIface *iface)
{
    iface->handle_cancel = hvd_job_object_handle_cancel;
}

static void
hvd_job_object_sync(HvdJobObject *self)
{
    BerthDBusJob *object = BERTH_DBUS_JOB(self);

    berth_dbus_job_set_description(object, hvd_job_get_description(self->job));
    berth_dbus_job_set_progress(object, hvd_job_get_progress(self->job));
    berth_dbus_job_set_state(object, hvd_job_state_to_string(hvd_job_get_state(self->job)));
    berth_dbus_job_set_error(object, hvd_job_get_error(self->job));
    berth_dbus_job_set_cancellable(object, hvd_job_get_cancellable(self->job));
}

static void
hvd_job_object_job_notify(HvdJob *job, GParamSpec *pspec, gpointer user_data)
{
    hvd_job_object_sync(HVD_JOB_OBJECT(user_data));
}

static void
hvd_job_object_job_finished(HvdJob *job, gpointer user_data)
{
    HvdJobObject *self = HVD_JOB_OBJECT(user_data);

    hvd_job_object_sync(self);
    /* Send the final properties before the signal, so a client that stops at Finished has
     * them. */
    g_dbus_interface_skeleton_flush(G_DBUS_INTERFACE_SKELETON(self));
    berth_dbus_job_emit_finished(BERTH_DBUS_JOB(self),
                                 hvd_job_state_to_string(hvd_job_get_state(job)),
                                 hvd_job_get_error(job));
}

static void
hvd_job_object_dispose(GObject *object)
{
    HvdJobObject *self = HVD_JOB_OBJECT(object);

    if (self->job != NULL)
        g_signal_handlers_disconnect_by_data(self->job, self);
    g_clear_object(&self->job);
    G_OBJECT_CLASS(hvd_job_object_parent_class)->dispose(object);
}

static void
hvd_job_object_class_init(HvdJobObjectClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = hvd_job_object_dispose;
}

static void
hvd_job_object_init(HvdJobObject *self)
{
}

HvdJobObject *
hvd_job_object_new(HvdJob *job)
{
    HvdJobObject *self;

    g_return_val_if_fail(HVD_IS_JOB(job), NULL);

    self = g_object_new(HVD_TYPE_JOB_OBJECT, NULL);
    self->job = g_object_ref(job);
    hvd_job_object_sync(self);
    g_signal_connect(job, "notify", G_CALLBACK(hvd_job_object_job_notify), self);
    g_signal_connect(job, "finished", G_CALLBACK(hvd_job_object_job_finished), self);
    return self;
}

HvdJob *
hvd_job_object_get_job(HvdJobObject *self)
{
    g_return_val_if_fail(HVD_IS_JOB_OBJECT(self), NULL);
    return self->job;
}
