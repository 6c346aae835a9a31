#!/usr/bin/env python3
# tests/cli: InsertMedia / EjectMedia on berthd (a private bus, a temporary state dir) while the
# VM is off: the definition keeps the new medium, and every bad request is refused with a clear
# error and changes nothing. (Media changes in a running guest are tested with the test guest in
# tests/vmconnect.) Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import berthtest  # noqa: E402

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


class Env(berthtest.Berthd):
    """berthd on a private bus with a temporary state dir (tests/berthtest.py)."""

    def __init__(self):
        super().__init__(BERTHD, BERTH, prefix="test-berth-media-")

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


def refused(r, *words):
    assert r.returncode != 0, r.stdout
    for w in words:
        assert w in r.stderr, (w, r.stderr)


def main():
    print("1..1")
    env = Env()
    try:
        env.start()
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
