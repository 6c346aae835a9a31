#!/usr/bin/env python3
# tests/cli: checkpoints (Hyper-V's production checkpoints) through berth, against berthd on a
# private bus: taken while Off on a VHDX disk, a marker written with qemu-io and gone after an
# apply, a branch, delete, files counted, unknown checkpoints; with "--guest DIR" the test guest
# checkpointed while Running (it keeps running), apply refused, boots from its overlays.
# Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("berth_cli_test",
                                               os.path.join(HERE, "test-berth-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)

GUEST_DIR = cli.GUEST_DIR


def disk_xml(name, generation, path, memory=64):
    controller = "ide-controller" if generation == 1 else "scsi-controller"
    return cli.MINIMAL.format(name=name, generation=generation, uuid="", extra=(
        '  <%s number="0">\n'
        '    <disk location="0" path="%s"/>\n'
        '    <dvd location="1"/>\n'
        '  </%s>\n'
        '  <com port="1" log="true"/>\n') % (controller, path, controller)).replace(
            'startup="64"', 'startup="%d"' % memory)


def vm_dir(env, name):
    return os.path.join(env.state, "vms", env.vm(name)["uuid"].replace("-", ""))


def vm_folder(env, name):
    u = env.vm(name)["uuid"]
    for candidate in (u, u.replace("-", "")):
        p = os.path.join(env.state, "vms", candidate)
        if os.path.isdir(p):
            return p
    raise AssertionError("no folder for " + name)


def active_disk(env, name):
    xml = env.berth("dumpxml", name).stdout
    start = xml.index('<disk location="0" path="') + len('<disk location="0" path="')
    return xml[start:xml.index('"', start)]


def overlays(folder):
    images = os.path.join(folder, "checkpoints", "images")
    return sorted(os.listdir(images)) if os.path.isdir(images) else []


def checkpoints(env, name):
    return json.loads(env.berth("checkpoints", "--json", name).stdout)


def qemu_io(path, command, check=True):
    r = subprocess.run(["qemu-io", "-f", "qcow2", "-c", command, path], capture_output=True,
                       text=True, timeout=60)
    if check:
        assert r.returncode == 0 and "Pattern verification failed" not in r.stdout, \
            (command, r.stdout, r.stderr)
    return r


def take(env, vm, name):
    out = env.berth("checkpoint", vm, name).stdout.strip()
    assert out.startswith("Checkpoint “%s” (" % name) and out.endswith(")"), out
    return out[out.index("(") + 1:-1]


def test_checkpoints_off(env):
    base = os.path.join(env.tmp, "base.vhdx")
    subprocess.run(["qemu-img", "create", "-q", "-f", "vhdx", base, "64M"], check=True)
    env.define("cp.xml", disk_xml("CP", 2, base))
    folder = vm_folder(env, "CP")
    assert env.berth("checkpoints", "CP").stdout == ""
    assert "CreateCheckpoint" in env.vm("CP")["allowed-actions"], env.vm("CP")

    a = take(env, "CP", "A")
    disk = active_disk(env, "CP")
    assert disk.startswith("checkpoints/images/") and disk.endswith(".qcow2"), disk
    with open(os.path.join(folder, "vm.xml")) as f:
        assert disk in f.read()
    assert os.path.exists(os.path.join(folder, "checkpoints", a, "checkpoint.json"))
    info = json.loads(subprocess.run(["qemu-img", "info", "--output=json",
                                      os.path.join(folder, disk)], capture_output=True,
                                     text=True, check=True).stdout)
    assert info["backing-filename"] == base and info["backing-filename-format"] == "vhdx", info

    # The frozen base disk cannot be given back to the VM by a definition.
    r = env.define("cp-base.xml", env.berth("dumpxml", "CP").stdout.replace(disk, base),
                   check=False)
    cli.one_line_error(r, "belongs to the virtual machine’s checkpoints")
    assert active_disk(env, "CP") == disk

    # A marker written after the checkpoint is gone once it is applied.
    qemu_io(os.path.join(folder, disk), "write -P 0x5a 0 64k")
    qemu_io(os.path.join(folder, disk), "read -P 0x5a 0 64k")
    env.berth("apply", "CP", "A")
    assert env.vm("CP")["state"] == "Off"
    new_disk = active_disk(env, "CP")
    assert new_disk != disk
    qemu_io(os.path.join(folder, new_disk), "read -P 0 0 64k")
    assert not os.path.exists(os.path.join(folder, disk)), "the old overlay stayed"
    assert overlays(folder) == [os.path.basename(new_disk)], overlays(folder)

    # B continues from A; applying A again and taking C makes a branch.
    qemu_io(os.path.join(folder, new_disk), "write -P 0x42 0 64k")
    b = take(env, "CP", "B")
    env.berth("apply", "CP", a)
    c = take(env, "CP", "C")
    tree = checkpoints(env, "CP")
    assert [(cp["name"], cp["parent"], cp["current"]) for cp in tree] == [
        ("A", None, False), ("B", a, False), ("C", a, True)], tree
    assert [cp["id"] for cp in tree] == [a, b, c]
    text = env.berth("checkpoints", "CP").stdout.splitlines()
    assert text[0].startswith("  A  ") and text[1].startswith("    B  "), text
    assert text[2].startswith("*   C  ") and text[2].endswith("(current)"), text

    # Default names are Hyper-V's: "NAME - (date time)".
    d = take_default = env.berth("checkpoint", "CP").stdout.strip()
    assert d.startswith("Checkpoint “CP - (20"), take_default
    d_id = d[d.rindex("(") + 1:-1]

    # B's data is still B's.
    env.berth("apply", "CP", "B")
    qemu_io(os.path.join(folder, active_disk(env, "CP")), "read -P 0x42 0 64k")

    one_line = cli.one_line_error
    one_line(env.berth("apply", "CP", "nope", check=False), "No checkpoint “nope”")
    one_line(env.berth("delete-checkpoint", "CP", "nope", check=False), "No checkpoint “nope”")

    # Deleting never changes what the VM sees; once all are gone only its own overlay is left.
    qemu_io(os.path.join(folder, active_disk(env, "CP")), "write -P 0x77 64k 64k")
    for cp in (a, "C", d_id):
        seen = active_disk(env, "CP")
        env.berth("delete-checkpoint", "CP", cp)
        assert active_disk(env, "CP") == seen
        qemu_io(os.path.join(folder, seen), "read -P 0x42 0 64k")
        qemu_io(os.path.join(folder, seen), "read -P 0x77 64k 64k")
    # After the merges B still holds what it held.
    env.berth("apply", "CP", "B")
    seen = active_disk(env, "CP")
    qemu_io(os.path.join(folder, seen), "read -P 0x42 0 64k")
    qemu_io(os.path.join(folder, seen), "read -P 0 64k 64k")
    env.berth("delete-checkpoint", "CP", "B")
    assert active_disk(env, "CP") == seen
    qemu_io(os.path.join(folder, seen), "read -P 0x42 0 64k")
    assert checkpoints(env, "CP") == []
    assert sorted(os.listdir(os.path.join(folder, "checkpoints"))) == ["images", "tree.json"]
    # The images between were merged into the VM's own overlay, which now sits on the base.
    assert overlays(folder) == [os.path.basename(seen)], overlays(folder)
    chain = json.loads(subprocess.run(
        ["qemu-img", "info", "--backing-chain", "--output=json", os.path.join(folder, seen)],
        capture_output=True, text=True, check=True).stdout)
    assert [i["filename"] for i in chain] == [os.path.join(folder, seen), base], chain
    assert os.path.exists(base)

    # The tree survives a berthd restart.
    take(env, "CP", "E")
    env.stop()
    env.start()
    assert [cp["name"] for cp in checkpoints(env, "CP")] == ["E"]
    # Deleted without its disks, the VM leaves what it wrote since its checkpoints in its own
    # disk: the overlays are committed into the base before the checkpoints go.
    r = subprocess.run(["qemu-io", "-f", "vhdx", "-c", "read -P 0x42 0 64k", base],
                       capture_output=True, text=True, timeout=60)
    assert "Pattern verification failed" in r.stdout, r.stdout  # not in the base yet
    env.berth("delete", "CP")
    r = subprocess.run(["qemu-io", "-f", "vhdx", "-c", "read -P 0x42 0 64k", base],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "Pattern verification failed" not in r.stdout, r.stdout
    assert not os.path.exists(os.path.join(folder, "checkpoints"))


def wait_for(path, text, timeout):
    cli.wait_for(path, text, timeout)


def test_checkpoints_guest(env):
    disk = os.path.join(env.tmp, "gen1.img")
    shutil.copyfile(os.path.join(GUEST_DIR, "gen1.img"), disk)
    env.define("guest.xml", disk_xml("Guest", 1, disk, memory=512))
    folder = vm_folder(env, "Guest")
    env.berth("start", "Guest")
    follow_out = os.path.join(env.tmp, "follow.out")

    def follow_serial():
        with open(follow_out, "a") as out:
            return subprocess.Popen([cli.BERTH, "--connect", env.address, "serial", "--follow",
                                     "Guest"], stdout=out, stderr=subprocess.STDOUT)

    follow = follow_serial()
    try:
        wait_for(follow_out, "BERTH-GUEST-READY gen=1 firmware=bios", 240)
        env.berth("serial", "--send", "counter", "Guest")
        wait_for(follow_out, "BERTH-COUNT 3", 60)
        live = take(env, "Guest", "Live")
        assert env.vm("Guest")["state"] == "Running"
        with open(follow_out) as f:
            before = f.read().count("BERTH-COUNT")
        time.sleep(2)
        with open(follow_out) as f:
            assert f.read().count("BERTH-COUNT") > before, "the guest stopped counting"
        disk_now = active_disk(env, "Guest")
        assert disk_now.startswith("checkpoints/images/ide0-0-"), disk_now
        # QEMU itself opened the overlay (it holds the image lock on it).
        r = subprocess.run(["qemu-img", "info", os.path.join(folder, disk_now)],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0 and "lock" in r.stderr, (r.stdout, r.stderr)
        # A berthd killed and started again takes over the worker and its switched disks.
        env.stop(signal.SIGKILL)
        env.start()
        # The follower ends if it polled while berthd was away: a fresh one either way.
        if follow.poll() is None:
            follow.send_signal(signal.SIGINT)
            follow.wait(10)
        follow = follow_serial()
        assert env.vm("Guest")["state"] == "Running"
        second = take(env, "Guest", "Second")
        tree = checkpoints(env, "Guest")
        assert [(cp["name"], cp["parent"]) for cp in tree] == [("Live", None),
                                                               ("Second", live)], tree
        r = env.berth("apply", "Guest", "Live", check=False)
        cli.one_line_error(r, "Running", "turn it off")
        env.berth("serial", "--send", "info", "Guest")
        wait_for(follow_out, "BERTH-OK info", 60)
        env.berth("turn-off", "Guest")

        # Deleting a checkpoint leaves the VM's disks whole: it boots again from them.
        env.berth("delete-checkpoint", "Guest", second)
        assert [cp["name"] for cp in checkpoints(env, "Guest")] == ["Live"]
        assert not os.path.exists(os.path.join(folder, "checkpoints", second))
        # Second's image was merged into the one overlay the VM now uses (it is Off).
        assert len(overlays(folder)) == 1, overlays(folder)
        with open(follow_out) as f:
            readies = f.read().count("BERTH-GUEST-READY")
        env.berth("start", "Guest")
        deadline = time.monotonic() + 240
        while True:
            with open(follow_out) as f:
                if f.read().count("BERTH-GUEST-READY") > readies:
                    break
            assert time.monotonic() < deadline, "the guest did not boot from its overlays"
            time.sleep(0.2)

        # Paused: the checkpoint is taken all the same; Saved: applying discards the state.
        env.berth("pause", "Guest")
        take(env, "Guest", "Paused")
        assert env.vm("Guest")["state"] == "Paused"
        env.berth("resume", "Guest")
        env.berth("save", "Guest")
        assert env.vm("Guest")["state"] == "Saved"
        env.berth("apply", "Guest", "Live")
        assert env.vm("Guest")["state"] == "Off"
        assert not os.path.exists(os.path.join(folder, "saved.state"))
        # The new overlay on Live's image (the base disk) and Paused's frozen image.
        assert len(overlays(folder)) == 2, overlays(folder)
        assert [(cp["name"], cp["current"]) for cp in checkpoints(env, "Guest")] == [
            ("Live", True), ("Paused", False)]
        env.berth("delete-checkpoint", "Guest", "Paused")
        # Live froze the base disk itself: only the new overlay is left, the base stays.
        assert len(overlays(folder)) == 1, overlays(folder)
        assert os.path.exists(disk)
    finally:
        if follow.poll() is None:
            follow.send_signal(signal.SIGINT)
            follow.wait(10)


def main():
    return cli.run_tests([test_checkpoints_off], [test_checkpoints_guest])


if __name__ == "__main__":
    sys.exit(main())
