#!/usr/bin/python3
# tests/cli: COM1's integrity. The test guest writes 20,000 numbered lines (about 3 MB) to COM1
# as fast as it can (its `flood` command); every line must arrive exactly once and in order
# through `berth serial VM`, `berth serial VM --follow` and the SerialOutput signal: once with
# berthd running throughout, once with berthd killed (SIGKILL) and started again in the middle.
# What the guest wrote while berthd was down must be in the log afterwards. Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

BERTH, BERTHD, GUEST_DIR = sys.argv[1], sys.argv[2], sys.argv[3]
LINES = 20000
PATTERN = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3
VM_XML = """<vm generation="1">
  <name>Serial</name>
  <memory startup="256" unit="MiB"/>
  <ide-controller number="0">
    <disk location="0" path="{disk}"/>
  </ide-controller>
  <com port="1" log="true"/>
</vm>
"""


def flood_line(i, count):
    """Line @i of the guest's `flood COUNT`, as it stands in the log (the tty adds \\r)."""
    return b"BERTH-FLOOD %d/%d %s\r\n" % (i, count, PATTERN[i % 62:i % 62 + 120].encode())


def check_flood(data, count, where):
    """@data holds the whole flood: every line once, in order, nothing doubled or lost."""
    first = flood_line(1, count)
    start = data.find(first)
    assert start >= 0, "%s: no first flood line" % where
    end = data.find(b"BERTH-OK flood %d" % count, start)
    assert end >= 0, "%s: no end of the flood" % where
    got = data[start:end].split(b"\r\n")[:-1]
    bad = [(n, line) for n, line in enumerate(got, 1)
           if n > count or line + b"\r\n" != flood_line(n, count)]
    assert len(got) == count and not bad, "%s: %d lines, first differences: %r" % (
        where, len(got), bad[:3])


class SignalRecorder(threading.Thread):
    """Every SerialOutput signal on the bus, with its offset, from any sender (berthd's unique
    name changes when it restarts)."""

    def __init__(self, address):
        super().__init__(daemon=True)
        self.address = address
        self.chunks = []
        self.ready = threading.Event()
        self.loop = None

    def run(self):
        context = GLib.MainContext()
        context.push_thread_default()
        connection = Gio.DBusConnection.new_for_address_sync(
            self.address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        connection.signal_subscribe(None, "org.berth.Berth1.VirtualMachine", "SerialOutput",
                                    None, None, Gio.DBusSignalFlags.NONE, self.on_signal)
        self.loop = GLib.MainLoop(context)
        # A round trip makes sure the match rule is in place before the test goes on.
        connection.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                             "org.freedesktop.DBus", "GetId", None, None,
                             Gio.DBusCallFlags.NONE, -1, None)
        self.ready.set()
        self.loop.run()
        connection.close_sync(None)

    def on_signal(self, connection, sender, path, interface, name, parameters):
        data = parameters.get_child_value(0).get_data_as_bytes().get_data()
        offset = parameters.get_child_value(1).get_uint64()
        self.chunks.append((offset, bytes(data)))

    def stop(self):
        if self.loop is not None:
            self.loop.quit()
        self.join(10)

    def runs(self):
        """The chunks joined where they are contiguous: a list of (offset, bytes)."""
        runs = []
        for offset, data in list(self.chunks):
            if runs and runs[-1][0] + len(runs[-1][1]) == offset:
                runs[-1] = (runs[-1][0], runs[-1][1] + data)
            else:
                runs.append((offset, data))
        return runs


