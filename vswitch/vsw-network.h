/* vsw-network.h: Berth's virtual switches and their ports on the kernel; the whole of what berthd
 * asks of vswitch/. It shapes each switch from its definition (bridge, host address, shared
 * adapter, NAT, DHCP), hands out taps for VM adapters with their per-port rules, and finds, after
 * a crash, what an earlier berthd left behind.
 *
 * Kernel objects outlive berthd on purpose: switches stay up while berthd restarts, so running
 * VMs keep their network. Taps are not persistent: a tap vanishes when the last fd (QEMU's) is
 * closed, so a VM that stops or crashes never leaks one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvx-switch-def.h"
#include "vsw-platform.h"

G_BEGIN_DECLS

/* One physical adapter of the host, as the Virtual Switch Manager lists them. */
typedef struct {
    char *name;
    gboolean wireless; /* from sysfs (phy80211 / wireless); cannot be bridged */
    gboolean up;       /* has carrier */
    char *mac;         /* "aa:bb:cc:dd:ee:ff" */
    GStrv addresses;   /* IPv4 CIDRs */
    char *used_by;     /* the bridge it is enslaved to, NULL when free */
    gboolean usable;   /* may be chosen for an external switch */
    char *reason;      /* why not, one translated sentence; NULL when usable */
} VswAdapter;

void vsw_adapter_free(VswAdapter *adapter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VswAdapter, vsw_adapter_free)

/* One VM network adapter's port on a switch. */
typedef struct {
    const char *switch_uuid;
    const char *tap_name; /* hvx_tap_name(): "btp" + 8 hex + "n" + index */
    guint8 mac[6];        /* the guest's MAC; MAC spoofing rules use it */
    guint vlan;           /* 0 = untagged */
    guint bandwidth_max;  /* Mbit/s, 0 = unlimited */
    gboolean mac_spoofing;
    gboolean dhcp_guard;
    gboolean router_guard;
} VswPortConfig;

#define VSW_TYPE_NETWORK (vsw_network_get_type())
G_DECLARE_FINAL_TYPE(VswNetwork, vsw_network, VSW, NETWORK, GObject)

/* @state_dir keeps what must survive berthd (addresses moved off a shared adapter, DHCP leases);
 * @runtime_dir what does not (dnsmasq's pid and config files). Both are created. */
VswNetwork *vsw_network_new(VswPlatform *platform, const char *state_dir, const char *runtime_dir,
                            GError **error);

/* Changing switches (sync, apply, remove) waits for dnsmasq from the main loop, never blocking
 * it; changes asked for meanwhile run one after the other, in order. */

/* Brings the kernel in line with @defs (of HvxSwitchDef*), the switches berthd keeps: applies each
 * (after a host reboot this recreates them), and removes what Berth made earlier that belongs to
 * none of them (bsw* bridges, per-port rules of taps that are gone, nft rules, dnsmasq processes
 * found by their pid files). A switch that cannot be applied is skipped, its reason kept for
 * vsw_network_switch_status(); fails only when the host cannot be read at all. */
void vsw_network_sync_async(VswNetwork *self, GPtrArray *defs, GAsyncReadyCallback callback,
                            gpointer user_data);
gboolean vsw_network_sync_finish(VswNetwork *self, GAsyncResult *result, GError **error);

/* Checks @def against the host and the other switches without changing anything: unknown,
 * wireless or already enslaved adapter, subnet overlapping another switch or a host route, DHCP
 * range outside the subnet, a second Default Switch. Each error names the field and why. */
gboolean vsw_network_check_switch(VswNetwork *self, const HvxSwitchDef *def, GError **error);

/* Creates the switch @def names (by uuid) or reshapes it to match @def: type, adapter, sharing,
 * address, NAT, DHCP; done once its dnsmasq serves. Ports on it stay connected (re-enslaved when
 * the bridge had to change). On failure everything made is undone and the previous shape is
 * back. */
void vsw_network_apply_switch_async(VswNetwork *self, const HvxSwitchDef *def,
                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean vsw_network_apply_switch_finish(VswNetwork *self, GAsyncResult *result, GError **error);

/* Removes the switch: dnsmasq (done once it has exited), bridge, NAT rules; a shared adapter gets
 * its addresses and routes back exactly as they were. The caller refuses deletion while VMs use
 * it. */
void vsw_network_remove_switch_async(VswNetwork *self, const char *uuid,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean vsw_network_remove_switch_finish(VswNetwork *self, GAsyncResult *result, GError **error);

/* NULL when the switch is up as defined, else a translated sentence (e.g. "The adapter eth1 has
 * vanished"). */
const char *vsw_network_switch_status(VswNetwork *self, const char *uuid);

/* A tap on the switch's bridge with @config's VLAN, bandwidth limit and guards. Returns the tap's
 * fd (to hand to QEMU, then close), -1 with @error set. @ret_vhost_fd gets an open /dev/vhost-net
 * fd, or -1 when the host has none. */
int vsw_network_port_add(VswNetwork *self, const VswPortConfig *config, int *ret_vhost_fd,
                         GError **error);

/* Moves an existing port to another switch, VLAN or set of rules without closing the tap. */
gboolean vsw_network_port_update(VswNetwork *self, const VswPortConfig *config, GError **error);

/* Drops the port's rules; the tap itself goes when QEMU closes it. Unknown taps are fine. */
gboolean vsw_network_port_remove(VswNetwork *self, const char *tap_name, GError **error);

/* The host's physical adapters (of VswAdapter*). */
GPtrArray *vsw_network_list_adapters(VswNetwork *self, GError **error);

/* A free private /24 for a new internal switch, as the host address ("172.23.144.1/24"): one that
 * overlaps no host route and no other switch. */
char *vsw_network_pick_subnet(VswNetwork *self, GError **error);

/* IPv4 addresses the switch's dnsmasq leased to @mac ("aa:bb:cc:dd:ee:ff"); empty when none. */
GStrv vsw_network_leases(VswNetwork *self, const char *switch_uuid, const char *mac);

/* The Default Switch. A definition cannot say it is the Default Switch: berthd says so here (when
 * it makes it on first start), and it is remembered under @state_dir. Fails with
 * VSW_ERROR_EXISTS, naming the other one, when another switch that is still known already is the
 * Default Switch: there are never two. NULL @uuid: no Default Switch. */
gboolean vsw_network_set_default_switch(VswNetwork *self, const char *uuid, GError **error);
/* The Default Switch's uuid, NULL when none. */
const char *vsw_network_get_default_switch(VswNetwork *self);

/* For tests and diagnostics: the rules (vsw-nft.h) and the pid of a switch's dnsmasq (0 when
 * none is running). */
typedef struct _VswNft VswNft;
VswNft *vsw_network_get_nft(VswNetwork *self);
int vsw_network_get_dnsmasq_pid(VswNetwork *self, const char *uuid);

G_END_DECLS
