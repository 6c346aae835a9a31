#!/usr/bin/env python3
# tests/switch: virtual switches through berth against berthd on a private bus, on the real
# kernel inside the test's network namespace (tests/netns-run.sh): the Default Switch of the
# first start, define/list/dumpxml/delete, every kind of bad input (one clear line, nothing
# half-made: bridges, taps, nftables rules, dnsmasq and files counted before and after), VMs
# that use a switch, the MAC address range, berthd killed and restarted, and berthd without
# CAP_NET_ADMIN. No guests here (see test-switch-guests.py). Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import switchlab  # noqa: E402
from switchlab import berth_objects, links, addresses, one_line_error, sh, switch  # noqa: E402

SOURCE_ROOT = sys.argv[3]
EXAMPLES = os.path.join(SOURCE_ROOT, "data", "examples")


def vm_xml(name, *switches, extra="", uuid=None):
    adapters = "".join('  <network-adapter switch="%s"/>\n' % s for s in switches)
    if uuid is not None:
        extra += "  <uuid>%s</uuid>\n" % uuid
    return ('<vm generation="1">\n  <name>%s</name>\n  <memory startup="64" unit="MiB"/>\n%s%s'
            '</vm>\n') % (name, adapters, extra)


def unchanged(env, before_objects, before_files, what):
    after = berth_objects()
    assert after == before_objects, "%s left kernel objects: %r → %r" % (
        what, before_objects, after)
    files = env.snapshot()
    assert files.keys() == before_files.keys(), "%s changed files: %r" % (
        what, set(files) ^ set(before_files))


def test_default_switch(env):
    sws = json.loads(env.berth("switch", "list", "--json").stdout)
    assert len(sws) == 1, sws
    sw = sws[0]
    assert sw["name"] == "Default Switch" and sw["default"] and sw["type"] == "internal", sw
    assert sw["nat"] and sw["status"] == "Active", sw
    net = ipaddress.ip_interface(sw["address"]).network
    assert net.is_private, sw
    assert ipaddress.ip_address(sw["dhcp-first"]) in net, sw
    assert ipaddress.ip_address(sw["dhcp-last"]) in net, sw
    # The kernel has it: the bridge with the host's address, NAT rules, a dnsmasq.
    assert sw["bridge"] in links("bridge"), links("bridge")
    assert addresses(sw["bridge"]) == [sw["address"]], addresses(sw["bridge"])
    objects = berth_objects()
    assert any("masquerade" in rule for rule in objects["nft"]), objects["nft"]
    assert len(objects["dnsmasq"]) == 1, objects
    assert os.path.exists(os.path.join(env.state, "switches", sw["uuid"] + ".xml"))
    # Not made again on the next start, nor after a kill -9.
    env.stop()
    env.start()
    env.stop(signal.SIGKILL)
    env.start()
    assert json.loads(env.berth("switch", "list", "--json").stdout) == [sw]
    after = berth_objects()
    # The same objects; dnsmasq may have been restarted, but there is one.
    assert len(after.pop("dnsmasq")) == len(objects.pop("dnsmasq")) == 1
    assert after == objects, (objects, after)


