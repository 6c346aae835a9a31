/* mgr-gsettings.h: Berth Manager's GSettings (org.berth.Manager), when its schema is installed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSettings *mgr_gsettings_new(void);

G_END_DECLS
