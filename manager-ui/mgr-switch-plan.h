/* mgr-switch-plan.h: the Virtual Switch Manager's checks on an edited switch definition, and
 * whether applying it may cut the host off the network. No widgets.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "hvx-switch-def.h"

G_BEGIN_DECLS

/* One of the host's adapters as berthd's ListAdapters describes it. */
typedef struct {
    char *name;
    gboolean wireless;
    gboolean up;
    gboolean usable;
    char *reason;     /* why not usable, "" when usable */
    char *used_by;    /* "" when free */
    char **addresses; /* the host's IPv4 addresses on it */
} MgrAdapterInfo;

void mgr_adapter_info_free(MgrAdapterInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MgrAdapterInfo, mgr_adapter_info_free)

/* ListAdapters' aa{sv} as a GPtrArray of MgrAdapterInfo. */
GPtrArray *mgr_adapter_infos_from_variant(GVariant *adapters);
MgrAdapterInfo *mgr_adapter_infos_find(GPtrArray *infos, const char *name);

/* NULL when @def can be applied, else why not (translated, newly allocated): the name (empty,
 * invalid, another switch's), an external switch's adapter (none, unknown, not usable and
 * berthd's reason), then libhvx's own rules (addresses, DHCP range, VLAN). @self_name is the
 * switch's stored name (it may keep it), NULL for a new switch. */
char *mgr_switch_plan_check(const HvxSwitchDef *def, const char *const *switch_names,
                            const char *self_name, GPtrArray *adapters);

/* TRUE when applying @def (replacing @old, NULL for a new switch) can cut the host's own
 * connectivity: an external switch takes an adapter the host has addresses on without sharing
 * it, or an external switch's adapter or sharing changes. */
gboolean mgr_switch_plan_may_cut_host(const HvxSwitchDef *old, const HvxSwitchDef *def,
                                      GPtrArray *adapters);

/* The text of a libhvx error without its "FILE:LINE: " prefixes. */
char *mgr_switch_plan_strip_locations(const char *message);

/* The explanation Hyper-V gives for each type. */
const char *mgr_switch_type_explanation(HvxSwitchType type);
const char *mgr_switch_type_label(HvxSwitchType type);

G_END_DECLS
