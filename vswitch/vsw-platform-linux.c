/* vsw-platform-linux.c: VswPlatform on the kernel, over rtnetlink (libnl) and /dev/net/tun.
 *
 * The requests are built with libnl's message API rather than its route objects: libnl 3.7 cannot
 * set a bridge's vlan_filtering nor a port's VLANs, and an error callback of our own keeps the
 * kernel's exact errno, so messages match the fake backend's word for word.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/* net/if.h before the linux/ headers, which then leave its definitions alone. */
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <linux/if_arp.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>
#include <linux/pkt_sched.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "hvx-net-address.h"
#include "vsw-error.h"
#include "vsw-platform-linux.h"

struct _VswPlatformLinux {
    VswPlatform parent_instance;

    struct nl_sock *sk;
    char *sysfs_root;           /* "/sys" unless a test says otherwise */
    gboolean no_vlan_filtering; /* the kernel refused it once: don't ask again */
};

G_DEFINE_FINAL_TYPE(VswPlatformLinux, vsw_platform_linux, VSW_TYPE_PLATFORM)

typedef struct {
    int error; /* the kernel's, negative, or 0 */
    int (*parse)(struct nlmsghdr *nlh, gpointer data);
    gpointer data;
} Transaction;

static int
on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
    Transaction *t = arg;

    t->error = e->error;
    return NL_STOP;
}

static int
on_valid(struct nl_msg *msg, void *arg)
{
    Transaction *t = arg;

    if (t->parse)
        t->parse(nlmsg_hdr(msg), t->data);
    return NL_OK;
}

static int
on_ack(struct nl_msg *msg, void *arg)
{
    return NL_STOP;
}

/* Sends @msg (consumed), reads the answer through @parse; 0 or a negative errno. */
static int
transact(VswPlatformLinux *self, struct nl_msg *msg, int (*parse)(struct nlmsghdr *, gpointer),
         gpointer data)
{
    Transaction t = {.error = 0, .parse = parse, .data = data};
    struct nl_cb *cb;
    int r;

    /* NLM_F_DUMP shares a bit with NLM_F_EXCL: compare both bits. */
    if ((nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
        nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
    r = nl_send_auto(self->sk, msg);
    nlmsg_free(msg);
    if (r < 0)
        return -EIO;
    cb = nl_cb_alloc(NL_CB_DEFAULT);
    if (!cb)
        return -ENOMEM;
    nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
    nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
    r = nl_recvmsgs(self->sk, cb);
    nl_cb_put(cb);
    if (t.error < 0)
        return t.error;
    if (r == -NLE_AGAIN)
        return -ETIMEDOUT;
    return r < 0 ? -EIO : 0;
}

static void format_ipv4(char *buf, gsize size, const struct nlattr *a);

static struct nl_msg *
link_msg(int type, int flags, int family, int ifindex)
{
    struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
    struct ifinfomsg ifi = {.ifi_family = (unsigned char)family, .ifi_index = ifindex};

    g_assert(msg);
    if (nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0)
        g_error("out of memory");
    return msg;
}

static int
parse_link(struct nlmsghdr *nlh, gpointer data)
{
    GArray *links = data;
    struct ifinfomsg *ifi = nlmsg_data(nlh);
    struct nlattr *tb[IFLA_MAX + 1];
    struct nlattr *info[IFLA_INFO_MAX + 1];
    VswLink link = {.ifindex = ifi->ifi_index, .kind = VSW_LINK_KIND_OTHER};
    const char *kind = NULL;

    if (nlh->nlmsg_type != RTM_NEWLINK || nlmsg_parse(nlh, sizeof *ifi, tb, IFLA_MAX, NULL) < 0)
        return NL_OK;
    if (!tb[IFLA_IFNAME])
        return NL_OK;
    g_strlcpy(link.name, nla_get_string(tb[IFLA_IFNAME]), sizeof link.name);
    link.up = (ifi->ifi_flags & IFF_UP) != 0;
    link.carrier = (ifi->ifi_flags & IFF_LOWER_UP) != 0;
    if (tb[IFLA_MASTER])
        link.master = (int)nla_get_u32(tb[IFLA_MASTER]);
    if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6)
        memcpy(link.mac, nla_data(tb[IFLA_ADDRESS]), 6);
    if (tb[IFLA_LINKINFO] && nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0 &&
        info[IFLA_INFO_KIND])
        kind = nla_get_string(info[IFLA_INFO_KIND]);

    if (g_strcmp0(kind, "bridge") == 0) {
        struct nlattr *br[IFLA_BR_MAX + 1];

        link.kind = VSW_LINK_KIND_BRIDGE;
        if (info[IFLA_INFO_DATA] &&
            nla_parse_nested(br, IFLA_BR_MAX, info[IFLA_INFO_DATA], NULL) == 0 &&
            br[IFLA_BR_VLAN_FILTERING])
            link.vlan_filtering = nla_get_u8(br[IFLA_BR_VLAN_FILTERING]) != 0;
    } else if (g_strcmp0(kind, "tun") == 0) {
        /* A tap carries Ethernet frames; a tun has no link layer. */
        if (ifi->ifi_type == ARPHRD_ETHER)
            link.kind = VSW_LINK_KIND_TAP;
    } else if (g_strcmp0(kind, "veth") == 0) {
        link.kind = VSW_LINK_KIND_VETH;
    } else if (kind == NULL && ifi->ifi_type == ARPHRD_ETHER) {
        link.kind = VSW_LINK_KIND_ETHER;
    }
    g_array_append_val(links, link);
    return NL_OK;
}

static int
linux_list_links(VswPlatform *platform, GArray **ret_links)
{
    VswPlatformLinux *self = VSW_PLATFORM_LINUX(platform);
    g_autoptr(GArray) links = g_array_new(FALSE, FALSE, sizeof(VswLink));
    int r;

    r = transact(self, link_msg(RTM_GETLINK, NLM_F_DUMP, AF_UNSPEC, 0), parse_link, links);
    if (r < 0)
        return r;
    *ret_links = g_steal_pointer(&links);
    return 0;
}

static int
bridge_add(VswPlatformLinux *self, const char *name, gboolean vlan_filtering)
{
    struct nl_msg *msg = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, AF_UNSPEC, 0);
    struct nlattr *linkinfo;

    nla_put_string(msg, IFLA_IFNAME, name);
    linkinfo = nla_nest_start(msg, IFLA_LINKINFO);
    nla_put_string(msg, IFLA_INFO_KIND, "bridge");
    if (vlan_filtering) {
        struct nlattr *data = nla_nest_start(msg, IFLA_INFO_DATA);

        nla_put_u8(msg, IFLA_BR_VLAN_FILTERING, 1);
        nla_nest_end(msg, data);
    }
    nla_nest_end(msg, linkinfo);
    return transact(self, msg, NULL, NULL);
}

