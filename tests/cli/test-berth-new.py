#!/usr/bin/env python3
# tests/cli: "berth new" against berthd on a private bus with a temporary state dir: Generation 1
# and 2 VMs from options (dumpxml shows them) with the drives Hyper-V gives them, the installation
# choices, a new disk made by berthd, --start, --print-xml, and bad options (exit 1 with one clear
# line, or 2 with the usage for the command line's shape; nothing defined). Uses
# test-berth-cli.py's environment. Prints TAP. (That the wizard makes the same definitions:
# tests/manager/test-new-vm-paths.c.)
#
# SPDX-License-Identifier: GPL-2.0-or-later
import importlib.util
import os
import shutil
import sys
import xml.etree.ElementTree as ET

_spec = importlib.util.spec_from_file_location(
    "test_berth_cli", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-berth-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)
Env, one_line_error, usage_error = cli.Env, cli.one_line_error, cli.usage_error


def definition(env, name):
    return ET.fromstring(env.berth("dumpxml", name).stdout)


def drives(root):
    """{(controller kind, number, drive kind, location): path}"""
    found = {}
    for controller in root:
        if controller.tag in ("ide-controller", "scsi-controller"):
            for drive in controller:
                found[(controller.tag, int(controller.get("number")), drive.tag,
                       int(drive.get("location")))] = drive.get("path")
    return found


def test_new_gen1(env):
    disk = env.write("gen1.img", "")
    iso = env.write("setup.iso", "")
    r = env.berth("new", "--name", "Old school", "--generation", "1", "--memory", "2048M",
                  "--processors", "2", "--disk", disk, "--dvd", iso, "--switch", "Lab")
    assert r.stdout.startswith("Defined “Old school” ("), r.stdout
    root = definition(env, "Old school")
    assert root.get("generation") == "1"
    assert root.find("processor").get("count") == "2"
    memory = root.find("memory")
    assert (memory.get("startup"), memory.get("unit"), memory.get("dynamic")) == \
        ("2048", "MiB", "false"), memory.attrib
    assert root.find("firmware") is None and root.find("tpm") is None
    assert drives(root) == {("ide-controller", 0, "disk", 0): disk,
                            ("ide-controller", 1, "dvd", 0): iso}, drives(root)
    assert root.find("floppy") is not None and root.find("floppy").get("path") is None
    assert root.find("boot").get("order") == "dvd disk network floppy"
    adapter = root.find("network-adapter")
    assert (adapter.get("switch"), adapter.get("legacy")) == ("Lab", "false"), adapter.attrib
    # The UUID printed is the VM's.
    assert env.vm("Old school")["uuid"] in r.stdout
    # Like Hyper-V, a Generation 1 VM always has a DVD drive on IDE 1 (empty here) and a floppy
    # drive.
    env.berth("new", "--name", "Bare", "--generation", "1")
    root = definition(env, "Bare")
    assert drives(root) == {("ide-controller", 1, "dvd", 0): None}, drives(root)
    assert root.find("floppy") is not None and root.find("network-adapter") is None


def test_new_gen2(env):
    disk = env.write("gen2.vhdx", "")
    iso = env.write("setup.iso", "")
    env.berth("new", "--name", "Modern", "--generation", "2", "--memory", "2G", "--disk", disk,
              "--dvd", iso, "--secure-boot", "off", "--tpm", "--dynamic-memory")
    root = definition(env, "Modern")
    assert root.get("generation") == "2"
    memory = root.find("memory")
    assert (memory.get("startup"), memory.get("dynamic"), memory.get("minimum")) == \
        ("2048", "true", "512"), memory.attrib
    assert root.find("firmware").get("secure-boot") == "false"
    assert root.find("tpm") is not None
    assert drives(root) == {("scsi-controller", 0, "disk", 0): disk,
                            ("scsi-controller", 0, "dvd", 1): iso}, drives(root)
    # Defaults: Secure Boot on, 1 processor, 1024 MiB, no drives, no adapter.
    env.berth("new", "--name", "Defaults", "--generation", "2")
    root = definition(env, "Defaults")
    assert root.find("firmware").get("secure-boot") == "true"
    assert root.find("processor").get("count") == "1"
    assert root.find("memory").get("startup") == "1024"
    assert drives(root) == {} and root.find("network-adapter") is None
    # --memory in GiB stays in GiB.
    env.berth("new", "--name", "Gigs", "--generation", "2", "--memory", "3G")
    memory = definition(env, "Gigs").find("memory")
    assert (memory.get("startup"), memory.get("unit")) == ("3", "GiB"), memory.attrib


