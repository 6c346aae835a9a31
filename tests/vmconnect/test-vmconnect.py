#!/usr/bin/python3
# tests/vmconnect: the real vmconnect window under Xvfb, on a private bus with a real berthd and
# the test guest (one boot shared by every case, Generation 1 under TCG). Driven as a person would
# with xdotool; what the window shows is compared with berthd's own screenshot of the guest.
# Prints TAP. Screenshots are kept in ARTIFACTS. vmconnect's settings live in a keyfile in the
# test's own XDG_CONFIG_HOME (schema from $GSETTINGS_SCHEMA_DIR, the build's data/), never in the
# user's dconf. Full screen runs under openbox (an EWMH window manager) started by that case.
#
#   test-vmconnect.py VMCONNECT BERTHD BERTH GUEST_DIR ARTIFACTS
#
# SPDX-License-Identifier: GPL-2.0-or-later
import glob
import os
import re
import shutil
import subprocess
import sys
import time

VMCONNECT, BERTHD, BERTH, GUEST_DIR, ARTIFACTS = sys.argv[1:6]

try:
    import numpy
    from PIL import Image
    from vmctest import Env, Vmconnect, define_guest, display_area, log, run_cases, stop, wait
    import berthtest  # tests/, put on the path by vmctest
except ImportError as e:
    print("1..0 # SKIP needs python3-numpy and python3-pil: %s" % e)
    sys.exit(77)
for tool in ("Xvfb", "xdotool", "import", "dbus-daemon", "qemu-system-x86_64"):
    if shutil.which(tool) is None:
        print("1..0 # SKIP %s is not installed" % tool)
        sys.exit(77)
if not os.path.exists(os.path.join(GUEST_DIR, "gen1.img")):
    print("1..0 # SKIP the test guest was not built (%s)" % GUEST_DIR)
    sys.exit(77)

KEYS_TEXT = 'Hello, World! @#$%^&*()_+{}|:"<>?~`-=[]\\;\',./'


def correlation_at(window_png, box, guest_png):
    """Correlation of the part @box of a window screenshot with berthd's screenshot, both
    scaled to 256x192 grayscale."""
    a = Image.open(window_png).convert("L").crop(box).resize((256, 192), Image.BILINEAR)
    b = Image.open(guest_png).convert("L").resize((256, 192), Image.BILINEAR)
    a = numpy.asarray(a, dtype=float).ravel()
    b = numpy.asarray(b, dtype=float).ravel()
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(numpy.corrcoef(a, b)[0, 1])


