#!/usr/bin/env python3
# tests/cli: berth's bash completion (data/completion/berth.bash) driven in bash as bash would
# drive it (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT, then the function), against berthd
# on a private bus with VMs and switches of its own: commands, subcommands, options, option
# values, VM and switch names (spaces quoted) and files. Once with bash-completion's helpers
# loaded, as an installed system has them, once without. Uses test-berth-cli.py's environment.
# Prints TAP.
#
#   test-berth-completion.py BERTH BERTHD SOURCE_ROOT COMPLETION_FILE
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

COMPLETION = sys.argv[4]
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

# Sources the completion (after bash-completion when $1 is "full"), then for each command line
# given as one argument (the line as typed, then its words, separated by newlines, the last word
# being the one completed) prints the candidates, one a line, and a line "--" after them.
DRIVER = r'''
if [ "$1" = full ]; then
    source "$BASH_COMPLETION" || exit 3
fi
source "$COMPLETION" || exit 3
shift
for line in "$@"; do
    # The command line as typed, then its words as bash split them.
    COMP_LINE=${line%%$'\n'*}
    IFS=$'\n' read -r -d '' -a COMP_WORDS <<<"${line#*$'\n'}"
    # The here-string's newline: the last word may be empty.
    [ "${line: -1}" = $'\n' ] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _berth
    printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d'
    echo --
done
'''


def complete(env, mode, *lines, address=None):
    """The candidates for each command line (a list of words, the last one being completed),
    with BERTH_BUS_ADDRESS berthd's bus or @address."""
    args = []
    for words in lines:
        words = [cli.BERTH] + list(words)
        # Pieces bash split at "=" or ":" join again without spaces.
        typed = re.sub(r" ?([=:]) ?", r"\1", " ".join(words))
        args.append("\n".join([typed] + words) + ("\n" if words[-1] == "" else ""))
    bash_env = dict(os.environ, BERTH_BUS_ADDRESS=address or env.address, COMPLETION=COMPLETION,
                    BASH_COMPLETION=BASH_COMPLETION)
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", DRIVER, "driver", mode] + args,
                       capture_output=True, text=True, env=bash_env, timeout=60,
                       cwd=env.tmp)
    assert r.returncode == 0, "bash failed (%d): %s" % (r.returncode, r.stderr)
    answers = r.stdout.split("--\n")[:-1]
    assert len(answers) == len(lines), r.stdout
    return [sorted(a.splitlines()) for a in answers]


def prepare(env):
    env.define("a.xml", cli.minimal("Alpha"))
    env.define("w.xml", cli.minimal("Web server"))
    env.berth("switch", "new", "Lab", "--type", "private")
    os.makedirs(os.path.join(env.tmp, "defs"))
    env.write("defs/gen2.xml", cli.minimal("Gen2"))


def check(env, mode):
    cases = [
        # words, what must be among the candidates, what must not
        ([""], ["validate", "switch", "disk", "delete-checkpoint", "mac-range"], ["__complete"]),
        (["sw"], ["switch"], ["start"]),
        (["switch", ""], ["list", "define", "new", "dumpxml", "delete"], ["start"]),
        (["disk", "c"], ["create", "convert"], ["info"]),
        (["list", "--"], ["--json", "--help"], ["--name"]),
        (["new", "--s"], ["--size", "--switch", "--secure-boot", "--start"], ["--name"]),
        (["serial", "-"], ["--follow", "--send", "--help"], []),
        (["disk", "create", "x.vhdx", "--format", ""], ["vhdx", "vhd", "qcow2", "raw"], []),
        (["new", "--generation", ""], ["1", "2"], []),
        (["switch", "new", "X", "--type", "in"], ["internal"], ["external"]),
        (["start", ""], ["Alpha", "Web\\ server"], ["Lab"]),
        (["dumpxml", "W"], ["Web\\ server"], ["Alpha"]),
        (["rename", "Alpha", ""], [], ["Alpha"]),
        (["checkpoint", "--", ""], [], []),
        (["switch", "delete", ""], ["Lab", "Default\\ Switch"], ["Alpha"]),
        (["new", "--switch", "L"], ["Lab"], ["Alpha"]),
        (["define", "de"], ["defs"], []),
        (["validate", "defs/"], ["defs/gen2.xml"], []),
        (["nosuch", ""], [], ["Alpha", "list"]),
    ]
    answers = complete(env, mode, *[words for words, _, _ in cases])
    if mode == "full":
        # bash splits "--connect unix:path=/x" at ":" and "="; bash-completion joins it again.
        # --connect names berthd's bus, BERTH_BUS_ADDRESS a dead one.
        words = ["--connect"] + re.split(r"([=:])", env.address) + ["start", ""]
        cases.append((words, ["Alpha"], []))
        answers += complete(env, mode, words, address="unix:path=/nonexistent/bus")
        words = ["start", ""]
        cases.append((words, [], ["Alpha"]))
        answers += complete(env, mode, words, address="unix:path=/nonexistent/bus")
    for (words, wanted, unwanted), got in zip(cases, answers):
        for w in wanted:
            assert w in got, "berth %s⇥: %r not in %r" % (" ".join(words), w, got)
        for w in unwanted:
            assert w not in got, "berth %s⇥: %r in %r" % (" ".join(words), w, got)


def test_with_bash_completion(env):
    if not os.path.exists(BASH_COMPLETION):
        raise AssertionError("bash-completion is not installed (%s)" % BASH_COMPLETION)
    prepare(env)
    check(env, "full")


def test_plain_bash(env):
    prepare(env)
    check(env, "plain")


TESTS = [test_with_bash_completion, test_plain_bash]


def main():
    return cli.run_tests(TESTS)


if __name__ == "__main__":
    sys.exit(main())
