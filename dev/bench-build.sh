#!/usr/bin/env bash
# What it costs to build the test suite, at two commits, measured in one run on this machine:
# a cold build of every test target (`cargo test --workspace --no-run`, a fresh target
# directory, dependencies already downloaded), then the rebuild after a one-line change in
# the simulator (what a developer waits for between edits), then how many test binaries
# that made and their size; with --run, the time to run the suite once built
# (`cargo test --workspace --no-fail-fast`, as root like CI, with LXD ready: dev/setup.sh).
# Prints each figure for both commits and NEW/OLD.
#
#   dev/bench-build.sh OLD_COMMIT NEW_COMMIT [REBUILDS] [--run]
#
# REBUILDS: how many times the incremental rebuild is timed (default 3; the median is shown).
# Both commits are cloned from this repository into a temporary directory that goes at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2 rebuilds=${3:-3} run=${4:-}
work=$(mktemp -d /tmp/bench-build.XXXXXX)
trap 'rm -rf "$work"' EXIT

seconds() { # COMMAND…: runs it quietly, prints its wall time in seconds
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

measure() { # NAME COMMIT: prints "cold relink binaries megabytes"
    local dir="$work/$1"
    git clone -q . "$dir" && git -C "$dir" checkout -q "$2"
    export CARGO_TARGET_DIR="$dir/target"
    local cold relinks=() i
    cold=$(cd "$dir" && seconds cargo test --workspace --no-run --locked)
    for i in $(seq "$rebuilds"); do
        # A comment in the simulator's crate root: every crate that depends on it rebuilds.
        echo "// bench-build edit $i" >>"$dir/simulator/src/lib.rs"
        relinks+=("$(cd "$dir" && seconds cargo test --workspace --no-run --locked)")
    done
    local binaries megabytes
    # Test binaries and the `formula` binary: the executables in deps/ without an extension
    # (libraries end in .rlib, .rmeta or .so). Only the last build's are there (cargo replaces them).
    binaries=$(find "$dir/target/debug/deps" -maxdepth 1 -type f -executable ! -name '*.*' | wc -l)
    megabytes=$(find "$dir/target/debug/deps" -maxdepth 1 -type f -executable ! -name '*.*' -printf '%s\n' |
        awk '{ s += $1 } END { printf "%d", s / 1048576 }')
    local ran=- passed=- failed=-
    if [ "$run" = --run ]; then
        ran=$(cd "$dir" && seconds sh -c 'cargo test --workspace --no-fail-fast --locked >test.log 2>&1 || true')
        passed=$(grep -o '[0-9]* passed' "$dir/test.log" | awk '{ s += $1 } END { print s + 0 }')
        failed=$(grep -o '[0-9]* failed' "$dir/test.log" | awk '{ s += $1 } END { print s + 0 }')
        grep -- '---- .* stdout ----' "$dir/test.log" | sed "s/^/$1 failed: /" >&2 || true
    fi
    echo "$cold $(printf '%s\n' "${relinks[@]}" | median) $binaries $megabytes $ran $passed $failed"
    rm -rf "$dir"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
read -r old_cold old_relink old_bins old_mb old_ran old_passed old_failed < <(measure old "$old")
read -r new_cold new_relink new_bins new_mb new_ran new_passed new_failed < <(measure new "$new")
ratio() { echo "scale=2; $2 / $1" | bc; }
printf '%-34s %12s %12s %8s\n' "" "$(git rev-parse --short "$old")" "$(git rev-parse --short "$new")" "new/old"
printf '%-34s %11.1fs %11.1fs %8s\n' "cold build of the test targets" "$old_cold" "$new_cold" "$(ratio "$old_cold" "$new_cold")"
printf '%-34s %11.1fs %11.1fs %8s\n' "rebuild after a simulator edit" "$old_relink" "$new_relink" "$(ratio "$old_relink" "$new_relink")"
printf '%-34s %12s %12s %8s\n' "executables built (tests, binary)" "$old_bins" "$new_bins" "$(ratio "$old_bins" "$new_bins")"
printf '%-34s %10sMB %10sMB %8s\n' "their size" "$old_mb" "$new_mb" "$(ratio "$old_mb" "$new_mb")"
if [ "$run" = --run ]; then
    printf '%-34s %11.1fs %11.1fs %8s\n' "running the suite once built" "$old_ran" "$new_ran" "$(ratio "$old_ran" "$new_ran")"
    printf '%-34s %12s %12s\n' "tests passed / failed" "$old_passed / $old_failed" "$new_passed / $new_failed"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
