#!/usr/bin/python3
# tests/vmconnect: owns the X clipboard with TEXT for SECONDS (GTK 4), so that vmconnect's
# "Type clipboard text" has something to read.  set-clipboard.py TEXT SECONDS
#
# SPDX-License-Identifier: GPL-2.0-or-later
import sys

import gi

gi.require_version("Gdk", "4.0")
gi.require_version("Gtk", "4.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

Gtk.init()
display = Gdk.Display.get_default()
display.get_clipboard().set(sys.argv[1])
loop = GLib.MainLoop()
GLib.timeout_add(int(float(sys.argv[2]) * 1000), loop.quit)
print("ready", flush=True)
loop.run()
