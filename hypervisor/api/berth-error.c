/* berth-error.c: the errors of berthd's D-Bus API, mapped to their D-Bus names once, for berthd
 * (which returns them) and its clients (which receive them typed).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>

#include "berth-error.h"

static const GDBusErrorEntry berth_error_entries[] = {
    {BERTH_ERROR_FAILED, "org.berth.Berth1.Error.Failed"},
    {BERTH_ERROR_NOT_FOUND, "org.berth.Berth1.Error.NotFound"},
    {BERTH_ERROR_INVALID_DEFINITION, "org.berth.Berth1.Error.InvalidDefinition"},
    {BERTH_ERROR_WRONG_STATE, "org.berth.Berth1.Error.WrongState"},
    {BERTH_ERROR_BUSY, "org.berth.Berth1.Error.Busy"},
    {BERTH_ERROR_PERMISSION_DENIED, "org.berth.Berth1.Error.PermissionDenied"},
    {BERTH_ERROR_HOST_UNSUPPORTED, "org.berth.Berth1.Error.HostUnsupported"},
};

GQuark
berth_error_quark(void)
{
    static gsize quark = 0;

    g_dbus_error_register_error_domain("berth-error-quark", &quark, berth_error_entries,
                                       G_N_ELEMENTS(berth_error_entries));
    return (GQuark)quark;
}
