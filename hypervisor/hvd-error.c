/* hvd-error.c: berthd's error domain, mapped to the D-Bus error names of the API.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>

#include "hvd-error.h"
#include "vsw-error.h"

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

GError *
hvd_error_from_vsw(GError *error, HvdError fallback)
{
    HvdError code = fallback;
    GError *converted;

    g_return_val_if_fail(error != NULL, NULL);

    if (error->domain == HVD_ERROR)
        return error;
    if (error->domain == VSW_ERROR) {
        switch ((VswError)error->code) {
        case VSW_ERROR_PERMISSION_DENIED:
            code = HVD_ERROR_PERMISSION_DENIED;
            break;
        case VSW_ERROR_BUSY:
            code = HVD_ERROR_BUSY;
            break;
        case VSW_ERROR_NOT_SUPPORTED:
            code = HVD_ERROR_HOST_UNSUPPORTED;
            break;
        case VSW_ERROR_NOT_FOUND:
            code = fallback == HVD_ERROR_INVALID_DEFINITION ? fallback : HVD_ERROR_NOT_FOUND;
            break;
        case VSW_ERROR_EXISTS:
        case VSW_ERROR_INVALID_ARGUMENT:
        case VSW_ERROR_FAILED:
        default:
            break;
        }
    }
    converted = g_error_new_literal(HVD_ERROR, code, error->message);
    g_error_free(error);
    return converted;
}
