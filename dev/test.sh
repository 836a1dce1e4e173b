#!/usr/bin/env bash
# Runs the project's tests. The parity test compares `formula lint` with the real
# `charm proof`, which this script installs (from PyPI, in a virtual environment) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
CHARM_TOOLS=${CHARM_TOOLS:-/opt/charm-tools}
if [ ! -x "$CHARM_TOOLS/bin/charm" ]; then
    python3 -m venv "$CHARM_TOOLS"
    "$CHARM_TOOLS/bin/pip" install --quiet charm-tools
fi
export CHARM_PROOF="$CHARM_TOOLS/bin/charm"
cargo test --workspace
