#!/usr/bin/env bash
# Fails unless po/POTFILES.in lists every source file with translatable strings and every
# language in po/LINGUAS translates every string (no untranslated, no fuzzy entries).
set -euo pipefail
top=${1:?usage: check-po.sh SOURCE_ROOT}
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# Files using _( or N_( or translatable="yes" must be listed.
grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort >"$tmp/listed"
grep -rlE '(^|[^a-zA-Z_])N?_\("|translatable="yes"' \
  --include='*.c' --include='*.ui' --include='*.desktop.in' --include='*.xml.in' \
  --include='*.policy.in' --include='*.metainfo.xml.in' \
  xml hypervisor vswitch vmconnect manager-ui data 2>/dev/null | sort >"$tmp/using" || true
if ! comm -13 "$tmp/listed" "$tmp/using" >"$tmp/unlisted" || [ -s "$tmp/unlisted" ]; then
  echo "check-po: files with translatable strings missing from po/POTFILES.in:"
  cat "$tmp/unlisted"
  status=1
fi
while read -r f; do
  [ -f "$f" ] || { echo "check-po: po/POTFILES.in lists a missing file: $f"; status=1; }
done <"$tmp/listed"

xgettext --from-code=UTF-8 --add-comments=Translators --keyword=_ --keyword=N_ \
  --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --files-from=<(cat "$tmp/listed") -o "$tmp/berth.pot" 2>"$tmp/xgettext.err" || {
  cat "$tmp/xgettext.err"
  exit 1
}
for lang in $(grep -v '^#' po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "po/$lang.po" "$tmp/berth.pot"
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  echo "check-po: $lang: $stats"
  if echo "$stats" | grep -qE 'untranslated|fuzzy'; then
    echo "check-po: $lang.po is incomplete; untranslated or fuzzy entries:"
    msgattrib --untranslated --only-fuzzy "$tmp/$lang.po" 2>/dev/null | grep '^msgid' | head -20 || true
    msgattrib --untranslated "$tmp/$lang.po" | grep '^msgid' | head -40 || true
    status=1
  fi
done
exit $status
