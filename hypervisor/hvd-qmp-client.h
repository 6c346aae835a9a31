/* hvd-qmp-client.h: berthd's QMP client, one per QEMU worker.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hvd-qmp-args.h"
#include "hvd-qmp-error.h"

G_BEGIN_DECLS

#define HVD_TYPE_QMP_CLIENT (hvd_qmp_client_get_type())
G_DECLARE_FINAL_TYPE(HvdQmpClient, hvd_qmp_client, HVD, QMP_CLIENT, GObject)

void hvd_qmp_client_connect_async(const char *socket_path, guint timeout_ms,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
void hvd_qmp_client_connect_socket_async(GSocket *socket, guint timeout_ms,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
HvdQmpClient *hvd_qmp_client_connect_finish(GAsyncResult *result, GError **error);

void hvd_qmp_client_get_qemu_version(HvdQmpClient *self, guint *ret_major, guint *ret_minor,
                                     guint *ret_micro);
const char *hvd_qmp_client_get_qemu_package(HvdQmpClient *self);
JsonObject *hvd_qmp_client_get_greeting(HvdQmpClient *self);
gboolean hvd_qmp_client_is_closed(HvdQmpClient *self);

void hvd_qmp_client_execute_async(HvdQmpClient *self, const char *command, JsonObject *args, int fd,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
JsonNode *hvd_qmp_client_execute_finish(HvdQmpClient *self, GAsyncResult *result, GError **error);

void hvd_qmp_client_close(HvdQmpClient *self);

G_END_DECLS
