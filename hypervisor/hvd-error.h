/* hvd-error.h: vswitch/'s errors converted to the API's error domain (BERTH_ERROR,
 * hypervisor/api/berth-error.h), the one berthd returns.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "berth-error.h"

G_BEGIN_DECLS

/* vswitch/'s errors (VSW_ERROR) as BERTH_ERROR, so D-Bus clients get the API's error names:
 * permission denied, busy, not supported and not found keep their meaning; the rest become
 * @fallback. Takes @error; returns a new one. */
GError *hvd_error_from_vsw(GError *error, BerthError fallback);

G_END_DECLS
