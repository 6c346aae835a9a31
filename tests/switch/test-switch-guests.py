#!/usr/bin/env python3
# tests/switch: real guests on Berth's virtual switches, end to end: three Generation 1 test
# guests (tests/guest) booted once through berthd, their adapters moved between switches by
# redefining the running VMs (no restart), checked with the guests' own `dhcp`, `ip` and
# `ping` over COM1. All inside the test's network namespace (tests/netns-run.sh) plus a "LAN"
# namespace behind a veth pair that plays the physical adapter, with its own dnsmasq.
#   external: a lease from the LAN's dnsmasq, the LAN host answers; with sharing, the host's
#             address moved to the bridge and is back after the switch is deleted
#   private:  two guests reach each other, the host does not reach them, a guest on another
#             private switch does not either
#   VLAN:     different ids on one switch are cut off from each other, the same id is not
#   internal: the Default Switch's DHCP and the host's address both ways, the LAN through NAT
#   berthd killed (-9) and restarted: nothing duplicated or leaked, guests still connected;
#   save and restore, turn off: taps and their rules go.
# Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import ipaddress
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import switchlab  # noqa: E402
from switchlab import Env, Lan, addresses, berth_objects, links, sh, switch, wait  # noqa: E402

GUEST_DIR = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--guest" else None
BOOT_TIMEOUT = 300
STEP_TIMEOUT = 90


class Guest:
    """A running test guest and a `berth serial --follow` into a file."""

    def __init__(self, env, name, switch_name, vlan=0, extra=""):
        self.env, self.name, self.extra = env, name, extra
        self.switch_name, self.vlan = switch_name, vlan
        self.disk = os.path.join(env.tmp, name + ".img")
        shutil.copyfile(os.path.join(GUEST_DIR, "gen1.img"), self.disk)
        self.log = os.path.join(env.tmp, name + ".serial")
        self.follow = None
        self.define()
        self.uuid = env.vm(name)["uuid"]

    def define(self):
        uuid = ("  <uuid>%s</uuid>\n" % self.uuid) if getattr(self, "uuid", None) else ""
        self.env.define(self.name + ".xml", ("""<vm generation="1">
  <name>%s</name>
""" + uuid + """  <memory startup="192" unit="MiB"/>
  <ide-controller number="0">
    <disk location="0" path="%s"/>
  </ide-controller>
  <network-adapter switch="%s" vlan="%d"/>
%s  <com port="1" log="true"/>
</vm>
""") % (self.name, self.disk, self.switch_name, self.vlan, self.extra))

    def move(self, switch_name, vlan=0):
        """Redefines the running VM with its adapter elsewhere: a live move."""
        self.switch_name, self.vlan = switch_name, vlan
        self.define()

    def start(self):
        self.env.berth("start", self.name)
        self.refollow()

    def refollow(self):
        if self.follow is not None:
            self.follow.send_signal(signal.SIGINT)
            self.follow.wait(10)
        out = open(self.log, "a")
        self.follow = subprocess.Popen(
            [switchlab.cli.BERTH, "--connect", self.env.address, "serial", "--follow", self.name],
            stdout=out, stderr=subprocess.STDOUT)
        out.close()

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def wait_ready(self):
        wait(lambda: "BERTH-GUEST-READY" in self.text(), BOOT_TIMEOUT, self.name + " to boot", 1)

    def command(self, line, timeout=STEP_TIMEOUT):
        """Sends @line and returns the guest's BERTH-OK/BERTH-FAIL answer to it."""
        verb = line.split()[0]
        start = len(self.text())
        self.env.berth("serial", "--send", line, self.name)
        pattern = re.compile(r"BERTH-(OK|FAIL) %s\b[^\r\n]*" % re.escape(verb))

        def answered():
            m = pattern.search(self.text()[start:])
            return m.group(0) if m else None
        return wait(answered, timeout, "%s to answer %r" % (self.name, line), 0.3)

    def ping(self, address):
        return self.command("ping " + address).startswith("BERTH-OK")

    def adapter(self):
        return self.env.vm(self.name)["network-adapters"][0]

    def close(self):
        if self.follow is not None:
            self.follow.send_signal(signal.SIGINT)
            try:
                self.follow.wait(10)
            except subprocess.TimeoutExpired:
                self.follow.kill()


