#!/usr/bin/env bash
# Runs the built berth: validate on good and bad files (stdout, stderr, exit codes), --version,
# --help, unknown commands and options.
set -uo pipefail
berth=$(realpath "${1:?usage: test-berth-cli.sh BERTH TESTS_XML_DIR SOURCE_ROOT}")
data=${2:?}/data
top=${3:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# expect NAME STATUS STDOUT STDERR -- ARGS...: run berth ARGS in $data, compare everything.
expect() {
  local name=$1 want_status=$2 want_out=$3 want_err=$4
  shift 5
  local status=0
  (cd "$data" && "$berth" "$@") >"$tmp/out" 2>"$tmp/err" || status=$?
  local out err
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
  if [ "$status" != "$want_status" ] || [ "$out" != "$want_out" ] || [ "$err" != "$want_err" ]; then
    echo "not ok - $name"
    echo "  exit: $status (want $want_status)"
    echo "  stdout: $out"
    echo "  want:   $want_out"
    echo "  stderr: $err"
    echo "  want:   $want_err"
    failures=$((failures + 1))
  else
    echo "ok - $name"
  fi
}

expect "valid files" 0 $'good/gen1-full.xml: ok\ngood/switch-private.xml: ok' "" -- \
  validate good/gen1-full.xml good/switch-private.xml
expect "one invalid file" 1 "" \
  "invalid/gen2-ide-controller.xml:4: <ide-controller> is not allowed in a Generation 2 VM; use <scsi-controller>" -- \
  validate invalid/gen2-ide-controller.xml
expect "an address the switch code cannot use" 1 "" \
  'invalid/switch-address-leading-zero.xml:3: <address>: "192.168.010.1/24" has a leading zero in "010": write the numbers without leading zeros (some programs read them as octal)' -- \
  validate invalid/switch-address-leading-zero.xml
expect "mixed files: ok ones still reported" 1 "good/gen2-minimal.xml: ok" \
  $'invalid/empty.xml: the file is empty\ninvalid/missing.xml: cannot open the file: No such file or directory' -- \
  validate invalid/empty.xml good/gen2-minimal.xml invalid/missing.xml
# Usage errors exit 2: what was wrong, then the command's usage.
expect "no files" 2 "" $'berth validate: FILE is missing\nUsage: berth validate [OPTION…] FILE…' -- validate
expect "validate unknown option" 2 "" \
  $'berth validate: Unknown option --strict\nUsage: berth validate [OPTION…] FILE…' -- validate --strict good/gen2-minimal.xml
expect "file named like an option after --" 1 "" "-x.xml: cannot open the file: No such file or directory" -- \
  validate -- -x.xml
expect "version" 0 "berth 0.1.0" "" -- --version
expect "unknown command" 2 "" $'berth: unknown command “frobnicate”\nUsage: berth [OPTION…] COMMAND [ARGUMENT…]' -- frobnicate
expect "unknown option" 2 "" $'berth: Unknown option --frobnicate\nUsage: berth [OPTION…] COMMAND [ARGUMENT…]' -- --frobnicate

# --help mentions every command; no command at all prints the usage on stderr and exits 2.
status=0
"$berth" --help >"$tmp/out" 2>&1 || status=$?
if [ $status -ne 0 ] || ! grep -q '^  berth \[OPTION…\] COMMAND' "$tmp/out" || ! grep -q '^  validate ' "$tmp/out"; then
  echo "not ok - --help"; cat "$tmp/out"; failures=$((failures + 1))
else
  echo "ok - --help"
fi
status=0
"$berth" >"$tmp/out" 2>"$tmp/err" || status=$?
if [ $status -ne 2 ] || [ -s "$tmp/out" ] || ! grep -q '^Usage: berth' "$tmp/err"; then
  echo "not ok - no command"; failures=$((failures + 1))
else
  echo "ok - no command"
fi

# The examples the lead's ./dev run shows are all valid.
status=0
"$berth" validate "$top"/data/examples/*.xml >"$tmp/out" 2>"$tmp/err" || status=$?
if [ $status -ne 0 ] || [ -s "$tmp/err" ] || [ "$(grep -c ': ok$' "$tmp/out")" -lt 5 ]; then
  echo "not ok - examples"; cat "$tmp/out" "$tmp/err"; failures=$((failures + 1))
else
  echo "ok - examples"
fi

[ $failures -eq 0 ]