static int
linux_bridge_add(VswPlatform *platform, const char *name)
{
    VswPlatformLinux *self = VSW_PLATFORM_LINUX(platform);
    int r;

    /* A kernel built without CONFIG_BRIDGE_VLAN_FILTERING refuses the attribute; such a bridge
     * still switches, only without VLANs. */
    if (!self->no_vlan_filtering) {
        r = bridge_add(self, name, TRUE);
        if (r != -EOPNOTSUPP)
            return r;
        /* The refused bridge was half-registered: undoing that costs the kernel an RCU grace
         * period, tens of milliseconds each time. */
        self->no_vlan_filtering = TRUE;
    }
    return bridge_add(self, name, FALSE);
}

static int
linux_link_delete(VswPlatform *platform, int ifindex)
{
    return transact(VSW_PLATFORM_LINUX(platform), link_msg(RTM_DELLINK, 0, AF_UNSPEC, ifindex),
                    NULL, NULL);
}

static int
linux_tap_add(VswPlatform *platform, const char *name)
{
    struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR};
    int fd;

    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    g_strlcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int errsv = errno;

        close(fd);
        return -errsv;
    }
    return fd;
}

static int
linux_link_set_master(VswPlatform *platform, int ifindex, int master)
{
    struct nl_msg *msg = link_msg(RTM_SETLINK, 0, AF_UNSPEC, ifindex);

    nla_put_u32(msg, IFLA_MASTER, (guint32)master);
    return transact(VSW_PLATFORM_LINUX(platform), msg, NULL, NULL);
}

static int
linux_link_set_up(VswPlatform *platform, int ifindex, gboolean up)
{
    struct nl_msg *msg = link_msg(RTM_SETLINK, 0, AF_UNSPEC, ifindex);
    struct ifinfomsg *ifi = nlmsg_data(nlmsg_hdr(msg));

    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = up ? IFF_UP : 0;
    return transact(VSW_PLATFORM_LINUX(platform), msg, NULL, NULL);
}

