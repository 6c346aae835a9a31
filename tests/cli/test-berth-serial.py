#!/usr/bin/python3
# tests/cli: COM1's integrity. The test guest writes 20,000 numbered lines (about 3 MB) to COM1
# as fast as it can (its `flood` command); every line must arrive exactly once and in order
# through `berth serial VM`, `berth serial VM --follow` and the SerialOutput signal: once with
# berthd running throughout, once with berthd killed (SIGKILL) and started again in the middle.
# What the guest wrote while berthd was down must be in the log afterwards. Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("berth_cli_test",
                                               os.path.join(HERE, "test-berth-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)

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
            if runs and run_end(runs[-1]) == offset:
                runs[-1] = (runs[-1][0], runs[-1][1] + data)
            else:
                runs.append((offset, data))
        return runs


def run_end(run):
    """Where a run of signals (offset, bytes) ends in the log."""
    return run[0] + len(run[1])


def berth_bytes(env, *args):
    """`berth ARGS…` with its output as bytes (COM1's log is not text)."""
    r = subprocess.run([env.berth_exe, "--connect", env.address] + list(args),
                       capture_output=True, timeout=120)
    assert r.returncode == 0, "berth %s: %s" % (" ".join(args), r.stderr.decode())
    return r.stdout


def read_log(env):
    """COM1's log through berth serial (ReadSerial)."""
    return berth_bytes(env, "serial", "Serial")


def log_file(env):
    state = os.path.join(env.state, "vms")
    (uuid,) = os.listdir(state)
    return os.path.join(state, uuid, "serial.log")


def wait_log(env, text, timeout, start=0):
    """Waits until COM1's log file holds @text after @start; returns its size then."""
    def found():
        with open(log_file(env), "rb") as f:
            data = f.read()
        return len(data) if text in data[start:] else None

    return cli.berthtest.wait(found, timeout, "%r in COM1's log" % text, interval=0.1)


def boot(env):
    disk = os.path.join(env.tmp, "gen1.img")
    shutil.copyfile(os.path.join(cli.GUEST_DIR, "gen1.img"), disk)
    xml = os.path.join(env.tmp, "serial.xml")
    with open(xml, "w") as f:
        f.write(VM_XML.format(disk=disk))
    env.berth("define", xml)
    env.berth("start", "Serial")
    wait_log(env, b"BERTH-GUEST-READY", 240)


class Follower:
    """`berth serial VM --follow`, its output in a file."""

    def __init__(self, env):
        self.out_path = os.path.join(env.tmp, "follow-%d.out" % time.monotonic_ns())
        self.out = open(self.out_path, "wb")
        self.err = open(self.out_path + ".err", "wb")
        self.process = subprocess.Popen(
            [env.berth_exe, "--connect", env.address, "serial", "--follow", "Serial"],
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
        """Interrupts it (as Ctrl+C would); returns what it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.out.close()
        self.err.close()
        assert self.process.returncode == 0, self.stderr()
        with open(self.out_path, "rb") as f:
            return f.read()

    def stderr(self):
        with open(self.out_path + ".err", "rb") as f:
            return f.read().decode(errors="replace")


def watched_flood(env, middle=None):
    """Boots the guest, then has it flood COM1 while `berth serial --follow` and a SerialOutput
    recorder watch; @middle(start) runs once 2,000 lines are in the log (@start: the log's size
    before the flood). Returns the log, what --follow printed and said on stderr, the signals'
    contiguous runs and @start."""
    boot(env)
    recorder = SignalRecorder(env.address)
    recorder.start()
    assert recorder.ready.wait(10), "no D-Bus connection for the signals"
    follower = Follower(env)
    try:
        start = len(read_log(env))
        env.berth("serial", "--send", "flood %d" % LINES, "Serial")
        if middle is not None:
            wait_log(env, flood_line(2000, LINES), 300, start)
            middle(start)
        wait_log(env, b"BERTH-OK flood %d" % LINES, 300, start)
        follower.wait_for(b"BERTH-OK flood %d" % LINES, 60)
    finally:
        followed = follower.stop()
    log = read_log(env)
    # The signals lag the log a little: wait for the one that reaches its end.
    cli.berthtest.wait(lambda: recorder.runs() and run_end(recorder.runs()[-1]) >= len(log), 30,
                       "SerialOutput up to the log's end", interval=0.1)
    recorder.stop()
    return log, followed, follower.stderr(), recorder.runs(), start


def test_flood(env):
    """20,000 lines at full speed with berthd running throughout."""
    log, followed, _, runs, start = watched_flood(env)
    check_flood(log, LINES, "berth serial")
    assert followed == log[:len(followed)], "--follow printed something else than the log"
    check_flood(followed, LINES, "berth serial --follow")
    # The signals: one contiguous run, the log byte for byte, covering the whole flood.
    assert len(runs) == 1, "SerialOutput has gaps: %r" % [(o, len(d)) for o, d in runs]
    offset, data = runs[0]
    assert offset <= start and data == log[offset:offset + len(data)], \
        "SerialOutput is not the log (offset %d, %d bytes)" % (offset, len(data))
    check_flood(data, LINES, "SerialOutput")


def test_flood_berthd_restart(env):
    """The same while berthd is killed and started again in the middle: the log keeps what the
    guest wrote meanwhile, --follow goes on where it was, the signals' offsets say exactly what
    was missed (ReadSerial fills it), and COM1 still takes input afterwards."""

    def restart(start):
        env.stop(signal.SIGKILL)
        killed_at = os.path.getsize(log_file(env))
        # The guest goes on writing with no berthd at all.
        assert wait_log(env, flood_line(6000, LINES), 120, killed_at) > killed_at
        env.start()

    log, followed, follow_stderr, runs, start = watched_flood(env, restart)
    check_flood(log, LINES, "berth serial after the restart")
    assert followed == log[:len(followed)], "--follow printed something else than the log"
    check_flood(followed, LINES, "berth serial --follow across the restart")
    assert "waiting for it to come back" in follow_stderr, follow_stderr
    # Each run is the log at its offset; the gaps are what berthd was not there to send.
    for offset, data in runs:
        assert data == log[offset:offset + len(data)], "SerialOutput at %d is not the log" % offset
    assert len(runs) >= 2, "no gap while berthd was down: %r" % [(o, len(d)) for o, d in runs]
    assert runs[0][0] <= start and run_end(runs[-1]) == len(log)
    # Filled from ReadSerial (berth serial), the signals give the flood exactly once.
    stitched = bytearray(runs[0][1])
    position = run_end(runs[0])
    for offset, data in runs[1:]:
        stitched += log[position:offset] + data
        position = run_end((offset, data))
    check_flood(bytes(stitched), LINES, "SerialOutput with its gaps read back")
    # COM1 still takes input from the new berthd.
    env.berth("serial", "--send", "echo after the restart", "Serial")
    wait_log(env, b"BERTH-OK echo after the restart", 60, len(log))


def main():
    return cli.run_tests([], [test_flood, test_flood_berthd_restart])


if __name__ == "__main__":
    sys.exit(main())
