/* hvd-error.c: vswitch/'s errors converted to the API's error domain.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>

#include "hvd-error.h"
#include "vsw-error.h"

GError *
hvd_error_from_vsw(GError *error, BerthError fallback)
{
    BerthError code = fallback;
    GError *converted;

    g_return_val_if_fail(error != NULL, NULL);

    if (error->domain == BERTH_ERROR)
        return error;
    if (error->domain == VSW_ERROR) {
        switch ((VswError)error->code) {
        case VSW_ERROR_PERMISSION_DENIED:
            code = BERTH_ERROR_PERMISSION_DENIED;
            break;
        case VSW_ERROR_BUSY:
            code = BERTH_ERROR_BUSY;
            break;
        case VSW_ERROR_NOT_SUPPORTED:
            code = BERTH_ERROR_HOST_UNSUPPORTED;
            break;
        case VSW_ERROR_NOT_FOUND:
            code = fallback == BERTH_ERROR_INVALID_DEFINITION ? fallback : BERTH_ERROR_NOT_FOUND;
            break;
        case VSW_ERROR_EXISTS:
        case VSW_ERROR_INVALID_ARGUMENT:
        case VSW_ERROR_FAILED:
        default:
            break;
        }
    }
    converted = g_error_new_literal(BERTH_ERROR, code, error->message);
    g_error_free(error);
    return converted;
}
