/* mgr-client.h: Berth Manager's connection to berthd (the object manager and the host).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "berth-dbus.h"

G_BEGIN_DECLS

#define MGR_TYPE_CLIENT (mgr_client_get_type())
G_DECLARE_FINAL_TYPE(MgrClient, mgr_client, MGR, CLIENT, GObject)

/* Connects to berthd on @address (NULL: BERTH_BUS_ADDRESS, else the session bus). */
MgrClient *mgr_client_new_sync(const char *address, GCancellable *cancellable, GError **error);
GDBusObjectManager *mgr_client_get_manager(MgrClient *self);
BerthDBusHost *mgr_client_get_host(MgrClient *self);

G_END_DECLS
