#!/usr/bin/env bash
# Runs the project's tests, after making the machine ready for all of them (dev/setup.sh:
# system packages, charm-tools for the `charm proof` parity test, LXD, the wasm32-wasip1
# target). On a fresh Debian machine it runs as root, as CI does: the namespace and LXD
# backends' tests need it.
# charm-tools 3.x installs the command as `charm-proof` (the `charm proof` front end was the
# snap's); tests/e2e/proof_parity.rs accepts either through CHARM_PROOF.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHARM_TOOLS=${CHARM_TOOLS:-/opt/charm-tools}
bash dev/setup.sh
export CHARM_PROOF="$CHARM_TOOLS/bin/charm-proof"
cargo test --workspace
