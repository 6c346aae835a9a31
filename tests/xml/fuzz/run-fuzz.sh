#!/usr/bin/env bash
# Builds the parser fuzzer with clang (libFuzzer + AddressSanitizer + UBSan) straight from the
# libhvx sources, seeds a corpus from data/examples and tests/xml/data, and fuzzes for
# BERTH_FUZZ_SECONDS (default 60). A crash, leak or failed round trip fails; no clang = skip (77).
set -euo pipefail
top=${1:?usage: run-fuzz.sh SOURCE_ROOT HVX_RESOURCES_C WORK_DIR}
resources_c=$(realpath "${2:?}")
work=${3:?}
seconds=${BERTH_FUZZ_SECONDS:-60}

if ! command -v clang >/dev/null 2>&1; then
  echo "SKIP: clang is not installed; install the Debian packages clang and libclang-rt-14-dev to fuzz"
  exit 77
fi
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' |
  clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then
  echo "SKIP: clang cannot link libFuzzer; install the Debian package libclang-rt-14-dev"
  exit 77
fi

mkdir -p "$work"
fuzzer=$work/hvx-fuzz-parse
# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -fno-omit-frame-pointer -DGETTEXT_PACKAGE='"berth"' \
  -I"$top/xml" -I"$(dirname "$resources_c")" \
  $(pkg-config --cflags glib-2.0 gio-2.0 libxml-2.0) \
  "$top"/xml/hvx-*.c "$resources_c" "$top/tests/xml/fuzz/hvx-fuzz-parse.c" \
  $(pkg-config --libs glib-2.0 gio-2.0 libxml-2.0) -o "$fuzzer"

seed=$work/seed
corpus=$work/corpus
rm -rf "$seed" "$corpus"
mkdir -p "$seed" "$corpus"
find "$top/data/examples" "$top/tests/xml/data" -type f -name '*.xml' -exec cp {} "$seed/" \;
echo "fuzzing for $seconds s from $(ls "$seed" | wc -l) seed files"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/" "$corpus" "$seed"
