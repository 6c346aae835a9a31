/* hvd-job-object.h: org.berth.Berth1.Job, one per long operation at /org/berth/Berth1/job/<n>.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "berth-dbus.h"
#include "hvd-job.h"

G_BEGIN_DECLS

#define HVD_TYPE_JOB_OBJECT (hvd_job_object_get_type())
G_DECLARE_FINAL_TYPE(HvdJobObject, hvd_job_object, HVD, JOB_OBJECT, BerthDBusJobSkeleton)

/* Follows @job (referenced): its figures become the D-Bus properties, its end the Finished
 * signal, Cancel cancels it. */
HvdJobObject *hvd_job_object_new(HvdJob *job);
HvdJob *hvd_job_object_get_job(HvdJobObject *self);

G_END_DECLS