def test_new_install(env):
    """--dvd, --floppy and --network-boot: the medium in its drive and the boot order."""
    floppy = env.write("drivers.vfd", "")
    env.berth("new", "--name", "Floppy", "--generation", "1", "--floppy", floppy)
    root = definition(env, "Floppy")
    assert root.find("floppy").get("path") == floppy
    assert root.find("boot").get("order") == "floppy dvd disk network"
    assert drives(root) == {("ide-controller", 1, "dvd", 0): None}, drives(root)
    # Network installation on Generation 1 takes the legacy adapter, the one that can boot.
    env.berth("new", "--name", "Pxe1", "--generation", "1", "--network-boot", "--switch", "Lab")
    root = definition(env, "Pxe1")
    assert root.find("boot").get("order") == "network dvd disk floppy"
    assert root.find("network-adapter").get("legacy") == "true"
    env.berth("new", "--name", "Pxe2", "--generation", "2", "--network-boot", "--switch", "Lab")
    root = definition(env, "Pxe2")
    assert root.find("boot").get("order") == "network dvd disk"
    assert root.find("network-adapter").get("legacy") == "false"
    assert drives(root) == {}, drives(root)
    # A Generation 2 VM gets a DVD drive only to install from; without a disk it stays at 1.
    iso = env.write("live.iso", "")
    env.berth("new", "--name", "Live", "--generation", "2", "--dvd", iso,
              "--secure-boot-template", "open-source")
    root = definition(env, "Live")
    assert drives(root) == {("scsi-controller", 0, "dvd", 1): iso}, drives(root)
    assert root.find("floppy") is None
    firmware = root.find("firmware")
    assert (firmware.get("secure-boot"), firmware.get("template")) == ("true", "open-source"), \
        firmware.attrib