static struct nl_msg *
address_msg(int type, int flags, int ifindex, guint32 address_be, guint prefix)
{
    struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
    struct ifaddrmsg ifa = {
        .ifa_family = AF_INET,
        .ifa_prefixlen = (unsigned char)prefix,
        .ifa_index = (unsigned int)ifindex,
    };

    g_assert(msg);
    if (nlmsg_append(msg, &ifa, sizeof ifa, NLMSG_ALIGNTO) < 0)
        g_error("out of memory");
    nla_put_u32(msg, IFA_LOCAL, address_be);
    nla_put_u32(msg, IFA_ADDRESS, address_be);
    return msg;
}

static int
linux_address_add(VswPlatform *platform, int ifindex, guint32 address_be, guint prefix,
                  const VswAddress *details)
{
    struct nl_msg *msg =
        address_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, address_be, prefix);
    HvxIpv4Cidr cidr = {g_ntohl(address_be), prefix};
    guint32 broadcast;

    if (details) {
        ((struct ifaddrmsg *)nlmsg_data(nlmsg_hdr(msg)))->ifa_scope = details->scope;
        if (hvx_ipv4_parse(details->broadcast, NULL, &broadcast, NULL))
            nla_put_u32(msg, IFA_BROADCAST, g_htonl(broadcast));
        if (details->label[0])
            nla_put_string(msg, IFA_LABEL, details->label);
    } else if (prefix < 31) {
        nla_put_u32(msg, IFA_BROADCAST, g_htonl(hvx_ipv4_cidr_broadcast(&cidr)));
    }
    return transact(VSW_PLATFORM_LINUX(platform), msg, NULL, NULL);
}

static int
linux_address_delete(VswPlatform *platform, int ifindex, guint32 address_be, guint prefix)
{
    return transact(VSW_PLATFORM_LINUX(platform),
                    address_msg(RTM_DELADDR, 0, ifindex, address_be, prefix), NULL, NULL);
}

typedef struct {
    int ifindex;
    GArray *addresses;
} AddressDump;

static int
parse_address(struct nlmsghdr *nlh, gpointer data)
{
    AddressDump *dump = data;
    struct ifaddrmsg *ifa = nlmsg_data(nlh);
    struct nlattr *tb[IFA_MAX + 1];
    struct nlattr *a;
    VswAddress address = {.scope = 0};
    HvxIpv4Cidr cidr;
    g_autofree char *text = NULL;

    if (nlh->nlmsg_type != RTM_NEWADDR || nlmsg_parse(nlh, sizeof *ifa, tb, IFA_MAX, NULL) < 0)
        return NL_OK;
    if (ifa->ifa_family != AF_INET || (int)ifa->ifa_index != dump->ifindex)
        return NL_OK;
    a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (!a)
        return NL_OK;
    cidr = (HvxIpv4Cidr){g_ntohl(nla_get_u32(a)), ifa->ifa_prefixlen};
    text = hvx_ipv4_cidr_to_string(&cidr);
    g_strlcpy(address.cidr, text, sizeof address.cidr);
    if (tb[IFA_BROADCAST])
        format_ipv4(address.broadcast, sizeof address.broadcast, tb[IFA_BROADCAST]);
    if (tb[IFA_LABEL])
        g_strlcpy(address.label, nla_get_string(tb[IFA_LABEL]), sizeof address.label);
    address.scope = ifa->ifa_scope;
    g_array_append_val(dump->addresses, address);
    return NL_OK;
}

static int
linux_list_addresses(VswPlatform *platform, int ifindex, GArray **ret_addresses)
{
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP);
    struct ifaddrmsg ifa = {.ifa_family = AF_INET};
    AddressDump dump = {.ifindex = ifindex};
    int r;

    g_assert(msg);
    if (nlmsg_append(msg, &ifa, sizeof ifa, NLMSG_ALIGNTO) < 0)
        g_error("out of memory");
    dump.addresses = g_array_new(FALSE, TRUE, sizeof(VswAddress));
    r = transact(VSW_PLATFORM_LINUX(platform), msg, parse_address, &dump);
    if (r < 0) {
        g_array_unref(dump.addresses);
        return r;
    }
    *ret_addresses = dump.addresses;
    return 0;
}

