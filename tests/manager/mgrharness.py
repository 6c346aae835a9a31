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
import sys
import tempfile
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import berthtest  # noqa: E402


class Harness:
    """Xvfb, a private bus, the AT-SPI bus (with @a11y) and berthd (tests/berthtest.py, not
    started: self.berthd.start()) in a temporary folder, and the app's environment (self.env)
    pointing at them."""

    def __init__(self, build, source, prefix="test-manager-", bus_config=None, a11y=True):
        self.build = build
        self.source = source
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.state = os.path.join(self.tmp, "state")
        self.runtime = os.path.join(self.tmp, "run")
        os.makedirs(self.runtime, mode=0o700)
        self.manager_exe = os.path.join(build, "manager-ui", "berth-manager")
        self.procs = []
        self.manager = None
        self.bus = self.xvfb = None
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
        # No key repeat (-r): a loaded machine must not turn one key press into several.
        self.xvfb = berthtest.Xvfb(size="1400x900x24", args=["-r"],
                                   log=os.path.join(self.tmp, "xvfb.log"))
        self.env["DISPLAY"] = self.xvfb.display
        # berthd's bus is also the app's session bus (bus activation starts the AT-SPI bus).
        self.bus = berthtest.Bus(bus_config, env=self.env)
        self.address = self.bus.address
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.address
        self.env["BERTH_BUS_ADDRESS"] = self.address
        # berthd and the CLI run with the app's environment (this very dict, as it changes).
        self.berthd = berthtest.Berthd(os.path.join(build, "hypervisor", "berthd"),
                                       os.path.join(build, "hypervisor", "cli", "berth"),
                                       tmp=self.tmp, bus=self.bus, env=self.env,
                                       berth_timeout=120)
        self.berth = self.berthd.berth
        if a11y:
            self._start_a11y()

    # --- processes -------------------------------------------------------------------------
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

    def define(self, name, generation=2, memory=64, extra=""):
        path = os.path.join(self.tmp, name + ".xml")
        with open(path, "w") as f:
            f.write('<vm generation="%d">\n  <name>%s</name>\n  <memory startup="%d" unit="MiB"/>\n'
                    '%s</vm>\n' % (generation, name, memory, extra))
        return self.berth("define", path)

    def close(self):
        # berthd killed, its QEMU workers ended by their pid files.
        self.berthd.close()
        if getattr(self, "a11y_pid", None):
            try:
                os.kill(self.a11y_pid, signal.SIGTERM)
            except OSError:
                pass
        for p in reversed(self.procs):
            berthtest.stop_process(p, signal.SIGKILL, 10)
        self.bus.close()
        self.xvfb.close()

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- waiting and looking -----------------------------------------------------------------
    wait = staticmethod(berthtest.wait)

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
