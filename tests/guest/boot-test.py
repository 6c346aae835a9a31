#!/usr/bin/python3
"""Boot Berth's test guest in one configuration and exercise its serial protocol.

    boot-test.py GUEST_DIR CONFIG

GUEST_DIR holds what build-guest.sh made (vmlinuz, initrd.img, cmdline, gen1.img, gen2.img,
guest.iso). CONFIG is one of the names in CONFIGS. The guest's network adapter is a UDP socket
whose far end is this script, which answers ARP, ping and DHCP for PEER_IP: no traffic leaves
the machine. Exit status 0 = pass, 1 = fail, 77 = skipped (meson's convention).
"""

import json
import os
import re
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

OVMF = "/usr/share/OVMF"
GUEST_IP = "10.0.2.15"
PEER_IP = "10.0.2.2"
PEER_MAC = bytes.fromhex("525400be4702")
READY_TIMEOUT = 110  # seconds from QEMU's start to the READY line (TCG, Secure Boot is slowest)

# name: machine, firmware (bios|ovmf|ovmf-sb), boot medium, network adapter, display,
# expected READY fields.
CONFIGS = {
    "direct-kernel": dict(machine="pc", firmware="bios", boot="kernel", nic="virtio-net-pci",
                          display="VGA", expect=dict(gen="1", firmware="bios", sb="0")),
    "gen1-disk": dict(machine="pc", firmware="bios", boot="gen1-ide-disk", nic="tulip",
                      display="VGA", expect=dict(gen="1", firmware="bios", sb="0")),
    "gen2-disk": dict(machine="q35", firmware="ovmf", boot="gen2-scsi-disk", nic="virtio-net-pci",
                      display="virtio-vga", expect=dict(gen="2", firmware="uefi", sb="0")),
    "gen2-disk-secureboot": dict(machine="q35", firmware="ovmf-sb", boot="gen2-scsi-disk",
                                 nic="virtio-net-pci", display="qxl-vga",
                                 expect=dict(gen="2", firmware="uefi", sb="1")),
    "iso-gen1": dict(machine="pc", firmware="bios", boot="iso-ide-dvd", nic="e1000",
                     display="qxl-vga", expect=dict(gen="1", firmware="bios", sb="0")),
    "iso-gen2": dict(machine="q35", firmware="ovmf-sb", boot="iso-scsi-dvd", nic="virtio-net-pci",
                     display="VGA", expect=dict(gen="2", firmware="uefi", sb="1")),
}


