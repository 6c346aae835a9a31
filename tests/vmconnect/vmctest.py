# tests/vmconnect: what the tests of the real vmconnect window share (test-vmconnect.py,
# test-vmc-desktop.py): Xvfb + a private bus + berthd with the VM "Guest" (Env), one vmconnect
# process and its window driven with xdotool (Vmconnect), and where the guest's screen is in a
# window screenshot (display_area).
#
# SPDX-License-Identifier: GPL-2.0-or-later
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback

import numpy
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import berthtest  # noqa: E402
from berthtest import stop_process as stop  # noqa: E402,F401 (the tests' stop(p))

TITLE = "Virtual Machine Connection"


def log(*args):
    print("#", *args, flush=True)


# Polled every quarter of a second: each poll here runs a program (xdotool, berth).
wait = functools.partial(berthtest.wait, interval=0.25)


class Env(berthtest.Berthd):
    """Xvfb, berthd on a private bus (tests/berthtest.py) and the VM "Guest"'s serial port."""

    def __init__(self, berthd, berth, vmconnect, artifacts):
        super().__init__(berthd, berth, prefix="test-vmconnect-", berth_timeout=300)
        self.vmconnect_exe, self.artifacts = vmconnect, artifacts
        self.xdg = os.path.join(self.tmp, "xdg")
        os.makedirs(self.xdg, mode=0o700)
        self.config = os.path.join(self.tmp, "config")
        self.procs = []
        self.xvfb = berthtest.Xvfb(size="1920x1200x24")
        self.display = self.xvfb.display
        wait(lambda: subprocess.run(["xdotool", "getdisplaygeometry"],
                                    env=dict(os.environ, DISPLAY=self.display),
                                    capture_output=True, timeout=10).returncode == 0, 30, "Xvfb")
        self.env = dict(os.environ, DISPLAY=self.display, GDK_BACKEND="x11", NO_AT_BRIDGE="1",
                        XDG_RUNTIME_DIR=self.xdg, GTK_A11Y="none", GSETTINGS_BACKEND="keyfile",
                        XDG_CONFIG_HOME=self.config, DBUS_SESSION_BUS_ADDRESS=self.address,
                        LANG="C.UTF-8", LANGUAGE="")
        self.env.pop("WAYLAND_DISPLAY", None)

    def serial(self):
        return self.berth("serial", "Guest").stdout

    def send(self, line):
        self.berth("serial", "Guest", "--send", line)

    def wait_serial(self, text, count, timeout=90):
        """Waits until COM1's log holds @text more than @count times."""
        return wait(lambda: self.serial().count(text) > count, timeout, repr(text))

    def command(self, line, answer, timeout=90):
        before = self.serial().count(answer)
        self.send(line)
        self.wait_serial(answer, before, timeout)

    def x(self, *args, check=True):
        r = subprocess.run(["xdotool"] + list(args), capture_output=True, text=True,
                           env=self.env, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError("xdotool %s: %s" % (" ".join(args), r.stderr.strip()))
        return r.stdout.strip()

    def close(self):
        for p in reversed(self.procs):
            stop(p)
        if self.running():
            # Turn the guest off first, so no QEMU outlives the test.
            try:
                self.berth("turn-off", "Guest", check=False, timeout=60)
            except (OSError, subprocess.TimeoutExpired) as e:
                log("cannot turn the guest off (%s); its QEMU is killed instead" % e)
            self.stop()
        super().close()
        self.xvfb.close()


def app_bus_name(address, pid):
    """The unique name on the bus at @address of the vmconnect with process @pid: the connection
    of its GApplication (which exports the window's actions), not the one it talks to berthd on;
    None while there is none."""
    names = subprocess.run(
        ["gdbus", "call", "--address", address, "--dest", "org.freedesktop.DBus",
         "--object-path", "/org/freedesktop/DBus", "--method",
         "org.freedesktop.DBus.ListNames"], capture_output=True, text=True, timeout=30).stdout
    for name in re.findall(r"'(:[0-9.]+)'", names):
        r = subprocess.run(
            ["gdbus", "call", "--address", address, "--dest",
             "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus", "--method",
             "org.freedesktop.DBus.GetConnectionUnixProcessID", name],
            capture_output=True, text=True, timeout=10)
        if r.returncode != 0 or not re.search(r"\b%d\b" % pid, r.stdout):
            continue
        r = subprocess.run(["gdbus", "introspect", "--address", address, "--dest",
                            name, "--object-path", "/org/berth/VmConnect/window/1"],
                           capture_output=True, text=True, timeout=10)
        if r.returncode == 0 and "org.gtk.Actions" in r.stdout:
            return name
    return None


def window_actions(address, name, method, *args):
    """org.gtk.Actions.METHOD on the window of the vmconnect at bus name @name."""
    r = subprocess.run(["gdbus", "call", "--address", address, "--dest", name,
                        "--object-path", "/org/berth/VmConnect/window/1", "--method",
                        "org.gtk.Actions." + method] + list(args),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, (method, args, r.stderr)
    return r.stdout.strip()


def define_guest(env, guest_dir, image, dvd=False):
    """Defines the Generation 1 VM "Guest" (512 MiB, COM1 logged) on a copy of the test guest's
    disk @image, with an empty DVD drive when @dvd."""
    disk = os.path.join(env.tmp, image)
    shutil.copyfile(os.path.join(guest_dir, image), disk)
    xml = os.path.join(env.tmp, "guest.xml")
    with open(xml, "w") as f:
        f.write("""<vm generation="1">
  <name>Guest</name>
  <memory startup="512" unit="MiB"/>
  <ide-controller number="0">
    <disk location="0" path="%s"/>%s
  </ide-controller>
  <com port="1" log="true"/>
</vm>
""" % (disk, '\n    <dvd location="1"/>' if dvd else ""))
    env.berth("define", xml)


def run_cases(env, cases, first, first_failed):
    """Runs @cases (functions named test_*, each taking @env) in order, printing a TAP line for
    each; when @first fails, the cases after it are reported failed with @first_failed. Returns
    the number of failed cases."""
    failed = 0
    skip_rest = None
    for i, case in enumerate(cases, 1):
        name = case.__name__[5:].replace("_", "-")
        if skip_rest is not None:
            print("not ok %d - %s # %s" % (i, name, skip_rest), flush=True)
            failed += 1
            continue
        started = time.monotonic()
        try:
            case(env)
            print("ok %d - %s (%.1f s)" % (i, name, time.monotonic() - started), flush=True)
        except Exception:
            failed += 1
            print("not ok %d - %s" % (i, name), flush=True)
            for line in traceback.format_exc().splitlines():
                log(line)
            if case is first:
                skip_rest = first_failed
    return failed


class Vmconnect:
    """One vmconnect process and its window."""

    def __init__(self, env, *args, name, environ=None):
        self.env = env
        self.name = name
        self.stderr_path = os.path.join(env.artifacts, name + ".stderr")
        self.stderr = open(self.stderr_path, "w")
        # GLib writes debug messages (G_MESSAGES_DEBUG) to stdout: keep them beside the rest.
        self.proc = subprocess.Popen([env.vmconnect_exe] + list(args), env=dict(env.env, **(environ or {})),
                                     stdout=self.stderr, stderr=self.stderr)
        env.procs.append(self.proc)
        self.wid = wait(self.find_window, 30, "vmconnect's window")

    def find_window(self):
        if self.proc.poll() is not None:
            raise AssertionError("vmconnect exited with %d: %s" % (self.proc.returncode,
                                                                   self.messages()))
        r = self.env.x("search", "--all", "--onlyvisible", "--pid", str(self.proc.pid), "--name",
                       TITLE, check=False)
        # GTK's other X windows (the client leader) may match the search too.
        for wid in r.split():
            if TITLE in self.env.x("getwindowname", wid, check=False):
                return wid
        return None

    def title(self):
        return self.env.x("getwindowname", self.wid)

    def wait_title(self, text, timeout=60):
        return wait(lambda: text in self.title(), timeout, "%r in the title (%r)" % (
            text, self.title()))

    def messages(self):
        self.stderr.flush()
        with open(self.stderr_path) as f:
            return f.read()

    def wait_message(self, text, timeout=30):
        return wait(lambda: text in self.messages(), timeout,
                    "message %r (stderr: %r)" % (text, self.messages()[-500:]))

    def screenshot(self, name):
        path = os.path.join(self.env.artifacts, name + ".png")
        subprocess.run(["import", "-window", self.wid, path], env=self.env.env, check=True,
                       timeout=30)
        return path

    def geometry(self):
        out = self.env.x("getwindowgeometry", "--shell", self.wid)
        g = dict(line.split("=", 1) for line in out.splitlines())
        return int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"])

    def click(self, x, y, button=1):
        self.env.x("mousemove", "--window", self.wid, str(x), str(y))
        self.env.x("click", str(button))

    def host_key(self, key):
        """@key for the window itself: Ctrl+Alt+Left first gives the keyboard back to the host."""
        self.env.x("windowfocus", "--sync", self.wid)
        self.env.x("key", "ctrl+alt+Left")
        time.sleep(0.3)
        self.env.x("key", key)

    def bus_name(self):
        """This vmconnect's unique name on the test's bus (its GtkApplication's actions)."""
        return app_bus_name(self.env.address, self.proc.pid)

    def actions(self, method, *args):
        """org.gtk.Actions.METHOD on the window (GtkApplicationWindow exports its actions)."""
        name = wait(self.bus_name, 30, "vmconnect on the test's bus")
        return window_actions(self.env.address, name, method, *args)

    def action_state(self, action):
        """The state of a stateful window action, as GVariant text (true, 'auto', …)."""
        out = self.actions("Describe", action)
        return re.search(r"\[<(.*)>\]\)", out).group(1)

    def quit(self):
        """SIGTERM closes the window like Ctrl+Q; returns the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(30)
        self.stderr.close()
        return status


def display_area(path):
    """The guest's screen inside a window screenshot: the biggest block of rows and columns that
    are mostly not the window's light grey chrome."""
    img = numpy.asarray(Image.open(path).convert("RGB")).astype(int)
    screen = numpy.abs(img - numpy.array([246, 245, 244])).max(axis=2) > 4

    def longest_run(mask):
        best, start = (0, 0), None
        for i, v in enumerate(list(mask) + [False]):
            if v and start is None:
                start = i
            elif not v and start is not None:
                if i - start > best[1] - best[0]:
                    best = (start, i)
                start = None
        return best

    y0, y1 = longest_run(screen.mean(axis=1) > 0.9)
    x0, x1 = longest_run(screen[y0:y1].mean(axis=0) > 0.9)
    return x0, y0, x1, y1


class Pulse:
    """A PulseAudio of the test's own (in @tmp) with two null sinks: "spk", the default sink
    (the speakers), and "mic", whose monitor is the default source (the microphone). Clients
    find it through env() (PULSE_SERVER)."""

    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "pulse")
        os.makedirs(self.dir, mode=0o700)
        env = dict(os.environ, XDG_RUNTIME_DIR=self.dir, HOME=self.dir)
        subprocess.run(["pulseaudio", "-D", "--exit-idle-time=-1", "-n", "--use-pid-file=yes",
                        "--log-target=file:" + os.path.join(tmp, "pulse.log"),
                        "--load=module-native-protocol-unix auth-anonymous=1",
                        "--load=module-null-sink sink_name=spk",
                        "--load=module-null-sink sink_name=mic",
                        "--load=module-always-sink"], env=env, check=True, timeout=30)
        with open(os.path.join(self.dir, "pulse", "pid")) as f:
            self.pid = int(f.read().strip())
        self.pactl("set-default-sink", "spk")
        self.pactl("set-default-source", "mic.monitor")

    def env(self):
        return {"XDG_RUNTIME_DIR": self.dir, "HOME": self.dir,
                "PULSE_SERVER": "unix:" + os.path.join(self.dir, "pulse", "native")}

    def pactl(self, *args):
        return subprocess.run(["pactl"] + list(args), env=dict(os.environ, **self.env()),
                              capture_output=True, text=True, check=True, timeout=30).stdout

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except OSError:
            pass
