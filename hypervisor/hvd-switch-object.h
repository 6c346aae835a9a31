/* hvd-switch-object.h: org.berth.Berth1.Switch, one per switch at
 * /org/berth/Berth1/switch/<uuid without dashes>.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "berth-dbus.h"
#include "hvx.h"

G_BEGIN_DECLS

typedef struct _HvdDaemon HvdDaemon;

#define HVD_TYPE_SWITCH_OBJECT (hvd_switch_object_get_type())
G_DECLARE_FINAL_TYPE(HvdSwitchObject, hvd_switch_object, HVD, SWITCH_OBJECT,
                     BerthDBusSwitchSkeleton)

/* @daemon (not referenced; it owns the object) carries out GetDefinition and Delete. */
HvdSwitchObject *hvd_switch_object_new(HvdDaemon *daemon, const HvxSwitchDef *def);

/* Takes the properties of @def (a new definition of the same switch), its @status and the names
 * of the VMs connected to it (NULL-terminated). */
void hvd_switch_object_update(HvdSwitchObject *self, const HvxSwitchDef *def, const char *status,
                              const char *const *connected_vms);

G_END_DECLS
