#!/usr/bin/env python3
# tests/cli: every berth command's command line, one row each in COMMANDS, against berthd on a
# private bus: --help exits 0 with the command's usage on stdout; an unknown option, a missing
# argument and an extra one exit 2 with one line naming what was wrong and the command's usage
# on stderr; an unknown VM, switch or file exits 1 with one line naming it; and nothing of
# berthd's state changes meanwhile. The table must name every command berth --help lists.
# Uses test-berth-cli.py's environment. Prints TAP.
#
# SPDX-License-Identifier: GPL-2.0-or-later
import importlib.util
import os
import re
import subprocess
import sys

_spec = importlib.util.spec_from_file_location(
    "test_berth_cli", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-berth-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)
one_line_error, usage_error, minimal = cli.one_line_error, cli.usage_error, cli.minimal

VM = "Real"          # a VM that exists: a usage error must leave it alone
SWITCH = "Lab"       # a switch that exists
NO_VM = "No such VM"
NO_SWITCH = "No such switch"
NO_FILE = "/nonexistent/berth-usage.xml"

# command: (a complete command line for it, with VM/SWITCH where it names one (None: it takes
#           no argument), what is missing without arguments (None: nothing), the same line
#           naming something that does not exist (None: it names nothing), what that error names).
COMMANDS = {
    "validate": ([NO_FILE], "FILE", [NO_FILE], NO_FILE),
    "host": (None, None, None, None),
    "list": (None, None, None, None),
    "define": ([NO_FILE], "FILE", [NO_FILE], NO_FILE),
    "new": (["--name", "New", "--generation", "2"], "--name and --generation are required",
            None, None),
    "dumpxml": ([VM], "VM", [NO_VM], NO_VM),
    "rename": ([VM, "Other"], "VM", [NO_VM, "Other"], NO_VM),
    "delete": ([VM], "VM", [NO_VM], NO_VM),
    "start": ([VM], "VM", [NO_VM], NO_VM),
    "shutdown": ([VM], "VM", [NO_VM], NO_VM),
    "turn-off": ([VM], "VM", [NO_VM], NO_VM),
    "save": ([VM], "VM", [NO_VM], NO_VM),
    "pause": ([VM], "VM", [NO_VM], NO_VM),
    "resume": ([VM], "VM", [NO_VM], NO_VM),
    "reset": ([VM], "VM", [NO_VM], NO_VM),
    "screenshot": ([VM, "shot.png"], "VM", [NO_VM, "shot.png"], NO_VM),
    "connect": ([VM], "VM", [NO_VM], NO_VM),
    "serial": ([VM], "VM", [NO_VM], NO_VM),
    "checkpoint": ([VM, "First"], "VM", [NO_VM], NO_VM),
    "checkpoints": ([VM], "VM", [NO_VM], NO_VM),
    "apply": ([VM, "cp"], "VM", [NO_VM, "cp"], NO_VM),
    "delete-checkpoint": ([VM, "cp"], "VM", [NO_VM, "cp"], NO_VM),
    "adapters": (None, None, None, None),
    "mac-range": (["52:54:00:a0:00:00", "52:54:00:a0:ff:ff"], None, None, None),
    "disk create": (["d.vhdx", "--size", "1G"], "FILE", None, None),
    "disk info": ([NO_FILE], "FILE", [NO_FILE], NO_FILE),
    "disk convert": (["a.vhdx", "b.qcow2"], "SOURCE", [NO_FILE, "b.qcow2"], NO_FILE),
    "disk resize": (["d.vhdx", "--size", "2G"], "FILE", [NO_FILE, "--size", "2G"], NO_FILE),
    "switch list": (None, None, None, None),
    "switch define": ([NO_FILE], "FILE", [NO_FILE], NO_FILE),
    "switch new": (["New", "--type", "private"], "NAME", None, None),
    "switch dumpxml": ([SWITCH], "SWITCH", [NO_SWITCH], NO_SWITCH),
    "switch delete": ([SWITCH], "SWITCH", [NO_SWITCH], NO_SWITCH),
    # The groups themselves: a subcommand is their argument.
    "switch": (["list"], "COMMAND", None, None),
    "disk": (["info", NO_FILE], "COMMAND", None, None),
}


def listed_commands(env, group=""):
    """The commands `berth [GROUP] --help` lists, with their groups' subcommands."""
    r = env.berth(*(group.split() + ["--help"]))
    text = r.stdout.split("\nCommands:\n", 1)[1]
    names = []
    for line in text.splitlines():
        m = re.match(r"^  (\S+)\s", line)
        if not m:
            break
        name = (group + " " + m.group(1)).strip()
        names.append(name)
        if name in ("switch", "disk"):
            names += listed_commands(env, name)
    return names


def expect(env, argv, judge, *args):
    """Runs `berth ARGV…` and has @judge(result, *args) check it; a failure names the line."""
    r = env.berth(*argv, check=False)
    try:
        judge(r, *args)
    except AssertionError as e:
        raise AssertionError("berth %s: %s" % (" ".join(argv), e))