typedef struct {
    int ifindex;
    GArray *vlans;
} VlanDump;

static int
parse_vlans(struct nlmsghdr *nlh, gpointer data)
{
    VlanDump *dump = data;
    struct ifinfomsg *ifi = nlmsg_data(nlh);
    struct nlattr *tb[IFLA_MAX + 1];
    struct nlattr *a;
    int rem;

    if (nlh->nlmsg_type != RTM_NEWLINK || ifi->ifi_index != dump->ifindex ||
        nlmsg_parse(nlh, sizeof *ifi, tb, IFLA_MAX, NULL) < 0 || !tb[IFLA_AF_SPEC])
        return NL_OK;
    nla_for_each_nested(a, tb[IFLA_AF_SPEC], rem)
    {
        const struct bridge_vlan_info *info;
        VswVlan vlan;

        if (nla_type(a) != IFLA_BRIDGE_VLAN_INFO || nla_len(a) < (int)sizeof *info)
            continue;
        info = nla_data(a);
        vlan.vid = info->vid;
        vlan.pvid = (info->flags & BRIDGE_VLAN_INFO_PVID) != 0;
        vlan.untagged = (info->flags & BRIDGE_VLAN_INFO_UNTAGGED) != 0;
        g_array_append_val(dump->vlans, vlan);
    }
    return NL_OK;
}

static int
linux_port_list_vlans(VswPlatform *platform, int ifindex, GArray **ret_vlans)
{
    struct nl_msg *msg = link_msg(RTM_GETLINK, NLM_F_DUMP, AF_BRIDGE, 0);
    VlanDump dump = {.ifindex = ifindex};
    int r;

    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN);
    dump.vlans = g_array_new(FALSE, FALSE, sizeof(VswVlan));
    r = transact(VSW_PLATFORM_LINUX(platform), msg, parse_vlans, &dump);
    if (r < 0) {
        g_array_unref(dump.vlans);
        return r;
    }
    *ret_vlans = dump.vlans;
    return 0;
}

static int
port_vlan(VswPlatformLinux *self, int type, int ifindex, guint16 vid, guint16 flags)
{
    struct nl_msg *msg = link_msg(type, 0, AF_BRIDGE, ifindex);
    struct bridge_vlan_info info = {.flags = flags, .vid = vid};
    struct nlattr *spec;

    spec = nla_nest_start(msg, IFLA_AF_SPEC);
    nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof info, &info);
    nla_nest_end(msg, spec);
    return transact(self, msg, NULL, NULL);
}

static int
linux_port_set_pvid(VswPlatform *platform, int ifindex, guint16 vid)
{
    VswPlatformLinux *self = VSW_PLATFORM_LINUX(platform);
    g_autoptr(GArray) vlans = NULL;
    int r;

    /* The new PVID first: the kernel moves the PVID flag to it, so the port is never without
     * one; then the other VLANs go, leaving an access port. */
    r = port_vlan(self, RTM_SETLINK, ifindex, vid,
                  BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
    if (r < 0)
        return r;
    r = linux_port_list_vlans(platform, ifindex, &vlans);
    if (r < 0)
        return r;
    for (guint i = 0; i < vlans->len; i++) {
        const VswVlan *vlan = &g_array_index(vlans, VswVlan, i);

        if (vlan->vid != vid) {
            r = port_vlan(self, RTM_DELLINK, ifindex, vlan->vid, 0);
            if (r < 0)
                return r;
        }
    }
    return 0;
}

static int
linux_veth_add(VswPlatform *platform, const char *name, const char *peer)
{
    struct nl_msg *msg = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, AF_UNSPEC, 0);
    struct ifinfomsg peer_ifi = {.ifi_family = AF_UNSPEC};
    struct nlattr *linkinfo;
    struct nlattr *data;
    struct nlattr *info_peer;

    nla_put_string(msg, IFLA_IFNAME, name);
    linkinfo = nla_nest_start(msg, IFLA_LINKINFO);
    nla_put_string(msg, IFLA_INFO_KIND, "veth");
    data = nla_nest_start(msg, IFLA_INFO_DATA);
    info_peer = nla_nest_start(msg, VETH_INFO_PEER);
    if (nlmsg_append(msg, &peer_ifi, sizeof peer_ifi, NLMSG_ALIGNTO) < 0)
        g_error("out of memory");
    nla_put_string(msg, IFLA_IFNAME, peer);
    nla_nest_end(msg, info_peer);
    nla_nest_end(msg, data);
    nla_nest_end(msg, linkinfo);
    return transact(VSW_PLATFORM_LINUX(platform), msg, NULL, NULL);
}

