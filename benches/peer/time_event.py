#!/usr/bin/env python3
"""Times one ops-scenario event on the peer charm, many times; prints one JSON line.

    time_event.py [--events N] [--warmup N] [--event config-changed|relation-changed]

The figure is the median wall time of `Context.run(event, State)` in this process: the
charm's handler, ops' dispatch and ops-scenario's model set-up and state output. It runs
the same two calls as the simulator benchmark's bash hook (config-get, status-set).
"""

import argparse
import importlib.metadata
import json
import pathlib
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
CHARM = HERE / "charm"
sys.path.insert(0, str(CHARM / "src"))

started = time.perf_counter()
import ops  # noqa: E402
import scenario  # noqa: E402
import yaml  # noqa: E402  (a dependency of ops)

from charm import BenchPeerCharm  # noqa: E402

import_seconds = time.perf_counter() - started


def version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def make_run(kind):
    meta = yaml.safe_load((CHARM / "metadata.yaml").read_text())
    config = yaml.safe_load((CHARM / "config.yaml").read_text())
    ctx = scenario.Context(BenchPeerCharm, meta=meta, config=config)
    if not hasattr(ctx, "on"):
        sys.exit("ops-scenario %s is too old: this script needs the API of 7 or later (ctx.on.*)" % version("ops-scenario"))
    if kind == "config-changed":
        state = scenario.State(config={"greeting": "hi"}, leader=True)

        def run():
            out = ctx.run(ctx.on.config_changed(), state)
            assert out.unit_status == ops.ActiveStatus("hi"), out.unit_status

        return run
    relation = scenario.Relation(
        endpoint="api",
        interface="bench",
        remote_app_name="pong",
        remote_units_data={0: {"greeting": "hi"}},
    )
    state = scenario.State(relations={relation}, leader=True)

    def run():
        out = ctx.run(ctx.on.relation_changed(relation, remote_unit=0), state)
        assert out.get_relation(relation.id).local_unit_data.get("greeting") == "hi"

    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--event", choices=["config-changed", "relation-changed"], default="config-changed")
    args = parser.parse_args()
    run = make_run(args.event)
    first = time.perf_counter()
    run()
    first_seconds = time.perf_counter() - first
    for _ in range(args.warmup):
        run()
    times = []
    for _ in range(args.events):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    times = times or [first_seconds]
    print(
        json.dumps(
            {
                "event": args.event,
                "events": len(times),
                "median_ms": statistics.median(times) * 1e3,
                "mean_ms": statistics.fmean(times) * 1e3,
                "min_ms": min(times) * 1e3,
                "first_ms": first_seconds * 1e3,
                "import_ms": import_seconds * 1e3,
                "python": sys.version.split()[0],
                "ops": version("ops"),
                "ops_scenario": version("ops-scenario"),
            }
        )
    )


if __name__ == "__main__":
    main()