def test_define_list_delete(env):
    before = berth_objects()
    r = env.berth("switch", "new", "Lab", "--type", "private", "--notes", "bench")
    assert "Lab" in r.stdout and "Active" in r.stdout, r.stdout
    lab = switch(env, "Lab")
    assert lab["type"] == "private" and lab["address"] == "" and not lab["nat"], lab
    assert lab["bridge"] in links("bridge") and addresses(lab["bridge"]) == []
    root = ET.fromstring(env.berth("switch", "dumpxml", "Lab").stdout)
    assert root.get("type") == "private" and root.findtext("name") == "Lab", root
    assert root.findtext("notes") == "bench"
    # Found by uuid too, in any case.
    assert env.berth("switch", "dumpxml", lab["uuid"].upper()).stdout == \
        env.berth("switch", "dumpxml", "lab").stdout

    xml = env.write("inner.xml", """<switch type="internal">
  <name>Inner</name>
  <address>10.123.4.1/24</address>
  <dhcp first="10.123.4.10" last="10.123.4.20"/>
</switch>
""")
    env.berth("switch", "define", xml)
    inner = switch(env, "Inner")
    assert addresses(inner["bridge"]) == ["10.123.4.1/24"]
    assert (inner["dhcp-first"], inner["dhcp-last"], inner["nat"]) == \
        ("10.123.4.10", "10.123.4.20", False)
    assert len(berth_objects()["dnsmasq"]) == len(before["dnsmasq"]) + 1

    # An update of the same uuid reshapes it: NAT on, DHCP off.
    env.berth("switch", "define", env.write("inner2.xml", """<switch type="internal">
  <name>Inner</name>
  <uuid>%s</uuid>
  <address>10.123.4.1/24</address>
  <nat/>
</switch>
""" % inner["uuid"]))
    inner2 = switch(env, "Inner")
    assert inner2["uuid"] == inner["uuid"] and inner2["nat"] and inner2["dhcp-first"] == ""
    assert len(berth_objects()["dnsmasq"]) == len(before["dnsmasq"])

    env.berth("switch", "delete", "Lab")
    env.berth("switch", "delete", "Inner")
    assert switchlab.switch_names(env) == ["Default Switch"]
    assert berth_objects() == before
    assert sorted(os.listdir(os.path.join(env.state, "switches"))) == \
        [switch(env, "Default Switch")["uuid"] + ".xml"]
    one_line_error(env.berth("switch", "delete", "Lab", check=False), "Lab")


def test_bad_input(env):
    # Something real to collide with: an adapter enslaved to a bridge Berth does not own, an
    # address (and so a route) of the host.
    sh("ip", "link", "add", "other0", "type", "bridge")
    sh("ip", "link", "add", "ens8", "type", "veth", "peer", "name", "ens8p")
    sh("ip", "link", "set", "ens8", "master", "other0")
    sh("ip", "link", "add", "ens9", "type", "veth", "peer", "name", "ens9p")
    sh("ip", "addr", "add", "10.99.0.1/24", "dev", "ens9")
    sh("ip", "link", "set", "ens9", "up")
    default = switch(env, "Default Switch")
    inside_default = ipaddress.ip_interface(default["address"]).network
    env.berth("switch", "new", "Lab", "--type", "private")
    before = berth_objects()
    files = env.snapshot()
    long_name = "x" * 101
    cases = [
        (["new", "Ext", "--type", "external", "--adapter", "nosuch0"], ["nosuch0"]),
        (["new", "Ext", "--type", "external", "--adapter", "ens8"], ["ens8", "other0"]),
        (["new", "Ext", "--type", "external"], ["adapter"]),
        (["new", long_name, "--type", "private"], ["name"]),
        (["new", "lab", "--type", "private"], ["Lab"]),
        (["new", "default switch", "--type", "private"], ["Default Switch"]),
        (["new", "Clash", "--type", "internal", "--address",
          str(inside_default.network_address + 7) + "/24"], ["overlaps", "Default Switch"]),
        (["new", "Clash", "--type", "internal", "--address", "10.99.0.5/24"], ["10.99.0"]),
        (["new", "Range", "--type", "internal", "--address", "10.55.0.1/24", "--dhcp",
          "10.56.0.10-10.56.0.20"], ["10.56.0.10"]),
        (["new", "Nat", "--type", "private", "--nat"], ["nat"]),
        (["new", "Bad", "--type", "hub"], ["--type"]),
        (["new", "Bad", "--type", "internal", "--address", "300.1.1.1/24"], ["300.1.1.1"]),
        (["new", "Bad", "--type", "internal", "--address", "192.168.010.1/24"],
         ['<address>: "192.168.010.1/24" has a leading zero in "010"']),
        (["new", "Bad", "--type", "internal", "--address", "10.60.0.1/31"], ["/31", "8 to 30"]),
        (["new", "Bad", "--type", "internal", "--address", "fd00::1/64"], ["IPv6"]),
        (["new", "Bad", "--type", "internal", "--address", "10.60.0.1/24", "--dhcp",
          "10.60.0.10"], ['--dhcp: "10.60.0.10" is not a range']),
        (["define", os.path.join(EXAMPLES, "switch-internal-nat.xml")], ["Default Switch"]),
        (["dumpxml", "No such"], ["No such"]),
    ]
    for args, expected in cases:
        r = env.berth("switch", *args, check=False)
        try:
            one_line_error(r, *expected)
        except AssertionError as e:
            raise AssertionError("berth switch %s: %s" % (" ".join(args)[:80], e))
        unchanged(env, before, files, "berth switch " + " ".join(args)[:60])

    # In use: refused naming the VMs, until they let go.
    env.define("a.xml", vm_xml("Alpha", "Lab"))
    env.define("b.xml", vm_xml("Beta", "Default Switch", "lab"))
    one_line_error(env.berth("switch", "delete", "Lab", check=False), "Lab", "Alpha", "Beta")
    assert switch(env, "Lab")["connected-vms"] == ["Alpha", "Beta"], switch(env, "Lab")
    env.berth("delete", "Alpha")
    env.define("b.xml", vm_xml("Beta", "Default Switch", uuid=env.vm("Beta")["uuid"]))
    assert switch(env, "Lab")["connected-vms"] == []
    assert switch(env, "Default Switch")["connected-vms"] == ["Beta"]
    env.berth("switch", "delete", "Lab")


