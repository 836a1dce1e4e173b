#!/usr/bin/env bash
# Compares the traces of two `formula` binaries on every scenario of the repository, seed by
# seed, byte for byte: the check that a change which must not change behaviour (a move of
# code) did not. Each (scenario, seed, variant) runs with the old binary and then at once with
# the new one, both on the host backend in a run of their own (`--isolate`: private /etc, /usr,
# /var …), so that neither sees what the other, or the machine's own history, wrote.
#
#   dev/trace-compat.sh OLD_FORMULA NEW_FORMULA [SEEDS] [JOBS]
#
# SEEDS is a count (default 21: seeds 0..20); JOBS how many comparisons run at once (default
# 2). Variants: no faults, and every fault at once. Differing traces are kept in
# $TRACE_COMPAT_OUT (default /tmp/trace-compat) as SCENARIO.VARIANT.SEED.{old,new}.jsonl.
# Exits 1 when any trace differs or a run could not start.
set -uo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1") new=$(realpath "$2")
seeds=${3:-21} jobs=${4:-2}
out=${TRACE_COMPAT_OUT:-/tmp/trace-compat}
rm -rf "$out" && mkdir -p "$out"

scenarios=$(grep -rlE '^(applications|services):' --include=*.yaml examples tests | grep -v '/formulas/[^/]*/tests/' | sort)
export old new out
compare_one() {
    local scenario=$1 variant=$2 seed=$3
    local name flags
    name=$(echo "$scenario" | tr '/' '_')
    case $variant in
        plain) flags=() ;;
        faults) flags=(--faults leader=5,fail=3,restart=2,tick=5) ;;
    esac
    local base="$out/$name.$variant.$seed"
    "$old" sim "$scenario" --seed "$seed" --backend host --isolate --quiet --keep never --hook-timeout 60 \
        "${flags[@]}" --trace "$base.old.jsonl" >"$base.old.out" 2>&1
    local old_code=$?
    "$new" sim "$scenario" --seed "$seed" --backend host --isolate --quiet --keep never --hook-timeout 60 \
        "${flags[@]}" --trace "$base.new.jsonl" >"$base.new.out" 2>&1
    local new_code=$?
    if [ ! -s "$base.old.jsonl" ]; then
        echo "NO-TRACE $scenario $variant seed $seed (old exit $old_code; see $base.old.out)"
    elif cmp -s "$base.old.jsonl" "$base.new.jsonl" && [ "$old_code" = "$new_code" ]; then
        rm -f "$base".*
        echo "same $scenario $variant $seed"
    else
        echo "DIFFERS $scenario $variant seed $seed (exit $old_code → $new_code): diff $base.old.jsonl $base.new.jsonl"
    fi
}
export -f compare_one

for scenario in $scenarios; do
    for variant in plain faults; do
        for seed in $(seq 0 $((seeds - 1))); do
            echo "$scenario $variant $seed"
        done
    done
done | xargs -P "$jobs" -L 1 bash -c 'compare_one "$0" "$1" "$2"' >"$out/report.txt"

total=$(wc -l <"$out/report.txt")
bad=$(grep -vc '^same ' "$out/report.txt")
grep -v '^same ' "$out/report.txt" | sort
echo "trace-compat: $((total - bad)) of $total traces the same (scenarios: $(echo "$scenarios" | wc -w), seeds 0..$((seeds - 1)), plain and with every fault)"
[ "$bad" = 0 ]
