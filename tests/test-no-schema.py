#!/usr/bin/env python3
# tests: a GUI program (Berth Manager, vmconnect) started without its GSettings schema installed
# (as from the build tree without GSETTINGS_SCHEMA_DIR) keeps running instead of GLib aborting on
# the missing schema, and says so once on stderr, as "PROGRAM: The GSettings schema SCHEMA is not
# installed…". Its own Xvfb and private bus; no berthd (the window then says how to start it).
# Prints TAP.
#
#   test-no-schema.py SCHEMA PROGRAM [ARG…]
#
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import berthtest  # noqa: E402

SCHEMA, PROGRAM = sys.argv[1], sys.argv[2:]
NAME = os.path.basename(PROGRAM[0])
MESSAGE = "The GSettings schema %s is not installed" % SCHEMA


def main():
    for tool in ("Xvfb", "dbus-daemon"):
        if shutil.which(tool) is None:
            print("1..0 # SKIP %s is not installed" % tool)
            return 0
    print("1..1")
    tmp = tempfile.mkdtemp(prefix="test-no-schema-")
    xvfb = bus = program = None
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
        r = subprocess.run(["gsettings", "list-keys", SCHEMA], env=env,
                           capture_output=True, text=True)
        assert r.returncode != 0, "%s is installed on this machine: %r" % (SCHEMA, r.stdout)
        stderr_path = os.path.join(tmp, "stderr")
        with open(stderr_path, "w") as err:
            program = subprocess.Popen(PROGRAM, env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=err)

        def said():
            with open(stderr_path) as f:
                return MESSAGE in f.read()

        berthtest.wait(lambda: said() or program.poll() is not None, 30, NAME + "'s word")
        # Its window is up and stays: the schema's absence is not fatal.
        time.sleep(2)
        assert program.poll() is None, "%s exited with %d: %s" % (
            NAME, program.returncode, open(stderr_path).read())
        berthtest.stop_process(program)
        text = open(stderr_path).read()
        assert text.count(MESSAGE) == 1, "said %d times: %r" % (text.count(MESSAGE), text)
        assert any(line.startswith(NAME + ": " + MESSAGE) for line in text.splitlines()), text
        print("ok 1 runs without its schema and says so once")
        return 0
    except AssertionError as e:
        print("not ok 1 runs without its schema and says so once")
        for line in str(e).splitlines():
            print("# " + line)
        return 1
    finally:
        if program is not None:
            berthtest.stop_process(program)
        if bus is not None:
            bus.close()
        if xvfb is not None:
            xvfb.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
