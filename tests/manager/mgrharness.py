# tests/manager/mgrharness.py: the world Berth Manager's tests and benchmark run in: Xvfb, a
# private D-Bus daemon (berthd's bus and the app's session bus), the AT-SPI bus, a real berthd
# with a temporary state dir, and the real berth-manager driven through AT-SPI as a person
# would (find by role and name, press buttons, type with xdotool). Every process started here is
# ended by its pid in close().
#
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import shutil
import signal
import subprocess
import tempfile
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


class Harness:
    def __init__(self, build, source, prefix="test-manager-", bus_config=None, a11y=True):
        self.build = build
        self.source = source
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.state = os.path.join(self.tmp, "state")
        self.runtime = os.path.join(self.tmp, "run")
        os.makedirs(self.runtime, mode=0o700)
        self.berth_exe = os.path.join(build, "hypervisor", "cli", "berth")
        self.berthd_exe = os.path.join(build, "hypervisor", "berthd")
        self.manager_exe = os.path.join(build, "manager-ui", "berth-manager")
        self.procs = []
        self.berthd = None
        self.manager = None
        self.env = dict(os.environ)
        for k in ("DBUS_SESSION_BUS_ADDRESS", "BERTH_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS",
                  "NO_AT_BRIDGE", "WAYLAND_DISPLAY", "DISPLAY", "GTK_A11Y"):
            self.env.pop(k, None)
        self.env.update({
            "XDG_RUNTIME_DIR": self.runtime,
            "HOME": self.tmp,
            "XDG_CONFIG_HOME": os.path.join(self.tmp, "config"),
            "XDG_DATA_HOME": os.path.join(self.tmp, "data"),
            "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
            "GSETTINGS_SCHEMA_DIR": os.path.join(build, "data"),
            "GSETTINGS_BACKEND": "memory",
            "GDK_BACKEND": "x11",
            "GSK_RENDERER": "cairo",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "LANGUAGE": "",
        })
        self._start_x()
        self._start_bus(bus_config)
        if a11y:
            self._start_a11y()

    # --- processes -------------------------------------------------------------------------
    def spawn(self, argv, log, **kw):
        f = open(os.path.join(self.tmp, log), "a")
        p = subprocess.Popen(argv, env=self.env, stdout=f, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, **kw)
        self.procs.append(p)
        return p

    def _start_x(self):
        # A display number of our own: other test runs share /tmp/.X11-unix and its locks.
        import random
        log = open(os.path.join(self.tmp, "xvfb.log"), "w")
        for _ in range(50):
            n = random.randint(100, 899)
            if os.path.exists("/tmp/.X%d-lock" % n) or os.path.exists("/tmp/.X11-unix/X%d" % n):
                continue
            self.xvfb = subprocess.Popen(
                # No key repeat: a loaded machine must not turn one key press into several.
                # No reset: a client connecting just as the last one leaves must not meet a
                # server in the middle of resetting ("cannot open display").
                ["Xvfb", ":%d" % n, "-screen", "0", "1400x900x24", "-nolisten", "tcp", "-r",
                 "-noreset"],
                stdout=subprocess.DEVNULL, stderr=log)
            # Up to 60 s: a loaded machine can take long to start Xvfb; DISPLAY must not be
            # used before the server listens.
            for _ in range(1200):
                if os.path.exists("/tmp/.X11-unix/X%d" % n) or self.xvfb.poll() is not None:
                    break
                time.sleep(0.05)
            if self.xvfb.poll() is None and os.path.exists("/tmp/.X11-unix/X%d" % n):
                self.procs.append(self.xvfb)
                self.env["DISPLAY"] = ":%d" % n
                return
            if self.xvfb.poll() is None:  # never listened: ours to end
                self.xvfb.kill()
                self.xvfb.wait()
        raise RuntimeError("Xvfb did not start: " + open(log.name).read())

    def _start_bus(self, config=None):
        kind = ["--config-file=" + config] if config else ["--session"]
        self.bus = subprocess.Popen(["dbus-daemon"] + kind + ["--nofork", "--print-address"],
                                    stdout=subprocess.PIPE, text=True, env=self.env)
        self.procs.append(self.bus)
        self.address = self.bus.stdout.readline().strip()
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.address
        self.env["BERTH_BUS_ADDRESS"] = self.address

    def _start_a11y(self):
        # The session bus starts at-spi-bus-launcher (org.a11y.Bus) on the first request, as in
        # a desktop session; it then runs the a11y bus and the registry, which GTK and this
        # process (an assistive technology) use.
        for _ in range(200):
            r = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus",
                                "/org/a11y/bus", "org.a11y.Bus.GetAddress"],
                               env=self.env, capture_output=True, text=True)
            if r.returncode == 0 and "string" in r.stdout:
                self.a11y_address = r.stdout.split('"')[1]
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("the AT-SPI bus did not start")
        r = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                            "/org/freedesktop/DBus", "org.freedesktop.DBus.GetConnectionUnixProcessID",
                            "string:org.a11y.Bus"], env=self.env, capture_output=True, text=True)
        self.a11y_pid = int(r.stdout.split()[-1]) if r.returncode == 0 else None
        os.environ["DISPLAY"] = self.env["DISPLAY"]
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = self.address
        os.environ["AT_SPI_BUS_ADDRESS"] = self.a11y_address
        self.env["AT_SPI_BUS_ADDRESS"] = self.a11y_address
        Atspi.init()

    def start_berthd(self, wait=True):
        self.berthd = self.spawn(
            [self.berthd_exe, "--bus", self.address, "--state-dir", self.state, "--runtime-dir",
             self.runtime, "--accel", "tcg", "--log-level", "info"], "berthd.log")
        if wait:
            self.wait(lambda: self.berth("host", check=False).returncode == 0, 30, "berthd")

    def stop_berthd(self, sig=signal.SIGTERM):
        if self.berthd is not None and self.berthd.poll() is None:
            self.berthd.send_signal(sig)
            self.berthd.wait(20)
        self.berthd = None

    def start_manager(self, *args, extra_env=None):
        env = dict(self.env)
        env.update(extra_env or {})
        f = open(os.path.join(self.tmp, "manager.log"), "a")
        prefix = []
        if os.environ.get("BERTH_TEST_GDB"):  # a backtrace in manager.log if it crashes
            prefix = ["gdb", "-batch", "-ex", "run", "-ex", "bt 50", "--args"]
        self.manager = subprocess.Popen(prefix + [self.manager_exe] + list(args), env=env, stdout=f,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.procs.append(self.manager)
        return self.manager

    def berth(self, *args, check=True, timeout=120):
        r = subprocess.run([self.berth_exe, "--connect", self.address] + list(args),
                           capture_output=True, text=True, timeout=timeout, env=self.env)
        if check and r.returncode != 0:
            raise AssertionError("berth %s failed: %s" % (" ".join(args), r.stderr))
        return r

    def define(self, name, generation=2, memory=64, extra=""):
        path = os.path.join(self.tmp, name + ".xml")
        with open(path, "w") as f:
            f.write('<vm generation="%d">\n  <name>%s</name>\n  <memory startup="%d" unit="MiB"/>\n'
                    '%s</vm>\n' % (generation, name, memory, extra))
        return self.berth("define", path)

    def close(self):
        if self.berthd is not None and self.berthd.poll() is None:
            self.berthd.send_signal(signal.SIGKILL)
        # QEMU processes berthd started are ours: end them by their pid files.
        for root, dirs, names in os.walk(self.runtime):
            for n in names:
                if n.endswith(".pid"):
                    try:
                        pid = int(open(os.path.join(root, n)).read().strip())
                        os.kill(pid, signal.SIGKILL)
                    except (ValueError, OSError):
                        pass
        if getattr(self, "a11y_pid", None):
            try:
                os.kill(self.a11y_pid, signal.SIGTERM)
            except OSError:
                pass
        for p in reversed(self.procs):
            if p.poll() is None:
                p.kill()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    pass

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- waiting and looking -----------------------------------------------------------------
    @staticmethod
    def wait(cond, timeout, what, interval=0.05):
        end = time.monotonic() + timeout
        while True:
            v = cond()
            if v:
                return v
            if time.monotonic() > end:
                raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
            time.sleep(interval)

    def screenshot(self, name):
        path = os.path.join(self.artifacts_dir(), name)
        subprocess.run(["import", "-window", "root", path], env=self.env, check=False,
                       capture_output=True)
        return path

    def artifacts_dir(self):
        d = os.environ.get("BERTH_TEST_ARTIFACTS") or os.path.join(self.build, "tests",
                                                                  "manager", "artifacts")
        os.makedirs(d, exist_ok=True)
        return d

    def window_origin(self, title="Berth Manager"):
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^%s$" % title, "getwindowgeometry",
                            "--shell"], env=self.env, capture_output=True, text=True)
        vals = dict(line.split("=", 1) for line in r.stdout.split() if "=" in line)
        return int(vals.get("X", 0)), int(vals.get("Y", 0))

    def key(self, *keys):
        subprocess.run(["xdotool", "key", "--clearmodifiers"] + list(keys), env=self.env,
                       check=True)

    def type(self, text):
        subprocess.run(["xdotool", "type", "--delay", "20", text], env=self.env, check=True)