def test_validate_and_berthd_agree(env):
    """berth validate (no service) and berthd (switch define) refuse a switch file with the same
    line, for every address form; berthd builds nothing."""
    def internal(address, dhcp=""):
        return ('<switch type="internal">\n  <name>Agree</name>\n  <address>%s</address>\n%s'
                '</switch>\n') % (address, dhcp)

    cases = [
        (internal("192.168.010.1/24"), 'has a leading zero in "010"'),
        (internal("10.61.0.1"), "has no prefix length"),
        (internal("10.61.0.1/31"), "/31"),
        (internal("10.61.0.1/32"), "/32"),
        (internal("10.61.0.0/24"), "network address"),
        (internal("10.61.0.255/24"), "broadcast address"),
        (internal("fd00:61::1/64"), "IPv6"),
        (internal("10.61.0.1/24", '  <dhcp first="10.61.0.010" last="10.61.0.20"/>\n'),
         "leading zero"),
        (internal("10.61.0.1/24", '  <dhcp first="10.61.0.10" last="10.62.0.20"/>\n'),
         "outside 10.61.0.0/24"),
        (internal("10.61.0.1/24", '  <dhcp first="10.61.0.1" last="10.61.0.20"/>\n'),
         "includes the host's own address"),
    ]
    before = berth_objects()
    files = env.snapshot()
    for i, (text, expected) in enumerate(cases):
        path = env.write("agree-%d.xml" % i, text)
        validated = env.berth("validate", path, check=False)
        defined = env.berth("switch", "define", path, check=False)
        assert validated.returncode == 1 and defined.returncode == 1, (validated, defined)
        assert expected in validated.stderr, (expected, validated.stderr)
        assert validated.stderr == defined.stderr, (validated.stderr, defined.stderr)
        unchanged(env, before, files, "berth switch define " + text)


def test_name_taken_rolls_back(env):
    """A failure midway (the bridge's name is taken by an interface Berth did not make) undoes
    everything: no rules, no dnsmasq, no address, no file."""
    uuid = "5eed0000-1111-4222-8333-444455556666"
    sh("ip", "link", "add", "bsw5eed0000", "type", "veth", "peer", "name", "squatter")
    before = berth_objects()
    files = env.snapshot()
    r = env.berth("switch", "define", env.write("taken.xml", """<switch type="internal">
  <name>Taken</name>
  <uuid>%s</uuid>
  <address>10.66.0.1/24</address>
  <nat/>
  <dhcp first="10.66.0.10" last="10.66.0.20"/>
</switch>
""" % uuid), check=False)
    assert r.returncode == 1 and r.stderr.strip(), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    unchanged(env, before, files, "a switch whose bridge name was taken")
    assert addresses("bsw5eed0000") == []
    assert "Taken" not in switchlab.switch_names(env)