def host_ping(address):
    return subprocess.run(switchlab.PING + [address],
                          capture_output=True).returncode == 0


def master_of(ifname):
    return links().get(ifname, {}).get("master")


class World:
    def __init__(self):
        self.env = Env()
        self.env.start()
        self.lan = Lan("lan0")
        self.guests = {}

    def close(self):
        for guest in self.guests.values():
            guest.close()
        self.env.close()
        self.lan.close()


def setup(w):
    env = w.env
    env.berth("switch", "new", "Office", "--type", "external", "--adapter", "lan0",
              "--share-with-host")
    env.berth("switch", "new", "Lab", "--type", "private")
    env.berth("switch", "new", "Quarantine", "--type", "private")
    w.guests = {"A": Guest(env, "A", "Office"), "B": Guest(env, "B", "Lab"),
                "C": Guest(env, "C", "Lab")}
    for g in w.guests.values():
        g.start()
    for g in w.guests.values():
        g.wait_ready()
        assert g.adapter()["connected"], g.adapter()
        tap = g.adapter()["tap"]
        assert tap.startswith("btp"), g.adapter()
        assert master_of(tap) == switch(env, g.switch_name)["bridge"], (tap, links()[tap])


def test_external(w):
    office = switch(w.env, "Office")
    # Sharing: the host's address now lives on the bridge, not on the adapter.
    assert addresses("lan0") == [] and addresses(office["bridge"]) == [Lan.OUR_ADDRESS], \
        (addresses("lan0"), addresses(office["bridge"]))
    assert host_ping(Lan.HOST)
    a = w.guests["A"]
    answer = a.command("dhcp")
    m = re.search(r"BERTH-OK dhcp \S+ (10\.77\.0\.\d+)/24", answer)
    assert m, answer
    assert 100 <= int(m.group(1).split(".")[3]) <= 150, answer
    assert a.ping(Lan.HOST)
    assert w.lan.ping(m.group(1))


def test_private(w):
    b, c = w.guests["B"], w.guests["C"]
    assert b.command("ip 10.88.0.2/24").startswith("BERTH-OK")
    assert c.command("ip 10.88.0.3/24").startswith("BERTH-OK")
    assert b.ping("10.88.0.3") and c.ping("10.88.0.2")
    lab = switch(w.env, "Lab")
    assert addresses(lab["bridge"]) == []
    assert not host_ping("10.88.0.2")


def test_other_private(w):
    a = w.guests["A"]
    tap = a.adapter()["tap"]
    a.move("Quarantine")
    assert master_of(tap) == switch(w.env, "Quarantine")["bridge"], links()[tap]
    assert w.env.vm("A")["state"] == "Running"
    assert a.command("ip 10.88.0.4/24").startswith("BERTH-OK")
    assert not a.ping("10.88.0.2")
    assert not w.guests["B"].ping("10.88.0.4")
    assert switch(w.env, "Quarantine")["connected-vms"] == ["A"]


def test_vlan(w):
    b, c = w.guests["B"], w.guests["C"]
    b.move("Lab", vlan=5)
    c.move("Lab", vlan=6)
    assert b.adapter()["vlan"] == 5 and c.adapter()["vlan"] == 6
    assert not b.ping("10.88.0.3")
    c.move("Lab", vlan=5)
    assert b.ping("10.88.0.3")
    b.move("Lab")
    c.move("Lab")
    assert b.ping("10.88.0.3")


