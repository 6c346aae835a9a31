/* vmc-berth.h: finds berthd and one VM on it, and follows both as they come and go.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "berth-client.h"

G_BEGIN_DECLS

#define VMC_TYPE_BERTH (vmc_berth_get_type())
G_DECLARE_FINAL_TYPE(VmcBerth, vmc_berth, VMC, BERTH, GObject)

/* @bus_address: berthd's bus, or NULL: berth_client_connect() picks it like the berth CLI.
 * @vm: a VM's name or UUID. */
VmcBerth *vmc_berth_new(const char *bus_address, const char *vm);
void vmc_berth_start(VmcBerth *self);

/* The VM while berthd has it (notify::vm), else NULL. */
BerthDBusVirtualMachine *vmc_berth_get_vm(VmcBerth *self);
/* What is wrong, for people (notify::problem): no bus, no berthd, no such VM; NULL when none. */
const char *vmc_berth_get_problem(VmcBerth *self);
/* TRUE once the problem cannot go away by waiting (the bus is unreachable). */
gboolean vmc_berth_get_fatal(VmcBerth *self);

G_END_DECLS
