#!/usr/bin/env bash
# The manual pages made from data/man/*.scd: each renders with man (groff warnings count as
# failures) and names itself, and berth's page names every command and subcommand that
# `berth --help` lists. Prints TAP.
set -uo pipefail
berth=${1:?usage: test-man-pages.sh BERTH MAN_DIR}
mandir=${2:?}
export LC_ALL=C.UTF-8 LANGUAGE= MANWIDTH=100 MAN_KEEP_FORMATTING=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pages=(berth.1 berthd.8 vmconnect.1 berth-manager.1)
echo "1..$((${#pages[@]} + 1))"
failures=0
n=0

for page in "${pages[@]}"; do
  n=$((n + 1))
  name=${page%.*}
  if ! man --warnings=all -l "$mandir/$page" >"$tmp/$page.txt" 2>"$tmp/$page.err"; then
    echo "not ok $n $page renders"; sed 's/^/# /' "$tmp/$page.err"; failures=$((failures + 1))
  elif [ -s "$tmp/$page.err" ]; then
    echo "not ok $n $page renders without warnings"; sed 's/^/# /' "$tmp/$page.err"
    failures=$((failures + 1))
  elif ! grep -q "^NAME" "$tmp/$page.txt" || ! grep -q "^       $name - " "$tmp/$page.txt"; then
    echo "not ok $n $page has a NAME section naming $name"; failures=$((failures + 1))
  else
    echo "ok $n $page renders"
  fi
done

# The commands berth --help lists ("  NAME  summary" after "Commands:"), a group's with its name.
commands() {
  "$berth" "$@" --help | sed -n '/^Commands:$/,/^$/p' | sed -n 's/^  \([^ ]*\) .*/\1/p'
}
n=$((n + 1))
missing=()
for command in $(commands); do
  names=("$command")
  if [ "$command" = switch ] || [ "$command" = disk ]; then
    for sub in $(commands "$command"); do names+=("$command $sub"); done
  fi
  for name in "${names[@]}"; do
    # Each is the term of an entry: an indented line starting with it, or one of a pair
    # ("pause VM, resume VM").
    if ! grep -qE "^       ($name|.*, $name)( |\$)" "$tmp/berth.1.txt"; then
      missing+=("$name")
    fi
  done
done
if [ ${#missing[@]} -gt 0 ] || [ "$(commands | wc -l)" -lt 20 ]; then
  echo "not ok $n berth.1 names every command; missing: ${missing[*]}"
  failures=$((failures + 1))
else
  echo "ok $n berth.1 names every command"
fi
[ $failures -eq 0 ]