def test_reshape_switch(w):
    """Lab becomes internal with a host address and back to private while B and C run on it:
    they stay connected, and the host reaches them only while it is internal."""
    b = w.guests["B"]
    lab = switch(w.env, "Lab")
    w.env.berth("switch", "define", w.env.write("lab-internal.xml", """<switch type="internal">
  <name>Lab</name>
  <uuid>%s</uuid>
  <address>10.88.0.1/24</address>
</switch>
""" % lab["uuid"]))
    assert addresses(lab["bridge"]) == ["10.88.0.1/24"]
    assert host_ping("10.88.0.2") and b.ping("10.88.0.1")
    assert b.ping("10.88.0.3")
    w.env.berth("switch", "define", w.env.write("lab-private.xml", """<switch type="private">
  <name>Lab</name>
  <uuid>%s</uuid>
</switch>
""" % lab["uuid"]))
    assert addresses(lab["bridge"]) == []
    assert not host_ping("10.88.0.2")
    assert b.ping("10.88.0.3")
    assert switch(w.env, "Lab")["connected-vms"] == ["B", "C"]


def test_internal_nat(w):
    a = w.guests["A"]
    default = switch(w.env, "Default Switch")
    host_address = str(ipaddress.ip_interface(default["address"]).ip)
    net = ipaddress.ip_interface(default["address"]).network
    a.move("Default Switch")
    assert master_of(a.adapter()["tap"]) == default["bridge"]
    answer = a.command("dhcp")
    m = re.search(r"BERTH-OK dhcp \S+ ([\d.]+)/\d+", answer)
    assert m and ipaddress.ip_address(m.group(1)) in net, (answer, default)
    leased = m.group(1)
    assert a.ping(host_address)
    assert host_ping(leased)
    # Berth's dnsmasq knows the lease: NetworkAdapters shows it.
    wait(lambda: leased in a.adapter()["addresses"], 30, "the lease in NetworkAdapters", 1)
    # The LAN host has no route to the switch's subnet: only masquerade gets an answer back.
    assert a.ping(Lan.HOST)


def test_delete_external_restores(w):
    office = switch(w.env, "Office")
    routes_on_bridge = sh("ip", "-4", "route", "show", "dev", office["bridge"])
    assert "10.77.0.0/24" in routes_on_bridge, routes_on_bridge
    w.env.berth("switch", "delete", "Office")
    assert addresses("lan0") == [Lan.OUR_ADDRESS]
    assert "10.77.0.0/24" in sh("ip", "-4", "route", "show", "dev", "lan0")
    assert office["bridge"] not in links()
    assert master_of("lan0") is None
    assert host_ping(Lan.HOST)


def test_kill9_restart(w):
    before = berth_objects()
    assert len(before["taps"]) == 3, before
    w.env.stop(signal.SIGKILL)
    w.env.start()
    after = berth_objects()
    # The same objects; the new berthd may restart the switch's dnsmasq, but there is one.
    assert len(after.pop("dnsmasq")) == len(before.pop("dnsmasq")) == 1, after
    assert after == before, (before, after)
    for g in w.guests.values():
        assert w.env.vm(g.name)["state"] == "Running"
        g.refollow()
    assert w.guests["B"].ping("10.88.0.3")
    # The new berthd took the running VMs' ports over: reshaping their switch reaches them
    # (a private switch's host isolation is built per port).
    test_reshape_switch(w)


def test_save_restore(w):
    c = w.guests["C"]
    tap = c.adapter()["tap"]
    w.env.berth("save", "C")
    wait(lambda: tap not in links(), 20, "C's tap to go", 0.2)
    assert not c.adapter()["connected"]
    w.env.berth("start", "C")
    c.refollow()
    assert master_of(tap) == switch(w.env, "Lab")["bridge"]
    assert w.guests["B"].ping("10.88.0.3")


def qemu_pid(env, name):
    vm_uuid = env.vm(name)["uuid"]
    with open(os.path.join(env.runtime, vm_uuid, "qemu.pid")) as f:
        return int(f.read().strip())


