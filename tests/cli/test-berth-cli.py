#!/usr/bin/env python3
# tests/cli: berth against berthd on a private bus with a temporary state dir (TCG): list,
# define, dumpxml, rename, delete, errors and exit codes, restarts (clean and kill -9), broken
# files in the state dir, and 1,000 definitions. Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import berthtest  # noqa: E402

BERTH, BERTHD, SOURCE_ROOT = sys.argv[1], sys.argv[2], sys.argv[3]
# "--guest DIR": only the end-to-end test booting the test guest (tests/guest) from DIR.
GUEST_DIR = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--guest" else None
EXAMPLES = os.path.join(SOURCE_ROOT, "data", "examples")

MINIMAL = """<vm generation="{generation}">
  <name>{name}</name>
{uuid}  <memory startup="64" unit="MiB"/>
{extra}</vm>
"""


def minimal(name, generation=2, vm_uuid=None, extra=""):
    u = "  <uuid>%s</uuid>\n" % vm_uuid if vm_uuid else ""
    return MINIMAL.format(name=name, generation=generation, uuid=u, extra=extra)


class Env(berthtest.Berthd):
    """berthd on a private bus with a temporary state dir (tests/berthtest.py), and what the
    CLI tests write and read there."""

    def __init__(self):
        super().__init__(BERTHD, BERTH, prefix="test-berth-cli-")

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def define(self, name, text, check=True):
        return self.berth("define", self.write(name, text), check=check)

    def names(self):
        return [vm["name"] for vm in json.loads(self.berth("list", "--json").stdout)]

    def vm(self, name):
        for vm in json.loads(self.berth("list", "--json").stdout):
            if vm["name"] == name:
                return vm
        raise AssertionError("no VM " + name)

    def snapshot(self):
        files = {}
        for root, dirs, names in os.walk(self.state):
            for n in names:
                p = os.path.join(root, n)
                with open(p, "rb") as f:
                    files[p] = f.read()
            for d in dirs:
                files[os.path.join(root, d)] = None
        return files


def one_line_error(r, *expected):
    assert r.returncode == 1, "exit %d, stderr %r" % (r.returncode, r.stderr)
    lines = r.stderr.strip().split("\n")
    assert len(lines) == 1, "more than one line: %r" % r.stderr
    assert not "GDBus.Error" in r.stderr, r.stderr
    for e in expected:
        assert e in lines[0], "%r not in %r" % (e, lines[0])


def usage_error(r, command, *expected):
    """A usage error of `berth COMMAND`: exit 2, one line naming what was wrong, then the
    command's usage line."""
    assert r.returncode == 2, "exit %d, stderr %r" % (r.returncode, r.stderr)
    lines = r.stderr.strip().split("\n")
    assert len(lines) == 2, "not two lines: %r" % r.stderr
    assert lines[0].startswith("berth %s: " % command), lines
    assert lines[1].startswith("Usage: berth %s [OPTION…]" % command), lines
    for e in expected:
        assert e in lines[0], "%r not in %r" % (e, lines[0])


def test_list_empty(env):
    r = env.berth("list")
    assert r.stdout.split() == ["Name", "State", "CPU", "Memory", "Uptime", "Status"], r.stdout
    assert json.loads(env.berth("list", "--json").stdout) == []


def test_define_list(env):
    for example in ("gen1-ide-legacy.xml", "gen2-secure-boot-tpm.xml"):
        r = env.berth("define", os.path.join(EXAMPLES, example))
        assert r.stdout.startswith("Defined “"), r.stdout
    env.define("a.xml", minimal("Zeta"))
    env.define("b.xml", minimal("alpha", generation=1))
    text = env.berth("list").stdout.splitlines()
    assert text[0].split()[:3] == ["Name", "State", "CPU"]
    # Sorted by name as people sort: case does not matter.
    assert [line.split("  ")[0] for line in text[1:]] == [
        "alpha", "Legacy server", "Windows 11 lab", "Zeta"], text
    for line in text[1:]:
        assert " Off " in line, line
    vms = json.loads(env.berth("list", "--json").stdout)
    assert [vm["name"] for vm in vms] == ["alpha", "Legacy server", "Windows 11 lab", "Zeta"]
    legacy = vms[1]
    assert legacy["uuid"] == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    assert legacy["generation"] == 1 and legacy["state"] == "Off"
    assert legacy["object-path"] == "/org/berth/Berth1/vm/1b4e28ba2fa111d2883f0016d3cca427"
    assert "Start" in legacy["allowed-actions"], legacy
    for key in ("status", "cpu-usage", "assigned-memory", "uptime", "heartbeat", "accelerator"):
        assert key in legacy
    # Stored as DIR/vms/<uuid>/vm.xml, 0600.
    path = os.path.join(env.state, "vms", legacy["uuid"], "vm.xml")
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_dumpxml_round_trip(env):
    env.berth("define", os.path.join(EXAMPLES, "gen2-secure-boot-tpm.xml"))
    first = env.berth("dumpxml", "windows 11 LAB").stdout
    assert "<name>Windows 11 lab</name>" in first
    env.define("again.xml", first)
    assert env.berth("dumpxml", "6f1c2a3e-8b4d-4c5e-9f60-718293a4b5c6").stdout == first
    assert env.names() == ["Windows 11 lab"]


