#!/usr/bin/env python3
# tests/manager: Berth Manager started without its GSettings schema installed (as from the build
# tree without GSETTINGS_SCHEMA_DIR) keeps running instead of GLib aborting on the missing
# schema, and says so once on stderr. Its own Xvfb and private bus; no berthd (the window then
# says how to start it). Prints TAP.
#
#   test-manager-no-schema.py BERTH_MANAGER
#
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import berthtest  # noqa: E402

MANAGER = sys.argv[1]
MESSAGE = "The GSettings schema org.berth.Manager is not installed"


def main():
    for tool in ("Xvfb", "dbus-daemon"):
        if shutil.which(tool) is None:
            print("1..0 # SKIP %s is not installed" % tool)
            return 0
    print("1..1")
    tmp = tempfile.mkdtemp(prefix="test-manager-no-schema-")
    xvfb = bus = manager = None
    try:
        xvfb = berthtest.Xvfb(log=os.path.join(tmp, "xvfb.log"))
        bus = berthtest.Bus()
        env = {k: v for k, v in os.environ.items()
               if k not in ("GSETTINGS_SCHEMA_DIR", "G_MESSAGES_DEBUG", "WAYLAND_DISPLAY")}
        env.update(DISPLAY=xvfb.display, DBUS_SESSION_BUS_ADDRESS=bus.address,
                   BERTH_BUS_ADDRESS=bus.address, GSETTINGS_BACKEND="memory", GTK_A11Y="none",
                   GDK_BACKEND="x11", XDG_CONFIG_HOME=os.path.join(tmp, "config"),
                   XDG_DATA_HOME=os.path.join(tmp, "data"), LC_ALL="C.UTF-8", LANGUAGE="")
        # The schema must really be missing from where GLib looks, or this tests nothing.
        r = subprocess.run(["gsettings", "list-keys", "org.berth.Manager"], env=env,
                           capture_output=True, text=True)
        assert r.returncode != 0, "org.berth.Manager is installed on this machine: %r" % r.stdout
        stderr_path = os.path.join(tmp, "stderr")
        with open(stderr_path, "w") as err:
            manager = subprocess.Popen([MANAGER], env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=err)

        def said():
            with open(stderr_path) as f:
                return MESSAGE in f.read()

        berthtest.wait(lambda: said() or manager.poll() is not None, 30, "the manager's word")
        # Its window is up and stays: the schema's absence is not fatal.
        time.sleep(2)
        assert manager.poll() is None, "berth-manager exited with %d: %s" % (
            manager.returncode, open(stderr_path).read())
        berthtest.stop_process(manager)
        text = open(stderr_path).read()
        assert text.count(MESSAGE) == 1, "said %d times: %r" % (text.count(MESSAGE), text)
        assert text.startswith("berth-manager: " + MESSAGE), text
        print("ok 1 runs without its schema and says so once")
        return 0
    except AssertionError as e:
        print("not ok 1 runs without its schema and says so once")
        for line in str(e).splitlines():
            print("# " + line)
        return 1
    finally:
        if manager is not None:
            berthtest.stop_process(manager)
        if bus is not None:
            bus.close()
        if xvfb is not None:
            xvfb.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
