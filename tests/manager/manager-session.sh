#!/bin/bash
# tests/manager: runs a manager test program in a private world: its own network namespace
# (berthd makes a "Default Switch" with NAT on first start), an Xvfb display, a private D-Bus
# daemon with a real berthd on it (temporary state dir, TCG), then the program with
# BERTH_BUS_ADDRESS, DISPLAY and the berth CLI's path (BERTH_CLI) set. Cleans up everything it
# started, on success and failure. Skips (TAP "1..0 # SKIP") when a namespace or Xvfb is
# impossible.
#
# Usage: manager-session.sh BERTHD BERTH PROGRAM [ARGS…]
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -u

berthd=$1
berth=$2
shift 2

if [ -z "${BERTH_MANAGER_TEST_NETNS:-}" ]; then
    if ! command -v unshare >/dev/null || ! unshare -n -m true 2>/dev/null; then
        echo "1..0 # SKIP cannot create a network namespace (needs root and unshare)"
        exit 0
    fi
    # A mount namespace too: tests mount a tiny tmpfs to fill a disk.
    BERTH_MANAGER_TEST_NETNS=1 exec unshare -n -m "$0" "$berthd" "$berth" "$@"
fi
if ! command -v Xvfb >/dev/null || ! command -v dbus-daemon >/dev/null; then
    echo "1..0 # SKIP Xvfb and dbus-daemon are needed"
    exit 0 # TAP: the "1..0 # SKIP" plan makes it a skip
fi
ip link set lo up

tmp=$(mktemp -d /tmp/berth-manager-test.XXXXXX)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null
    done
    # Whatever berthd started and left (dnsmasq, QEMU) lives in this namespace only: end it by
    # PID, namespace-checked, never by name.
    local own dir left=""
    own=$(readlink /proc/self/ns/net)
    for dir in /proc/[0-9]*; do
        pid=${dir#/proc/}
        [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
        [ "$(readlink "$dir/ns/net" 2>/dev/null)" = "$own" ] || continue
        left="$left $pid($(cat "$dir/comm" 2>/dev/null))"
        kill "$pid" 2>/dev/null
    done
    [ -n "${left:-}" ] && echo "# ended what the test left running:$left" >&2
    if [ -n "${BERTH_MANAGER_TEST_KEEP:-}" ]; then
        echo "# kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp -noreset 3>"$tmp/display" 2>"$tmp/xvfb.log" &
pids+=($!)
dbus-daemon --session --nofork --print-address=4 4>"$tmp/bus" 2>"$tmp/dbus.log" &
pids+=($!)
for _ in $(seq 100); do
    [ -s "$tmp/display" ] && [ -s "$tmp/bus" ] && break
    sleep 0.1
done
if [ ! -s "$tmp/display" ] || [ ! -s "$tmp/bus" ]; then
    echo "Bail out! Xvfb or dbus-daemon did not start: $(cat "$tmp/xvfb.log")"
    exit 1
fi
address=$(head -n1 "$tmp/bus")
mkdir -p "$tmp/state" "$tmp/run" "$tmp/data" "$tmp/xdg-run"
chmod 700 "$tmp/xdg-run"
# A namespace has no Wi-Fi: berthd reads wireless-ness from a sysfs tree of ours (only that),
# which says bvwifi0 is one. Tests that want it create a veth of that name.
mkdir -p "$tmp/sys/class/net/bvwifi0/phy80211"
BERTH_TEST_SYSFS_ROOT="$tmp/sys" "$berthd" --bus "$address" --state-dir "$tmp/state" --runtime-dir "$tmp/run" --accel tcg \
    --log-level info 2>"$tmp/berthd.log" &
pids+=($!)
for _ in $(seq 200); do
    "$berth" --connect "$address" host >/dev/null 2>&1 && break
    sleep 0.05
done
if ! "$berth" --connect "$address" host >/dev/null 2>&1; then
    echo "Bail out! berthd did not start: $(tail -5 "$tmp/berthd.log")"
    exit 1
fi

export DISPLAY=":$(head -n1 "$tmp/display")"
export BERTH_BUS_ADDRESS="$address"
export DBUS_SESSION_BUS_ADDRESS="$address"
export BERTH_CLI="$berth"
export BERTH_TEST_TMP="$tmp"
export XDG_DATA_HOME="$tmp/data"
export XDG_RUNTIME_DIR="$tmp/xdg-run"
export GSETTINGS_BACKEND=memory
export GTK_A11Y=none
export GDK_BACKEND=x11
export LANGUAGE=C
unset G_MESSAGES_DEBUG
"$@"
status=$?
if [ $status -ne 0 ]; then
    echo "# berthd's log:" >&2
    sed 's/^/#   /' "$tmp/berthd.log" | tail -30 >&2
fi
exit $status
