#!/usr/bin/env bash
# `formula port-puppet --verify` on the main class of every module Debian packages (or those
# named): Puppet 7 applies the class and the ported formula deploys, each in an ns unit (root),
# and the files they leave are compared. Prints each module's line, then the totals that
# docs/port-puppet.md quotes.
#
#   sudo bash dev/puppet-verify.sh [MODULE...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --bin formula
formula="$PWD/target/debug/formula"
modules_dir=${PUPPET_MODULES:-/usr/share/puppet/modules}
if [ $# -gt 0 ]; then
    modules=("$@")
else
    mapfile -t modules < <(ls "$modules_dir")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
total=0 agree=0 verified=0 clean=0 port_failed=0 puppet_failed=0
for m in "${modules[@]}"; do
    dir="$modules_dir/$m"
    grep -qs "^class $m\b\|^class ::$m\b" "$dir/manifests/init.pp" || continue
    rc=0
    "$formula" port-puppet "$dir" --class "$m" -o "$work/$m" --verify >"$work/$m.out" 2>"$work/$m.err" || rc=$?
    line=$(grep -h '^verify:' "$work/$m.err" || true)
    if [ -z "$line" ]; then
        echo "$m: no verdict ($(tail -1 "$work/$m.err"))"
        continue
    fi
    verified=$((verified + 1))
    read -r same _ of _ <<<"$(echo "$line" | sed 's/verify: //')"
    agree=$((agree + same))
    total=$((total + of))
    [ "$rc" = 0 ] && clean=$((clean + 1))
    grep -q "^the port's hooks failed" "$work/$m.out" && port_failed=$((port_failed + 1))
    grep -q "^puppet apply: Error" "$work/$m.out" && puppet_failed=$((puppet_failed + 1))
    echo "$m: $line"
    { grep -v '^puppet apply: \|^\s' "$work/$m.out" || true; } | sed 's/^/    /' | head -5
done
echo
echo "main classes verified: $verified; every file as Puppet leaves it: $clean"
echo "files compared: $total; the same (content, mode, owner): $agree"
echo "the port's hooks failed: $port_failed; puppet apply reported errors: $puppet_failed"