def prepare(env):
    env.define("real.xml", minimal(VM))
    env.berth("switch", "new", SWITCH, "--type", "private")
    return env.snapshot()


def check_unchanged(env, before, what):
    after = env.snapshot()
    assert after == before, "%s changed berthd's state: %r" % (
        what, set(after.items()) ^ set(before.items()))


def test_table_covers_every_command(env):
    listed = listed_commands(env)
    assert "switch new" in listed and "disk resize" in listed, listed
    assert sorted(listed) == sorted(COMMANDS), (
        "not in the table: %r; not listed: %r" % (set(listed) - set(COMMANDS),
                                                  set(COMMANDS) - set(listed)))


def test_help(env):
    for command in COMMANDS:
        r = env.berth(*(command.split() + ["--help"]), check=False)
        assert r.returncode == 0, (command, r.returncode, r.stderr)
        assert "  berth %s [OPTION…]" % command in r.stdout, (command, r.stdout)
        assert r.stderr == "", (command, r.stderr)
        assert "-h, --help" in r.stdout, (command, r.stdout)


def test_unknown_option(env):
    before = prepare(env)
    for command, (args, _, _, _) in COMMANDS.items():
        argv = command.split() + ["--no-such-option"] + (args or [])
        expect(env, argv, usage_error, command, "--no-such-option")
        check_unchanged(env, before, "berth " + " ".join(argv))


def test_missing_and_extra_argument(env):
    before = prepare(env)
    for command, (args, missing, _, _) in COMMANDS.items():
        if missing is not None:
            expect(env, command.split(), usage_error, command, missing)
            check_unchanged(env, before, "berth " + command)
        if command in ("validate", "switch", "disk"):
            continue  # any number of files; a group's subcommand takes what follows
        argv = command.split() + (args or []) + ["surplus"]
        expect(env, argv, usage_error, command, "unexpected argument “surplus”")
        check_unchanged(env, before, "berth " + " ".join(argv))
    # Options that take a value, without it.
    for argv, option in ((["serial", VM, "--send"], "--send"),
                         (["shutdown", VM, "--timeout"], "--timeout"),
                         (["--connect"], "--connect")):
        r = env.berth(*argv, check=False)
        assert r.returncode == 2 and "Missing argument for %s" % option in r.stderr, (argv, r)
    usage_error(env.berth("mac-range", "52:54:00:a0:00:00", check=False), "mac-range",
                "LAST is missing")
    usage_error(env.berth("switch", "nosuch", check=False), "switch", "unknown command “nosuch”")
    usage_error(env.berth("disk", "create", "d.vhdx", check=False), "disk create",
                "--size is missing")
    usage_error(env.berth("switch", "new", "X", check=False), "switch new", "--type is missing")
    usage_error(env.berth("serial", VM, "--follow", "--send", "x", check=False), "serial",
                "--follow and --send")
    check_unchanged(env, before, "the usage errors")


def named_error(r, command, named):
    """Exit 1 and one line naming @named (validate reports each file as "FILE: problem")."""
    if command == "validate":
        assert r.returncode == 1, "exit %d, stderr %r" % (r.returncode, r.stderr)
        assert r.stderr.strip().count("\n") == 0 and r.stderr.startswith(named), r.stderr
    else:
        one_line_error(r, "berth %s: " % command, named)


def test_unknown_names(env):
    before = prepare(env)
    for command, (_, _, args, named) in COMMANDS.items():
        if args is None:
            continue
        argv = command.split() + args
        expect(env, argv, named_error, command, named)
        check_unchanged(env, before, "berth " + " ".join(argv))


def test_utf8_under_c_locale(env):
    """Option values are the bytes given: a UTF-8 name works under LC_ALL=C as it always did
    (GOption's string options would convert them from the locale's charset and fail)."""
    c_env = dict(os.environ, LC_ALL="C", LANGUAGE="")

    def berth_c(*args):
        r = subprocess.run([cli.BERTH, "--connect", env.address] + list(args), env=c_env,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, "berth %s: %s" % (" ".join(args), r.stderr)

    berth_c("switch", "new", "Лаборатория", "--type", "private", "--notes", "заметка")
    berth_c("new", "--name", "Сервер", "--generation", "2", "--switch", "Лаборатория")
    berth_c("rename", "Сервер", "Сервер №2")
    assert "<name>Сервер №2</name>" in env.berth("dumpxml", "Сервер №2").stdout
    assert "<notes>заметка</notes>" in env.berth("switch", "dumpxml", "Лаборатория").stdout


TESTS = [test_table_covers_every_command, test_help, test_unknown_option,
         test_missing_and_extra_argument, test_unknown_names, test_utf8_under_c_locale]


def main():
    return cli.run_tests(TESTS)


if __name__ == "__main__":
    sys.exit(main())
