#!/usr/bin/python3
# tests/vmconnect: vmconnect's sound, microphone and USB redirection with the real parts: the
# test guest booted by berthd (private bus, TCG), vmconnect on Xvfb connected to it, and a
# PulseAudio of the test's own with two null sinks ("spk" for the speakers, "mic" whose monitor is
# the default source, i.e. the microphone). Driven through vmconnect's window actions
# (org.gtk.Actions on the test's bus), checked on the guest's serial port and with sox.
#
#   test-vmc-media-guest.py BERTH BERTHD SOURCE_ROOT --guest GUEST_DIR VMCONNECT
#
# - playback: the guest plays `tone 1000 3`; the speakers' monitor, recorded with parec, is a
#   ~1000 Hz sine (sox's rough frequency) of real amplitude.
# - microphone: with the toolbar's microphone off, the guest records silence; on, a 600 Hz tone
#   played into the "mic" sink reaches the guest's capture (`record 3`: ~600 Hz).
# - USB: an ISO made with xorriso (one file with a random token) shared as a USB CD drive
#   (win.usb-share-iso-file): the guest finds a USB CD, mounts it and prints the token; a missing
#   image is refused with a clear message and the console goes on.
# - clipboard: this guest has no vdagent; test-vmc-desktop.py shows sharing end to end with the
#   desktop guest, test-vmc-clipboard.c the logic. This test only checks the console stays usable.
# Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import importlib.util
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "berth_cli_test", os.path.join(HERE, "..", "cli", "test-berth-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)
sys.path.insert(0, HERE)
try:
    import vmctest  # beside this file
except ImportError as e:
    print("1..0 # SKIP needs python3-numpy and python3-pil: %s" % e)
    sys.exit(0)

GUEST_DIR = cli.GUEST_DIR
VMCONNECT = sys.argv[6] if len(sys.argv) > 6 else None


def skip(reason):
    print("1..0 # SKIP " + reason)
    sys.exit(0)


class Console:
    """Xvfb, PulseAudio with null sinks, and vmconnect connected to the guest."""

    def __init__(self, env, vm):
        self.env = env
        self.tmp = env.tmp
        self.procs = []
        self.xvfb = None
        self.pulse = None
        self.vmconnect = None
        self.start_xvfb()
        self.start_pulse()
        self.start_vmconnect(vm)

    def start_xvfb(self):
        self.xvfb = vmctest.berthtest.Xvfb(size="1280x800x24",
                                           log=os.path.join(self.tmp, "xvfb.log"))
        self.display = self.xvfb.display

    def pulse_env(self):
        return dict(os.environ, **self.pulse.env())

    def start_pulse(self):
        self.pulse = vmctest.Pulse(self.tmp)

    def pactl(self, *args):
        return self.pulse.pactl(*args)

    def start_vmconnect(self, vm):
        env = self.pulse_env()
        env.update(DISPLAY=self.display, GDK_BACKEND="x11", DBUS_SESSION_BUS_ADDRESS=self.env.address,
                   G_MESSAGES_DEBUG="all", LC_ALL="C.UTF-8", NO_AT_BRIDGE="1", GTK_A11Y="none")
        env.pop("WAYLAND_DISPLAY", None)
        self.log_path = os.path.join(self.tmp, "vmconnect.log")
        log = open(self.log_path, "a")
        # GLib writes debug messages to stdout, the rest to stderr.
        self.vmconnect = subprocess.Popen([VMCONNECT, "--connect", self.env.address, vm], env=env,
                                          stdout=log, stderr=log)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def window_action(self, method, *args):
        name = None
        deadline = time.monotonic() + 30
        while name is None:
            assert self.vmconnect.poll() is None, "vmconnect exited: " + self.log()
            assert time.monotonic() < deadline, "vmconnect is not on the bus: " + self.log()
            name = vmctest.app_bus_name(self.env.address, self.vmconnect.pid)
            if name is None:
                time.sleep(0.5)
        vmctest.window_actions(self.env.address, name, method, *args)

    def screenshot(self, name):
        path = os.path.join(os.environ.get("VMC_TEST_OUTPUT", self.tmp), name)
        subprocess.run(["import", "-display", self.display, "-window", "root", path],
                       capture_output=True, timeout=30)
        return path

    def close(self):
        # vmconnect's log (debug messages included) stays beside the build for a post-mortem.
        shutil.copyfile(self.log_path, os.path.join(os.environ.get("VMC_TEST_OUTPUT", self.tmp),
                                                    "vmc-media-guest-vmconnect.log"))
        if self.vmconnect is not None and self.vmconnect.poll() is None:
            self.vmconnect.terminate()
            try:
                self.vmconnect.wait(10)
            except subprocess.TimeoutExpired:
                self.vmconnect.kill()
                self.vmconnect.wait(10)
        if self.pulse is not None:
            self.pulse.close()
        if self.xvfb is not None:
            self.xvfb.close()


class Serial:
    """The guest's COM1 through `berth serial`: commands sent, answers awaited."""

    def __init__(self, env, vm):
        self.env = env
        self.vm = vm

    def text(self):
        return self.env.berth("serial", self.vm).stdout

    def wait(self, pattern, timeout, after=0):
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            m = re.search(pattern, text[after:])
            if m:
                self.last = text[after:]
                return m
            assert time.monotonic() < deadline, "no %r after %d s in: %r" % (
                pattern, timeout, text[-1500:])
            time.sleep(0.5)

    def command(self, line, answer, timeout=60):
        start = len(self.text())
        self.env.berth("serial", "--send", line, self.vm)
        return self.wait(answer, timeout, after=start)


def sox_stat(raw, rate):
    r = subprocess.run(["sox", "-t", "raw", "-r", str(rate), "-e", "signed", "-b", "16", "-c",
                        "1", raw, "-n", "stat"], capture_output=True, text=True, timeout=60)
    stats = {}
    for line in r.stderr.splitlines():
        if ":" in line:
            key, _, value = line.rpartition(":")
            try:
                stats[key.strip()] = float(value)
            except ValueError:
                pass
    return stats


def wait_sink_input(console, predicate, timeout=30):
    """The console's playback stream as `pactl list sink-inputs` shows it, once @predicate."""
    deadline = time.monotonic() + timeout
    while True:
        text = console.pactl("list", "sink-inputs")
        if "Sink Input #" in text and predicate(text):
            return text
        assert time.monotonic() < deadline, ("no such playback stream", text[-1500:])
        time.sleep(0.2)


def test_playback(env, console, serial):
    """The guest's mixer (volume, mute) reaches the playback stream; the guest's tone comes out
    of the speakers' sink at ~1000 Hz with real amplitude; a volume change made in PulseAudio
    goes back into the playback channel."""
    # The guest's mixer starts muted at 0: the stream is muted too while a tone plays.
    start = len(serial.text())
    env.berth("serial", "--send", "tone 1000 2", "Media")
    inputs = wait_sink_input(console, lambda text: "Mute: yes" in text or " 0% " in text)
    serial.wait(r"BERTH-(OK|FAIL) tone", 60, after=start)
    serial.command("mixer", r"BERTH-OK mixer [1-9]", timeout=60)
    raw = os.path.join(env.tmp, "spk.raw")
    with open(raw, "wb") as out:
        parec = subprocess.Popen(["parec", "-d", "spk.monitor", "--raw", "--format=s16le",
                                  "--rate=48000", "--channels=1", "--latency-msec=50"],
                                 env=console.pulse_env(), stdout=out)
    try:
        serial.command("tone 1000 3", r"BERTH-(OK|FAIL) tone[^\n]*", timeout=60)
        time.sleep(1)
    finally:
        parec.terminate()
        parec.wait(10)
    stats = sox_stat(raw, 48000)
    print("# speakers: %s" % {k: stats.get(k) for k in ("Length (seconds)", "RMS     amplitude",
                                                        "Rough   frequency")})
    assert stats.get("RMS     amplitude", 0) > 0.01, ("silence on the speakers", stats,
                                                        console.log()[-3000:])
    freq = stats.get("Rough   frequency", 0)
    assert 900 <= freq <= 1100, ("not the guest's 1000 Hz tone", stats)
    # Drained, then corked once the guest stopped playing (kept for the next sound).
    wait_sink_input(console, lambda text: "Corked: yes" in text)
    # Unmuted at 100% by the guest's mixer now; a person turns it down in PulseAudio: the
    # playback channel hears of it.
    inputs = wait_sink_input(console, lambda text: "Mute: no" in text and "100%" in text)
    index = re.search(r"Sink Input #(\d+)", inputs).group(1)
    console.pactl("set-sink-input-volume", index, "50%")
    deadline = time.monotonic() + 20
    while "PulseAudio changed the SpicePlaybackChannel volume: 50%" not in console.log():
        assert time.monotonic() < deadline, ("the volume change did not reach the channel",
                                             console.log()[-2000:])
        time.sleep(0.2)
    console.pactl("set-sink-input-volume", index, "100%")
    # The playback stream is corked after the tone (drained), not left running.
    assert "playback-stop" in console.log()


def record(serial, seconds):
    m = serial.command("record %d" % seconds, r"BERTH-(OK|FAIL) record ([^\n]*)",
                       timeout=seconds + 60)
    assert m.group(1) == "OK", m.group(0)
    hz, peak = re.match(r"(\d+) Hz peak (\d+) samples (\d+)", m.group(2)).groups()[:2]
    return int(hz), int(peak)


def test_microphone(env, console, serial):
    """Microphone off: the guest records silence. On (win.microphone): a 600 Hz tone played
    into the microphone's sink reaches the guest's capture."""
    tone = subprocess.Popen(
        "sox -q -n -t raw -r 48000 -e signed -b 16 -c 1 - synth 60 sine 600 vol 0.5 | "
        "pacat -d mic --raw --format=s16le --rate=48000 --channels=1",
        shell=True, env=console.pulse_env(), start_new_session=True)
    try:
        # The microphone's stream exists before the guest records, corked (opened in advance).
        outputs = console.pactl("list", "source-outputs")
        assert "Corked: yes" in outputs and "microphone" in outputs.lower(), outputs
        hz, peak = record(serial, 2)
        print("# microphone off: %d Hz, peak %d" % (hz, peak))
        assert peak < 1000, ("the guest hears the microphone while it is off", hz, peak)
        console.window_action("SetState", "microphone", "<true>", "{}")
        hz, peak = record(serial, 3)
        print("# microphone on: %d Hz, peak %d" % (hz, peak))
        assert peak > 2000, ("the guest does not hear the microphone", hz, peak,
                             console.log()[-3000:])
        assert 540 <= hz <= 660, ("not the 600 Hz tone", hz, peak)
        console.window_action("SetState", "microphone", "<false>", "{}")
    finally:
        os.killpg(tone.pid, signal.SIGTERM)
        tone.wait(10)


def test_usb_cd(env, console, serial):
    """An ISO shared as a USB CD drive: the guest mounts it and reads the file; a missing
    image is refused with a clear message."""
    token = secrets.token_hex(8)
    content = os.path.join(env.tmp, "cd")
    os.makedirs(content)
    with open(os.path.join(content, "hello.txt"), "w") as f:
        f.write("berth-usb-cd %s\n" % token)
    iso = os.path.join(env.tmp, "shared.iso")
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-V", "BERTHCD", "-o", iso, content],
                   check=True, capture_output=True, timeout=60)
    missing = os.path.join(env.tmp, "missing.iso")
    console.window_action("Activate", "usb-share-iso-file", "[<'%s'>]" % missing, "{}")
    deadline = time.monotonic() + 20
    while "Cannot share “%s”: No such file or directory" % missing not in console.log():
        assert time.monotonic() < deadline, console.log()[-3000:]
        time.sleep(0.2)
    console.window_action("Activate", "usb-share-iso-file", "[<'%s'>]" % iso, "{}")
    find = ("for d in /sys/block/sr*; do readlink -f $d | grep -q /usb && echo usbcd=${d##*/}; "
            "done")
    dev = None
    deadline = time.monotonic() + 120
    while dev is None:
        assert console.vmconnect.poll() is None, ("vmconnect exited", console.log()[-3000:])
        serial.command("run " + find, r"BERTH-OK run \d+", timeout=60)
        m = re.search(r"BERTH-OUT usbcd=(sr\d+)", serial.last)
        if m:
            dev = m.group(1)
            break
        assert time.monotonic() < deadline, ("no USB CD drive in the guest",
                                             console.log()[-3000:])
        time.sleep(2)
    serial.command("run mkdir -p /mnt/usbcd && mount -t iso9660 -o ro /dev/%s /mnt/usbcd" % dev,
                   r"BERTH-OK run 0", timeout=60)
    serial.command("run cat /mnt/usbcd/hello.txt", r"BERTH-OUT berth-usb-cd " + token,
                   timeout=60)
    serial.command("run umount /mnt/usbcd", r"BERTH-OK run 0", timeout=60)
    console.screenshot("vmc-media-guest.png")


