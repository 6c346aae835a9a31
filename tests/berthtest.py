#!/usr/bin/env python3
# tests/berthtest.py: the one way Berth's Python tests and benchmarks start berthd. A private
# D-Bus daemon (Bus), berthd on it with a temporary state dir (Berthd: started and waited for,
# stopped by its pid with any signal, killed with -9 and started again, its log since the last
# start, the `berth` CLI pointed at its bus), a private X server (Xvfb), `session`, which runs a
# test program (the manager's C tests) inside all three, and `xvfb`, which runs one on an Xvfb
# only. Everything started here is ended by its pid; the QEMU workers and the dnsmasq berthd
# leaves behind are found through the test's own temporary folder, never by name.
#
# Every test that uses it runs in a network namespace of its own (tests/netns-run.sh): berthd
# makes the "Default Switch" on its first start. Scripts import it with tests/ put on sys.path
# from their own location, so they run the same from meson and by hand.
#
#   berthtest.py session BERTHD BERTH PROGRAM [ARG…]
#   berthtest.py xvfb PROGRAM [ARG…]
#
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def wait(predicate, timeout, what, interval=0.05):
    """Calls @predicate until it returns something true, which is returned; fails after
    @timeout seconds naming @what."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def stop_process(proc, sig=signal.SIGTERM, timeout=20):
    """Ends the child @proc with @sig (SIGKILL when it does not end in @timeout seconds)."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def end_processes_using(folder):
    """Kills the processes whose command line names a file in @folder (what berthd started
    there and left running on purpose: a switch's dnsmasq, a VM's QEMU)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmdline = f.read().decode(errors="replace")
            if folder in cmdline:
                os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass


class Bus:
    """A private dbus-daemon (a session bus, or the one @config describes); its address."""

    def __init__(self, config=None, env=None):
        kind = ["--config-file=" + config] if config else ["--session"]
        self.proc = subprocess.Popen(["dbus-daemon"] + kind + ["--nofork", "--print-address"],
                                     stdout=subprocess.PIPE, text=True, env=env)
        self.address = self.proc.stdout.readline().strip()
        if not self.address:
            stop_process(self.proc)
            raise AssertionError("dbus-daemon did not start")

    def close(self):
        stop_process(self.proc, timeout=10)
        self.proc.stdout.close()


class Xvfb:
    """A private X server on a display number of its own: other tests run Xvfb in other
    network namespaces, where -displayfd's "first free" number is not free for X clients here.
    -noreset: a client connecting just as the last one leaves must not meet a server in the
    middle of resetting."""

    def __init__(self, size="1280x800x24", args=(), log=None):
        out = open(log or os.devnull, "a")
        try:
            for _ in range(50):
                number = random.randrange(100, 1000)
                if os.path.exists("/tmp/.X%d-lock" % number) or \
                        os.path.exists("/tmp/.X11-unix/X%d" % number):
                    continue
                r, w = os.pipe()
                self.proc = subprocess.Popen(
                    ["Xvfb", ":%d" % number, "-displayfd", str(w), "-screen", "0", size,
                     "-nolisten", "tcp", "-noreset"] + list(args),
                    pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=out)
                os.close(w)
                # The number comes back once the server listens; nothing when it failed.
                with os.fdopen(r) as f:
                    line = f.readline().strip()
                if line:
                    self.display = ":" + line
                    return
                stop_process(self.proc, timeout=10)
        finally:
            out.close()
        raise AssertionError("Xvfb did not start")

    def close(self):
        stop_process(self.proc)


class Berthd:
    """berthd (the binary @berthd, with @accel) on a private bus, with its state and runtime
    dirs in a temporary folder (@tmp, else a new one named @prefix…, removed by close()), and
    the berth CLI (@berth, each call ended after @berth_timeout seconds) talking to it. @env is
    berthd's and berth's environment (default: this process's); @bus an existing Bus to use
    (default: a new one, closed by close()). The state dir may be changed between starts."""

    def __init__(self, berthd, berth, tmp=None, prefix="berthtest-", bus=None, env=None,
                 berth_timeout=60, accel="tcg"):
        self.berthd_exe, self.berth_exe = berthd, berth
        self.own_tmp = tmp is None
        self.tmp = tmp if tmp is not None else tempfile.mkdtemp(prefix=prefix)
        self.state = os.path.join(self.tmp, "state")
        self.runtime = os.path.join(self.tmp, "run")
        self.environ = env
        self.berth_timeout = berth_timeout
        self.accel = accel
        self.own_bus = bus is None
        self.bus = bus if bus is not None else Bus(env=env)
        self.address = self.bus.address
        self.proc = None
        self.log_path = os.path.join(self.tmp, "berthd.log")
        self.log_start = 0

    def argv(self):
        return [self.berthd_exe, "--bus", self.address, "--state-dir", self.state,
                "--runtime-dir", self.runtime, "--accel", self.accel, "--log-level", "info"]

    def start(self, wait=True, wrapper=()):
        """Starts berthd (through the command @wrapper when given: setpriv, env), by default
        waiting until it answers; returns the seconds that took."""
        assert not self.running(), "berthd is already running"
        with open(self.log_path, "a") as log:
            self.log_start = log.seek(0, os.SEEK_END)
            started = time.monotonic()
            self.proc = subprocess.Popen(list(wrapper) + self.argv(), env=self.environ,
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        if wait:
            self.wait_ready()
        return time.monotonic() - started

    def wait_ready(self, timeout=30):
        """Waits until berthd answers on its bus; fails with its log when it exits first."""
        deadline = time.monotonic() + timeout
        while self.berth("host", check=False).returncode != 0:
            if self.proc.poll() is not None:
                raise AssertionError("berthd exited with %d: %s" % (self.proc.returncode,
                                                                     self.log()))
            if time.monotonic() > deadline:
                raise AssertionError("berthd did not start in %d s: %s" % (timeout, self.log()))
            time.sleep(0.01)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Ends berthd with @sig (SIGKILL: killed at once, as a crash would) and waits for it."""
        if self.running():
            self.proc.send_signal(sig)
            self.proc.wait(timeout)
        self.proc = None

    def log(self):
        """What berthd wrote since its last start."""
        try:
            with open(self.log_path, errors="replace") as f:
                f.seek(self.log_start)
                return f.read()
        except OSError:
            return ""

    def berth_env(self):
        """The environment for a client of this berthd (BERTH_BUS_ADDRESS set)."""
        return dict(self.environ if self.environ is not None else os.environ,
                    BERTH_BUS_ADDRESS=self.address)

    def berth(self, *args, check=True, timeout=None):
        """Runs `berth --connect ADDRESS ARGS…`; fails when it does unless not @check."""
        r = subprocess.run([self.berth_exe, "--connect", self.address] + list(args),
                           capture_output=True, text=True, env=self.environ,
                           timeout=timeout or self.berth_timeout)
        if check and r.returncode != 0:
            raise AssertionError("berth %s failed: %s" % (" ".join(args), r.stderr.strip()))
        return r

    def end_workers(self):
        """Kills the processes berthd started and left running: QEMU and swtpm by their pid
        files under the runtime dir, then whatever names the temporary folder (dnsmasq)."""
        for root, dirs, names in os.walk(self.runtime):
            for name in names:
                if name.endswith(".pid"):
                    try:
                        with open(os.path.join(root, name)) as f:
                            os.kill(int(f.read().strip()), signal.SIGKILL)
                    except (OSError, ValueError):
                        pass
        end_processes_using(self.tmp)

    def close(self):
        """Kills berthd and what it started, ends the bus (when ours), removes the folder
        (when ours)."""
        self.stop(signal.SIGKILL)
        self.end_workers()
        if self.own_bus:
            self.bus.close()
        if self.own_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


def session(berthd_exe, berth_exe, argv):
    """Runs @argv in its own world: an Xvfb, a private bus with berthd on it, a temporary
    folder; its environment names them (DISPLAY, BERTH_BUS_ADDRESS, DBUS_SESSION_BUS_ADDRESS,
    BERTH_CLI, BERTH_TEST_TMP). berthd reads wireless-ness from a sysfs tree of the session's
    own, which says "bvwifi0" is a wireless adapter (a namespace has no Wi-Fi; tests that want
    one create a veth of that name). Returns @argv's exit status."""
    tmp = tempfile.mkdtemp(prefix="berth-session-")
    os.makedirs(os.path.join(tmp, "sys", "class", "net", "bvwifi0", "phy80211"))
    os.makedirs(os.path.join(tmp, "data"))
    xdg_run = os.path.join(tmp, "xdg-run")
    os.makedirs(xdg_run, mode=0o700)
    xvfb = berthd = None
    status = 1
    try:
        xvfb = Xvfb(size="1280x900x24", log=os.path.join(tmp, "xvfb.log"))
        berthd = Berthd(berthd_exe, berth_exe, tmp=tmp)
        berthd.start(wrapper=["env", "BERTH_TEST_SYSFS_ROOT=" + os.path.join(tmp, "sys")])
        env = dict(berthd.berth_env(), DISPLAY=xvfb.display,
                   DBUS_SESSION_BUS_ADDRESS=berthd.address, BERTH_CLI=berth_exe,
                   BERTH_TEST_TMP=tmp, XDG_DATA_HOME=os.path.join(tmp, "data"),
                   XDG_RUNTIME_DIR=xdg_run, GSETTINGS_BACKEND="memory", GTK_A11Y="none",
                   GDK_BACKEND="x11", LANGUAGE="C")
        env.pop("G_MESSAGES_DEBUG", None)
        status = subprocess.run(argv, env=env).returncode
        if status != 0:
            print("# berthd's log:", file=sys.stderr)
            for line in berthd.log().splitlines()[-30:]:
                print("#   " + line, file=sys.stderr)
    except AssertionError as e:
        print("Bail out! %s" % str(e).replace("\n", " "))
    finally:
        if berthd is not None:
            berthd.close()
        if xvfb is not None:
            xvfb.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return status


def on_xvfb(argv):
    """Runs @argv on a private Xvfb (DISPLAY set, GDK on X11); returns its exit status."""
    xvfb = Xvfb()
    try:
        env = dict(os.environ, DISPLAY=xvfb.display, GDK_BACKEND="x11")
        env.pop("WAYLAND_DISPLAY", None)
        return subprocess.run(argv, env=env).returncode
    finally:
        xvfb.close()


def main(args):
    if len(args) >= 2 and args[0] == "xvfb":
        if shutil.which("Xvfb") is None:
            print("Xvfb is not installed: skipping")
            return 77
        return on_xvfb(args[1:])
    if len(args) < 4 or args[0] != "session":
        print("usage: berthtest.py session BERTHD BERTH PROGRAM [ARG…] | xvfb PROGRAM [ARG…]",
              file=sys.stderr)
        return 2
    for tool in ("Xvfb", "dbus-daemon"):
        if shutil.which(tool) is None:
            print("1..0 # SKIP %s is not installed" % tool)
            return 0
    return session(args[1], args[2], args[3:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
