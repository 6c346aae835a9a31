/* vsw-dnsmasq.h: one dnsmasq serving DHCP and DNS on one internal switch, supervised.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
    const char *bridge;  /* --interface */
    const char *address; /* the host's address on the bridge, "192.168.211.1" */
    const char *netmask; /* "255.255.255.0" */
    const char *first;   /* DHCP range */
    const char *last;
    gboolean router;        /* offer the host as the default gateway (NAT switches) */
    const char *lease_file; /* under the state dir: survives berthd */
    const char *pid_file;   /* under the runtime dir */
    const char *log_file;   /* under the runtime dir */
} VswDnsmasqConfig;

#define VSW_TYPE_DNSMASQ (vsw_dnsmasq_get_type())
G_DECLARE_FINAL_TYPE(VswDnsmasq, vsw_dnsmasq, VSW, DNSMASQ, GObject)

#define VSW_DNSMASQ_PATH "/usr/sbin/dnsmasq"

VswDnsmasq *vsw_dnsmasq_new(const VswDnsmasqConfig *config);

/* None of these blocks the main loop: they complete from it. */

/* Ends a dnsmasq an earlier berthd left (found by @config's pid file, checked against
 * /proc/PID/cmdline), then starts one and completes once it has bound its sockets (it writes
 * its pid file then). Afterwards it is restarted whenever it dies, with a growing delay. */
void vsw_dnsmasq_start_async(VswDnsmasq *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean vsw_dnsmasq_start_finish(VswDnsmasq *self, GAsyncResult *result, GError **error);

/* Ends it (SIGTERM, then SIGKILL after 2 s), removes its pid file and completes once it has
 * exited. Disposing of the object ends it too, waiting in place. */
void vsw_dnsmasq_stop_async(VswDnsmasq *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean vsw_dnsmasq_stop_finish(VswDnsmasq *self, GAsyncResult *result, GError **error);

/* Its pid, 0 when it is not running. */
int vsw_dnsmasq_get_pid(VswDnsmasq *self);

/* How many times it was restarted after dying. */
guint vsw_dnsmasq_get_restarts(VswDnsmasq *self);

/* Ends the dnsmasq whose pid @pid_file holds, if /proc says it is a dnsmasq for @bridge (NULL:
 * any Berth dnsmasq) (SIGTERM, SIGKILL after 2 s), and removes the file; completes once it is
 * gone, TRUE when one was ended. */
void vsw_dnsmasq_kill_stale_async(const char *pid_file, const char *bridge,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean vsw_dnsmasq_kill_stale_finish(GAsyncResult *result, GError **error);

G_END_DECLS
