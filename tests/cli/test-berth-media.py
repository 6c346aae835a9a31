#!/usr/bin/env python3
# tests/cli: InsertMedia / EjectMedia on berthd (a private bus, a temporary state dir) while the
# VM is off: the definition keeps the new medium, and every bad request is refused with a clear
# error and changes nothing. (Media changes in a running guest are tested with the test guest in
# tests/vmconnect.) Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

BERTH, BERTHD = sys.argv[1], sys.argv[2]

VM_XML = """<vm generation="1">
  <name>Media</name>
  <memory startup="64" unit="MiB"/>
  <ide-controller number="0">
    <disk location="0" path="{disk}"/>
    <dvd location="1"/>
  </ide-controller>
</vm>
"""


class Env:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="test-berth-media-")
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address"],
                                    stdout=subprocess.PIPE, text=True)
        self.address = self.bus.stdout.readline().strip()
        self.log = open(os.path.join(self.tmp, "berthd.log"), "w")
        self.berthd = subprocess.Popen(
            [BERTHD, "--bus", self.address, "--state-dir", os.path.join(self.tmp, "state"),
             "--runtime-dir", os.path.join(self.tmp, "run"), "--accel", "tcg"],
            stdout=subprocess.DEVNULL, stderr=self.log)
        for _ in range(500):
            if self.berth("host", check=False).returncode == 0:
                break
            time.sleep(0.02)
        else:
            raise AssertionError("berthd did not start")

    def berth(self, *args, check=True):
        r = subprocess.run([BERTH, "--connect", self.address] + list(args), capture_output=True,
                           text=True, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError("berth %s: %s" % (" ".join(args), r.stderr))
        return r

    def call(self, method, *args):
        path = subprocess.run(
            ["gdbus", "call", "--address", self.address, "--dest", "org.berth.Berth1",
             "--object-path", "/org/berth/Berth1", "--method",
             "org.berth.Berth1.Host.FindVirtualMachine", "Media"],
            capture_output=True, text=True, timeout=30).stdout.strip()
        path = path.strip("(),'").replace("objectpath '", "")
        return subprocess.run(
            ["gdbus", "call", "--address", self.address, "--dest", "org.berth.Berth1",
             "--object-path", path, "--method", "org.berth.Berth1.VirtualMachine." + method]
            + list(args), capture_output=True, text=True, timeout=60)

    def close(self):
        self.berthd.terminate()
        self.berthd.wait(30)
        self.bus.terminate()
        self.bus.wait(10)
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def refused(r, *words):
    assert r.returncode != 0, r.stdout
    for w in words:
        assert w in r.stderr, (w, r.stderr)


def main():
    print("1..1")
    env = Env()
    try:
        disk = os.path.join(env.tmp, "disk.img")
        iso = os.path.join(env.tmp, "install.iso")
        for path in (disk, iso):
            with open(path, "wb") as f:
                f.truncate(1024 * 1024)
        xml = os.path.join(env.tmp, "vm.xml")
        with open(xml, "w") as f:
            f.write(VM_XML.format(disk=disk))
        env.berth("define", xml)

        # Off: the definition takes the medium, and the eject takes it out again.
        r = env.call("InsertMedia", "ide", "0", "1", iso)
        assert r.returncode == 0, r.stderr
        assert 'path="%s"' % iso in env.berth("dumpxml", "Media").stdout
        before = env.berth("dumpxml", "Media").stdout

        # Bad requests change nothing.
        refused(env.call("InsertMedia", "ide", "1", "0", iso), "NotFound", "ide 1:0")
        refused(env.call("InsertMedia", "ide", "0", "0", iso), "hard disk")
        refused(env.call("InsertMedia", "sata", "0", "1", iso), "Unknown controller", "sata")
        refused(env.call("InsertMedia", "floppy", "0", "0", iso), "NotFound", "floppy")
        refused(env.call("InsertMedia", "ide", "0", "1", iso + ".missing"), "NotFound",
                iso + ".missing")
        refused(env.call("InsertMedia", "ide", "0", "1", "relative.iso"), "absolute")
        assert env.berth("dumpxml", "Media").stdout == before

        r = env.call("EjectMedia", "ide", "0", "1")
        assert r.returncode == 0, r.stderr
        out = env.berth("dumpxml", "Media").stdout
        assert iso not in out and '<dvd location="1"' in out, out
        print("ok 1 - media while off: insert, eject, bad requests refused")
    except Exception:
        print("not ok 1 - media while off")
        for line in traceback.format_exc().splitlines():
            print("#", line)
        return 1
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