def test_duplicate_name(env):
    env.define("a.xml", minimal("Web"))
    before = env.snapshot()
    r = env.define("b.xml", minimal("WEB"), check=False)
    one_line_error(r, "Web")
    assert env.snapshot() == before
    assert env.names() == ["Web"]


def test_invalid_definition(env):
    env.define("ok.xml", minimal("Fine"))
    before = env.snapshot()
    bad = env.write("bad.xml", '<vm generation="2">\n  <name>Bad</name>\n'
                    '  <processor count="0"/>\n  <memory startup="64" unit="MiB"/>\n'
                    '  <nonsense/>\n</vm>\n')
    r = env.berth("define", bad, check=False)
    assert r.returncode == 1
    lines = r.stderr.strip().split("\n")
    assert len(lines) >= 2, r.stderr
    for line in lines:
        assert line.startswith(bad + ":"), line
    assert any(line.startswith(bad + ":5:") for line in lines), r.stderr
    assert env.snapshot() == before
    r = env.define("notxml.xml", "this is not XML", check=False)
    assert r.returncode == 1 and r.stderr.startswith(os.path.join(env.tmp, "notxml.xml")), r.stderr
    assert env.snapshot() == before


def test_unknown_vm(env):
    for command in (["dumpxml", "Nobody"], ["delete", "Nobody"], ["rename", "Nobody", "X"],
                    ["start", "Nobody"]):
        r = env.berth(*command, check=False)
        one_line_error(r, "berth %s: " % command[0], "Nobody")


def test_rename(env):
    env.define("a.xml", minimal("Before"))
    env.define("b.xml", minimal("Other"))
    env.berth("rename", "before", "After")
    assert env.names() == ["After", "Other"]
    assert "<name>After</name>" in env.berth("dumpxml", "After").stdout
    one_line_error(env.berth("rename", "After", "other", check=False), "Other")
    one_line_error(env.berth("rename", "After", "a/b", check=False), "a/b")
    assert env.names() == ["After", "Other"]


def disk_vm(name, inside, outside):
    return minimal(name, extra=(
        '  <scsi-controller number="0">\n'
        '    <disk location="0" path="%s"/>\n'
        '    <disk location="1" path="%s"/>\n'
        '  </scsi-controller>\n') % (inside, outside))


def test_delete(env):
    outside = env.write("outside.vhdx", "outside disk")
    for with_disks in (False, True):
        name = "Disks %s" % with_disks
        env.define("d.xml", disk_vm(name, "disks/inside.vhdx", outside))
        vm = env.vm(name)
        folder = os.path.join(env.state, "vms", vm["uuid"])
        os.makedirs(os.path.join(folder, "disks"))
        inside = os.path.join(folder, "disks", "inside.vhdx")
        with open(inside, "w") as f:
            f.write("inside disk")
        with open(os.path.join(folder, "serial.log"), "w") as f:
            f.write("boot\n")
        args = ["delete", name] + (["--delete-disks"] if with_disks else [])
        env.berth(*args)
        assert name not in env.names()
        assert not os.path.exists(os.path.join(folder, "vm.xml"))
        assert not os.path.exists(os.path.join(folder, "serial.log"))
        assert os.path.exists(outside), "a disk outside the VM's folder was deleted"
        if with_disks:
            assert not os.path.exists(folder), os.listdir(folder)
        else:
            assert os.path.exists(inside)


def test_dot_dot_refused(env):
    before = env.snapshot()
    r = env.define("dots.xml", disk_vm("Dots", "../../escape.vhdx", "/tmp/x.vhdx"), check=False)
    assert r.returncode == 1 and "../../escape.vhdx" in r.stderr, r.stderr
    assert env.snapshot() == before
    # ".." that stays inside the folder is fine.
    env.define("dots2.xml", disk_vm("Dots", "disks/../disk.vhdx", "/tmp/x.vhdx"))
    assert env.names() == ["Dots"]


