#!/usr/bin/python3
# tests/vmconnect: owns the X clipboard with TEXT (or the image in a PNG file) for SECONDS
# (GTK 4), like another application that copied it.
#   set-clipboard.py TEXT SECONDS
#   set-clipboard.py --png FILE SECONDS
#
# SPDX-License-Identifier: GPL-2.0-or-later
import sys

import gi

gi.require_version("Gdk", "4.0")
gi.require_version("Gtk", "4.0")
from gi.repository import Gdk, GLib, GObject, Gtk  # noqa: E402

Gtk.init()
display = Gdk.Display.get_default()
if sys.argv[1] == "--png":
    # As a GdkTexture (not its subclass, which has no serializers): offered as image/png etc.
    texture = GObject.Value(Gdk.Texture, Gdk.Texture.new_from_filename(sys.argv[2]))
    display.get_clipboard().set_content(Gdk.ContentProvider.new_for_value(texture))
else:
    display.get_clipboard().set(sys.argv[1])
loop = GLib.MainLoop()
GLib.timeout_add(int(float(sys.argv[-1]) * 1000), loop.quit)
print("ready", flush=True)
loop.run()
