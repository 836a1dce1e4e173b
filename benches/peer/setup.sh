#!/usr/bin/env bash
# Installs the peer of the simulator benchmark: ops and ops-scenario (from PyPI) in a venv.
#
#   bash benches/peer/setup.sh            # creates /opt/ops-scenario-venv when missing
#   OPS_SCENARIO_VENV=/some/dir bash benches/peer/setup.sh
#
# The bench (cargo bench -p formula-cli --bench sim_bench) runs this when the venv is
# missing, and prints this command when it fails.
set -euo pipefail
venv="${OPS_SCENARIO_VENV:-/opt/ops-scenario-venv}"
python="${PYTHON:-python3}"
# Pinned, so that the peer's figure is comparable from run to run; the bench prints them.
want_scenario="${OPS_SCENARIO_VERSION:-8.9.0}"
want_ops="${OPS_VERSION:-3.9.0}"
have() {
    "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(not (m.version("ops-scenario") == sys.argv[1] and m.version("ops") == sys.argv[2]))' "$want_scenario" "$want_ops" 2>/dev/null
}
if [ -x "$venv/bin/python" ] && have; then
    exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "ops-scenario==$want_scenario" "ops==$want_ops"
"$venv/bin/python" - <<'PY'
import importlib.metadata as m
print("ops", m.version("ops"), "ops-scenario", m.version("ops-scenario"))
PY
