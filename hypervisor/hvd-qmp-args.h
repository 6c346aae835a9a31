/* hvd-qmp-args.h: building the "arguments" object of a QMP command in one call.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonObject *hvd_qmp_args_new(const char *first_key, ...) G_GNUC_NULL_TERMINATED;
JsonObject *hvd_qmp_args_new_valist(const char *first_key, va_list ap);

G_END_DECLS
