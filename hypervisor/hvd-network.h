/* hvd-network.h: berthd's side of virtual switches: the stored switch definitions, the kernel
 * through vswitch/ (when berthd may change the network), the MAC address range, and the ports
 * of running VMs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvd-mac-range.h"
#include "hvd-qemu-argv.h"
#include "hvd-switch-store.h"
#include "hvx.h"

G_BEGIN_DECLS

/* The fd numbers QEMU gets the taps on: @ret_fds of hvd_network_connect_vm() index i becomes
 * fd HVD_NETWORK_FIRST_FD + i in QEMU. */
#define HVD_NETWORK_FIRST_FD 100

#define HVD_TYPE_NETWORK (hvd_network_get_type())
G_DECLARE_FINAL_TYPE(HvdNetwork, hvd_network, HVD, NETWORK, GObject)

/* vswitch/ keeps its own files in STATE/network and RUNTIME/network. */
HvdNetwork *hvd_network_new(const char *state_dir, const char *runtime_dir);

/* Loads the switch definitions and the MAC range, brings the kernel in line with them and, on
 * the first start (no STATE/switches yet), makes the Default Switch. Without CAP_NET_ADMIN the
 * kernel is left alone: every switch says so in its status and VMs get user-mode networking.
 * Fails only when the state folder cannot be read. Like every switch change here, it waits for
 * dnsmasq from the main loop. */
void hvd_network_start_async(HvdNetwork *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_network_start_finish(HvdNetwork *self, GAsyncResult *result, GError **error);

HvdSwitchStore *hvd_network_get_store(HvdNetwork *self);

/* TRUE when berthd may create bridges and taps (CAP_NET_ADMIN and vswitch/ working). */
gboolean hvd_network_can_manage(HvdNetwork *self);

/* Creates or updates a switch from @xml: validated (xml/ and vswitch/'s checks against the
 * host), made on the kernel, then stored. Nothing is left behind on failure. Finishes with the
 * UUID; @ret_old_name: the name it had before an update, else NULL. */
void hvd_network_define_switch_async(HvdNetwork *self, const char *xml,
                                     GAsyncReadyCallback callback, gpointer user_data);
char *hvd_network_define_switch_finish(HvdNetwork *self, GAsyncResult *result, char **ret_old_name,
                                       GError **error);

/* Removes the switch from the kernel and the store; the caller refuses while VMs use it. */
void hvd_network_delete_switch_async(HvdNetwork *self, const char *uuid,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_network_delete_switch_finish(HvdNetwork *self, GAsyncResult *result, GError **error);

/* "Active", or why the switch is not up as defined, for people. */
char *hvd_network_switch_status(HvdNetwork *self, const char *uuid);

/* Host.ListAdapters' aa{sv}. */
GVariant *hvd_network_list_adapters(HvdNetwork *self, GError **error);

void hvd_network_get_mac_range(HvdNetwork *self, char **ret_first, char **ret_last);
gboolean hvd_network_set_mac_range(HvdNetwork *self, const char *first, const char *last,
                                   GError **error);

/* The MAC adapter @index of @def has: the fixed one, or its dynamic one from the range. */
char *hvd_network_adapter_mac(HvdNetwork *self, const HvxVmDef *def, guint index);

/* Ports for every adapter of @def before QEMU starts: a tap on the adapter's switch (its fd and
 * the vhost-net fd, or -1, appended to @ret_fds, which the caller closes once QEMU has them),
 * user-mode networking when berthd may not make taps, or unplugged when the switch does not
 * exist (then @ret_note says so, for the VM's status). The nets carry the fd numbers of
 * @ret_fds; the caller maps them. On failure no port is left. */
GPtrArray *hvd_network_connect_vm(HvdNetwork *self, const HvxVmDef *def, GArray *ret_fds,
                                  char **ret_note, GError **error);

/* Drops the port rules of every adapter of the VM @vm_uuid (its taps go with QEMU). */
void hvd_network_disconnect_vm(HvdNetwork *self, const char *vm_uuid, guint n_adapters);

/* Takes over the ports of a VM an earlier berthd started (found running after a restart): each
 * adapter whose tap still exists is registered with vswitch again, with rules built afresh, so
 * later changes to its switch (reshape, VLAN, private isolation) reach it. Problems are logged. */
void hvd_network_adopt_vm(HvdNetwork *self, const HvxVmDef *def);

/* A running VM's adapters follow @new (same count as @old): each moved to another switch or
 * VLAN or given new rules is updated live. BERTH_ERROR_* when one cannot be; those already
 * updated are put back. */
gboolean hvd_network_update_vm(HvdNetwork *self, const HvxVmDef *old, const HvxVmDef *new,
                               GError **error);

/* VM.NetworkAdapters for @def; @running: its QEMU runs. */
GVariant *hvd_network_vm_adapters(HvdNetwork *self, const HvxVmDef *def, gboolean running);

/* TRUE when @def has an adapter on the switch called @switch_name. */
gboolean hvd_network_vm_uses_switch(const HvxVmDef *def, const char *switch_name);

G_END_DECLS