def test_rename_takes_vms_along(env):
    env.berth("switch", "new", "Lab", "--type", "private")
    env.define("a.xml", vm_xml("Alpha", "Lab"))
    lab = switch(env, "Lab")
    env.berth("switch", "define", env.write("lab.xml", """<switch type="private">
  <name>Lab 2</name>
  <uuid>%s</uuid>
</switch>
""" % lab["uuid"]))
    assert switch(env, "Lab 2")["connected-vms"] == ["Alpha"]
    root = ET.fromstring(env.berth("dumpxml", "Alpha").stdout)
    assert root.find("network-adapter").get("switch") == "Lab 2"
    assert switch(env, "Lab 2")["bridge"] == lab["bridge"]


def test_vm_adapters(env):
    """VM.NetworkAdapters of a VM that is off: its switches, MACs (dynamic ones from the range,
    the same every time), and a missing switch said plainly."""
    env.define("a.xml", vm_xml("Alpha", "Default Switch", "Nowhere").replace(
        '<network-adapter switch="Nowhere"/>',
        '<network-adapter switch="Nowhere" mac="52:54:00:12:34:56" vlan="7"/>'))
    adapters = env.vm("Alpha")["network-adapters"]
    first, last = env.berth("mac-range").stdout.split()
    assert len(adapters) == 2, adapters
    assert adapters[0]["switch"] == "Default Switch" and not adapters[0]["connected"]
    assert first <= adapters[0]["mac"] <= last, (first, adapters[0]["mac"], last)
    assert adapters[1]["switch"] == "" and adapters[1]["mac"] == "52:54:00:12:34:56"
    assert adapters[1]["vlan"] == 7
    assert "Nowhere" in adapters[1]["status"] and "does not exist" in adapters[1]["status"]
    env.stop(signal.SIGKILL)
    env.start()
    assert env.vm("Alpha")["network-adapters"] == adapters


def test_mac_range(env):
    first, last = env.berth("mac-range").stdout.split()
    assert re.fullmatch(r"52:54:00:([0-9a-f]{2}):00:00", first), first
    assert last == first[:9] + first[9:11] + ":ff:ff", (first, last)
    env.berth("mac-range", "02:00:00:aa:00:00", "02:00:00:aa:0f:ff")
    assert env.berth("mac-range").stdout.split() == ["02:00:00:aa:00:00", "02:00:00:aa:0f:ff"]
    for args, expected in [(["01:00:00:aa:00:00", "01:00:00:aa:00:ff"], "unicast"),
                           (["02:00:00:aa:00:00", "02:00:01:aa:00:00"], "first three"),
                           (["02:00:00:aa:0f:00", "02:00:00:aa:00:00"], "after"),
                           (["nonsense", "02:00:00:aa:00:00"], "nonsense")]:
        one_line_error(env.berth("mac-range", *args, check=False), expected)
    env.stop()
    env.start()
    assert env.berth("mac-range").stdout.split() == ["02:00:00:aa:00:00", "02:00:00:aa:0f:ff"]


