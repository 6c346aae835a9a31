/* hvd-error.c: berthd's error domain, mapped to the D-Bus error names of the API.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>

#include "hvd-error.h"

static const GDBusErrorEntry hvd_error_entries[] = {
    {HVD_ERROR_FAILED, "org.berth.Berth1.Error.Failed"},
    {HVD_ERROR_NOT_FOUND, "org.berth.Berth1.Error.NotFound"},
    {HVD_ERROR_INVALID_DEFINITION, "org.berth.Berth1.Error.InvalidDefinition"},
    {HVD_ERROR_WRONG_STATE, "org.berth.Berth1.Error.WrongState"},
    {HVD_ERROR_BUSY, "org.berth.Berth1.Error.Busy"},
    {HVD_ERROR_PERMISSION_DENIED, "org.berth.Berth1.Error.PermissionDenied"},
    {HVD_ERROR_HOST_UNSUPPORTED, "org.berth.Berth1.Error.HostUnsupported"},
};

GQuark
hvd_error_quark(void)
{
    static gsize quark = 0;

    g_dbus_error_register_error_domain("hvd-error-quark", &quark, hvd_error_entries,
                                       G_N_ELEMENTS(hvd_error_entries));
    return (GQuark)quark;
}
