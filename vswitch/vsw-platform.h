/* vsw-platform.h: the kernel's network interfaces as Berth's switches need them, behind an
 * abstract backend: VswPlatformLinux talks rtnetlink, VswPlatformFake keeps it all in memory.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <net/if.h>

G_BEGIN_DECLS

typedef enum {
    VSW_LINK_KIND_OTHER,  /* loopback, tunnels, anything Berth does not handle */
    VSW_LINK_KIND_ETHER,  /* a physical (or otherwise plain) Ethernet adapter */
    VSW_LINK_KIND_BRIDGE, /* a Linux bridge */
    VSW_LINK_KIND_TAP,    /* a tun/tap device in tap mode */
    VSW_LINK_KIND_VETH,   /* one end of a veth pair */
} VswLinkKind;

typedef struct {
    char name[IFNAMSIZ];
    int ifindex;
    VswLinkKind kind;
    gboolean up;
    int master;              /* the bridge's ifindex, 0 when none */
    guint8 mac[6];           /* all zeroes when the link has none */
    gboolean vlan_filtering; /* bridges only */
    gboolean carrier;        /* up and with a link (IFF_LOWER_UP) */
} VswLink;

/* One VLAN of a bridge port. */
typedef struct {
    guint16 vid;
    gboolean pvid;     /* untagged ingress goes to this VLAN */
    gboolean untagged; /* egress leaves without a tag */
} VswVlan;

/* One IPv4 address of a link with what must be kept when it moves. */
typedef struct {
    char cidr[20];        /* "192.168.1.5/24" */
    char broadcast[16];   /* "" when none */
    guint8 scope;         /* RT_SCOPE_* (global 0) */
    char label[IFNAMSIZ]; /* "" = the link's name; "eth0:1" for an alias */
} VswAddress;

/* One IPv4 route of the main table. */
typedef struct {
    char destination[20]; /* "192.168.1.0/24"; "0.0.0.0/0" is the default route */
    char gateway[16];     /* "" when the destination is on the link */
    char source[16];      /* preferred source address, "" when none */
    int ifindex;          /* the output interface */
    guint metric;         /* priority, 0 = none */
    guint8 protocol;      /* RTPROT_* (kernel 2, boot 3, static 4, dhcp 16) */
    guint8 scope;         /* RT_SCOPE_* (universe 0, link 253, host 254) */
} VswRoute;

const char *vsw_link_kind_to_string(VswLinkKind kind);

#define VSW_TYPE_PLATFORM (vsw_platform_get_type())
G_DECLARE_DERIVABLE_TYPE(VswPlatform, vsw_platform, VSW, PLATFORM, GObject)

/* The backend's operations. Each returns 0 (or, for tap_add, the fd) on success and a negative
 * errno on failure; the base class checks arguments, resolves names and writes the message, so
 * both backends fail with the same words. Lists are returned through @ret_* (owned by the
 * caller). */
struct _VswPlatformClass {
    GObjectClass parent_class;

    int (*list_links)(VswPlatform *self, GArray **ret_links);
    int (*bridge_add)(VswPlatform *self, const char *name);
    int (*link_delete)(VswPlatform *self, int ifindex);
    int (*tap_add)(VswPlatform *self, const char *name);
    int (*link_set_master)(VswPlatform *self, int ifindex, int master);
    int (*link_set_up)(VswPlatform *self, int ifindex, gboolean up);
    /* @details NULL: broadcast derived from the prefix, global scope, no label. */
    int (*address_add)(VswPlatform *self, int ifindex, guint32 address_be, guint prefix,
                       const VswAddress *details);
    int (*address_delete)(VswPlatform *self, int ifindex, guint32 address_be, guint prefix);
    int (*list_addresses)(VswPlatform *self, int ifindex, GArray **ret_addresses);
    int (*port_set_pvid)(VswPlatform *self, int ifindex, guint16 vid);
    int (*port_list_vlans)(VswPlatform *self, int ifindex, GArray **ret_vlans);
    int (*veth_add)(VswPlatform *self, const char *name, const char *peer);
    int (*link_set_mac)(VswPlatform *self, int ifindex, const guint8 *mac);
    int (*list_routes)(VswPlatform *self, GArray **ret_routes);
    int (*route_add)(VswPlatform *self, const VswRoute *route);
    int (*route_delete)(VswPlatform *self, const VswRoute *route);
    int (*set_bandwidth)(VswPlatform *self, int ifindex, guint mbit);
    int (*get_bandwidth)(VswPlatform *self, int ifindex, guint *ret_mbit);
    int (*is_wireless)(VswPlatform *self, const char *name);
    /* TRUE when the backend is the kernel: VswNetwork then runs nft and dnsmasq for real. */
    gboolean (*is_kernel)(VswPlatform *self);
};

