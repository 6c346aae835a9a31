/* vmc-settings.h: vmconnect's GSettings (org.berth.VMConnect), when its schema is installed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VMC_SETTINGS_SCHEMA "org.berth.VMConnect"

GSettings *vmc_settings_new(void);

G_END_DECLS