def test_turn_off_removes_ports(w):
    """Turned off (A, B) or dead while no berthd watched (C, found so by the next berthd): the
    taps and every per-port rule go; the switches stay."""
    with_vms = berth_objects()
    for name in ("A", "B"):
        w.env.berth("turn-off", name)
    c_pid = qemu_pid(w.env, "C")
    w.env.stop(signal.SIGKILL)
    os.kill(c_pid, signal.SIGKILL)
    wait(lambda: not os.path.exists("/proc/%d" % c_pid), 20, "C's QEMU to end", 0.2)
    w.env.start()
    assert w.env.vm("C")["state"] == "Off", w.env.vm("C")
    after = wait(lambda: (lambda o: o if not o["taps"] else None)(berth_objects()), 20,
                 "the taps to go", 0.2)
    assert after["bridges"] == with_vms["bridges"], (with_vms, after)
    assert len(after["dnsmasq"]) == len(with_vms["dnsmasq"]) == 1, after
    # Per-port rules go with their ports: nothing mentions a tap any more.
    assert not any("btp" in rule for rule in after["nft"]), after["nft"]


def test_user_mode_networking(w):
    """A berthd without CAP_NET_ADMIN (a user's session) makes no switches: a VM on the Default
    Switch gets user-mode networking and stays online (a DHCP lease from QEMU), an adapter on a
    switch that does not exist is disconnected, and the VM's status says both."""
    env = Env()
    w.session = env
    try:
        assert switchlab.start_without_net_admin(env), "setpriv (util-linux) is missing"
        before = berth_objects()
        d = Guest(env, "D", "Default Switch", extra='  <network-adapter switch="Nowhere"/>\n')
        d.start()
        w.guests["D"] = d
        d.wait_ready()
        adapters = d.env.vm("D")["network-adapters"]
        assert adapters[0]["connected"] and "administrator" in adapters[0]["status"], adapters
        assert not adapters[1]["connected"] and "Nowhere" in adapters[1]["status"], adapters
        status = env.vm("D")["status"]
        assert "Nowhere" in status and "user-mode" in status, status
        answer = d.command("dhcp")
        assert re.search(r"BERTH-OK dhcp \S+ 10\.0\.2\.\d+/24", answer), answer
        assert berth_objects()["taps"] == before["taps"]
        env.berth("turn-off", "D")
    finally:
        if "D" in w.guests:
            w.guests.pop("D").close()
        env.close()


STEPS = [test_external, test_private, test_other_private, test_vlan, test_reshape_switch,
         test_internal_nat, test_delete_external_restores, test_kill9_restart, test_save_restore,
         test_turn_off_removes_ports, test_user_mode_networking]


def main():
    if GUEST_DIR is None or not os.path.exists(os.path.join(GUEST_DIR, "gen1.img")):
        print("1..0 # SKIP no test guest (--guest DIR)")
        return 77
    if os.geteuid() != 0 or os.environ.get("BERTH_TEST_NETNS") != "1":
        print("1..0 # SKIP needs root in a network namespace of its own (tests/netns-run.sh)")
        return 77
    os.environ["LC_ALL"] = "C.UTF-8"
    os.environ.pop("BERTH_BUS_ADDRESS", None)
    print("1..%d" % (len(STEPS) + 1))
    failed = 0
    w = None
    try:
        t = time.monotonic()
        try:
            w = World()
            setup(w)
            print("ok 1 boot three guests on Office, Lab, Lab # %.1f s" % (time.monotonic() - t))
        except Exception:
            print("not ok 1 boot three guests")
            for line in traceback.format_exc().splitlines():
                print("# " + line)
            for i, step in enumerate(STEPS, 2):
                print("not ok %d %s # SKIP no guests" % (i, step.__name__))
            return 1
        sys.stdout.flush()
        for i, step in enumerate(STEPS, 2):
            t = time.monotonic()
            try:
                step(w)
                print("ok %d %s # %.1f s" % (i, step.__name__, time.monotonic() - t))
            except Exception:
                failed += 1
                print("not ok %d %s" % (i, step.__name__))
                for line in traceback.format_exc().splitlines():
                    print("# " + line)
                for g in w.guests.values():
                    print("# %s's COM1 ends: %r" % (g.name, g.text()[-300:]))
            sys.stdout.flush()
    finally:
        if w is not None:
            w.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
