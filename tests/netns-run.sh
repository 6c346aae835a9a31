#!/bin/sh
# Runs a test in a network namespace of its own, with only the loopback up: every test that
# starts berthd goes through here, because berthd creates the "Default Switch" (a bridge with
# NAT rules and dnsmasq) on its first start, and tests must never touch the host's network.
#   netns-run.sh COMMAND [ARG…]
# When the test ends, whatever still runs in the namespace (a dnsmasq of a switch berthd left
# up on purpose, a process the test forgot) is ended and named on stderr, so the namespace and
# its bridges go with it.
# Without the privilege to make a namespace (not root), berthd cannot create switches either,
# so the test runs where it is; with it, failing to make the namespace skips the test (77).
#
# SPDX-License-Identifier: GPL-2.0-or-later
if [ "${BERTH_TEST_NETNS:-}" = 1 ]; then
    exec "$@"
fi
if unshare --net true 2>/dev/null; then
    # A mount namespace too, with sysfs mounted again: /sys/class/net then shows this network
    # namespace's interfaces (sysfs shows the namespace that mounted it), not the host's.
    BERTH_TEST_NETNS=1 exec unshare --net --mount sh -c '
mount -t sysfs sysfs /sys 2>/dev/null || echo "netns-run: cannot mount sysfs; /sys shows the host" >&2
ip link set lo up || exit 1
"$@"
status=$?
own=$(readlink /proc/self/ns/net)
for signal in TERM KILL; do
    left=""
    for dir in /proc/[0-9]*; do
        pid=${dir#/proc/}
        [ "$pid" = $$ ] && continue
        [ "$(readlink "$dir/ns/net" 2>/dev/null)" = "$own" ] || continue
        # Only processes of this namespace; our own shell and its pipeline excluded.
        [ "$(cat "$dir/stat" 2>/dev/null | cut -d" " -f4)" = $$ ] && continue
        left="$left $pid($(cat "$dir/comm" 2>/dev/null))"
        kill -$signal "$pid" 2>/dev/null
    done
    [ -z "$left" ] && break
    [ $signal = TERM ] && echo "netns-run: ended what the test left running:$left" >&2
    sleep 1
done
exit $status
' netns-run "$@"
fi
# CapEff bit 12 is CAP_NET_ADMIN.
cap=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
if [ $(( (0x$cap >> 12) & 1 )) -eq 1 ]; then
    echo "1..0 # SKIP cannot make a network namespace (unshare --net failed) and berthd would touch the host's network"
    exit 77
fi
echo "netns-run: no privilege to make a network namespace; berthd cannot create switches here either" >&2
exec "$@"