class TestFailure(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def choose_accel():
    """KVM only where it really works: a CPU with vmx/svm and kvm_intel/kvm_amd loaded."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = set()
            for line in f:
                if line.startswith("flags"):
                    flags.update(line.split(":", 1)[1].split())
    except OSError:
        flags = set()
    virt = "vmx" if "vmx" in flags else "svm" if "svm" in flags else None
    module = {"vmx": "kvm_intel", "svm": "kvm_amd"}.get(virt)
    if virt is None:
        return "tcg", "the host CPU has no vmx/svm flag (a /dev/kvm here is not usable for guests)"
    if not os.path.isdir("/sys/module/" + module):
        return "tcg", f"the CPU has {virt} but {module} is not loaded"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "tcg", "/dev/kvm is not accessible"
    return "kvm", f"the CPU has {virt} and {module} is loaded"


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Peer:
    """The other end of the guest's network cable: answers ARP and ICMP echo for PEER_IP."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.qemu_port = free_udp_port()
        self.frames = 0
        self.pings = 0
        self.dhcp = 0
        self.peer_ip = socket.inet_aton(PEER_IP)

    def netdev(self):
        return f"socket,id=net0,udp=127.0.0.1:{self.port},localaddr=127.0.0.1:{self.qemu_port}"

    def handle(self):
        frame, _ = self.sock.recvfrom(65536)
        self.frames += 1
        if len(frame) < 14:
            return
        dst, src, ethertype = frame[0:6], frame[6:12], struct.unpack("!H", frame[12:14])[0]
        body = frame[14:]
        reply = None
        if ethertype == 0x0806 and len(body) >= 28:  # ARP
            op = struct.unpack("!H", body[6:8])[0]
            sha, spa, tpa = body[8:14], body[14:18], body[24:28]
            if op == 1 and tpa == self.peer_ip:
                arp = body[0:6] + struct.pack("!H", 2) + PEER_MAC + self.peer_ip + sha + spa
                reply = src + PEER_MAC + struct.pack("!H", 0x0806) + arp
        elif ethertype == 0x0800 and len(body) >= 20:  # IPv4
            ihl = (body[0] & 0x0F) * 4
            proto, sip, dip = body[9], body[12:16], body[16:20]
            icmp = body[ihl:]
            if proto == 1 and dip == self.peer_ip and len(icmp) >= 8 and icmp[0] == 8:
                self.pings += 1
                icmp = b"\0\0" + b"\0\0" + icmp[4:]
                icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
                ip = bytearray(body[:ihl])
                ip[8] = 64
                ip[12:16], ip[16:20] = dip, sip
                ip[10:12] = b"\0\0"
                ip[10:12] = struct.pack("!H", checksum(bytes(ip)))
                reply = src + PEER_MAC + struct.pack("!H", 0x0800) + bytes(ip) + icmp
            elif proto == 17 and len(body) >= ihl + 8 + 240:  # UDP: maybe DHCP to port 67
                dport = struct.unpack("!H", body[ihl + 2:ihl + 4])[0]
                if dport == 67:
                    reply = self.dhcp_reply(src, body[ihl + 8:])
        if reply is not None:
            self.sock.sendto(reply, ("127.0.0.1", self.qemu_port))

    def dhcp_reply(self, client_mac, bootp):
        """A one-lease DHCP server: GUEST_IP/24 for whoever asks, PEER_IP as server and router."""
        if bootp[0] != 1 or bootp[236:240] != b"\x63\x82\x53\x63":
            return None
        opts, i, msg_type = bootp[240:], 0, None
        while i < len(opts) and opts[i] != 255:
            if opts[i] == 0:
                i += 1
                continue
            if opts[i] == 53:
                msg_type = opts[i + 2]
            i += 2 + opts[i + 1]
        answer = {1: 2, 3: 5}.get(msg_type)  # DISCOVER -> OFFER, REQUEST -> ACK
        if answer is None:
            return None
        self.dhcp += 1
        out = bytearray(240)
        out[0:4] = bytes([2, 1, 6, 0])
        out[4:8] = bootp[4:8]  # xid
        out[10:12] = bootp[10:12]  # flags
        out[16:20] = socket.inet_aton(GUEST_IP)  # yiaddr
        out[20:24] = self.peer_ip  # siaddr
        out[28:44] = bootp[28:44]  # chaddr
        out[236:240] = b"\x63\x82\x53\x63"
        out += bytes([53, 1, answer, 54, 4]) + self.peer_ip
        out += bytes([51, 4]) + struct.pack("!I", 3600)
        out += bytes([1, 4]) + socket.inet_aton("255.255.255.0")
        out += bytes([3, 4]) + self.peer_ip + bytes([255])
        udp = struct.pack("!HHHH", 67, 68, 8 + len(out), 0) + bytes(out)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, self.peer_ip,
                         b"\xff\xff\xff\xff")
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        return b"\xff" * 6 + PEER_MAC + struct.pack("!H", 0x0800) + ip + udp