# --- AT-SPI helpers -----------------------------------------------------------------------------
def app(name="berth-manager"):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        a = desktop.get_child_at_index(i)
        if a is not None and a.get_name() == name:
            return a
    return None


def walk(node, depth=0, max_depth=60):
    if node is None or depth > max_depth:
        return
    yield node
    try:
        n = node.get_child_count()
    except Exception:
        return
    for i in range(n):
        try:
            c = node.get_child_at_index(i)
        except Exception:
            continue
        yield from walk(c, depth + 1, max_depth)


def showing(node):
    """The node and every ancestor up to the window are visible (GTK 4.8 sets no SHOWING)."""
    try:
        while node is not None and node.get_role_name() != "application":
            if not node.get_state_set().contains(Atspi.StateType.VISIBLE):
                return False
            node = node.get_parent()
        return True
    except Exception:
        return False


def find_all(root, role=None, name=None, visible=True):
    # What libatspi cached may lag behind the window: ask the app afresh.
    try:
        root.clear_cache()
    except Exception:
        pass
    out = []
    for n in walk(root):
        try:
            if role is not None and n.get_role_name() != role:
                continue
            if name is not None and n.get_name() != name:
                continue
        except Exception:
            continue
        if visible and not showing(n):
            continue
        out.append(n)
    return out


def find(root, role=None, name=None, visible=True):
    r = find_all(root, role, name, visible)
    return r[0] if r else None


def press(node):
    action = node.get_action_iface()
    if action is None:
        raise AssertionError("%s has no action" % node.get_name())
    action.do_action(0)


def text_of(node):
    """A label's text: GTK 4.8 names labels by their text, or by their type when empty."""
    name = node.get_name()
    return "" if name == "GtkLabel" else name


def dump(root, path):
    with open(path, "w") as f:
        def rec(n, d):
            if d > 40:
                return
            try:
                f.write("%s%s %r %s\n" % ("  " * d, n.get_role_name(), n.get_name(),
                                         "S" if showing(n) else ""))
                for i in range(n.get_child_count()):
                    rec(n.get_child_at_index(i), d + 1)
            except Exception as e:
                f.write("%s<error %s>\n" % ("  " * d, e))
        rec(root, 0)
