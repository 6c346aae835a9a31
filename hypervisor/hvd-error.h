/* hvd-error.h: berthd's errors: the API's error domain, and vswitch/'s errors converted to it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "berth-error.h"

G_BEGIN_DECLS

/* berthd's errors are the API's own (BerthError, hypervisor/api/berth-error.h), registered there
 * for D-Bus once for berthd and its clients. berthd's code names them HVD_ERROR*. */
#define HVD_ERROR BERTH_ERROR
typedef BerthError HvdError;
#define HVD_ERROR_FAILED             BERTH_ERROR_FAILED
#define HVD_ERROR_NOT_FOUND          BERTH_ERROR_NOT_FOUND
#define HVD_ERROR_INVALID_DEFINITION BERTH_ERROR_INVALID_DEFINITION
#define HVD_ERROR_WRONG_STATE        BERTH_ERROR_WRONG_STATE
#define HVD_ERROR_BUSY               BERTH_ERROR_BUSY
#define HVD_ERROR_PERMISSION_DENIED  BERTH_ERROR_PERMISSION_DENIED
#define HVD_ERROR_HOST_UNSUPPORTED   BERTH_ERROR_HOST_UNSUPPORTED

/* vswitch/'s errors (VSW_ERROR) as berthd's, so D-Bus clients get the API's error names:
 * permission denied, busy, not supported and not found keep their meaning; the rest become
 * @fallback. Takes @error; returns a new one. */
GError *hvd_error_from_vsw(GError *error, HvdError fallback);

G_END_DECLS