def main():
    if GUEST_DIR is None or VMCONNECT is None:
        print("usage: test-vmc-media-guest.py BERTH BERTHD SOURCE_ROOT --guest DIR VMCONNECT",
              file=sys.stderr)
        return 2
    if not os.path.exists(os.path.join(GUEST_DIR, "gen1.img")):
        skip("no test guest in %s" % GUEST_DIR)
    for tool in ("Xvfb", "pulseaudio", "pactl", "parec", "pacat", "sox", "xorriso", "gdbus"):
        if shutil.which(tool) is None:
            skip("%s is not installed" % tool)
    os.environ["LC_ALL"] = "C.UTF-8"
    os.environ.pop("BERTH_BUS_ADDRESS", None)
    tests = [test_playback, test_microphone, test_usb_cd]
    if os.environ.get("VMC_MEDIA_TESTS"):
        tests = [t for t in tests if t.__name__ in os.environ["VMC_MEDIA_TESTS"].split(",")]
    print("1..%d" % len(tests))
    env = cli.Env()
    console = None
    failed = 0
    try:
        env.start()
        disk = os.path.join(env.tmp, "gen1.img")
        shutil.copyfile(os.path.join(GUEST_DIR, "gen1.img"), disk)
        env.define("guest.xml", cli.MINIMAL.format(name="Media", generation=1, uuid="", extra=(
            '  <ide-controller number="0">\n'
            '    <disk location="0" path="%s"/>\n'
            '  </ide-controller>\n'
            '  <com port="1" log="true"/>\n') % disk).replace('startup="64"', 'startup="512"'))
        env.berth("start", "Media")
        serial = Serial(env, "Media")
        serial.wait(r"BERTH-GUEST-READY gen=1", 240)
        console = Console(env, "Media")
        # Connected once the record channel's stream (opened in advance, corked) exists.
        deadline = time.monotonic() + 60
        while "vmc" not in console.pactl("list", "source-outputs").lower() and \
                "microphone" not in console.pactl("list", "source-outputs").lower():
            assert console.vmconnect.poll() is None, "vmconnect exited: " + console.log()
            assert time.monotonic() < deadline, ("vmconnect did not open the record stream",
                                                 console.log()[-3000:])
            time.sleep(0.5)
        for i, test in enumerate(tests, 1):
            t = time.monotonic()
            try:
                test(env, console, serial)
                print("ok %d %s # %.1f s" % (i, test.__name__, time.monotonic() - t))
            except Exception:
                failed += 1
                print("not ok %d %s" % (i, test.__name__))
                for line in traceback.format_exc().splitlines():
                    print("# " + line)
            sys.stdout.flush()
    except Exception:
        for line in traceback.format_exc().splitlines():
            print("# " + line)
        print("Bail out! the guest or the console did not come up")
        failed += 1
    finally:
        if console is not None:
            console.close()
        env.berth("turn-off", "Media", check=False)
        env.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