def correlation(window_png, guest_png, flip=False):
    """Correlation of the window's view of the guest's screen with berthd's screenshot of it,
    both cropped and scaled to 256x192 grayscale."""
    x0, y0, x1, y1 = display_area(window_png)
    assert x1 - x0 > 200 and y1 - y0 > 150, "no screen in the window: %r" % ((x0, y0, x1, y1),)
    # The guest's screen is fitted into the display keeping its aspect ratio, centred.
    gw, gh = Image.open(guest_png).size
    scale = min((x1 - x0) / gw, (y1 - y0) / gh)
    x0 += int(((x1 - x0) - gw * scale) // 2)
    y0 += int(((y1 - y0) - gh * scale) // 2)
    x1, y1 = x0 + round(gw * scale), y0 + round(gh * scale)
    a = Image.open(window_png).convert("L").crop((x0, y0, x1, y1)).resize((256, 192),
                                                                          Image.BILINEAR)
    b = Image.open(guest_png).convert("L").resize((256, 192), Image.BILINEAR)
    if flip:
        b = b.transpose(Image.FLIP_LEFT_RIGHT)
    a = numpy.asarray(a, dtype=float).ravel()
    b = numpy.asarray(b, dtype=float).ravel()
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(numpy.corrcoef(a, b)[0, 1])


def check_screen(env, vmc, text, name):
    """The guest writes @text; the window shows what berthd's screenshot shows."""
    env.command("screen " + text, "BERTH-OK screen")
    time.sleep(1.5)  # a frame or two under TCG
    guest = os.path.join(ARTIFACTS, name + "-guest.png")
    env.berth("screenshot", "Guest", guest)

    def matches():
        window = vmc.screenshot(name + "-window")
        r = correlation(window, guest)
        log("%s: correlation %.3f" % (name, r))
        return r > 0.9

    wait(matches, 30, "the window to show %r like berthd's screenshot" % text)
    # And the check can fail: the mirrored screen does not match.
    assert correlation(os.path.join(ARTIFACTS, name + "-window.png"), guest, flip=True) < 0.8


# --- cases -----------------------------------------------------------------------------------


def test_unknown_vm(env):
    """An unknown VM: a message in the window and on stderr, exit status 1 once closed."""
    vmc = Vmconnect(env, "--connect", env.address, "No Such VM", name="unknown-vm")
    vmc.wait_message("No Such VM")
    vmc.screenshot("unknown-vm")
    assert vmc.quit() == 1


def test_no_berthd(env):
    """A bus without berthd: it says so and waits; an unreachable bus: it says so."""
    empty = berthtest.Bus()
    env.procs.append(empty.proc)
    vmc = Vmconnect(env, "--connect", empty.address, "Guest", name="no-berthd")
    vmc.wait_message("berthd is not running on this bus")
    vmc.screenshot("no-berthd")
    assert vmc.quit() == 1
    empty.close()
    vmc = Vmconnect(env, "--connect", "unix:path=" + os.path.join(env.tmp, "no-bus"), "Guest",
                    name="no-bus")
    vmc.wait_message("Cannot connect to berthd's bus")
    assert vmc.quit() == 1


def test_bad_uri(env):
    """A SPICE socket that does not exist: a message, exit status 1."""
    vmc = Vmconnect(env, "spice+unix://" + os.path.join(env.tmp, "nothing.sock"), name="bad-uri")
    vmc.wait_message("connection to the console failed")
    assert vmc.quit() == 1


def test_usage(env):
    r = subprocess.run([VMCONNECT], env=env.env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "Usage: vmconnect" in r.stderr, r


STATE = {}


def test_start_from_window(env):
    """The VM is off: the window says so; Start (Enter on the focused button) boots it."""
    vmc = Vmconnect(env, "--connect", env.address, "Guest", name="main")
    STATE["vmc"] = vmc
    vmc.wait_title("(Off)")
    vmc.wait_title("Guest on ")
    time.sleep(1)
    vmc.screenshot("off-page")
    env.x("windowfocus", "--sync", vmc.wid)
    env.x("key", "Return")
    vmc.wait_title("(Running)", 120)
    env.wait_serial("BERTH-GUEST-READY gen=1", 0, 240)


def test_screen(env):
    """`screen TEXT` on the guest: the window shows what QMP's screendump shows."""
    check_screen(env, STATE["vmc"], "VMCONNECT 4711", "screen")


def test_keys(env):
    """Keys typed into the window reach the guest's tty, shifted symbols too."""
    vmc = STATE["vmc"]
    x0, y0, x1, y1 = display_area(vmc.screenshot("before-keys"))
    vmc.click((x0 + x1) // 2, (y0 + y1) // 2)  # focuses the screen
    env.command("keys", "BERTH-OK keys")
    env.x("type", "--delay", "60", KEYS_TEXT)
    env.x("key", "Return")
    env.wait_serial("BERTH-KEYS " + KEYS_TEXT, 0, 60)
    env.command("stop", "BERTH-OK stop")


CLIP_TEXT = "clip: Typed from the #1 clipboard, (50% off) & <done>?"


def test_type_clipboard(env):
    """Ctrl+Alt+Left gives the keyboard back to the host; then Ctrl+Shift+V (the window's own
    shortcut, no longer the guest's) types the host clipboard's text into the guest."""
    vmc = STATE["vmc"]
    x0, y0, x1, y1 = display_area(vmc.screenshot("before-clipboard"))
    vmc.click((x0 + x1) // 2, (y0 + y1) // 2)
    owner = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__),
                                                           "set-clipboard.py"), CLIP_TEXT, "60"],
                             env=env.env, stdout=subprocess.PIPE, text=True)
    env.procs.append(owner)
    assert owner.stdout.readline().strip() == "ready"
    env.command("keys", "BERTH-OK keys")
    env.x("key", "ctrl+alt+Left")
    time.sleep(0.5)
    env.x("key", "ctrl+shift+v")
    time.sleep(3)
    # The text typed, then Enter from the keyboard, which is the guest's again after a click.
    vmc.click((x0 + x1) // 2, (y0 + y1) // 2)
    env.x("key", "Return")
    env.wait_serial("BERTH-KEYS " + CLIP_TEXT, 0, 60)
    env.command("stop", "BERTH-OK stop")
    owner.terminate()
    owner.wait(10)


def test_ctrl_alt_del(env):
    """Ctrl+Alt+Del reaches the guest: from the host key Ctrl+Alt+End and the toolbar button."""
    vmc = STATE["vmc"]
    before = env.serial().count("BERTH-CTRL-ALT-DEL")
    env.x("key", "ctrl+alt+End")
    env.wait_serial("BERTH-CTRL-ALT-DEL", before, 30)
    vmc.click(22, 45)  # the toolbar's first button
    env.wait_serial("BERTH-CTRL-ALT-DEL", before + 1, 30)


def vm_path(env):
    """The test VM's object path on berthd's bus."""
    found = subprocess.run(
        ["gdbus", "call", "--address", env.address, "--dest", "org.berth.Berth1", "--object-path",
         "/org/berth/Berth1", "--method", "org.berth.Berth1.Host.FindVirtualMachine", "Guest"],
        capture_output=True, text=True, timeout=30, check=True).stdout
    return re.search(r"'(/org/berth/Berth1/vm/[^']+)'", found).group(1)


def vm_call(env, method, *args):
    path = vm_path(env)
    return subprocess.run(
        ["gdbus", "call", "--address", env.address, "--dest", "org.berth.Berth1", "--object-path",
         path, "--method", "org.berth.Berth1.VirtualMachine." + method] + list(args),
        capture_output=True, text=True, timeout=60)


def vm_property(env, name):
    """A property of the VM on berthd's bus, as gdbus prints it."""
    path = vm_path(env)
    return subprocess.run(
        ["gdbus", "call", "--address", env.address, "--dest", "org.berth.Berth1", "--object-path",
         path, "--method", "org.freedesktop.DBus.Properties.Get",
         "org.berth.Berth1.VirtualMachine", name],
        capture_output=True, text=True, timeout=30, check=True).stdout


def guest_run(env, line):
    """The exit status of a shell command line run in the guest."""
    env.command("run " + line, "BERTH-OK run")
    return int(re.findall(r"BERTH-OK run (\d+)", env.serial())[-1])


def test_dvd_media(env):
    """InsertMedia / EjectMedia (berthd) while the guest runs: the guest reads the new disc, then
    finds the drive empty; the definition follows."""
    iso = os.path.join(GUEST_DIR, "guest.iso")
    read_disc = "dd if=/dev/sr0 of=/dev/null bs=2048 count=16"
    assert guest_run(env, read_disc) != 0  # empty drive
    r = vm_call(env, "InsertMedia", "ide", "0", "1", iso)
    assert r.returncode == 0, r.stderr
    assert 'path="%s"' % iso in env.berth("dumpxml", "Guest").stdout
    wait(lambda: guest_run(env, read_disc) == 0, 30, "the guest to read the disc")
    r = vm_call(env, "EjectMedia", "ide", "0", "1")
    assert r.returncode == 0, r.stderr
    assert iso not in env.berth("dumpxml", "Guest").stdout
    wait(lambda: guest_run(env, read_disc) != 0, 30, "the drive to be empty")
    r = vm_call(env, "InsertMedia", "ide", "0", "0", iso)
    assert r.returncode != 0 and "hard disk" in r.stderr, r


def test_reset(env):
    """Reset: the guest boots again and the window shows its new screen."""
    before = env.serial().count("BERTH-GUEST-READY")
    env.berth("reset", "Guest")
    env.wait_serial("BERTH-GUEST-READY", before, 240)
    check_screen(env, STATE["vmc"], "AFTER RESET", "reset")


def test_save_restore(env):
    """Save: the window says so; Start restores and the window reconnects by itself."""
    vmc = STATE["vmc"]
    env.berth("save", "Guest")
    vmc.wait_title("(Saved)")
    vmc.screenshot("saved-page")
    env.berth("start", "Guest")
    vmc.wait_title("(Running)")
    check_screen(env, vmc, "AFTER RESTORE", "restore")


def test_berthd_restart(env):
    """berthd goes away: the window says so and keeps the screen; it comes back: all is back."""
    vmc = STATE["vmc"]
    env.stop()
    vmc.wait_message("berthd has stopped")
    wait(lambda: "(Running)" not in vmc.title(), 30, "the state to leave the title")
    env.start()
    vmc.wait_title("(Running)")
    check_screen(env, vmc, "BERTHD IS BACK", "berthd-back")


def test_taken_over(env):
    """Another console takes the VM's screen (SPICE serves one client): this window says so and
    does not fight back; Reconnect (Ctrl+Shift+R) takes it again."""
    vmc = STATE.pop("vmc")
    try:
        sockets = glob.glob(os.path.join(env.runtime, "*", "spice.sock"))
        other = Vmconnect(env, "spice+unix://" + sockets[0], name="other")
        vmc.wait_message("another console may have taken it over")
        time.sleep(3)  # no fight: the other one keeps the screen
        check_screen(env, other, "TAKEN OVER", "taken-over")
        vmc.screenshot("taken-over-first")
        assert other.quit() == 0
        env.x("windowfocus", "--sync", vmc.wid)
        env.x("key", "ctrl+shift+r")
        check_screen(env, vmc, "RECONNECTED", "reconnected")
    finally:
        assert vmc.quit() == 0


def test_berth_connect(env):
    """`berth connect VM` opens this window (it execs the vmconnect built beside it)."""
    vmc = Vmconnect.__new__(Vmconnect)
    vmc.env = env
    vmc.stderr_path = os.path.join(ARTIFACTS, "berth-connect.stderr")
    vmc.stderr = open(vmc.stderr_path, "w")
    vmc.proc = subprocess.Popen([BERTH, "--connect", env.address, "connect", "Guest"],
                                env=env.env, stdout=subprocess.DEVNULL, stderr=vmc.stderr)
    env.procs.append(vmc.proc)
    vmc.wid = wait(vmc.find_window, 30, "the window of berth connect")
    vmc.wait_title("Guest on ")
    vmc.wait_title("(Running)")
    check_screen(env, vmc, "BERTH CONNECT", "berth-connect")
    assert vmc.quit() == 0


def test_spice_uri(env):
    """vmconnect spice+unix:///PATH shows the same VM; the server closing is a clear message."""
    sockets = glob.glob(os.path.join(env.runtime, "*", "spice.sock"))
    assert len(sockets) == 1, sockets
    vmc = Vmconnect(env, "spice+unix://" + sockets[0], name="uri")
    assert "spice+unix://" in vmc.title(), vmc.title()
    check_screen(env, vmc, "SPICE URI", "uri")
    env.berth("turn-off", "Guest")
    vmc.wait_message("connection")
    vmc.screenshot("uri-closed")
    assert vmc.quit() == 0


# --- settings, accelerators, full screen, HiDPI, checkpoints -----------------------------------

SCHEMA = "org.berth.VMConnect"


def gsettings(env, *args):
    r = subprocess.run(["gsettings"] + list(args), env=env.env, capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, ("gsettings", args, r.stderr)
    return r.stdout.strip()


def test_settings_kept(env):
    """The microphone (its accelerator Ctrl+M), "Share Clipboard Only While Focused" (the menu
    bar, by keyboard), USB auto-redirect and the zoom level (the window's actions over D-Bus) are
    kept in GSettings: a new vmconnect starts with them."""
    assert os.environ.get("GSETTINGS_SCHEMA_DIR"), "GSETTINGS_SCHEMA_DIR must name data/"
    vmc = STATE["vmc"]
    defaults = {"microphone": "false", "usb-auto-connect": "false",
                "clipboard-only-focused": "true", "zoom": "'auto'"}
    for key, value in defaults.items():
        assert gsettings(env, "get", SCHEMA, key) == value, key
        assert vmc.action_state(key) == value, key
    vmc.host_key("ctrl+m")
    wait(lambda: vmc.action_state("microphone") == "true", 10, "Ctrl+M to turn the microphone on")
    # Clipboard ▸ Share Clipboard Only While _Focused, with the menu bar's mnemonics.
    env.x("key", "alt+c")
    time.sleep(1)
    vmc.screenshot("clipboard-menu")
    env.x("key", "f")
    wait(lambda: vmc.action_state("clipboard-only-focused") == "false", 10,
         "the menu item to turn off clipboard-only-focused")
    vmc.actions("SetState", "usb-auto-connect", "<true>", "{}")
    vmc.actions("Activate", "zoom", "[<'50'>]", "{}")
    changed = {"microphone": "true", "usb-auto-connect": "true",
               "clipboard-only-focused": "false", "zoom": "'50'"}
    for key, value in changed.items():
        wait(lambda: gsettings(env, "get", SCHEMA, key) == value, 10, "%s = %s" % (key, value))
    keyfile = os.path.join(env.config, "glib-2.0", "settings", "keyfile")
    with open(keyfile) as f:
        assert "[org/berth/VMConnect]" in f.read()
    assert vmc.quit() == 0

    vmc = Vmconnect(env, "--connect", env.address, "Guest", name="main-again")
    STATE["vmc"] = vmc
    vmc.wait_title("(Running)")
    for key, value in changed.items():
        assert vmc.action_state(key) == value, (key, vmc.action_state(key))
    # At 50 % the guest's 1024x768 screen is 512x384 in the window.
    check_screen(env, vmc, "ZOOM 50", "zoom-50")
    x0, y0, x1, y1 = display_area(os.path.join(ARTIFACTS, "zoom-50-window.png"))
    assert abs((y1 - y0) - 384) <= 4, (x0, y0, x1, y1)
    # Back to the defaults, through the window.
    vmc.actions("Activate", "zoom", "[<'auto'>]", "{}")
    vmc.actions("SetState", "microphone", "<false>", "{}")
    vmc.actions("SetState", "usb-auto-connect", "<false>", "{}")
    vmc.actions("SetState", "clipboard-only-focused", "<true>", "{}")
    for key, value in defaults.items():
        wait(lambda: gsettings(env, "get", SCHEMA, key) == value, 10, "%s = %s" % (key, value))


def root_size(env):
    out = subprocess.run(["xwininfo", "-root"], env=env.env, capture_output=True, text=True,
                         timeout=30, check=True).stdout
    return (int(re.search(r"Width: (\d+)", out).group(1)),
            int(re.search(r"Height: (\d+)", out).group(1)))


def window_box(env, wid):
    """(x, y, width, height) of a window on the screen (xwininfo: absolute position)."""
    out = subprocess.run(["xwininfo", "-id", wid], env=env.env, capture_output=True, text=True,
                         timeout=30, check=True).stdout
    return tuple(int(re.search(pattern + r":\s+(-?\d+)", out).group(1)) for pattern in (
        "Absolute upper-left X", "Absolute upper-left Y", "Width", "Height"))


def start_window_manager(env):
    """openbox on the test's display (no key bindings of its own but its defaults)."""
    rc = os.path.join(env.tmp, "openbox-rc.xml")
    with open(rc, "w") as f:
        f.write('<?xml version="1.0"?>\n<openbox_config xmlns="http://openbox.org/3.4/rc">'
                '<focus><focusNew>yes</focusNew></focus><keyboard/></openbox_config>\n')
    wm = subprocess.Popen(["openbox", "--config-file", rc, "--sm-disable"], env=env.env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env.procs.append(wm)

    def running():
        assert wm.poll() is None, "openbox exited with %d" % wm.returncode
        r = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env.env,
                           capture_output=True, text=True, timeout=10)
        return "window id" in r.stdout
    wait(running, 30, "openbox to manage the screen")
    return wm


def test_fullscreen(env):
    """Under a window manager: Ctrl+Alt+Pause (on the guest's screen) and the window's
    fullscreen action (toolbar, View menu) make the window cover the whole screen, the guest's
    screen scaled to fill it keeping its aspect ratio, the keyboard still the guest's; the same
    key and the bar at the top edge ("Leave Full Screen") give the window its size back."""
    if shutil.which("openbox") is None:
        raise AssertionError("openbox is not installed (./dev installs it)")
    vmc = STATE["vmc"]
    wm = start_window_manager(env)
    try:
        sw, sh = root_size(env)
        time.sleep(1)
        before = window_box(env, vmc.wid)
        assert before[2:] != (sw, sh), before
        x0, y0, x1, y1 = display_area(vmc.screenshot("before-fullscreen"))
        vmc.click((x0 + x1) // 2, (y0 + y1) // 2)
        env.x("key", "ctrl+alt+Pause")
        wait(lambda: window_box(env, vmc.wid) == (0, 0, sw, sh), 15, "the window to fill the screen")
        time.sleep(4)  # the bar at the top goes after 3 s
        check_screen(env, vmc, "FULL SCREEN", "fullscreen")
        # Filled keeping the aspect ratio: 4:3 in 16:10 is centred with bars left and right; the
        # guest's screen stretched over the whole screen would not match.
        window = os.path.join(ARTIFACTS, "fullscreen-window.png")
        guest = os.path.join(ARTIFACTS, "fullscreen-guest.png")
        gw, gh = Image.open(guest).size
        x0, y0, x1, y1 = display_area(window)  # below the message bar, if any
        assert x1 - x0 == sw and y1 - y0 > sh - 80, (x0, y0, x1, y1)
        scale = min((x1 - x0) / gw, (y1 - y0) / gh)
        fx, fy = x0 + (x1 - x0 - round(gw * scale)) // 2, y0 + (y1 - y0 - round(gh * scale)) // 2
        fitted = correlation_at(window, (fx, fy, fx + round(gw * scale), fy + round(gh * scale)),
                                guest)
        stretched = correlation_at(window, (x0, y0, x1, y1), guest)
        log("full screen: fitted %.3f, stretched %.3f" % (fitted, stretched))
        assert fitted > 0.9 and stretched < fitted - 0.05, (fitted, stretched)
        # The keyboard is still the guest's.
        env.command("keys", "BERTH-OK keys")
        env.x("type", "--delay", "60", "full screen keys")
        env.x("key", "Return")
        env.wait_serial("BERTH-KEYS full screen keys", 0, 60)
        env.command("stop", "BERTH-OK stop")
        # The same host key leaves.
        env.x("key", "ctrl+alt+Pause")
        wait(lambda: window_box(env, vmc.wid)[2:] == before[2:], 15,
             "the window's size back (%r, now %r)" % (before, window_box(env, vmc.wid)))
        vmc.screenshot("left-fullscreen")

        # The window's action (the toolbar button's and the View menu's) enters …
        vmc.actions("Activate", "fullscreen", "[]", "{}")
        wait(lambda: window_box(env, vmc.wid) == (0, 0, sw, sh), 15, "full screen again")
        assert vmc.action_state("fullscreen") == "true"
        time.sleep(4)

        top = display_area(vmc.screenshot("fullscreen-top"))[1]  # below the message bar

        def top_bar_shown():
            img = numpy.asarray(Image.open(vmc.screenshot("fullscreen-bar")).convert("L"))
            return img[top + 4:top + 24, sw // 2 - 40:sw // 2 + 40].mean() > 100
        assert not top_bar_shown(), "the bar did not hide"
        # … the pointer at the top edge shows the bar, whose button leaves.
        env.x("mousemove", str(sw // 2), "0")
        time.sleep(0.3)
        env.x("mousemove", str(sw // 2), "1")
        wait(top_bar_shown, 10, "the full screen bar at the top edge")
        env.x("mousemove", str(sw // 2), str(top + 14))
        env.x("click", "1")
        wait(lambda: window_box(env, vmc.wid)[2:] == before[2:], 15, "the window's size back")
        assert vmc.action_state("fullscreen") == "false"
    finally:
        stop(wm)
    time.sleep(1)


def tablet_positions(env, moves):
    """Moves the pointer to each (x, y) on the screen, in order, while the guest records its USB
    tablet's events; returns the guest's absolute (ABS_X, ABS_Y), 0..32767, after each move."""
    found = re.findall(r"/sys/class/input/(event\d+)/device/name",
                       "\n".join(guest_run_out(env, "grep -l -i tablet "
                                                "/sys/class/input/event*/device/name")))
    assert found, "the guest has no USB tablet"
    assert guest_run(env, "cat /dev/input/%s >/tmp/tablet 2>/dev/null & echo $! >/tmp/tablet.pid"
                     % found[-1]) == 0
    time.sleep(1)
    marks = []
    for x, y in moves:
        env.x("mousemove", str(x), str(y))
        time.sleep(1)
        marks.append(int(guest_run_out(env, "stat -c %s /tmp/tablet")[-1]))
    dump = guest_run_out(env, "kill $(cat /tmp/tablet.pid); od -An -v -tx1 -w24 /tmp/tablet")
    data = bytes(int(b, 16) for line in dump for b in line.split())
    positions = []
    for mark in marks:
        x = y = None
        for offset in range(0, min(mark, len(data)) - 23, 24):
            etype = int.from_bytes(data[offset + 16:offset + 18], "little")
            code = int.from_bytes(data[offset + 18:offset + 20], "little")
            value = int.from_bytes(data[offset + 20:offset + 24], "little", signed=True)
            if etype == 3 and code == 0:
                x = value
            elif etype == 3 and code == 1:
                y = value
        positions.append((x, y))
    return positions


def guest_run_out(env, line):
    """The output lines of a shell command line run in the guest."""
    start = len(env.serial())
    env.command("run " + line, "BERTH-OK run")
    out = env.serial()[start:]
    return [l.split("BERTH-OUT ", 1)[1] for l in out.splitlines() if "BERTH-OUT " in l]


def test_hidpi(env):
    """GDK_SCALE=2: at 100 % one guest pixel is one device pixel (the screenshot of the window
    holds berthd's screenshot unscaled, sharp), and the pointer lands on the guest pixel under
    it (the guest's USB tablet reports it)."""
    main = STATE.pop("vmc")
    assert main.quit() == 0
    vmc = Vmconnect(env, "--connect", env.address, "Guest", name="hidpi",
                    environ={"GDK_SCALE": "2"})
    try:
        vmc.wait_title("(Running)")
        vmc.actions("Activate", "zoom", "[<'100'>]", "{}")
        env.command("screen HIDPI 2X SHARP", "BERTH-OK screen")
        time.sleep(2)
        guest_png = os.path.join(ARTIFACTS, "hidpi-guest.png")
        env.berth("screenshot", "Guest", guest_png)
        guest = numpy.asarray(Image.open(guest_png).convert("L"), dtype=float)
        gh, gw = guest.shape

        def find():
            shot = vmc.screenshot("hidpi-window")
            x0, y0, x1, y1 = display_area(shot)
            img = numpy.asarray(Image.open(shot).convert("L"), dtype=float)
            if x1 - x0 < gw or y1 - y0 < gh:
                log("hidpi: screen area %r smaller than the guest's %dx%d" % (
                    (x0, y0, x1, y1), gw, gh))
                return None
            cx, cy = x0 + (x1 - x0 - gw) // 2, y0 + (y1 - y0 - gh) // 2
            best = None
            for dy in range(-4, 5):
                for dx in range(-4, 5):
                    x, y = cx + dx, cy + dy
                    if x < 0 or y < 0 or y + gh > img.shape[0] or x + gw > img.shape[1]:
                        continue
                    diff = numpy.abs(img[y:y + gh, x:x + gw] - guest).mean()
                    if best is None or diff < best[0]:
                        best = (diff, x, y)
            if best is None:
                return None
            # Mostly black screens differ little anyway: the text must be there, pixel for pixel.
            x, y = best[1:]
            crop = img[y:y + gh, x:x + gw].ravel()
            r = float(numpy.corrcoef(crop, guest.ravel())[0, 1]) if crop.std() > 0 else 0.0
            log("hidpi: best (mean difference, x, y): %r, correlation %.3f" % (best, r))
            return best if best[0] < 3 and r > 0.95 else None
        diff, ox, oy = wait(find, 30, "the guest's screen pixel for pixel in the window")
        # Where the window is on the screen, to aim the pointer at guest pixels.
        wx, wy = window_box(env, vmc.wid)[:2]
        targets = [(100, 80), (gw - 101, gh - 61), (gw // 2, gh // 2)]
        positions = tablet_positions(env, [(wx + ox + x, wy + oy + y) for x, y in targets])
        log("hidpi: tablet %r for %r" % (positions, targets))
        for (tx, ty), (ax, ay) in zip(targets, positions):
            assert ax is not None and ay is not None, positions
            assert abs(ax * gw / 32768 - tx) <= 3 and abs(ay * gh / 32768 - ty) <= 3, (
                (tx, ty), (ax * gw / 32768, ay * gh / 32768))
        vmc.actions("Activate", "zoom", "[<'auto'>]", "{}")
        wait(lambda: gsettings(env, "get", SCHEMA, "zoom") == "'auto'", 10, "zoom back to auto")
    finally:
        assert vmc.quit() == 0
        STATE["vmc"] = Vmconnect(env, "--connect", env.address, "Guest", name="main-after-hidpi")
        STATE["vmc"].wait_title("(Running)")


def test_checkpoint_revert(env):
    """Checkpoint (Ctrl+N) from the window; the guest writes a marker on its disk; Revert
    (Ctrl+E, confirmed) turns the VM off and applies the checkpoint; Start (Ctrl+S) boots it and
    the window shows the guest again, whose disk has no marker."""
    vmc = STATE["vmc"]
    marker = "dd if=/dev/sda bs=512 skip=1000 count=1 2>/dev/null | grep -q BERTH-MARKER"
    assert guest_run(env, marker) != 0
    vmc.host_key("ctrl+n")
    wait(lambda: env.berth("checkpoints", "Guest").stdout.strip() != "", 60, "a checkpoint")
    log("checkpoints: %s" % env.berth("checkpoints", "Guest").stdout.strip())
    assert guest_run(env, "printf BERTH-MARKER | dd of=/dev/sda bs=512 seek=1000 conv=fsync") == 0
    assert guest_run(env, marker) == 0
    vmc.host_key("ctrl+e")

    def dialog():
        r = env.x("search", "--all", "--onlyvisible", "--pid", str(vmc.proc.pid), check=False)
        others = [w for w in r.split() if w != vmc.wid]
        return others[-1] if others else None
    confirm = wait(dialog, 15, "the Revert question")
    subprocess.run(["import", "-window", confirm, os.path.join(ARTIFACTS, "revert-question.png")],
                   env=env.env, timeout=30)
    env.x("windowfocus", "--sync", confirm)
    env.x("key", "alt+v")
    vmc.wait_title("(Off)", 90)
    # Turned off, then the checkpoint applied: Start is allowed once that is done.
    wait(lambda: "'Start'" in vm_property(env, "AllowedActions"), 60, "the revert to finish")
    before = env.serial().count("BERTH-GUEST-READY")
    vmc.screenshot("reverted")
    # The window follows AllowedActions (the proxy's strv cache once read the previous value).
    wait(lambda: vmc.actions("Describe", "start").startswith("((true,"), 10, "Start enabled")
    vmc.host_key("ctrl+s")
    vmc.wait_title("(Running)", 60)
    env.wait_serial("BERTH-GUEST-READY", before, 240)
    check_screen(env, vmc, "AFTER REVERT", "revert")
    assert guest_run(env, marker) != 0, "the marker written after the checkpoint is still there"


TESTS = [test_usage, test_unknown_vm, test_no_berthd, test_bad_uri, test_start_from_window,
         test_screen, test_keys, test_type_clipboard, test_ctrl_alt_del, test_settings_kept,
         test_fullscreen, test_hidpi, test_checkpoint_revert, test_dvd_media,
         test_reset, test_save_restore, test_berthd_restart, test_taken_over, test_berth_connect,
         test_spice_uri]


def main():
    global TESTS
    os.makedirs(ARTIFACTS, exist_ok=True)
    if os.environ.get("VMC_TEST_ONLY"):
        # While working on a case: VMC_TEST_ONLY="fullscreen hidpi" (the guest is still started).
        only = os.environ["VMC_TEST_ONLY"].split()
        TESTS = [t for t in TESTS if t is test_start_from_window or t.__name__[5:] in only]
    print("1..%d" % len(TESTS), flush=True)
    env = Env(BERTHD, BERTH, VMCONNECT, ARTIFACTS)
    failed = 0
    try:
        env.start()
        define_guest(env, GUEST_DIR, "gen1.img", dvd=True)
        failed = run_cases(env, TESTS, test_start_from_window, "the guest did not start")
    finally:
        with open(os.path.join(env.tmp, "berthd.log")) as f:
            shutil.copyfile(f.name, os.path.join(ARTIFACTS, "berthd.log"))
        env.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
