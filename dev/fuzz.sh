#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ one after another, each for a given time.
#
#   dev/fuzz.sh [SECONDS] [TARGET...]     (default: 600 seconds; targets yaml formula_load bundle puppet erb epp hiera)
#
# The toolchain is stable Rust; cargo-fuzz needs -Z flags, which RUSTC_BOOTSTRAP=1 unlocks.
# SANITIZER=none skips AddressSanitizer (faster, still catches panics and overflows checked by
# debug assertions). Findings land in fuzz/artifacts/<target>/, the grown corpus in
# fuzz/corpus/<target>/ (both ignored by git), and a log per target in fuzz/logs/.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(yaml formula_load bundle puppet erb epp hiera)
fi
sanitizer="${SANITIZER:-address}"

if ! command -v cargo-fuzz >/dev/null; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
mkdir -p fuzz/logs
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    cp -n fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
    if [ "$target" = puppet ]; then
        # The test modules' manifests are seeds too.
        find tests/puppet -name '*.pp' -type f | while read -r f; do
            cp -n "$f" "$corpus/module-$(echo "$f" | tr '/' '_')" 2>/dev/null || true
        done
    fi
    if [ "$target" = epp ]; then
        find tests/puppet -name '*.epp' -type f | while read -r f; do
            cp -n "$f" "$corpus/module-$(echo "$f" | tr '/' '_')" 2>/dev/null || true
        done
    fi
    if [ "$target" = erb ]; then
        find tests/puppet -name '*.erb' -type f | while read -r f; do
            cp -n "$f" "$corpus/module-$(echo "$f" | tr '/' '_')" 2>/dev/null || true
        done
    fi
    if [ "$target" = yaml ]; then
        # Every YAML file of the lint fixtures is a seed too.
        find formula-sdk/tests/fixtures -name '*.yaml' -type f | while read -r f; do
            cp -n "$f" "$corpus/fixture-$(echo "$f" | tr '/' '_')" 2>/dev/null || true
        done
    fi
    echo "== fuzzing $target for ${seconds}s (sanitizer: $sanitizer); log: fuzz/logs/$target.log"
    start=$(date +%s)
    status=0
    cargo fuzz run --sanitizer "$sanitizer" "$target" "$corpus" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        >"fuzz/logs/$target.log" 2>&1 || status=$?
    end=$(date +%s)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/logs/$target.log" | grep -o '[0-9]*$' || echo '?')
    echo "   ran $((end - start))s, $execs executions, exit $status"
    if [ "$status" -ne 0 ]; then
        echo "   CRASH: see fuzz/logs/$target.log and fuzz/artifacts/$target/"
        grep -A30 -m1 'panicked at\|ERROR: AddressSanitizer\|ERROR: libFuzzer' "fuzz/logs/$target.log" || true
    fi
done
