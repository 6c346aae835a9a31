/* mgr-vmconnect.h: opening a VM's console, vmconnect, as its own process.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* vmconnect's path: $BERTH_VMCONNECT, else the one built beside this program (build tree), else
 * PATH; NULL when there is none. Like the berth CLI's connect. */
char *mgr_vmconnect_find(void);
/* Starts "vmconnect [--connect ADDRESS] UUID". The callback runs when it ends: its result is
 * FALSE with an error naming what vmconnect said when it failed. */
gboolean mgr_vmconnect_spawn(const char *address, const char *uuid, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data, GError **error);
gboolean mgr_vmconnect_finish(GAsyncResult *result, GError **error);

G_END_DECLS
