#!/usr/bin/env bash
# Runs the project's tests. The parity test compares `formula lint` with the real
# `charm proof`, which this script installs (from PyPI, in a virtual environment) if missing.
# charm-tools 3.x installs the command as `charm-proof` (the `charm proof` front end was
# the snap's); tests/e2e/proof_parity.rs accepts either through CHARM_PROOF.
set -euo pipefail
cd "$(dirname "$0")/.."
CHARM_TOOLS=${CHARM_TOOLS:-/opt/charm-tools}
if ! "$CHARM_TOOLS/bin/charm-proof" --help >/dev/null 2>&1; then
    python3 -m venv "$CHARM_TOOLS"
    "$CHARM_TOOLS/bin/pip" install --quiet --disable-pip-version-check "charm-tools==3.0.9"
fi
export CHARM_PROOF="$CHARM_TOOLS/bin/charm-proof"
cargo test --workspace
