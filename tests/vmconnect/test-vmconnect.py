#!/usr/bin/python3
# tests/vmconnect: the real vmconnect window under Xvfb, on a private bus with a real berthd and
# the test guest (one boot shared by every case, Generation 1 under TCG). Driven as a person would
# with xdotool; what the window shows is compared with berthd's own screenshot of the guest.
# Prints TAP. Screenshots are kept in ARTIFACTS.
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
import traceback

VMCONNECT, BERTHD, BERTH, GUEST_DIR, ARTIFACTS = sys.argv[1:6]

try:
    import numpy
    from PIL import Image
    from vmctest import Env, Vmconnect, display_area, log, wait
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
    empty = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address"],
                             stdout=subprocess.PIPE, text=True)
    env.procs.append(empty)
    vmc = Vmconnect(env, "--connect", empty.stdout.readline().strip(), "Guest", name="no-berthd")
    vmc.wait_message("berthd is not running on this bus")
    vmc.screenshot("no-berthd")
    assert vmc.quit() == 1
    empty.terminate()
    empty.wait(10)
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


def vm_call(env, method, *args):
    found = subprocess.run(
        ["gdbus", "call", "--address", env.address, "--dest", "org.berth.Berth1", "--object-path",
         "/org/berth/Berth1", "--method", "org.berth.Berth1.Host.FindVirtualMachine", "Guest"],
        capture_output=True, text=True, timeout=30, check=True).stdout
    path = re.search(r"'(/org/berth/Berth1/vm/[^']+)'", found).group(1)
    return subprocess.run(
        ["gdbus", "call", "--address", env.address, "--dest", "org.berth.Berth1", "--object-path",
         path, "--method", "org.berth.Berth1.VirtualMachine." + method] + list(args),
        capture_output=True, text=True, timeout=60)


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
    env.stop_berthd()
    vmc.wait_message("berthd has stopped")
    wait(lambda: "(Running)" not in vmc.title(), 30, "the state to leave the title")
    env.start_berthd()
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


TESTS = [test_usage, test_unknown_vm, test_no_berthd, test_bad_uri, test_start_from_window,
         test_screen, test_keys, test_type_clipboard, test_ctrl_alt_del, test_dvd_media,
         test_reset, test_save_restore, test_berthd_restart, test_taken_over, test_berth_connect,
         test_spice_uri]


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    print("1..%d" % len(TESTS), flush=True)
    env = Env(BERTHD, BERTH, VMCONNECT, ARTIFACTS)
    failed = 0
    try:
        env.start_berthd()
        disk = os.path.join(env.tmp, "gen1.img")
        shutil.copyfile(os.path.join(GUEST_DIR, "gen1.img"), disk)
        xml = os.path.join(env.tmp, "guest.xml")
        with open(xml, "w") as f:
            f.write("""<vm generation="1">
  <name>Guest</name>
  <memory startup="512" unit="MiB"/>
  <ide-controller number="0">
    <disk location="0" path="%s"/>
    <dvd location="1"/>
  </ide-controller>
  <com port="1" log="true"/>
</vm>
""" % disk)
        env.berth("define", xml)
        skip_rest = None
        for i, test in enumerate(TESTS, 1):
            name = test.__name__[5:].replace("_", "-")
            if skip_rest is not None:
                print("not ok %d - %s # %s" % (i, name, skip_rest), flush=True)
                failed += 1
                continue
            started = time.monotonic()
            try:
                test(env)
                print("ok %d - %s (%.1f s)" % (i, name, time.monotonic() - started), flush=True)
            except Exception:
                failed += 1
                print("not ok %d - %s" % (i, name), flush=True)
                for line in traceback.format_exc().splitlines():
                    log(line)
                if test is test_start_from_window:
                    skip_rest = "the guest did not start"
    finally:
        with open(os.path.join(env.tmp, "berthd.log")) as f:
            shutil.copyfile(f.name, os.path.join(ARTIFACTS, "berthd.log"))
        env.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
