#!/usr/bin/python3
# tests/vmconnect: vmconnect against a guest with a real SPICE agent. The desktop test guest
# (gen1-desktop.img: Xorg on the qxl device, Debian's spice-vdagentd + spice-vdagent) boots once
# under a real berthd on a private bus; vmconnect's window runs on Xvfb. Checked: the guest's X
# resolution follows the window (and the window shows the guest's screen at that size), the
# clipboard both ways with text and images (and not while the window is in the back), the
# guest's X cursor shown as the host cursor in client mouse mode, and that vmconnect stays the
# only one playing and recording for the guest once the agent is there (a PulseAudio of the
# test's own with null sinks). Prints TAP; screenshots are kept in ARTIFACTS.
#
#   test-vmc-desktop.py VMCONNECT BERTHD BERTH GUEST_DIR ARTIFACTS
#
# SPDX-License-Identifier: GPL-2.0-or-later
import base64
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time

VMCONNECT, BERTHD, BERTH, GUEST_DIR, ARTIFACTS = sys.argv[1:6]
HERE = os.path.dirname(os.path.abspath(__file__))
CLIP_PNG = os.path.join(HERE, "..", "guest", "desktop", "clip.png")

try:
    import numpy
    from PIL import Image
    from Xlib import X, display as xdisplay
    from Xlib.ext import xfixes  # noqa: F401 (registers the extension's methods)
    from vmctest import (Env, Pulse, Vmconnect, define_guest, display_area, log, run_cases, stop,
                         wait)
except ImportError as e:
    print("1..0 # SKIP needs python3-numpy, python3-pil and python3-xlib: %s" % e)
    sys.exit(77)
for tool in ("Xvfb", "xdotool", "xclip", "xlogo", "import", "dbus-daemon", "pulseaudio",
             "pactl", "pacat", "sox", "qemu-system-x86_64"):
    if shutil.which(tool) is None:
        print("1..0 # SKIP %s is not installed" % tool)
        sys.exit(77)
if not os.path.exists(os.path.join(GUEST_DIR, "gen1-desktop.img")):
    print("1..0 # SKIP the desktop test guest was not built (%s)" % GUEST_DIR)
    sys.exit(77)

STATE = {}


def serial_lines(env):
    """COM1's log up to its last complete line (a long answer may still be on its way)."""
    text = env.serial()
    return text[:text.rfind("\n") + 1]


def last_answer(text, prefix):
    """The text after the last @prefix line of @text."""
    return re.findall(re.escape(prefix) + r"([^\r\n]*)", text)[-1].strip()


def ask(env, line, timeout=90):
    """Sends a command and returns its BERTH-OK answer's detail; a BERTH-FAIL fails."""
    cmd = line.split()[0]
    ok, bad = "BERTH-OK " + cmd, "BERTH-FAIL " + cmd
    text = serial_lines(env)
    before = (text.count(ok), text.count(bad))
    env.send(line)

    def answered():
        t = serial_lines(env)
        return (t.count(ok), t.count(bad)) != before and t

    text = wait(answered, timeout, "the answer to %r" % line)
    if text.count(bad) != before[1]:
        raise AssertionError("%s: %s" % (line, last_answer(text, bad)))
    return last_answer(text, ok)


def guest_clipboard(env, command="clip-get"):
    """The guest's clipboard as its clip-get(-png) answers; None while it has nothing."""
    try:
        return ask(env, command)
    except AssertionError as e:
        log(e)
        return None


def xres(env):
    w, h = ask(env, "xres").split()[0].split("x")
    return int(w), int(h)


def host_clipboard(env, target=None):
    """What the host's CLIPBOARD holds (xclip on Xvfb), bytes; None if nothing."""
    args = ["xclip", "-selection", "clipboard", "-o"] + (["-t", target] if target else [])
    r = subprocess.run(args, env=env.env, capture_output=True, timeout=30)
    return r.stdout if r.returncode == 0 else None


def own_clipboard(env, *args):
    """Another host application copies (set-clipboard.py); returns its process."""
    owner = subprocess.Popen([sys.executable, os.path.join(HERE, "set-clipboard.py")] +
                             list(args) + ["120"], env=env.env, stdout=subprocess.PIPE,
                             text=True)
    env.procs.append(owner)
    assert owner.stdout.readline().strip() == "ready"
    return owner


def pixels(png):
    return numpy.asarray(Image.open(png).convert("RGB")).astype(int)


def focus(env, wid):
    env.x("windowactivate", "--sync", wid, check=False)
    env.x("windowfocus", "--sync", wid)
    time.sleep(1)


