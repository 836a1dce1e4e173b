#!/usr/bin/env bash
# Makes this Debian machine ready to run every test of Formula Kit, as root; a second run
# finds everything in place and changes nothing. `dev/test.sh` (the README's test command)
# and `.ci/run` run it first, so that the tests never meet a missing tool: they fail, they
# are never skipped.
#
#   sudo bash dev/setup.sh
#
# What it installs:
# - system packages: gcc and libc6-dev (the Rust formulas' native builds), python3 and
#   python3-venv (the example formulas, charm-tools, jubilant), python3-pip (`formula pack` of
#   ops charms installs their dependencies with it), iproute2 (`ip`, which the ns tests look
#   for leftovers with), chromium (the timeline page's browser test), zip (the pack
#   benchmark's baseline), mmdebstrap (builds the unit base), puppet and Debian's puppet-module-* packages (Puppet 7
#   and the modules under /usr/share/puppet/modules that port-puppet's conformance test
#   compares our parser and port with), apt-cacher-ng (the package cache through which ns
#   units install Debian's packages), nodejs and npm when the machine has no npm;
# - yaml-language-server $YAML_LS_VERSION in $YAML_LS (from the npm registry), the editors'
#   YAML checker that the editor test drives over LSP (YAML_LS points the test at it);
# - jubilant and pytest in $JUBILANT (tests/jubilant/requirements.txt, from PyPI), which the
#   e2e test jubilant_suite runs the jubilant suite with (JUBILANT_PYTHON points it elsewhere);
# - charm-tools $CHARM_TOOLS_VERSION in $CHARM_TOOLS, the `charm proof` the parity test and the
#   lint benchmark compare with (CHARM_PROOF points the tests at it);
# - LXD, initialised, with the unit image (dev/lxd-setup.sh);
# - rustfmt, clippy and the wasm32-wasip1 target (WebAssembly hooks);
# - the unit base, the Debian root every ns unit starts from (`formula base build`: about a
#   minute the first time, cached in /var/cache/formula-sim/base).
set -euo pipefail
cd "$(dirname "$0")/.."

CHARM_TOOLS=${CHARM_TOOLS:-/opt/charm-tools}
JUBILANT=${JUBILANT:-/opt/jubilant}
CHARM_TOOLS_VERSION=3.0.9
YAML_LS=${YAML_LS:-/opt/yaml-language-server}
YAML_LS_VERSION=1.25.0

say() { printf 'setup: %s\n' "$*"; }

# bsdutils: `script`, which gives a test of the exhaustive progress line a terminal.
packages=(ca-certificates gcc libc6-dev python3 python3-venv python3-pip iproute2 bsdutils chromium zip mmdebstrap puppet apt-cacher-ng)
# Machines that have Node.js from elsewhere keep it; Debian's serves yaml-language-server too.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
# Every module Debian packages for Puppet (about 95; `apt-cache search puppet-module`); a
# fresh machine has no package lists to search yet.
puppet_modules() { apt-cache search --names-only '^puppet-module-' 2>/dev/null | cut -d' ' -f1 | sort; }
if [ -z "$(puppet_modules)" ] && [ "$(id -u)" = 0 ]; then
    apt-get update
fi
mapfile -t modules < <(puppet_modules)
if [ ${#modules[@]} -eq 0 ]; then
    say "no puppet-module-* package found (apt-get update as root first)" >&2
    exit 1
fi
packages+=("${modules[@]}")
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        say "missing packages: ${missing[*]}; run as root (sudo bash $0) to install them" >&2
        exit 1
    fi
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
else
    say "packages present: ${packages[*]}"
fi

if "$JUBILANT/bin/python" -c 'import jubilant, pytest' >/dev/null 2>&1; then
    say "jubilant present in $JUBILANT"
else
    say "installing jubilant and pytest (tests/jubilant/requirements.txt) in $JUBILANT"
    rm -rf "$JUBILANT"
    python3 -m venv "$JUBILANT"
    "$JUBILANT/bin/pip" install --quiet --disable-pip-version-check -r tests/jubilant/requirements.txt
fi

if "$CHARM_TOOLS/bin/charm-proof" --help >/dev/null 2>&1; then
    say "charm-tools present in $CHARM_TOOLS"
else
    say "installing charm-tools $CHARM_TOOLS_VERSION in $CHARM_TOOLS"
    rm -rf "$CHARM_TOOLS"
    python3 -m venv "$CHARM_TOOLS"
    "$CHARM_TOOLS/bin/pip" install --quiet --disable-pip-version-check "charm-tools==$CHARM_TOOLS_VERSION"
    "$CHARM_TOOLS/bin/charm-proof" --help >/dev/null
fi

if [ -x "$YAML_LS/node_modules/.bin/yaml-language-server" ] &&
    [ "$("$YAML_LS/node_modules/.bin/yaml-language-server" --version 2>/dev/null)" = "$YAML_LS_VERSION" ]; then
    say "yaml-language-server present in $YAML_LS"
else
    say "installing yaml-language-server $YAML_LS_VERSION in $YAML_LS"
    rm -rf "$YAML_LS"
    mkdir -p "$YAML_LS"
    npm install --prefix "$YAML_LS" --no-audit --no-fund --silent "yaml-language-server@$YAML_LS_VERSION"
    "$YAML_LS/node_modules/.bin/yaml-language-server" --version >/dev/null
fi

# LXD installed, running and initialised, and the unit image imported (its debootstrap
# tarballs cached in /var/cache/formula-sim).
if [ "$(id -u)" = 0 ]; then
    bash dev/lxd-setup.sh
else
    say "not root: LXD left as it is (the lxd backend's tests need \`sudo bash dev/lxd-setup.sh\` once)"
fi

cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
# WebAssembly hooks: tests build the Rust example formula for this target.
rustup target list --installed | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1

# The unit base. `formula sim` would build it on first use; building it here keeps the first
# tests from waiting on it, and shows its digest in the log.
if [ "$(id -u)" = 0 ]; then
    say "unit base: $(cargo run -q -p formula-cli -- base build)"
else
    say "not root: the unit base is used from /var/cache/formula-sim/base if root built it (\`sudo formula base build\`)"
fi
say "ready: $(rustc --version), $(cargo --version)"
