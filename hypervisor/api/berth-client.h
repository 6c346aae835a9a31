/* berth-client.h: how the berth CLI, Berth Manager and vmconnect find berthd and its objects.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "berth-dbus.h"
#include "berth-error.h"
#include "berth-names.h"

G_BEGIN_DECLS

/* Calls berthd answers from its own state (find, list, definitions, properties, disks and switches
 * as jobs or at once): a berthd that does not answer in this time is stuck. */
#define BERTH_CLIENT_TIMEOUT_MS (25 * 1000)
/* Calls on a VM take as long as the guest does (Start until it runs, ShutDown until it is off,
 * Save, checkpoints while it runs). berthd bounds each step itself, so a client never gives up
 * first: no timeout. */
#define BERTH_CLIENT_VM_TIMEOUT_MS G_MAXINT

/* berthd's bus: @address (--connect) when given, else $BERTH_BUS_ADDRESS, else the system bus
 * when berthd owns its name there or the bus can start it, else the session bus. Errors say
 * which bus could not be reached. Also registers BERTH_ERROR, so berthd's errors arrive typed. */
GDBusConnection *berth_client_connect_sync(const char *address, GCancellable *cancellable,
                                           GError **error);
/* The same without blocking the caller (in a worker thread). */
void berth_client_connect(const char *address, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
GDBusConnection *berth_client_connect_finish(GAsyncResult *result, GError **error);

/* Proxies for berthd's objects, each with the default timeout its calls need (above). */
BerthDBusHost *berth_client_get_host_sync(GDBusConnection *connection, GCancellable *cancellable,
                                          GError **error);
BerthDBusVirtualMachine *berth_client_get_vm_sync(GDBusConnection *connection,
                                                  const char *object_path,
                                                  GCancellable *cancellable, GError **error);
BerthDBusSwitch *berth_client_get_switch_sync(GDBusConnection *connection, const char *object_path,
                                              GCancellable *cancellable, GError **error);
BerthDBusJob *berth_client_get_job_sync(GDBusConnection *connection, const char *object_path,
                                        GCancellable *cancellable, GError **error);

/* The VM or switch called @name_or_uuid (Host.FindVirtualMachine / FindSwitch); when there is
 * none, BERTH_ERROR_NOT_FOUND with berthd's message naming it. */
BerthDBusVirtualMachine *berth_client_find_vm_sync(GDBusConnection *connection,
                                                   const char *name_or_uuid,
                                                   GCancellable *cancellable, GError **error);
void berth_client_find_vm(GDBusConnection *connection, const char *name_or_uuid,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
BerthDBusVirtualMachine *berth_client_find_vm_finish(GAsyncResult *result, GError **error);
BerthDBusSwitch *berth_client_find_switch_sync(GDBusConnection *connection,
                                               const char *name_or_uuid, GCancellable *cancellable,
                                               GError **error);

/* TRUE when @error means nobody owns berthd's name on the bus (berthd is not running). */
gboolean berth_client_error_is_absent(const GError *error);
/* @error for people, one line: berthd's own message without GDBus's "GDBus.Error:NAME: "
 * prefix, or "berthd is not running on this bus". Free with g_free(). */
char *berth_client_error_message(const GError *error);

G_END_DECLS
