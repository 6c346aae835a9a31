/* vsw-network-private.h: what VswNetwork's files share (vsw-network.c and vsw-network-*.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "hvx-net-address.h"
#include "vsw-dnsmasq.h"
#include "vsw-network.h"
#include "vsw-nft.h"

G_BEGIN_DECLS

typedef struct {
    HvxSwitchDef *def; /* our copy */
    char *bridge;
    gboolean up;  /* applied; FALSE when sync could not apply it */
    char *status; /* why not up, or a problem found since; NULL = fine */
    VswDnsmasq *dnsmasq;
} Switch;

typedef struct {
    char *switch_uuid;
    char *tap_name;
    guint8 mac[6];
    guint vlan;
    guint bandwidth_max;
    gboolean mac_spoofing;
    gboolean dhcp_guard;
    gboolean router_guard;
} Port;

struct _VswNetwork {
    GObject parent_instance;

    VswPlatform *platform;
    VswNft *nft;
    gboolean kernel;
    char *state_dir;
    char *runtime_dir;
    GHashTable *switches; /* uuid -> Switch */
    GHashTable *ports;    /* tap name -> Port */
    char *default_uuid;
    GQueue *ops; /* switch changes waiting for the one under way (Op) */
    gboolean op_running;
};

typedef enum {
    UNDO_DELETE_LINK,
    UNDO_RELEASE, /* a: adapter; b: "up" when it was up before */
    UNDO_ADDRESS, /* a: link; b: cidr */
    UNDO_SHARE,   /* a: record path */
    UNDO_NFT,     /* a: tag */
} UndoKind;

/* Applying, removing and syncing wait for dnsmasq from the main loop, so several may be asked
 * for at once: they run one after the other, each seeing what the one before made. */
typedef void (*OpRunFunc)(VswNetwork *self, GTask *op);

/* vsw-network.c: helpers, the Default Switch */
HvxSwitchDef *vsw_network_def_copy(const HvxSwitchDef *def);
void vsw_network_switch_free(gpointer data);
void vsw_network_port_free(gpointer data);
gboolean vsw_network_parse_cidr(const char *text, HvxIpv4Cidr *ret_cidr);
char *vsw_network_state_path(VswNetwork *self, const char *prefix, const char *bridge,
                             const char *suffix);
char *vsw_network_runtime_path(VswNetwork *self, const char *prefix, const char *bridge,
                               const char *suffix);
char *vsw_network_share_record(VswNetwork *self, const char *bridge);
char *vsw_network_switch_tag(const char *bridge);
char *vsw_network_port_tag(const char *tap);
gboolean vsw_network_link_exists(VswNetwork *self, const char *name, VswLink *ret_link);
Switch *vsw_network_find_switch(VswNetwork *self, const char *uuid);
gboolean vsw_network_save_default(VswNetwork *self, GError **error);

/* vsw-network-build.c: building a switch */
GArray *vsw_network_undo_new(void);
void vsw_network_undo_push(GArray *undo, UndoKind kind, const char *a, const char *b);
void vsw_network_undo_run(VswNetwork *self, GArray *undo);
gboolean vsw_network_build_extras(VswNetwork *self, Switch *sw, GArray *undo, GError **error);
void vsw_network_start_dnsmasq(VswNetwork *self, Switch *sw, GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean vsw_network_start_dnsmasq_finish(Switch *sw, GAsyncResult *result, GError **error);
void vsw_network_stop_dnsmasq(Switch *sw, GAsyncReadyCallback callback, gpointer user_data);
void vsw_network_teardown_extras(VswNetwork *self, Switch *sw);

/* vsw-network-apply.c: switch changes, one at a time */
void vsw_network_op_queue(VswNetwork *self, GTask *task, OpRunFunc run);
void vsw_network_op_return(GTask *task, GError *error);
void vsw_network_apply_unqueued(VswNetwork *self, const HvxSwitchDef *def,
                                GAsyncReadyCallback callback, gpointer user_data);
void vsw_network_remove_unqueued(VswNetwork *self, const char *uuid, GAsyncReadyCallback callback,
                                 gpointer user_data);

/* vsw-network-ports.c */
void vsw_network_reattach_ports(VswNetwork *self, Switch *sw);

G_END_DECLS