def test_restart(env):
    env.define("a.xml", minimal("Keep me"))
    env.berth("define", os.path.join(EXAMPLES, "gen1-ide-legacy.xml"))
    before = env.berth("list", "--json").stdout
    env.stop(signal.SIGTERM)
    env.start()
    assert env.berth("list", "--json").stdout == before
    env.stop(signal.SIGKILL)
    one_line_error(env.berth("list", check=False), "berthd is not running")
    env.start()
    assert env.berth("list", "--json").stdout == before


def test_broken_file_skipped(env):
    env.define("a.xml", minimal("Good"))
    env.stop()
    broken_uuid = str(uuid.uuid4())
    folder = os.path.join(env.state, "vms", broken_uuid)
    os.makedirs(folder)
    with open(os.path.join(folder, "vm.xml"), "w") as f:
        f.write('<vm generation="2">\n  <name>Broken</name>\n  <bogus/>\n</vm>\n')
    env.start()
    assert env.names() == ["Good"]
    log = env.log()
    assert os.path.join(folder, "vm.xml") + ":3:" in log, log


def test_lifecycle(env):
    env.define("m.xml", minimal("Mini", generation=1, extra='  <com port="1" log="true"/>\n'))
    one_line_error(env.berth("pause", "Mini", check=False), "Off")
    # Two clients start it at once: one wins, the other is told why; one QEMU.
    starts = [subprocess.Popen([BERTH, "--connect", env.address, "start", "Mini"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    results = sorted((p.wait(60), p.stderr.read()) for p in starts)
    assert [rc for rc, _ in results] == [0, 1], results
    assert results[1][1].count("\n") == 1 and "berth start: " in results[1][1], results
    uuid_ = env.vm("Mini")["uuid"]
    with open(os.path.join(env.runtime, uuid_, "qemu.pid")) as f:
        pid = int(f.read())
    qemus = []
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv[0].endswith(b"qemu-system-x86_64") and any(uuid_.encode() in a for a in argv):
            qemus.append(int(entry))
    assert qemus == [pid], (qemus, pid)
    vm = env.vm("Mini")
    assert vm["state"] == "Running" and vm["accelerator"] == "tcg", vm
    assert vm["assigned-memory"] == 64 * 1024 * 1024, vm
    one_line_error(env.berth("delete", "Mini", check=False), "Running")
    # Hardware needs the VM off; its name does not.
    dump = env.berth("dumpxml", "Mini").stdout
    more_cpus = dump.replace('<processor count="1"', '<processor count="2"')
    assert more_cpus != dump
    one_line_error(env.define("cpus.xml", more_cpus, check=False), "Running", "processors")
    env.berth("rename", "Mini", "Mini 2")
    env.berth("pause", "Mini 2")
    assert env.vm("Mini 2")["state"] == "Paused"
    env.berth("resume", "Mini 2")
    # berthd stopping or dying never stops VMs; the next one finds them all and controls them.
    env.define("other.xml", minimal("Other", generation=1))
    env.berth("start", "Other")
    env.berth("pause", "Other")
    for sig in (signal.SIGTERM, signal.SIGKILL):
        env.stop(sig)
        env.start()
        assert env.vm("Mini 2")["state"] == "Running", env.vm("Mini 2")
        assert env.vm("Other")["state"] == "Paused", env.vm("Other")
    env.berth("resume", "Other")
    assert env.vm("Other")["state"] == "Running"
    env.berth("turn-off", "Other")
    assert env.vm("Other")["state"] == "Off"
    env.berth("turn-off", "Mini 2")
    assert env.vm("Mini 2")["state"] == "Off"
    env.define("cpus.xml", more_cpus.replace("<name>Mini</name>", "<name>Mini 2</name>"))
    env.berth("serial", "Mini 2")


def test_disks(env):
    if shutil.which("qemu-img") is None:
        print("# no qemu-img: disk commands not tried")
        return
    disk = os.path.join(env.tmp, "a.vhdx")
    env.berth("disk", "create", disk, "--size", "64M")
    info = env.berth("disk", "info", disk).stdout
    assert "vhdx" in info and "67108864" in info, info
    one_line_error(env.berth("disk", "create", disk, "--size", "64M", check=False), disk)
    child = os.path.join(env.tmp, "child.qcow2")
    env.berth("disk", "create", child, "--parent", disk)
    assert "differencing" in env.berth("disk", "info", child).stdout
    copy = os.path.join(env.tmp, "copy.qcow2")
    env.berth("disk", "convert", disk, copy)
    # A disk a running VM uses is not resized under it.
    env.define("d.xml", minimal("Disky", generation=1, extra=(
        '  <ide-controller number="0">\n'
        '    <disk location="0" path="%s"/>\n'
        '  </ide-controller>\n') % copy))
    env.berth("start", "Disky")
    one_line_error(env.berth("disk", "resize", copy, "--size", "128M", check=False), "Disky")
    env.berth("turn-off", "Disky")
    env.berth("disk", "resize", copy, "--size", "128M")
    assert "134217728" in env.berth("disk", "info", copy).stdout
    one_line_error(env.berth("disk", "info", os.path.join(env.tmp, "none.vhdx"), check=False),
                   "none.vhdx")


def test_thousand(env):
    env.stop()
    template = minimal("VM {n:04d}", vm_uuid="{u}")
    for n in range(1000):
        u = str(uuid.UUID(int=n + 1))
        folder = os.path.join(env.state, "vms", u)
        os.makedirs(folder)
        with open(os.path.join(folder, "vm.xml"), "w") as f:
            f.write(template.format(n=n, u=u))
    started = env.start()
    best = None
    for _ in range(3):
        t = time.monotonic()
        r = env.berth("list")
        elapsed = time.monotonic() - t
        best = elapsed if best is None else min(best, elapsed)
    assert len(r.stdout.splitlines()) == 1001
    print("# 1000 VMs: berthd ready in %.3f s, berth list in %.3f s" % (started, best))
    assert started < 5 and best < 1, (started, best)


def wait_for(stream_path, text, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(stream_path, errors="replace") as f:
            if text in f.read():
                return
        time.sleep(0.2)
    with open(stream_path, errors="replace") as f:
        raise AssertionError("no %r after %d s in: %r" % (text, timeout, f.read()[-2000:]))


def test_guest(env):
    """The test guest as a Generation 1 VM, driven only through berth: start, follow COM1 to
    READY, a command over --send, a screenshot, pause/resume, an ACPI shut down."""
    disk = os.path.join(env.tmp, "gen1.img")
    shutil.copyfile(os.path.join(GUEST_DIR, "gen1.img"), disk)
    env.define("guest.xml", MINIMAL.format(name="Guest", generation=1, uuid="", extra=(
        '  <ide-controller number="0">\n'
        '    <disk location="0" path="%s"/>\n'
        '  </ide-controller>\n'
        '  <com port="1" log="true"/>\n') % disk).replace('startup="64"', 'startup="512"'))
    env.berth("start", "Guest")
    follow_out = os.path.join(env.tmp, "follow.out")
    with open(follow_out, "w") as out:
        follow = subprocess.Popen([BERTH, "--connect", env.address, "serial", "--follow", "Guest"],
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(follow_out, "BERTH-GUEST-READY gen=1 firmware=bios", 240)
        env.berth("serial", "--send", "info", "Guest")
        wait_for(follow_out, "BERTH-OK info", 60)
        png = os.path.join(env.tmp, "screen.png")
        env.berth("screenshot", "Guest", png)
        with open(png, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        # OpenConsole hands back a file descriptor (UnixFD) connected to SPICE.
        r = subprocess.run(["gdbus", "call", "--address", env.address, "--dest",
                            "org.berth.Berth1", "--object-path", env.vm("Guest")["object-path"],
                            "--method", "org.berth.Berth1.VirtualMachine.OpenConsole", "{}"],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0 and "handle" in r.stdout, (r.stdout, r.stderr)
        env.berth("pause", "Guest")
        assert env.vm("Guest")["state"] == "Paused"
        env.berth("resume", "Guest")
        vm = env.vm("Guest")
        assert vm["state"] == "Running" and vm["uptime"] >= 0, vm
        env.berth("shutdown", "--timeout", "120", "Guest")
        assert env.vm("Guest")["state"] == "Off"
        assert "BERTH-OK info" in env.berth("serial", "Guest").stdout
    finally:
        follow.send_signal(signal.SIGINT)
        assert follow.wait(10) == 0


def test_disk_in_use(env):
    """A disk a running VM writes to cannot be started by another VM: the error names the VM."""
    disk = os.path.join(env.tmp, "shared.img")
    subprocess.run(["qemu-img", "create", "-q", "-f", "raw", disk, "16M"], check=True)
    ide = ('  <ide-controller number="0">\n'
           '    <disk location="0" path="%s"/>\n'
           '  </ide-controller>\n') % disk
    env.define("a.xml", minimal("Writer A", generation=1, extra=ide))
    env.define("b.xml", minimal("Writer B", generation=1, extra=ide))
    env.berth("start", "Writer A")
    try:
        one_line_error(env.berth("start", "Writer B", check=False), "in use", "Writer A", disk)
        assert env.vm("Writer B")["state"] == "Off"
    finally:
        env.berth("turn-off", "Writer A")
    env.berth("start", "Writer B")
    env.berth("turn-off", "Writer B")


def test_connect(env):
    """berth connect VM hands the VM to vmconnect ($BERTH_VMCONNECT here: a script that records
    its arguments), with the bus berth was given; an unknown VM fails before any window."""
    env.define("c.xml", minimal("Console", generation=1))
    record = os.path.join(env.tmp, "vmconnect.args")
    fake = env.write("vmconnect", "#!/bin/sh\nprintf '%%s\\n' \"$@\" > %s\n" % record)
    os.chmod(fake, 0o755)
    os.environ["BERTH_VMCONNECT"] = fake
    try:
        env.berth("connect", "Console")
        with open(record) as f:
            assert f.read().split("\n")[:3] == ["--connect", env.address, env.vm("Console")["uuid"]]
        os.unlink(record)
        one_line_error(env.berth("connect", "Nope", check=False), "Nope")
        assert not os.path.exists(record)
        os.environ["BERTH_VMCONNECT"] = os.path.join(env.tmp, "missing")
        one_line_error(env.berth("connect", "Console", check=False), "Cannot run")
    finally:
        del os.environ["BERTH_VMCONNECT"]


def test_guest_gen2_no_secure_boot(env):
    """The test guest's Generation 2 disk with Secure Boot off: UEFI without the Microsoft keys'
    enforcement, booted through berth from SCSI."""
    disk = os.path.join(env.tmp, "gen2.img")
    shutil.copyfile(os.path.join(GUEST_DIR, "gen2.img"), disk)
    env.define("gen2.xml", MINIMAL.format(name="Gen2", generation=2, uuid="", extra=(
        '  <firmware secure-boot="false"/>\n'
        '  <scsi-controller number="0">\n'
        '    <disk location="0" path="%s"/>\n'
        '  </scsi-controller>\n'
        '  <com port="1" log="true"/>\n') % disk).replace('startup="64"', 'startup="512"'))
    env.berth("start", "Gen2")
    try:
        deadline = time.monotonic() + 240
        while "BERTH-GUEST-READY" not in env.berth("serial", "Gen2").stdout:
            assert time.monotonic() < deadline, env.berth("serial", "Gen2").stdout[-2000:]
            time.sleep(1)
        assert "BERTH-GUEST-READY gen=2 firmware=uefi sb=0" in env.berth("serial", "Gen2").stdout
    finally:
        env.berth("turn-off", "Gen2", check=False)
    assert env.vm("Gen2")["state"] == "Off"


TESTS = [test_list_empty, test_define_list, test_dumpxml_round_trip, test_duplicate_name,
         test_invalid_definition, test_unknown_vm, test_rename, test_delete,
         test_dot_dot_refused, test_restart, test_broken_file_skipped, test_lifecycle,
         test_disks, test_thousand, test_connect, test_disk_in_use]


def run_tests(tests, guest_tests=None, before_each=None):
    """Runs each test with a fresh berthd on a private bus (after @before_each, when given) and
    prints TAP, with berthd's log for a failed test. With --guest, runs @guest_tests instead (a
    skip when the test guest is missing)."""
    if GUEST_DIR is not None:
        if not os.path.exists(os.path.join(GUEST_DIR, "gen1.img")):
            print("1..0 # SKIP no test guest in %s" % GUEST_DIR)
            return 0
        tests = guest_tests or []
    os.environ["LC_ALL"] = "C.UTF-8"
    os.environ["LANGUAGE"] = ""
    os.environ.pop("BERTH_BUS_ADDRESS", None)
    print("1..%d" % len(tests))
    failed = 0
    for i, test in enumerate(tests, 1):
        if before_each is not None:
            before_each()
        env = Env()
        try:
            env.start()
            t = time.monotonic()
            test(env)
            print("ok %d %s # %.2f s" % (i, test.__name__, time.monotonic() - t))
        except Exception:
            failed += 1
            print("not ok %d %s" % (i, test.__name__))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
            print("# berthd said: " + env.log().replace("\n", "\n# "))
        finally:
            env.close()
        sys.stdout.flush()
    return 1 if failed else 0


def main():
    return run_tests(TESTS, [test_guest, test_guest_gen2_no_secure_boot])


if __name__ == "__main__":
    sys.exit(main())
