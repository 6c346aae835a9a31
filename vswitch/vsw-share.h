/* vsw-share.h: "allow the management OS to share this adapter": moving an adapter's IPv4
 * addresses and routes to the bridge of an external switch and putting them back exactly.
 *
 * Before anything moves, what the adapter had is written (atomically, fsync'ed) to a record file
 * under berthd's state dir, so that after a crash or a power cut the next berthd can still put
 * it back (vsw_share_restore()).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vsw-platform.h"

G_BEGIN_DECLS

/* Records @adapter's addresses and routes in @record_path, then moves them to @bridge (which
 * must be up). On failure everything is back on the adapter and the record is gone. */
gboolean vsw_share_move(VswPlatform *platform, const char *adapter, const char *bridge,
                        const char *record_path, GError **error);

/* Puts the recorded addresses and routes back on the adapter (removing them from the bridge when
 * it still exists), then deletes the record. Addresses or routes already there are fine. */
gboolean vsw_share_restore(VswPlatform *platform, const char *record_path, GError **error);

/* The adapter and bridge named in a record; FALSE when it cannot be read. */
gboolean vsw_share_read(const char *record_path, char **ret_adapter, char **ret_bridge);

G_END_DECLS
