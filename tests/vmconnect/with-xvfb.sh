#!/bin/sh
# Runs a command on a private Xvfb (its own display number) and stops that Xvfb afterwards.
# Exits 77 (skip) when Xvfb is not installed.
command -v Xvfb >/dev/null 2>&1 || { echo "Xvfb is not installed: skipping"; exit 77; }
dir=$(mktemp -d)
trap 'kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$dir/display" 2>"$dir/xvfb.log" &
xvfb=$!
i=0
while [ ! -s "$dir/display" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
[ -s "$dir/display" ] || { echo "Xvfb did not start:"; cat "$dir/xvfb.log"; exit 1; }
DISPLAY=:$(cat "$dir/display")
export DISPLAY
unset WAYLAND_DISPLAY
GDK_BACKEND=x11
export GDK_BACKEND
"$@"