static int
linux_link_set_mac(VswPlatform *platform, int ifindex, const guint8 *mac)
{
    struct nl_msg *msg = link_msg(RTM_SETLINK, 0, AF_UNSPEC, ifindex);

    nla_put(msg, IFLA_ADDRESS, 6, mac);
    return transact(VSW_PLATFORM_LINUX(platform), msg, NULL, NULL);
}

static void
format_ipv4(char *buf, gsize size, const struct nlattr *a)
{
    g_autofree char *text = hvx_ipv4_to_string(g_ntohl(nla_get_u32((struct nlattr *)a)));

    g_strlcpy(buf, text, size);
}

static int
parse_route(struct nlmsghdr *nlh, gpointer data)
{
    GArray *routes = data;
    struct rtmsg *rtm = nlmsg_data(nlh);
    struct nlattr *tb[RTA_MAX + 1];
    VswRoute route = {.protocol = rtm->rtm_protocol, .scope = rtm->rtm_scope};
    char dst[16] = "0.0.0.0";
    guint32 table;

    if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET ||
        nlmsg_parse(nlh, sizeof *rtm, tb, RTA_MAX, NULL) < 0)
        return NL_OK;
    table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
    if (table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST || !tb[RTA_OIF])
        return NL_OK;
    if (tb[RTA_DST])
        format_ipv4(dst, sizeof dst, tb[RTA_DST]);
    g_snprintf(route.destination, sizeof route.destination, "%s/%u", dst, rtm->rtm_dst_len);
    if (tb[RTA_GATEWAY])
        format_ipv4(route.gateway, sizeof route.gateway, tb[RTA_GATEWAY]);
    if (tb[RTA_PREFSRC])
        format_ipv4(route.source, sizeof route.source, tb[RTA_PREFSRC]);
    route.ifindex = (int)nla_get_u32(tb[RTA_OIF]);
    if (tb[RTA_PRIORITY])
        route.metric = nla_get_u32(tb[RTA_PRIORITY]);
    g_array_append_val(routes, route);
    return NL_OK;
}

static int
linux_list_routes(VswPlatform *platform, GArray **ret_routes)
{
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP);
    struct rtmsg rtm = {.rtm_family = AF_INET};
    g_autoptr(GArray) routes = g_array_new(FALSE, FALSE, sizeof(VswRoute));
    int r;

    g_assert(msg);
    if (nlmsg_append(msg, &rtm, sizeof rtm, NLMSG_ALIGNTO) < 0)
        g_error("out of memory");
    r = transact(VSW_PLATFORM_LINUX(platform), msg, parse_route, routes);
    if (r < 0)
        return r;
    *ret_routes = g_steal_pointer(&routes);
    return 0;
}

static struct nl_msg *
route_msg(int type, int flags, const VswRoute *route)
{
    struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
    HvxIpv4Cidr destination = {0};
    guint32 address;
    struct rtmsg rtm;

    /* vsw_platform_route_add() checked the strings. */
    hvx_ipv4_cidr_parse(route->destination, NULL, &destination, NULL);
    rtm = (struct rtmsg){
        .rtm_family = AF_INET,
        .rtm_dst_len = (unsigned char)destination.prefix,
        .rtm_table = RT_TABLE_MAIN,
        .rtm_protocol = route->protocol ? route->protocol : RTPROT_BOOT,
        .rtm_scope = route->scope,
        .rtm_type = RTN_UNICAST,
    };

    g_assert(msg);
    if (nlmsg_append(msg, &rtm, sizeof rtm, NLMSG_ALIGNTO) < 0)
        g_error("out of memory");
    if (rtm.rtm_dst_len > 0)
        nla_put_u32(msg, RTA_DST, g_htonl(destination.address));
    if (hvx_ipv4_parse(route->gateway, NULL, &address, NULL))
        nla_put_u32(msg, RTA_GATEWAY, g_htonl(address));
    if (hvx_ipv4_parse(route->source, NULL, &address, NULL))
        nla_put_u32(msg, RTA_PREFSRC, g_htonl(address));
    nla_put_u32(msg, RTA_OIF, (guint32)route->ifindex);
    if (route->metric)
        nla_put_u32(msg, RTA_PRIORITY, route->metric);
    return msg;
}

