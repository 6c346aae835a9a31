/* berth-names.h: where berthd's objects are on the bus, defined once for berthd and its clients.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The well-known name berthd owns. */
#define BERTH_BUS_NAME "org.berth.Berth1"
/* The Host object and the ObjectManager of every other object. */
#define BERTH_HOST_PATH "/org/berth/Berth1"

/* The interfaces of org.berth.Berth1.xml (the generated code has the same names in its
 * GDBusInterfaceInfo; these are for calls that name an interface as a string). */
#define BERTH_HOST_INTERFACE   "org.berth.Berth1.Host"
#define BERTH_VM_INTERFACE     "org.berth.Berth1.VirtualMachine"
#define BERTH_SWITCH_INTERFACE "org.berth.Berth1.Switch"
#define BERTH_JOB_INTERFACE    "org.berth.Berth1.Job"

/* /org/berth/Berth1/vm/<uuid without dashes>. */
char *berth_vm_object_path(const char *uuid);
/* /org/berth/Berth1/switch/<uuid without dashes>. */
char *berth_switch_object_path(const char *uuid);
/* /org/berth/Berth1/job/<number>. */
char *berth_job_object_path(guint64 number);

G_END_DECLS
