/* hvx.h: libhvx, Berth's VM and switch definitions. Include this header only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "hvx-definition.h"
#include "hvx-enums.h"
#include "hvx-error.h"
#include "hvx-names.h"
#include "hvx-net-address.h"
#include "hvx-new-vm.h"
#include "hvx-switch-def.h"
#include "hvx-vm-def.h"