class Env:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="test-berth-serial-")
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address"],
                                    stdout=subprocess.PIPE, text=True)
        self.address = self.bus.stdout.readline().strip()
        self.berthd = None
        self.berthd_log = open(os.path.join(self.tmp, "berthd.log"), "a")

    def start(self):
        self.berthd = subprocess.Popen(
            [BERTHD, "--bus", self.address, "--state-dir", os.path.join(self.tmp, "state"),
             "--runtime-dir", os.path.join(self.tmp, "run"), "--accel", "tcg"],
            stdout=subprocess.DEVNULL, stderr=self.berthd_log)
        for _ in range(1000):
            if self.berth("host", check=False).returncode == 0:
                return
            assert self.berthd.poll() is None, "berthd exited"
            time.sleep(0.01)
        raise AssertionError("berthd did not start")

    def kill(self):
        self.berthd.send_signal(signal.SIGKILL)
        self.berthd.wait(10)

    def berth(self, *args, check=True):
        r = subprocess.run([BERTH, "--connect", self.address] + list(args), capture_output=True,
                           timeout=120)
        if check and r.returncode != 0:
            raise AssertionError("berth %s: %s" % (" ".join(args), r.stderr.decode()))
        return r

    def log(self):
        return self.berth("serial", "Serial").stdout

    def log_file(self):
        state = os.path.join(self.tmp, "state", "vms")
        (uuid,) = os.listdir(state)
        return os.path.join(state, uuid, "serial.log")

    def wait_log(self, text, timeout, start=0):
        """Waits until COM1's log file holds @text after @start; returns its size then."""
        deadline = time.monotonic() + timeout
        path = self.log_file()
        while time.monotonic() < deadline:
            with open(path, "rb") as f:
                data = f.read()
            if text in data[start:]:
                return len(data)
            time.sleep(0.1)
        raise AssertionError("no %r in COM1's log after %d s" % (text, timeout))

    def close(self):
        if self.berthd is not None and self.berthd.poll() is None:
            self.berth("turn-off", "Serial", check=False)
            self.berthd.terminate()
            self.berthd.wait(30)
        # A QEMU whose berthd was killed runs on: end it by its pid file.
        for root, _, files in os.walk(os.path.join(self.tmp, "run")):
            if "qemu.pid" in files:
                try:
                    with open(os.path.join(root, "qemu.pid")) as f:
                        os.kill(int(f.read().strip()), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
        self.bus.terminate()
        self.bus.wait(10)
        self.berthd_log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def boot(env):
    disk = os.path.join(env.tmp, "gen1.img")
    shutil.copyfile(os.path.join(GUEST_DIR, "gen1.img"), disk)
    xml = os.path.join(env.tmp, "serial.xml")
    with open(xml, "w") as f:
        f.write(VM_XML.format(disk=disk))
    env.berth("define", xml)
    env.berth("start", "Serial")
    env.wait_log(b"BERTH-GUEST-READY", 240)


class Follower:
    """`berth serial VM --follow`, its output in a file."""

    def __init__(self, env):
        self.out_path = os.path.join(env.tmp, "follow-%d.out" % time.monotonic_ns())
        self.out = open(self.out_path, "wb")
        self.err = open(self.out_path + ".err", "wb")
        self.process = subprocess.Popen(
            [BERTH, "--connect", env.address, "serial", "--follow", "Serial"],
            stdout=self.out, stderr=self.err)

    def wait_for(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.out_path, "rb") as f:
                if text in f.read():
                    return
            assert self.process.poll() is None, "berth serial --follow ended: %r" % self.stderr()
            time.sleep(0.1)
        raise AssertionError("--follow printed no %r after %d s" % (text, timeout))

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(10) == 0, self.stderr()
        self.out.close()
        self.err.close()
        with open(self.out_path, "rb") as f:
            return f.read()

    def stderr(self):
        with open(self.out_path + ".err", "rb") as f:
            return f.read().decode(errors="replace")


def test_flood(env):
    """20,000 lines at full speed with berthd running throughout."""
    boot(env)
    recorder = SignalRecorder(env.address)
    recorder.start()
    recorder.ready.wait(10)
    follower = Follower(env)
    start = len(env.log())
    env.berth("serial", "--send", "flood %d" % LINES, "Serial")
    env.wait_log(b"BERTH-OK flood %d" % LINES, 300, start)
    follower.wait_for(b"BERTH-OK flood %d" % LINES, 60)
    log = env.log()
    check_flood(log, LINES, "berth serial")
    followed = follower.stop()
    assert followed == log[:len(followed)], "--follow printed something else than the log"
    check_flood(followed, LINES, "berth serial --follow")
    # The signals: one contiguous run, the log byte for byte, covering the whole flood.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        runs = recorder.runs()
        if runs and runs[-1][0] + len(runs[-1][1]) >= len(log):
            break
        time.sleep(0.1)
    recorder.stop()
    assert len(runs) == 1, "SerialOutput has gaps: %r" % [(o, len(d)) for o, d in runs]
    offset, data = runs[0]
    assert offset <= start and data == log[offset:offset + len(data)], \
        "SerialOutput is not the log (offset %d, %d bytes)" % (offset, len(data))
    check_flood(data, LINES, "SerialOutput")


def test_flood_berthd_restart(env):
    """The same while berthd is killed and started again in the middle: the log keeps what the
    guest wrote meanwhile, --follow goes on where it was, the signals' offsets say exactly what
    was missed (ReadSerial fills it), and COM1 still takes input afterwards."""
    boot(env)
    recorder = SignalRecorder(env.address)
    recorder.start()
    recorder.ready.wait(10)
    follower = Follower(env)
    start = len(env.log())
    env.berth("serial", "--send", "flood %d" % LINES, "Serial")
    env.wait_log(flood_line(2000, LINES), 300, start)
    env.kill()
    killed_at = os.path.getsize(env.log_file())
    # The guest goes on writing with no berthd at all.
    grown = env.wait_log(flood_line(6000, LINES), 120, killed_at)
    assert grown > killed_at
    env.start()
    env.wait_log(b"BERTH-OK flood %d" % LINES, 300, start)
    log = env.log()
    check_flood(log, LINES, "berth serial after the restart")
    follower.wait_for(b"BERTH-OK flood %d" % LINES, 60)
    followed = follower.stop()
    assert followed == log[:len(followed)], "--follow printed something else than the log"
    check_flood(followed, LINES, "berth serial --follow across the restart")
    assert "waiting for it to come back" in follower.stderr(), follower.stderr()
    # COM1 still takes input from the new berthd.
    env.berth("serial", "--send", "echo after the restart", "Serial")
    env.wait_log(b"BERTH-OK echo after the restart", 60, len(log))
    log = env.log()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        runs = recorder.runs()
        if runs and runs[-1][0] + len(runs[-1][1]) >= len(log):
            break
        time.sleep(0.1)
    recorder.stop()
    # Each run is the log at its offset; the gaps are what berthd was not there to send.
    for offset, data in runs:
        assert data == log[offset:offset + len(data)], "SerialOutput at %d is not the log" % offset
    assert len(runs) >= 2, "no gap while berthd was down: %r" % [(o, len(d)) for o, d in runs]
    assert runs[0][0] <= start and runs[-1][0] + len(runs[-1][1]) == len(log)
    # Filled from ReadSerial (berth serial), the signals give the flood exactly once.
    stitched = bytearray(runs[0][1])
    position = runs[0][0] + len(runs[0][1])
    for offset, data in runs[1:]:
        stitched += log[position:offset] + data
        position = offset + len(data)
    check_flood(bytes(stitched), LINES, "SerialOutput with its gaps read back")


TESTS = [test_flood, test_flood_berthd_restart]


def main():
    if not os.path.exists(os.path.join(GUEST_DIR, "gen1.img")):
        print("1..0 # SKIP no test guest in %s" % GUEST_DIR)
        return 0
    os.environ["LC_ALL"] = "C.UTF-8"
    os.environ.pop("BERTH_BUS_ADDRESS", None)
    print("1..%d" % len(TESTS))
    failed = 0
    for i, test in enumerate(TESTS, 1):
        env = Env()
        try:
            env.start()
            t = time.monotonic()
            test(env)
            print("ok %d %s # %.1f s" % (i, test.__name__, time.monotonic() - t))
        except Exception:
            failed += 1
            print("not ok %d %s" % (i, test.__name__))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
        finally:
            env.close()
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
