/* hvd-host-object.h: org.berth.Berth1.Host at /org/berth/Berth1.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "berth-dbus.h"

G_BEGIN_DECLS

typedef struct _HvdDaemon HvdDaemon;

#define HVD_TYPE_HOST_OBJECT (hvd_host_object_get_type())
G_DECLARE_FINAL_TYPE(HvdHostObject, hvd_host_object, HVD, HOST_OBJECT, BerthDBusHostSkeleton)

/* @daemon (not referenced; it owns the object) carries out DefineVirtualMachine and
 * FindVirtualMachine. @capabilities: a{sv}, a floating reference is sunk. */
HvdHostObject *hvd_host_object_new(HvdDaemon *daemon, const char *accelerator,
                                   const char *accelerator_reason, GVariant *capabilities);

G_END_DECLS