def test_new_print_xml(env):
    """--print-xml: the definition berth new would define, checked, and nothing defined; no
    berthd needed."""
    iso = env.write("print.iso", "")
    args = ["new", "--name", "Printed", "--generation", "2", "--memory", "2048M", "--dvd", iso,
            "--switch", "Lab", "--tpm"]
    r = cli.subprocess.run([cli.BERTH, "--connect", "unix:path=/nonexistent/bus"] + args +
                           ["--print-xml"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stderr == "", (r.returncode, r.stderr)
    printed = ET.fromstring(r.stdout)
    assert printed.find("uuid") is None
    assert env.names() == [], env.names()
    # The same definition as berth new defines (berthd adds the UUID).
    env.berth(*args)
    defined = definition(env, "Printed")
    defined.remove(defined.find("uuid"))
    assert ET.tostring(defined) == ET.tostring(printed), r.stdout
    # Checked as berthd checks it: one line per problem, nothing printed on stdout.
    r = env.berth("new", "--name", "Small", "--generation", "2", "--memory", "8M",
                  "--print-xml", check=False)
    one_line_error(r, "berth new: ", "32 MiB")
    assert r.stdout == "", r.stdout


def test_new_disk(env):
    if shutil.which("qemu-img") is None:
        print("# no qemu-img: --new-disk not tried")
        return
    # A relative path is the current directory's.
    r = cli.subprocess.run([cli.BERTH, "--connect", env.address, "new", "--name", "Disky",
                            "--generation", "2", "--new-disk", "system.vhdx", "--size", "64M"],
                           capture_output=True, text=True, timeout=60, cwd=env.tmp)
    assert r.returncode == 0, r.stderr
    disk = os.path.join(env.tmp, "system.vhdx")
    assert os.path.exists(disk)
    info = env.berth("disk", "info", disk).stdout
    assert "vhdx" in info and "67108864" in info, info
    assert drives(definition(env, "Disky")) == {("scsi-controller", 0, "disk", 0): disk}
    # The format follows the extension.
    qcow2 = os.path.join(env.tmp, "data.qcow2")
    env.berth("new", "--name", "Qcow", "--generation", "1", "--new-disk", qcow2, "--size", "32M")
    assert "qcow2" in env.berth("disk", "info", qcow2).stdout
    # A disk that cannot be made leaves no VM behind.
    one_line_error(env.berth("new", "--name", "Again", "--generation", "2", "--new-disk", disk,
                             "--size", "64M", check=False), disk)
    assert "Again" not in env.names()


def test_new_start(env):
    disk = env.write("empty.img", "\0" * 512)
    env.berth("new", "--name", "Runner", "--generation", "1", "--memory", "64M", "--disk", disk,
              "--start")
    assert env.vm("Runner")["state"] == "Running"
    env.berth("turn-off", "Runner")


def test_new_bad_options(env):
    cases = [
        (["--name", "X", "--generation", "3"], "unknown generation “3”"),
        (["--name", "X", "--generation", "2", "--memory", "lots"], "--memory “lots” is not a size"),
        (["--name", "X", "--generation", "2", "--memory", "2T"], "--memory “2T” is not a size"),
        (["--name", "X", "--generation", "2", "--processors", "zero"], "--processors"),
        (["--name", "X", "--generation", "2", "--secure-boot", "maybe"], "--secure-boot"),
        (["--name", "X", "--generation", "1", "--tpm"], "Generation 2"),
        (["--name", "X", "--generation", "1", "--secure-boot", "on"], "Generation 2"),
        (["--name", "X", "--generation", "1", "--secure-boot", "off"], "Generation 2"),
        (["--name", "X", "--generation", "1", "--secure-boot-template", "open-source"],
         "Generation 2"),
        (["--name", "X", "--generation", "2", "--secure-boot-template", "linux"],
         "unknown Secure Boot template “linux”"),
        (["--name", "X", "--generation", "2", "--floppy", "/a.vfd"], "Generation 1"),
        (["--name", "X", "--generation", "2", "--new-disk", "/tmp/x.vhdx", "--size", "big"],
         "--size “big” is not a size"),
        # berthd's validation, one line each.
        (["--name", "X", "--generation", "2", "--memory", "8M"], "32 MiB"),
        (["--name", "X", "--generation", "2", "--processors", "999"], "processor"),
        (["--name", "", "--generation", "2"], "name"),
    ]
    for args, expected in cases:
        r = env.berth("new", *args, check=False)
        try:
            one_line_error(r, "berth new: ", expected)
        except AssertionError as e:
            raise AssertionError("berth new %s: %s" % (" ".join(args), e))
    # The command line's shape: exit 2 with the usage.
    usage_cases = [
        (["--name", "X", "--generation", "2", "--new-disk", "/tmp/x.vhdx"], "--size"),
        (["--name", "X", "--generation", "2", "--disk", "/a", "--new-disk", "/b", "--size", "1G"],
         "either --disk or --new-disk"),
        (["--generation", "2"], "--name and --generation are required"),
        (["--name", "X"], "--name and --generation are required"),
        (["--name", "X", "--generation", "2", "--bogus"], "Unknown option --bogus"),
        (["--name", "X", "--generation"], "Missing argument for --generation"),
        (["--name", "X", "--generation", "2", "extra"], "unexpected argument “extra”"),
        (["--name", "X", "--generation", "1", "--dvd", "/a.iso", "--network-boot"],
         "only one of --dvd, --floppy and --network-boot"),
        (["--name", "X", "--generation", "1", "--dvd", "/a.iso", "--floppy", "/a.vfd"],
         "only one of --dvd, --floppy and --network-boot"),
        (["--name", "X", "--generation", "2", "--print-xml", "--start"], "--print-xml"),
    ]
    for args, expected in usage_cases:
        r = env.berth("new", *args, check=False)
        try:
            usage_error(r, "new", expected)
        except AssertionError as e:
            raise AssertionError("berth new %s: %s" % (" ".join(args), e))
    env.berth("new", "--name", "Taken", "--generation", "2")
    one_line_error(env.berth("new", "--name", "Taken", "--generation", "1", check=False),
                   "already called “Taken”")
    assert env.names() == ["Taken"], env.names()
    assert "berth new [OPTION…]" in env.berth("new", "--help").stdout


TESTS = [test_new_gen1, test_new_gen2, test_new_install, test_new_print_xml, test_new_disk,
         test_new_start, test_new_bad_options]


def main():
    return cli.run_tests(TESTS)


if __name__ == "__main__":
    sys.exit(main())
