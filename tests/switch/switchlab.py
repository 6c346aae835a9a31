# tests/switch: what the switch tests share: berthd on a private bus (test-berth-cli.py's Env),
# counting Berth's kernel objects in the test's network namespace, and a "LAN" namespace behind
# a veth pair that plays the host's physical adapter, with its own dnsmasq.
#
# Everything here runs inside the network namespace tests/netns-run.sh made for the test; the
# LAN namespace is a second, unnamed one held by a sleeping process (nothing global such as
# /run/netns is created), so ending that process removes it.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

_spec = importlib.util.spec_from_file_location(
    "test_berth_cli",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli", "test-berth-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)
Env, one_line_error = cli.Env, cli.one_line_error
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from berthtest import wait  # noqa: E402


# busybox's ping: busybox-static is already there for the test guest; iputils-ping is not.
PING = ["busybox", "ping", "-c", "2", "-W", "2"]


def sh(*args, check=True, ns=None):
    """Runs a command (in the LAN namespace when @ns is a Lan) and returns its stdout."""
    argv = list(args)
    if ns is not None:
        argv = ["nsenter", "-t", str(ns.pid), "-n"] + argv
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (" ".join(argv), r.returncode, r.stderr))
    return r.stdout


def links(kind=None):
    """{name: link} of this namespace from `ip -j link`, optionally of one kind."""
    argv = ["ip", "-j", "-d", "link", "show"] + (["type", kind] if kind else [])
    return {link["ifname"]: link for link in json.loads(sh(*argv) or "[]")}


def addresses(ifname):
    out = json.loads(sh("ip", "-j", "-4", "addr", "show", "dev", ifname) or "[]")
    return sorted("%s/%d" % (a["local"], a["prefixlen"]) for i in out for a in i["addr_info"])


def own_netns():
    return os.readlink("/proc/self/ns/net")


def processes(comm):
    """Pids of processes called @comm in this network namespace."""
    found = []
    mine = own_netns()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                name = f.read().strip()
            if name == comm and os.readlink("/proc/%s/ns/net" % pid) == mine:
                found.append(int(pid))
        except OSError:
            pass
    return sorted(found)


def nft_rules():
    """Every rule line nftables holds in this namespace (Berth's table is the only one)."""
    out = sh("nft", "list", "ruleset", check=False)
    return sorted(line.strip() for line in out.splitlines() if line.strip())


def berth_objects():
    """What Berth made in the kernel: bridges, taps, nft ruleset lines, dnsmasq processes."""
    return {
        "bridges": sorted(n for n in links("bridge") if n.startswith("bsw")),
        "taps": sorted(n for n in links() if n.startswith("btp")),
        "nft": nft_rules(),
        "dnsmasq": processes("dnsmasq"),
    }


def switch(env, name):
    for sw in json.loads(env.berth("switch", "list", "--json").stdout):
        if sw["name"] == name:
            return sw
    raise AssertionError("no switch %r" % name)


def switch_names(env):
    return [sw["name"] for sw in json.loads(env.berth("switch", "list", "--json").stdout)]


class Lan:
    """A second network namespace ("the office LAN") with a host at 10.77.0.1 running dnsmasq
    (leases 10.77.0.100-150), joined to this namespace by a veth pair whose near end @adapter
    plays a physical adapter, with the address 10.77.0.2/24 (the host's own)."""

    HOST = "10.77.0.1"
    OUR_ADDRESS = "10.77.0.2/24"

    def __init__(self, adapter="lan0"):
        self.adapter = adapter
        self.tmp = tempfile.mkdtemp(prefix="berth-lan-")
        self.holder = subprocess.Popen(["unshare", "--net", "sleep", "infinity"])
        self.pid = self.holder.pid
        self.dnsmasq = None
        wait(lambda: os.readlink("/proc/%d/ns/net" % self.pid) != own_netns(), 10,
             "the LAN namespace")
        sh("ip", "link", "add", adapter, "type", "veth", "peer", "name", "lanpeer")
        sh("ip", "link", "set", "lanpeer", "netns", str(self.pid))
        sh("ip", "link", "set", "lo", "up", ns=self)
        sh("ip", "addr", "add", self.HOST + "/24", "dev", "lanpeer", ns=self)
        sh("ip", "link", "set", "lanpeer", "up", ns=self)
        sh("ip", "addr", "add", self.OUR_ADDRESS, "dev", adapter)
        sh("ip", "link", "set", adapter, "up")
        self.dnsmasq = subprocess.Popen(
            ["nsenter", "-t", str(self.pid), "-n", "dnsmasq", "--keep-in-foreground",
             "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--port=0",
             "--interface=lanpeer", "--bind-interfaces", "--dhcp-range=10.77.0.100,10.77.0.150,1h",
             "--dhcp-leasefile=" + os.path.join(self.tmp, "leases"),
             "--pid-file=" + os.path.join(self.tmp, "dnsmasq.pid")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ping(self, address):
        return subprocess.run(["nsenter", "-t", str(self.pid), "-n"] + PING + [address],
                              capture_output=True).returncode == 0

    def close(self):
        if self.dnsmasq is not None:
            self.dnsmasq.terminate()
            self.dnsmasq.wait(10)
        self.holder.send_signal(signal.SIGKILL)
        self.holder.wait(10)
        subprocess.run(["ip", "link", "del", self.adapter], capture_output=True)
        subprocess.run(["rm", "-rf", self.tmp])


def reset_kernel():
    """Removes what an earlier test's berthd left in this namespace on purpose (switches
    outlive berthd): dnsmasq processes, nftables rules, every interface but the loopback."""
    for pid in processes("dnsmasq"):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    sh("nft", "flush", "ruleset", check=False)
    for name in links():
        if name != "lo":
            sh("ip", "link", "del", name, check=False)


def run_tests(tests):
    """Each test with a fresh berthd and a clean namespace; prints TAP."""
    status = cli.run_tests(tests, before_each=reset_kernel)
    reset_kernel()
    return status


def start_without_net_admin(env):
    """Starts @env's berthd without CAP_NET_ADMIN (like a user's session berthd). FALSE when
    setpriv is missing."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return False
    env.start(wrapper=[setpriv, "--inh-caps=-net_admin", "--bounding-set=-net_admin"])
    return True