static int
linux_route_add(VswPlatform *platform, const VswRoute *route)
{
    return transact(VSW_PLATFORM_LINUX(platform),
                    route_msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route), NULL, NULL);
}

static int
linux_route_delete(VswPlatform *platform, const VswRoute *route)
{
    struct nl_msg *msg = route_msg(RTM_DELROUTE, 0, route);
    struct rtmsg *rtm = nlmsg_data(nlmsg_hdr(msg));

    /* Deletion matches on what is given; leave protocol and scope out of the match. */
    rtm->rtm_protocol = 0;
    rtm->rtm_scope = RT_SCOPE_NOWHERE;
    return transact(VSW_PLATFORM_LINUX(platform), msg, NULL, NULL);
}

/* libnl's qdisc API builds the request; transact() sends it, so the kernel's errno comes back
 * the same way as for every other request. */
static int
linux_set_bandwidth(VswPlatform *platform, int ifindex, guint mbit)
{
    VswPlatformLinux *self = VSW_PLATFORM_LINUX(platform);
    struct rtnl_qdisc *qdisc = rtnl_qdisc_alloc();
    struct nl_msg *msg = NULL;
    int r;

    if (!qdisc)
        return -ENOMEM;
    rtnl_tc_set_ifindex(TC_CAST(qdisc), ifindex);
    rtnl_tc_set_parent(TC_CAST(qdisc), TC_H_ROOT);
    rtnl_tc_set_handle(TC_CAST(qdisc), TC_HANDLE(0xbe00, 0));
    if (mbit == 0) {
        r = rtnl_qdisc_build_delete_request(qdisc, &msg);
    } else {
        int rate = (int)MIN((guint64)mbit * 125000, G_MAXINT); /* bytes per second */
        /* A bucket of at least 10 ms at the rate, so bursts of full-size frames pass. */
        int bucket = MAX(rate / 100, 32 * 1024);

        r = rtnl_tc_set_kind(TC_CAST(qdisc), "tbf");
        if (r == 0) {
            rtnl_qdisc_tbf_set_rate(qdisc, rate, bucket, 0);
            r = rtnl_qdisc_tbf_set_limit_by_latency(qdisc, 50000);
        }
        if (r == 0)
            r = rtnl_qdisc_build_add_request(qdisc, NLM_F_CREATE | NLM_F_REPLACE, &msg);
    }
    rtnl_qdisc_put(qdisc);
    if (r < 0)
        return -EINVAL;
    r = transact(self, msg, NULL, NULL);
    /* No limit to remove is no error. */
    if (mbit == 0 && (r == -ENOENT || r == -EINVAL))
        return 0;
    return r;
}

typedef struct {
    int ifindex;
    guint mbit;
} QdiscDump;

static int
parse_qdisc(struct nlmsghdr *nlh, gpointer data)
{
    QdiscDump *dump = data;
    struct tcmsg *tcm = nlmsg_data(nlh);
    struct nlattr *tb[TCA_MAX + 1];
    struct nlattr *opts[TCA_TBF_MAX + 1];

    if (nlh->nlmsg_type != RTM_NEWQDISC || tcm->tcm_ifindex != dump->ifindex ||
        tcm->tcm_parent != TC_H_ROOT || nlmsg_parse(nlh, sizeof *tcm, tb, TCA_MAX, NULL) < 0)
        return NL_OK;
    if (!tb[TCA_KIND] || strcmp(nla_get_string(tb[TCA_KIND]), "tbf") != 0 || !tb[TCA_OPTIONS])
        return NL_OK;
    if (nla_parse_nested(opts, TCA_TBF_MAX, tb[TCA_OPTIONS], NULL) == 0 && opts[TCA_TBF_PARMS]) {
        const struct tc_tbf_qopt *qopt = nla_data(opts[TCA_TBF_PARMS]);

        dump->mbit = (guint)(qopt->rate.rate / 125000);
    }
    return NL_OK;
}

