#!/bin/sh
# Runs a test in a network namespace of its own, with only the loopback up: every test that
# starts berthd goes through here, because berthd creates the "Default Switch" (a bridge with
# NAT rules and dnsmasq) on its first start, and tests must never touch the host's network.
#   netns-run.sh COMMAND [ARG…]
# Without the privilege to make a namespace (not root), berthd cannot create switches either,
# so the test runs where it is; with it, failing to make the namespace skips the test (77).
#
# SPDX-License-Identifier: GPL-2.0-or-later
if [ "${BERTH_TEST_NETNS:-}" = 1 ]; then
    exec "$@"
fi
if unshare --net true 2>/dev/null; then
    BERTH_TEST_NETNS=1 exec unshare --net sh -c 'ip link set lo up && exec "$@"' netns-run "$@"
fi
# CapEff bit 12 is CAP_NET_ADMIN.
cap=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
if [ $(( (0x$cap >> 12) & 1 )) -eq 1 ]; then
    echo "1..0 # SKIP cannot make a network namespace (unshare --net failed) and berthd would touch the host's network"
    exit 77
fi
echo "netns-run: no privilege to make a network namespace; berthd cannot create switches here either" >&2
exec "$@"
