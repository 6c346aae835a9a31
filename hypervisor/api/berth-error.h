/* berth-error.h: the errors of berthd's D-Bus API, one enum shared by berthd and its clients.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BERTH_ERROR (berth_error_quark())

/* Each code is one D-Bus error name, org.berth.Berth1.Error.<Name>; see org.berth.Berth1.xml.
 * berthd returns them; a client that has called berth_error_quark() (every berth_client_*
 * function does) receives them as GErrors of this domain: compare with g_error_matches(). */
typedef enum {
    BERTH_ERROR_FAILED,             /* Failed */
    BERTH_ERROR_NOT_FOUND,          /* NotFound */
    BERTH_ERROR_INVALID_DEFINITION, /* InvalidDefinition */
    BERTH_ERROR_WRONG_STATE,        /* WrongState */
    BERTH_ERROR_BUSY,               /* Busy */
    BERTH_ERROR_PERMISSION_DENIED,  /* PermissionDenied */
    BERTH_ERROR_HOST_UNSUPPORTED,   /* HostUnsupported */
} BerthError;

/* Registers the D-Bus error names on first use (g_dbus_error_register_error_domain). */
GQuark berth_error_quark(void);

G_END_DECLS