static int
linux_get_bandwidth(VswPlatform *platform, int ifindex, guint *ret_mbit)
{
    struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETQDISC, NLM_F_DUMP);
    struct tcmsg tcm = {.tcm_family = AF_UNSPEC};
    QdiscDump dump = {.ifindex = ifindex};
    int r;

    g_assert(msg);
    if (nlmsg_append(msg, &tcm, sizeof tcm, NLMSG_ALIGNTO) < 0)
        g_error("out of memory");
    r = transact(VSW_PLATFORM_LINUX(platform), msg, parse_qdisc, &dump);
    if (r < 0)
        return r;
    *ret_mbit = dump.mbit;
    return 0;
}

static int
linux_is_wireless(VswPlatform *platform, const char *name)
{
    VswPlatformLinux *self = VSW_PLATFORM_LINUX(platform);
    g_autofree char *wireless =
        g_build_filename(self->sysfs_root, "class", "net", name, "wireless", NULL);
    g_autofree char *phy =
        g_build_filename(self->sysfs_root, "class", "net", name, "phy80211", NULL);

    return g_file_test(wireless, G_FILE_TEST_EXISTS) || g_file_test(phy, G_FILE_TEST_EXISTS);
}

static gboolean
linux_is_kernel(VswPlatform *platform)
{
    return TRUE;
}

static void
vsw_platform_linux_finalize(GObject *object)
{
    VswPlatformLinux *self = VSW_PLATFORM_LINUX(object);

    nl_socket_free(self->sk);
    g_free(self->sysfs_root);
    G_OBJECT_CLASS(vsw_platform_linux_parent_class)->finalize(object);
}

static void
vsw_platform_linux_class_init(VswPlatformLinuxClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    VswPlatformClass *platform_class = VSW_PLATFORM_CLASS(klass);

    object_class->finalize = vsw_platform_linux_finalize;
    platform_class->list_links = linux_list_links;
    platform_class->bridge_add = linux_bridge_add;
    platform_class->link_delete = linux_link_delete;
    platform_class->tap_add = linux_tap_add;
    platform_class->link_set_master = linux_link_set_master;
    platform_class->link_set_up = linux_link_set_up;
    platform_class->address_add = linux_address_add;
    platform_class->address_delete = linux_address_delete;
    platform_class->list_addresses = linux_list_addresses;
    platform_class->port_set_pvid = linux_port_set_pvid;
    platform_class->port_list_vlans = linux_port_list_vlans;
    platform_class->veth_add = linux_veth_add;
    platform_class->link_set_mac = linux_link_set_mac;
    platform_class->list_routes = linux_list_routes;
    platform_class->route_add = linux_route_add;
    platform_class->route_delete = linux_route_delete;
    platform_class->set_bandwidth = linux_set_bandwidth;
    platform_class->get_bandwidth = linux_get_bandwidth;
    platform_class->is_wireless = linux_is_wireless;
    platform_class->is_kernel = linux_is_kernel;
}

static void
vsw_platform_linux_init(VswPlatformLinux *self)
{
}

VswPlatform *
vsw_platform_linux_new(GError **error)
{
    g_autoptr(VswPlatformLinux) self = g_object_new(VSW_TYPE_PLATFORM_LINUX, NULL);
    struct timeval timeout = {.tv_sec = 10};
    int r;

    self->sysfs_root = g_strdup("/sys");
    self->sk = nl_socket_alloc();
    if (!self->sk) {
        g_set_error_literal(error, VSW_ERROR, VSW_ERROR_FAILED,
                            _("Cannot open a netlink socket: out of memory"));
        return NULL;
    }
    /* transact() asks for acknowledgements itself, and never for dumps. */
    nl_socket_disable_auto_ack(self->sk);
    r = nl_connect(self->sk, NETLINK_ROUTE);
    if (r < 0) {
        g_set_error(error, VSW_ERROR, VSW_ERROR_FAILED, _("Cannot open a netlink socket: %s"),
                    nl_geterror(r));
        return NULL;
    }
    /* A request the kernel never answers must fail, not hang berthd. */
    if (setsockopt(nl_socket_get_fd(self->sk), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) <
        0)
        g_warning("Cannot set a timeout on the netlink socket: %s", g_strerror(errno));
    return VSW_PLATFORM(g_steal_pointer(&self));
}

void
vsw_platform_linux_set_sysfs_root(VswPlatformLinux *self, const char *root)
{
    g_return_if_fail(VSW_IS_PLATFORM_LINUX(self));
    g_return_if_fail(root != NULL);

    g_free(self->sysfs_root);
    self->sysfs_root = g_strdup(root);
}
