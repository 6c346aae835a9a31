#!/usr/bin/env bash
# Fails when any C source under the tree differs from what clang-format (with the root
# .clang-format) would write. Prints the files and a diff to fix them.
set -euo pipefail
top=${1:?usage: check-format.sh SOURCE_ROOT}
cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.c' '*.h')
else
  mapfile -t files < <(find . -path ./build -prune -o \( -name '*.c' -o -name '*.h' \) -print)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "check-format: no C files found under $top" >&2
  exit 1
fi
existing=()
for f in "${files[@]}"; do
  [ -f "$f" ] && existing+=("$f")
done
# One clang-format for every file: fast. Only when it finds something, show each file's diff.
if clang-format --style=file --dry-run --Werror "${existing[@]}" >/dev/null 2>&1; then
  echo "check-format: ${#files[@]} files checked"
  exit 0
fi
bad=0
for f in "${existing[@]}"; do
  [ -f "$f" ] || continue
  if ! clang-format --style=file "$f" | diff -u "$f" - >/tmp/berth-format.$$ 2>&1; then
    echo "not formatted: $f (fix with: clang-format -i $f)"
    head -40 /tmp/berth-format.$$
    bad=1
  fi
done
rm -f /tmp/berth-format.$$
echo "check-format: ${#files[@]} files checked"
exit $bad