# --- cases -----------------------------------------------------------------------------------


def test_boot_desktop(env):
    """The desktop guest boots under berthd, vmconnect shows it, Xorg and the agent start."""
    env.berth("start", "Guest")
    # vmconnect's own debug messages (the clipboard's) land in ARTIFACTS/desktop.stderr.
    STATE["pulse"] = Pulse(env.tmp)
    vmc = Vmconnect(env, "--connect", env.address, "Guest", name="desktop",
                    environ=dict(STATE["pulse"].env(), G_MESSAGES_DEBUG="all"))
    STATE["vmc"] = vmc
    vmc.wait_title("(Running)", 120)
    env.wait_serial("BERTH-GUEST-READY gen=1", 0, 240)
    log("desktop:", ask(env, "desktop", 300))
    # Something to see: the X root in one colour.
    ask(env, "xroot #2060c0")


def display_size(vmc, name):
    """The display area's size in a window screenshot, as vmconnect asks the guest for it (the
    width a multiple of 8)."""

    def size():
        x0, y0, x1, y1 = display_area(vmc.screenshot(name))
        return x1 - x0 >= 320 and y1 - y0 >= 200 and ((x1 - x0) & ~7, y1 - y0)

    return wait(size, 30, "the guest's screen in the window")


def check_guest_shown(vmc, want, name):
    """The window shows the guest's blue X root, exactly the guest's size (no scaling)."""

    def shown():
        shot = vmc.screenshot(name)
        a = display_area(shot)
        mid = pixels(shot)[(a[1] + a[3]) // 2, (a[0] + a[2]) // 2]
        log("%s: display area %r, centre %r" % (name, a, tuple(mid)))
        return (abs(mid - numpy.array([0x20, 0x60, 0xc0])).max() < 16 and
                abs((a[2] - a[0]) - want[0]) < 8 and abs((a[3] - a[1]) - want[1]) <= 2)

    wait(shown, 30, "the window to show the guest's %dx%d blue screen" % want)


def test_resolution_follows_window(env):
    """Once the agent is there the guest's X screen takes the size of the window's display area;
    resizing the window resizes it again (twice); the window shows the guest's screen 1:1."""
    vmc = STATE["vmc"]
    want = display_size(vmc, "resize-0")
    log("display area %dx%d, guest %dx%d" % (*want, *xres(env)))
    wait(lambda: xres(env) == want, 180,
         "the guest's X screen to take the window's size %dx%d" % want)
    check_guest_shown(vmc, want, "resize-0-shown")
    for i, (w, h) in enumerate(((900, 700), (760, 640)), 1):
        before = xres(env)
        env.x("windowsize", "--sync", vmc.wid, str(w), str(h))
        time.sleep(1)
        want = display_size(vmc, "resize-%d" % i)
        log("window %dx%d: display area %dx%d, guest %dx%d" % (w, h, *want, *before))
        assert want != before, "the guest already had the size to be checked: %r" % (before,)
        wait(lambda: xres(env) == want, 120,
             "the guest's X screen to become %dx%d (it is %r)" % (*want, xres(env)))
        check_guest_shown(vmc, want, "resize-%d-shown" % i)


CLIP_TEXT = "host to guest: ümlaut & <tags> 42"
CLIP_BACK = "guest-to-host-#7"


def test_clipboard_text(env):
    """Host → guest only while the window has the focus (the default); guest → host."""
    vmc = STATE["vmc"]
    other = subprocess.Popen(["xlogo", "-geometry", "200x150+900+700"], env=env.env)
    env.procs.append(other)
    STATE["xlogo"] = other
    other_wid = wait(lambda: env.x("search", "--onlyvisible", "--class", "xlogo",
                                   check=False).split()[:1], 30, "xlogo's window")[0]
    focus(env, vmc.wid)
    owner = own_clipboard(env, "first copy")
    wait(lambda: "first copy" in (guest_clipboard(env) or ""), 60, "the guest to get 'first copy'")
    # In the back: nothing goes to the guest...
    focus(env, other_wid)
    owner2 = own_clipboard(env, CLIP_TEXT)
    stop(owner)
    time.sleep(5)
    got = guest_clipboard(env)
    assert CLIP_TEXT not in (got or ""), "the clipboard went to the guest while in the back: %r" % got
    # ...until the window has the focus again.
    focus(env, vmc.wid)
    wait(lambda: CLIP_TEXT in (guest_clipboard(env) or ""), 60, "the guest to get %r" % CLIP_TEXT)
    stop(owner2)
    # Guest → host.
    ask(env, "clip-set " + CLIP_BACK)
    wait(lambda: host_clipboard(env) == CLIP_BACK.encode(), 60,
         "the host clipboard to hold %r (it holds %r)" % (CLIP_BACK, host_clipboard(env)))


def test_clipboard_image(env):
    """An image copied in the guest is a PNG on the host's clipboard with the same pixels, and an
    image copied on the host reaches the guest's clipboard."""
    focus(env, STATE["vmc"].wid)
    ask(env, "clip-set-png")

    def host_png():
        data = host_clipboard(env, "image/png")
        return data if data and data.startswith(b"\x89PNG") else None

    data = wait(host_png, 60, "a PNG on the host clipboard")
    got = pixels(io.BytesIO(data))
    want = pixels(CLIP_PNG)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert abs(got - want).max() <= 2, "the image's pixels differ"
    # Host → guest: a different picture (the test image turned upside down).
    flipped = os.path.join(ARTIFACTS, "clip-flipped.png")
    Image.open(CLIP_PNG).transpose(Image.FLIP_TOP_BOTTOM).save(flipped)
    owner = own_clipboard(env, "--png", flipped)

    def guest_png():
        answer = guest_clipboard(env, "clip-get-png")
        if answer is None:
            return None
        size, _, b64 = answer.split()
        back = pixels(io.BytesIO(base64.b64decode(b64, validate=True)))
        log("guest clipboard image %s" % size)
        return back.shape == want.shape and abs(back - pixels(flipped)).max() <= 2

    wait(guest_png, 60, "the guest's clipboard to hold the flipped image")
    stop(owner)


def cursor_mask(env):
    """The opaque pixels of the host's current cursor (XFixes on Xvfb), cropped to them."""
    d = xdisplay.Display(env.display)
    try:
        d.xfixes_query_version()
        img = d.xfixes_get_cursor_image(d.screen().root)
        argb = numpy.array(img.cursor_image, dtype=numpy.uint32).reshape(img.height, img.width)
    finally:
        d.close()
    mask = (argb >> 24) > 127
    ys, xs = numpy.nonzero(mask)
    if len(xs) == 0:
        return mask
    return mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def font_cursor_mask(env, glyph):
    """The mask of the X cursor font's @glyph (its opaque pixels), drawn by Xvfb into a bitmap:
    the reference for the cursor the guest's X server makes from the same font."""
    d = xdisplay.Display(env.display)
    try:
        font = d.open_font("cursor")
        bitmap = d.screen().root.create_pixmap(128, 128, 1)
        gc = bitmap.create_gc(foreground=0, background=0, font=font)
        bitmap.fill_rectangle(gc, 0, 0, 128, 128)
        gc.change(foreground=1)
        # A cursor glyph's mask is the next glyph of the font.
        bitmap.poly_text(gc, 32, 64, [bytes([glyph + 1])])
        img = bitmap.get_image(0, 0, 128, 128, X.ZPixmap, 0xFFFFFFFF)
    finally:
        d.close()
    rows = numpy.frombuffer(img.data, dtype=numpy.uint8).reshape(128, -1)
    mask = numpy.unpackbits(rows, axis=1, bitorder="little")[:, :128] > 0
    ys, xs = numpy.nonzero(mask)
    return mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def matches(env, reference, name):
    """The host cursor's mask has @reference's shape; saved as ARTIFACTS/cursor-@name.png."""
    mask = cursor_mask(env)
    Image.fromarray((mask * 255).astype(numpy.uint8)).save(
        os.path.join(ARTIFACTS, "cursor-%s.png" % name))
    log("cursor %s: %r, expected %r" % (name, mask.shape, reference.shape))
    return same_shape(mask, reference)


def same_shape(a, b):
    if abs(a.shape[0] - b.shape[0]) > 1 or abs(a.shape[1] - b.shape[1]) > 1:
        return False
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:h, :w], b[:h, :w]
    return (a & b).sum() / max((a | b).sum(), 1) > 0.85


