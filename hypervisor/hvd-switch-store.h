/* hvd-switch-store.h: the switch definitions berthd keeps, one file per switch
 * (STATE/switches/<uuid>.xml).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvx.h"

G_BEGIN_DECLS

/* The source name of validation messages for switch definitions that come over D-Bus. */
#define HVD_SWITCH_STORE_DEFINITION_NAME "switch.xml"

/* The switch berthd makes on its first start, like Hyper-V's. */
#define HVD_DEFAULT_SWITCH_NAME "Default Switch"

#define HVD_TYPE_SWITCH_STORE (hvd_switch_store_get_type())
G_DECLARE_FINAL_TYPE(HvdSwitchStore, hvd_switch_store, HVD, SWITCH_STORE, GObject)

HvdSwitchStore *hvd_switch_store_new(const char *state_dir);

/* Reads every STATE/switches/<uuid>.xml (a broken one is logged and skipped). @ret_first_start:
 * TRUE when the folder did not exist yet (berthd's first start); it is created. */
gboolean hvd_switch_store_load(HvdSwitchStore *self, gboolean *ret_first_start, GError **error);

/* The UUIDs of the stored switches, sorted by name. */
GPtrArray *hvd_switch_store_list(HvdSwitchStore *self);
/* The stored definitions (of const HvxSwitchDef*, owned by the store), for vswitch/. */
GPtrArray *hvd_switch_store_get_definitions(HvdSwitchStore *self);

const HvxSwitchDef *hvd_switch_store_lookup(HvdSwitchStore *self, const char *uuid);
/* @name_or_uuid: a name (case-insensitive) or a UUID with or without dashes. NULL with
 * BERTH_ERROR_NOT_FOUND. */
const char *hvd_switch_store_find(HvdSwitchStore *self, const char *name_or_uuid, GError **error);

/* Parses @xml into a definition ready to store: valid, with a UUID, a name no other switch
 * has. Nothing is written. BERTH_ERROR_INVALID_DEFINITION with "switch.xml:LINE: …" otherwise. */
HvxSwitchDef *hvd_switch_store_prepare(HvdSwitchStore *self, const char *xml, GError **error);

/* Writes @def (transfer full) atomically and keeps it. */
gboolean hvd_switch_store_save(HvdSwitchStore *self, HvxSwitchDef *def, GError **error);

gboolean hvd_switch_store_delete(HvdSwitchStore *self, const char *uuid, GError **error);

/* The definition as stored, formatted. */
char *hvd_switch_store_format(HvdSwitchStore *self, const char *uuid);

G_END_DECLS