def test_adapters(env):
    sh("ip", "link", "add", "eth7", "type", "veth", "peer", "name", "eth7p")
    sh("ip", "addr", "add", "10.44.0.2/24", "dev", "eth7")
    rows = {a["name"]: a for a in json.loads(env.berth("adapters", "--json").stdout)}
    assert "eth7" in rows, rows
    eth7 = rows["eth7"]
    assert eth7["kind"] == "wired" and eth7["usable"] and eth7["used-by"] == "", eth7
    assert "10.44.0.2/24" in eth7["addresses"], eth7
    assert not any(name.startswith(("bsw", "btp", "lo")) for name in rows), rows
    env.berth("switch", "new", "Office", "--type", "external", "--adapter", "eth7",
              "--share-with-host")
    office = switch(env, "Office")
    assert office["adapter"] == "eth7" and office["share-with-host"], office
    # Sharing moved the host's address to the bridge; deleting puts it back.
    assert addresses(office["bridge"]) == ["10.44.0.2/24"], addresses(office["bridge"])
    eth7 = {a["name"]: a for a in json.loads(env.berth("adapters", "--json").stdout)}["eth7"]
    assert eth7["used-by"] == "Office" and not eth7["usable"] and eth7["reason"], eth7
    table = env.berth("adapters").stdout
    assert "eth7" in table and "Office" in table, table
    env.berth("switch", "delete", "Office")
    assert addresses("eth7") == ["10.44.0.2/24"]

    # A switch's status follows the kernel: its adapter gone, it says so.
    sh("ip", "link", "add", "eth6", "type", "veth", "peer", "name", "eth6p")
    env.berth("switch", "new", "Lab", "--type", "external", "--adapter", "eth6")
    assert switch(env, "Lab")["status"] == "Active"
    sh("ip", "link", "del", "eth6")
    switchlab.wait(lambda: "eth6" in switch(env, "Lab")["status"], 20,
                   "the status to say eth6 is gone", 0.5)


def test_wireless_refused(env):
    """A Wi-Fi adapter cannot be bridged: refused with why and what to do instead. (The
    namespace has no real Wi-Fi: berthd reads a sysfs tree of ours that says wlan0 is one.)"""
    sh("ip", "link", "add", "wlan0", "type", "veth", "peer", "name", "wlan0p")
    os.makedirs(os.path.join(env.tmp, "sys", "class", "net", "wlan0", "phy80211"))
    env.stop()
    os.environ["BERTH_TEST_SYSFS_ROOT"] = os.path.join(env.tmp, "sys")
    try:
        env.start()
    finally:
        del os.environ["BERTH_TEST_SYSFS_ROOT"]
    wlan = {a["name"]: a for a in json.loads(env.berth("adapters", "--json").stdout)}["wlan0"]
    assert wlan["kind"] == "wireless" and not wlan["usable"] and wlan["reason"], wlan
    before = berth_objects()
    files = env.snapshot()
    one_line_error(env.berth("switch", "new", "Air", "--type", "external", "--adapter", "wlan0",
                             check=False), "wlan0", "wireless", "NAT")
    unchanged(env, before, files, "a wireless adapter")


def test_without_net_admin(env):
    """berthd without CAP_NET_ADMIN (like session mode as a user): the Default Switch is
    defined but says it needs administrator rights, nothing is made in the kernel, and new
    switches are refused in one line."""
    env.stop(signal.SIGKILL)
    shutil.rmtree(env.state)
    for pid in switchlab.processes("dnsmasq"):
        os.kill(pid, signal.SIGTERM)
    sh("nft", "flush", "ruleset")
    for name in links("bridge"):
        sh("ip", "link", "del", name)
    if not switchlab.start_without_net_admin(env):
        raise AssertionError("setpriv (util-linux) is missing")
    sw = switch(env, "Default Switch")
    assert "administrator" in sw["status"], sw
    assert berth_objects() == {"bridges": [], "taps": [], "nft": [], "dnsmasq": []}
    one_line_error(env.berth("switch", "new", "Lab", "--type", "private", check=False),
                   "administrator")
    env.define("a.xml", vm_xml("Alpha", "Default Switch"))
    adapters = env.vm("Alpha")["network-adapters"]
    assert "administrator" in adapters[0]["status"], adapters


TESTS = [test_default_switch, test_define_list_delete, test_bad_input,
         test_validate_and_berthd_agree, test_name_taken_rolls_back, test_rename_takes_vms_along, test_vm_adapters,
         test_mac_range, test_adapters, test_wireless_refused, test_without_net_admin]

if __name__ == "__main__":
    if os.geteuid() != 0 or os.environ.get("BERTH_TEST_NETNS") != "1":
        print("1..0 # SKIP needs root in a network namespace of its own (tests/netns-run.sh)")
        sys.exit(77)
    sys.exit(switchlab.run_tests(TESTS))
