/* mgr-client.h: Berth Manager's connection to berthd.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "berth-client.h"

G_BEGIN_DECLS

typedef enum {
    MGR_CLIENT_STATE_CONNECTING, /* looking for the bus and berthd */
    MGR_CLIENT_STATE_CONNECTED,  /* the object manager and the host are ready */
    MGR_CLIENT_STATE_ABSENT,     /* no berthd on the bus; the client waits for it to appear */
    MGR_CLIENT_STATE_FAILED,     /* the bus cannot be reached (see :error) */
    MGR_CLIENT_STATE_DENIED,     /* the bus or berthd refuses us: permission denied (see :error) */
} MgrClientState;

#define MGR_TYPE_CLIENT (mgr_client_get_type())
G_DECLARE_FINAL_TYPE(MgrClient, mgr_client, MGR, CLIENT, GObject)

/* @address: a D-Bus address (--connect), or NULL: berth_client_connect() picks the bus like the
 * berth CLI. Nothing happens until mgr_client_start(). */
MgrClient *mgr_client_new(const char *address);
/* Connects asynchronously and then follows berthd's bus name: the client becomes CONNECTED
 * whenever berthd owns it and ABSENT when it goes away. */
void mgr_client_start(MgrClient *self);

MgrClientState mgr_client_get_state(MgrClient *self);
/* TRUE when CONNECTED (property "connected", notified on every change). */
gboolean mgr_client_get_connected(MgrClient *self);
/* The address given at construction, or NULL. */
const char *mgr_client_get_address(MgrClient *self);
/* The bus berthd is looked for on; NULL until found. */
GDBusConnection *mgr_client_get_connection(MgrClient *self);
/* A BerthDBusObjectManagerClient for berthd's objects; NULL unless connected. Its objects are
 * BerthDBusObject with VirtualMachine, Switch or Job interfaces. */
GDBusObjectManager *mgr_client_get_manager(MgrClient *self);
/* berthd's Host; NULL unless connected. */
BerthDBusHost *mgr_client_get_host(MgrClient *self);
/* Why the client is FAILED or ABSENT, for people; NULL otherwise. */
const char *mgr_client_get_error(MgrClient *self);
/* The VM at @object_path, or NULL. */
BerthDBusVirtualMachine *mgr_client_get_vm(MgrClient *self, const char *object_path);

/* TRUE when @error means the bus or berthd (polkit) refused us. */
gboolean mgr_client_error_is_denied(const GError *error);
/* A D-Bus error as one sentence for people: berthd's own message without GDBus's prefix, or
 * what a missing berthd / refused permission means. Free with g_free(). */
char *mgr_client_describe_error(const GError *error);

G_END_DECLS