XC_X_CURSOR, XC_WATCH = 0, 150  # glyph numbers in the X cursor font


def test_cursor(env):
    """The guest's X cursor (xsetroot -cursor_name) is the host cursor over the window."""
    vmc = STATE["vmc"]
    watch = font_cursor_mask(env, XC_WATCH)
    xcur = font_cursor_mask(env, XC_X_CURSOR)
    assert not same_shape(watch, xcur)
    focus(env, vmc.wid)
    x0, y0, x1, y1 = display_area(vmc.screenshot("cursor-before"))
    env.x("mousemove", "--window", vmc.wid, str((x0 + x1) // 2), str((y0 + y1) // 2))
    # The guest's root window starts with the X server's default cursor, the X.
    ask(env, "xcursor X_cursor")
    wait(lambda: matches(env, xcur, "X_cursor"), 60, "the guest's X cursor over the window")
    ask(env, "xcursor watch")
    wait(lambda: matches(env, watch, "watch"), 60, "the guest's watch cursor")
    env.x("mousemove", "--window", vmc.wid, str((x0 + x1) // 2 + 40), str((y0 + y1) // 2 + 20))
    time.sleep(1)
    assert matches(env, watch, "watch-moved")


def streams(pulse, kind):
    """The PulseAudio streams (sink-inputs or source-outputs) by client, as "NAME (CORKED)"."""
    out = pulse.pactl("list", kind)
    found = []
    for block in out.split("\n\n"):
        name = re.search(r"application.name = \"([^\"]*)\"", block)
        corked = re.search(r"Corked: (\w+)", block)
        if name:
            found.append("%s (corked: %s)" % (name.group(1), corked.group(1) if corked else "?"))
    return found


def test_agent_audio(env):
    """With the agent connected, vmconnect is still the only one playing and recording for the
    guest: spice-client-glib starts its own GStreamer audio when an agent that syncs volumes
    connects, which would play the guest's sound a second time and record the microphone
    whatever the toolbar says. Microphone off (the default): the guest records silence although
    a 600 Hz tone plays into the microphone; the guest's tone is one PulseAudio stream."""
    pulse = STATE["pulse"]
    ask(env, "mixer")
    tone = subprocess.Popen(
        "sox -q -n -t raw -r 48000 -e signed -b 16 -c 1 - synth 60 sine 600 vol 0.5 | "
        "pacat -d mic --raw --format=s16le --rate=48000 --channels=1",
        shell=True, env=dict(os.environ, **pulse.env()), start_new_session=True)
    try:
        answer = ask(env, "record 3", 90)
        log("microphone off: %s; recording: %r" % (answer, streams(pulse, "source-outputs")))
        peak = int(re.match(r"(\d+) Hz peak (\d+)", answer).group(2))
        assert peak < 1000, "the guest hears the microphone while it is off: %s" % answer
    finally:
        os.killpg(tone.pid, signal.SIGTERM)
        tone.wait(10)
    # The guest plays: how many streams play it?
    text = serial_lines(env)
    before = text.count("BERTH-OK tone") + text.count("BERTH-FAIL tone")
    env.send("tone 1000 3")
    most = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        playing = [s for s in streams(pulse, "sink-inputs") if "corked: no" in s]
        if len(playing) > len(most):
            most = playing
        text = serial_lines(env)
        if text.count("BERTH-OK tone") + text.count("BERTH-FAIL tone") > before:
            break
        time.sleep(0.3)
    log("playing the guest's tone: %r" % most)
    assert "BERTH-OK tone" in text.split("BERTH-GUEST-READY")[-1], "the guest could not play"
    assert len(most) == 1, "the guest's sound is played by %r" % most


TESTS = [test_boot_desktop, test_resolution_follows_window, test_clipboard_text,
         test_clipboard_image, test_cursor, test_agent_audio]


def main():
    global TESTS
    # VMC_DESKTOP_TESTS=boot-desktop,cursor runs only those (by hand, while working on one).
    only = os.environ.get("VMC_DESKTOP_TESTS")
    if only:
        TESTS = [t for t in TESTS if t.__name__[5:].replace("_", "-") in only.split(",")]
    os.makedirs(ARTIFACTS, exist_ok=True)
    print("1..%d" % len(TESTS), flush=True)
    env = Env(BERTHD, BERTH, VMCONNECT, ARTIFACTS)
    failed = 0
    try:
        env.start()
        define_guest(env, GUEST_DIR, "gen1-desktop.img")
        failed = run_cases(env, TESTS, test_boot_desktop, "the desktop guest did not start")
        if failed:
            # What the guest's X server and agents said.
            try:
                env.command("run tail -n 30 /tmp/Xorg.log /tmp/messages /tmp/vdagent.log",
                            "BERTH-OK run", 30)
                for line in env.serial().splitlines()[-80:]:
                    log("guest:", line)
            except Exception as e:
                log("cannot read the guest's logs: %s" % e)
    finally:
        shutil.copyfile(os.path.join(env.tmp, "berthd.log"), os.path.join(ARTIFACTS,
                                                                          "desktop-berthd.log"))
        env.close()
        if "pulse" in STATE:
            STATE["pulse"].close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