class Guest:
    def __init__(self, guest_dir, name, cfg, accel):
        self.name = name
        self.cfg = cfg
        self.guest_dir = guest_dir
        self.accel = accel
        self.tmp = tempfile.mkdtemp(prefix="berth-guest-")
        self.peer = Peer()
        self.lines = []
        self.buf = b""
        self.proc = None
        self.serial = None
        self.qmp = None
        self.qmp_buf = b""
        self.start = None

    def argv(self):
        c = self.cfg
        g = self.guest_dir
        machine = c["machine"]
        argv = ["qemu-system-x86_64", "-nodefaults", "-display", "none", "-m", "512",
                "-accel", self.accel, "-smp", "1", "-no-user-config"]
        if c["firmware"] == "ovmf":
            vars_ = os.path.join(self.tmp, "vars.fd")
            shutil.copy(os.path.join(OVMF, "OVMF_VARS_4M.fd"), vars_)
            argv += ["-machine", "q35",
                     "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF}/OVMF_CODE_4M.fd",
                     "-drive", f"if=pflash,format=raw,unit=1,file={vars_}"]
        elif c["firmware"] == "ovmf-sb":
            vars_ = os.path.join(self.tmp, "vars.fd")
            shutil.copy(os.path.join(OVMF, "OVMF_VARS_4M.ms.fd"), vars_)
            argv += ["-machine", "q35,smm=on",
                     "-global", "driver=cfi.pflash01,property=secure,value=on",
                     "-global", "ICH9-LPC.disable_s3=1",
                     "-drive",
                     f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF}/OVMF_CODE_4M.secboot.fd",
                     "-drive", f"if=pflash,format=raw,unit=1,file={vars_}"]
        else:
            argv += ["-machine", machine]
        boot = c["boot"]
        if boot == "kernel":
            with open(os.path.join(g, "cmdline")) as f:
                cmdline = f.read().strip()
            argv += ["-kernel", os.path.join(g, "vmlinuz"), "-initrd", os.path.join(g, "initrd.img"),
                     "-append", cmdline]
        elif boot == "gen1-ide-disk":
            argv += ["-drive", f"if=none,id=disk0,format=raw,snapshot=on,file={g}/gen1.img",
                     "-device", "ide-hd,drive=disk0,bus=ide.0,unit=0,bootindex=0"]
        elif boot == "gen2-scsi-disk":
            argv += ["-device", "virtio-scsi-pci,id=scsi0",
                     "-drive", f"if=none,id=disk0,format=raw,snapshot=on,file={g}/gen2.img",
                     "-device", "scsi-hd,drive=disk0,bus=scsi0.0,bootindex=0"]
        elif boot == "iso-ide-dvd":
            argv += ["-drive", f"if=none,id=dvd0,format=raw,readonly=on,media=cdrom,file={g}/guest.iso",
                     "-device", "ide-cd,drive=dvd0,bus=ide.1,unit=0,bootindex=0"]
        elif boot == "iso-scsi-dvd":
            argv += ["-device", "virtio-scsi-pci,id=scsi0",
                     "-drive", f"if=none,id=dvd0,format=raw,readonly=on,media=cdrom,file={g}/guest.iso",
                     "-device", "scsi-cd,drive=dvd0,bus=scsi0.0,bootindex=0"]
        argv += ["-device", c["display"],
                 "-netdev", self.peer.netdev(),
                 "-device", f"{c['nic']},netdev=net0,romfile=",
                 "-audiodev", "none,id=snd0", "-device", "ich9-intel-hda",
                 "-device", "hda-duplex,audiodev=snd0",
                 "-chardev", f"socket,id=ser0,path={self.tmp}/serial.sock",
                 "-serial", "chardev:ser0",
                 "-qmp", f"unix:{self.tmp}/qmp.sock,server=on,wait=off"]
        return argv

    def launch(self):
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(os.path.join(self.tmp, "serial.sock"))
        listener.listen(1)
        argv = self.argv()
        log("qemu: " + " ".join(argv))
        self.start = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
        listener.settimeout(20)
        try:
            self.serial, _ = listener.accept()
        except socket.timeout:
            raise TestFailure("QEMU did not connect to the serial socket")
        finally:
            listener.close()
        self.serial.setblocking(False)
        deadline = time.monotonic() + 20
        while True:
            try:
                self.qmp = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.qmp.connect(os.path.join(self.tmp, "qmp.sock"))
                break
            except OSError:
                self.qmp.close()
                if time.monotonic() > deadline:
                    raise TestFailure("cannot connect to QMP")
                time.sleep(0.05)
        self.qmp_read()  # greeting
        self.qmp_command("qmp_capabilities")

    def elapsed(self):
        return time.monotonic() - self.start

    # --- QMP ---------------------------------------------------------------------------------
    def qmp_read(self, timeout=30):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.qmp_buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure("QMP timed out")
            r, _, _ = select.select([self.qmp], [], [], left)
            if r:
                data = self.qmp.recv(65536)
                if not data:
                    raise TestFailure("QMP closed")
                self.qmp_buf += data
        line, self.qmp_buf = self.qmp_buf.split(b"\n", 1)
        return json.loads(line)

    def qmp_command(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.qmp.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self.qmp_read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise TestFailure(f"QMP {name}: {reply['error']}")
            # events are ignored

    # --- serial ------------------------------------------------------------------------------
    def pump(self, timeout):
        """Wait up to timeout for serial data (also serving the network peer)."""
        r, _, _ = select.select([self.serial, self.peer.sock], [], [], max(timeout, 0))
        if self.peer.sock in r:
            self.peer.handle()
        if self.serial in r:
            data = self.serial.recv(65536)
            if not data:
                raise TestFailure("serial port closed (QEMU exited?)")
            self.buf += data
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                text = line.decode("utf-8", "replace").rstrip("\r")
                self.lines.append(text)
                if text.startswith("BERTH-") and not text.startswith(("BERTH-COUNT", "BERTH-KEYS")):
                    log(f"  [{self.elapsed():6.1f}s] serial: {text}")

    def wait_line(self, predicate, timeout, what):
        """Wait for a new serial line satisfying predicate; returns it."""
        seen = len(self.lines)
        deadline = time.monotonic() + timeout
        while True:
            while seen < len(self.lines):
                line = self.lines[seen]
                seen += 1
                if predicate(line):
                    return line
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure(f"timed out after {timeout} s waiting for {what}")
            if self.proc.poll() is not None:
                raise TestFailure(f"QEMU exited ({self.proc.returncode}) while waiting for {what}")
            self.pump(min(left, 0.5))

    def send(self, command):
        log(f"  [{self.elapsed():6.1f}s] send: {command}")
        self.serial.setblocking(True)
        self.serial.sendall(command.encode() + b"\n")
        self.serial.setblocking(False)

    def command(self, command, timeout=30):
        """Send a command; return the detail of its BERTH-OK line, fail on BERTH-FAIL."""
        name = command.split()[0]
        self.send(command)
        line = self.wait_line(lambda l: l.startswith((f"BERTH-OK {name}", f"BERTH-FAIL {name}")),
                              timeout, f"the answer to '{command}'")
        if line.startswith("BERTH-FAIL"):
            raise TestFailure(f"'{command}' failed: {line}")
        return line[len(f"BERTH-OK {name}"):].strip()

    def idle(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pump(deadline - time.monotonic())

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for s in (self.serial, self.qmp, self.peer.sock):
            if s:
                s.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def bright_pixels(ppm_path):
    """Count near-white pixels in a binary PPM (P6) screendump."""
    with open(ppm_path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P6":
        raise TestFailure("screendump is not a P6 PPM")
    pixels = data[pos:]
    return sum(1 for i in range(0, len(pixels) - 2, 3)
               if pixels[i] > 160 and pixels[i + 1] > 160 and pixels[i + 2] > 160)


def run(guest, steps):
    g = guest
    cfg = g.cfg
    g.launch()
    ready = g.wait_line(lambda l: l.startswith("BERTH-GUEST-READY"), READY_TIMEOUT,
                        "a line starting with BERTH-GUEST-READY")
    fields = dict(f.split("=", 1) for f in ready.split()[1:] if "=" in f)
    steps.append(("ready", g.elapsed()))
    for k, v in cfg["expect"].items():
        if fields.get(k) != v:
            raise TestFailure(f"READY line says {k}={fields.get(k)}, expected {k}={v}: {ready}")
    log(f"ok: ready after {g.elapsed():.1f} s with the expected fields {cfg['expect']}")

    info = g.command("info")
    log(f"ok: info: {info}")
    g.send("no-such-command")
    g.wait_line(lambda l: l == "BERTH-FAIL no-such-command unknown command", 10,
                "the refusal of an unknown command")

    # counter / stop: increasing numbers every 100 ms, none after stop.
    g.command("counter")
    counts = []
    while len(counts) < 5:
        line = g.wait_line(lambda l: l.startswith("BERTH-COUNT "), 10, "BERTH-COUNT lines")
        counts.append(int(line.split()[1]))
    if counts != list(range(counts[0], counts[0] + 5)):
        raise TestFailure(f"counter does not count up by one: {counts}")
    g.command("stop")
    mark = len(g.lines)
    g.idle(0.5)
    if any(l.startswith("BERTH-COUNT") for l in g.lines[mark:]):
        raise TestFailure("the counter kept running after stop")
    log(f"ok: counter {counts} then stopped")

    # screen: the text shows on the framebuffer console.
    detail = g.command("screen BERTH TEST")
    g.idle(0.5)
    ppm = os.path.join(g.tmp, "screen.ppm")
    g.qmp_command("screendump", filename=ppm)
    bright = bright_pixels(ppm)
    if bright < 300:
        raise TestFailure(f"the screen shows no text after 'screen' ({bright} bright pixels)")
    log(f"ok: screen on {detail}, {bright} bright pixels")

    # scroll: a fixed number of lines (rate x seconds) on tty1, then the count; bad usage fails.
    detail = g.command("scroll 40 1", 60)
    m = re.match(r"(\d+) lines in ([0-9.]+) s late (\d+)$", detail)
    if not m or int(m.group(1)) != 40 or float(m.group(2)) < 0.9:
        raise TestFailure(f"'scroll 40 1' answered {detail!r}")
    g.send("scroll 0 x")
    g.wait_line(lambda l: l.startswith("BERTH-FAIL scroll usage"), 15, "BERTH-FAIL scroll")
    log(f"ok: scroll {detail}")

    # keys: typing on the PS/2 keyboard reaches the serial port.
    g.command("keys")
    for key in ["h", "i", "ret"]:
        g.qmp_command("send-key", keys=[{"type": "qcode", "data": key}])
    g.wait_line(lambda l: l == "BERTH-KEYS hi", 15, "BERTH-KEYS hi")
    g.command("stop")
    log("ok: keys")

    # tone: plays through the HDA codec.
    detail = g.command("tone 440 1", timeout=30)
    log(f"ok: tone {detail}")

    # network: a lease from the peer's DHCP server, then a static address, pings of the guest's
    # own address and of the peer across the cable (all answered by this script).
    detail = g.command("dhcp", timeout=40)
    if not detail.split()[1].startswith(f"{GUEST_IP}/24"):
        raise TestFailure(f"dhcp leased something else than {GUEST_IP}/24: {detail}")
    log(f"ok: dhcp {detail}")
    detail = g.command(f"ip {GUEST_IP}/24")
    log(f"ok: ip {detail}")
    g.command(f"ping {GUEST_IP}", timeout=20)
    detail = g.command(f"ping {PEER_IP}", timeout=30)
    if g.peer.pings == 0:
        raise TestFailure("the peer saw no ping")
    log(f"ok: ping {detail} ({g.peer.pings} echo requests reached the peer)")
    steps.append(("commands", g.elapsed()))

    # An ignored power button press leaves the guest working.
    g.command("powerbutton ignore")
    g.qmp_command("system_powerdown")
    g.wait_line(lambda l: l == "BERTH-EVENT powerbutton ignored", 30, "the ignored power button")
    if g.command("echo still here") != "still here":
        raise TestFailure("the guest does not answer after an ignored power button press")
    g.command("powerbutton poweroff")
    log("ok: an ignored power button press left the guest running")

    # ACPI shutdown: the power button makes the guest power off and QEMU exit by itself.
    g.qmp_command("system_powerdown")
    g.wait_line(lambda l: l == "BERTH-EVENT poweroff", 30, "the guest to handle the power button")
    try:
        code = g.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        raise TestFailure("QEMU did not exit after the guest powered off")
    if code != 0:
        raise TestFailure(f"QEMU exited with status {code}")
    steps.append(("poweroff", g.elapsed()))
    log("ok: ACPI power button powered the guest off and QEMU exited")


def diagnose(guest):
    """If the guest still answers, show the end of its kernel log."""
    if guest.proc is None or guest.proc.poll() is not None or guest.serial is None:
        return
    if not any("BERTH-GUEST-READY" in l for l in guest.lines):
        return
    try:
        guest.command("run dmesg | tail -n 25", timeout=15)
    except (TestFailure, OSError):
        pass


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in CONFIGS:
        print(f"usage: {sys.argv[0]} GUEST_DIR {{{'|'.join(CONFIGS)}}}", file=sys.stderr)
        return 2
    guest_dir = os.path.abspath(sys.argv[1])
    name = sys.argv[2]
    for f in ("vmlinuz", "initrd.img", "cmdline", "gen1.img", "gen2.img", "guest.iso"):
        if not os.path.exists(os.path.join(guest_dir, f)):
            print(f"missing {guest_dir}/{f}: build the guest first (build-guest.sh)", file=sys.stderr)
            return 1
    if shutil.which("qemu-system-x86_64") is None:
        print("SKIP: qemu-system-x86_64 is not installed")
        return 77
    accel, why = choose_accel()
    log(f"config: {name}: {CONFIGS[name]}")
    log(f"accel: {accel} ({why})")
    guest = Guest(guest_dir, name, CONFIGS[name], accel)
    steps = []
    try:
        run(guest, steps)
    except TestFailure as e:
        log(f"FAIL: {name}: {e}")
        diagnose(guest)
        log(f"--- last 40 serial lines ({len(guest.lines)} in all) ---")
        for line in guest.lines[-40:]:
            log("  " + line)
        if guest.buf:
            log("  " + guest.buf.decode("utf-8", "replace") + " (no newline)")
        return 1
    finally:
        guest.cleanup()
    log(f"PASS: {name} (" + ", ".join(f"{s} at {t:.1f} s" for s, t in steps) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