/* Every link, as an array of VswLink. */
GArray *vsw_platform_list_links(VswPlatform *self, GError **error);

/* Looks @name up; FALSE with VSW_ERROR_NOT_FOUND when there is no such link. */
gboolean vsw_platform_link_get(VswPlatform *self, const char *name, VswLink *ret_link,
                               GError **error);

/* A bridge, down, with VLAN filtering on when the kernel has it (VswLink.vlan_filtering says). */
gboolean vsw_platform_bridge_add(VswPlatform *self, const char *name, GError **error);

gboolean vsw_platform_link_delete(VswPlatform *self, const char *name, GError **error);

/* A non-persistent tap (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) named @name and enslaved to
 * @bridge. Returns its /dev/net/tun fd, or -1 with @error set. The tap disappears when the last
 * copy of the fd is closed. */
int vsw_platform_tap_add(VswPlatform *self, const char *name, const char *bridge, GError **error);

/* Enslaves @name to the bridge @master, or releases it when @master is NULL. */
gboolean vsw_platform_link_set_master(VswPlatform *self, const char *name, const char *master,
                                      GError **error);

gboolean vsw_platform_link_set_up(VswPlatform *self, const char *name, gboolean up, GError **error);

/* IPv4 addresses as "192.168.1.1/24". */
gboolean vsw_platform_address_add(VswPlatform *self, const char *name, const char *cidr,
                                  GError **error);
gboolean vsw_platform_address_delete(VswPlatform *self, const char *name, const char *cidr,
                                     GError **error);
/* The link's IPv4 addresses in that form, NULL-terminated. */
GStrv vsw_platform_list_addresses(VswPlatform *self, const char *name, GError **error);
/* The same with broadcast, scope and label (of VswAddress), in the kernel's order. */
GArray *vsw_platform_list_address_details(VswPlatform *self, const char *name, GError **error);
/* Adds an address exactly as described (a moved address put back). */
gboolean vsw_platform_address_add_details(VswPlatform *self, const char *name,
                                          const VswAddress *address, GError **error);

/* Makes @vid (1-4094) the port's only VLAN, PVID and untagged: an access port. @name must be
 * enslaved to a bridge with VLAN filtering, else VSW_ERROR_NOT_SUPPORTED. */
gboolean vsw_platform_port_set_pvid(VswPlatform *self, const char *name, guint vid, GError **error);
/* The port's VLANs as an array of VswVlan, in ascending order. */
GArray *vsw_platform_port_list_vlans(VswPlatform *self, const char *name, GError **error);

/* A veth pair @name <-> @peer, both down. */
gboolean vsw_platform_veth_add(VswPlatform *self, const char *name, const char *peer,
                               GError **error);

/* Sets the link's MAC ("aa:bb:cc:dd:ee:ff" parsed by the caller into 6 bytes). */
gboolean vsw_platform_link_set_mac(VswPlatform *self, const char *name, const guint8 mac[6],
                                   GError **error);

/* The main table's IPv4 routes (of VswRoute), all of them when @name is NULL, else those out of
 * @name. Local and broadcast routes (the local table) are not included. */
GArray *vsw_platform_list_routes(VswPlatform *self, const char *name, GError **error);
gboolean vsw_platform_route_add(VswPlatform *self, const VswRoute *route, GError **error);
gboolean vsw_platform_route_delete(VswPlatform *self, const VswRoute *route, GError **error);
/* "default via 10.0.0.1 dev eth0 metric 100", for messages and logs. */
char *vsw_route_to_string(VswPlatform *self, const VswRoute *route);

/* Limits what leaves the link (for a tap: what the guest receives) to @mbit Mbit/s with a tbf
 * qdisc; 0 removes the limit. */
gboolean vsw_platform_set_bandwidth(VswPlatform *self, const char *name, guint mbit,
                                    GError **error);
/* The limit set by vsw_platform_set_bandwidth(), 0 when none. */
gboolean vsw_platform_get_bandwidth(VswPlatform *self, const char *name, guint *ret_mbit,
                                    GError **error);

/* TRUE when @name is a wireless adapter (sysfs: wireless/ or phy80211). */
gboolean vsw_platform_link_is_wireless(VswPlatform *self, const char *name);

gboolean vsw_platform_is_kernel(VswPlatform *self);

G_END_DECLS
