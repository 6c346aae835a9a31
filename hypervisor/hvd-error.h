/* hvd-error.h: berthd's error domain, mapped to the D-Bus error names of the API.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HVD_ERROR (hvd_error_quark())

/* Each code is one D-Bus error name, org.berth.Berth1.Error.<Name>; see hypervisor/api/. */
typedef enum {
    HVD_ERROR_FAILED,             /* Failed */
    HVD_ERROR_NOT_FOUND,          /* NotFound */
    HVD_ERROR_INVALID_DEFINITION, /* InvalidDefinition */
    HVD_ERROR_WRONG_STATE,        /* WrongState */
    HVD_ERROR_BUSY,               /* Busy */
    HVD_ERROR_PERMISSION_DENIED,  /* PermissionDenied */
    HVD_ERROR_HOST_UNSUPPORTED,   /* HostUnsupported */
} HvdError;

/* Registers the D-Bus error names on first use, so clients get typed errors. */
GQuark hvd_error_quark(void);

/* vswitch/'s errors (VSW_ERROR) as berthd's, so D-Bus clients get the API's error names:
 * permission denied, busy, not supported and not found keep their meaning; the rest become
 * @fallback. Takes @error; returns a new one. */
GError *hvd_error_from_vsw(GError *error, HvdError fallback);

G_END_DECLS
