/* hvd-daemon.h: berthd itself: the bus, the store, the host object and one object per VM.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "berth-names.h"
#include "hvd-accel.h"
#include "hvd-job.h"
#include "hvd-network.h"
#include "hvd-vm-store.h"

G_BEGIN_DECLS

#define HVD_TYPE_DAEMON (hvd_daemon_get_type())
G_DECLARE_FINAL_TYPE(HvdDaemon, hvd_daemon, HVD, DAEMON, GObject)

/* Connects to @bus: "system", "session" or a D-Bus address (a private bus). */
GDBusConnection *hvd_daemon_connect_bus(const char *bus, GError **error);

/* @use_polkit: authorise every mutating method with polkit (the system bus). */
HvdDaemon *hvd_daemon_new(GDBusConnection *connection, gboolean use_polkit, const char *state_dir,
                          const char *runtime_dir, HvdAccelMode accel_mode);

/* Probes the host, loads the definitions, brings the switches up (from the main loop), exports
 * the objects and then owns the bus name. Fails (BERTH_ERROR_FAILED, saying so) when another
 * berthd owns it. */
void hvd_daemon_start_async(HvdDaemon *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_daemon_start_finish(HvdDaemon *self, GAsyncResult *result, GError **error);

/* Unexports everything, releases the name; running VMs are left running. */
void hvd_daemon_stop(HvdDaemon *self);

HvdVmStore *hvd_daemon_get_store(HvdDaemon *self);
HvdNetwork *hvd_daemon_get_network(HvdDaemon *self);
GDBusConnection *hvd_daemon_get_connection(HvdDaemon *self);

/* For the D-Bus objects: each returns the VM's object path or sets an BERTH_ERROR. */
char *hvd_daemon_define_vm(HvdDaemon *self, const char *xml, GError **error);
char *hvd_daemon_find_vm(HvdDaemon *self, const char *name_or_uuid, GError **error);
gboolean hvd_daemon_rename_vm(HvdDaemon *self, const char *uuid, const char *name, GError **error);
/* Delete: without @delete_disks the disks first get what the VM wrote into checkpoint
 * overlays (qemu-img commit), which may take a while. */
void hvd_daemon_delete_vm_async(HvdDaemon *self, const char *uuid, gboolean delete_disks,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_daemon_delete_vm_finish(HvdDaemon *self, GAsyncResult *result, GError **error);

/* Switches: each returns the switch's object path or sets an BERTH_ERROR. Delete is refused
 * (BERTH_ERROR_BUSY, naming them) while VM definitions use the switch. */
void hvd_daemon_define_switch_async(HvdDaemon *self, const char *xml, GAsyncReadyCallback callback,
                                    gpointer user_data);
char *hvd_daemon_define_switch_finish(HvdDaemon *self, GAsyncResult *result, GError **error);
char *hvd_daemon_find_switch(HvdDaemon *self, const char *name_or_uuid, GError **error);
char *hvd_daemon_get_switch_definition(HvdDaemon *self, const char *uuid, GError **error);
void hvd_daemon_delete_switch_async(HvdDaemon *self, const char *uuid, GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean hvd_daemon_delete_switch_finish(HvdDaemon *self, GAsyncResult *result, GError **error);
/* Brings every switch object's status and connected VMs, and every VM's adapters, up to date. */
void hvd_daemon_refresh_switches(HvdDaemon *self);

/* Exports @job at /org/berth/Berth1/job/<n> until a minute after it ends; returns the path. */
char *hvd_daemon_export_job(HvdDaemon *self, HvdJob *job);

/* The name of a VM that is not Off and whose definition uses the disk @path, else NULL. */
const char *hvd_daemon_find_disk_user(HvdDaemon *self, const char *path);

G_END_DECLS
