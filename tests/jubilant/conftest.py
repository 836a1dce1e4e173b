"""Fixtures of the jubilant suite: the charms, packed once, and a model for the module.

Written for a real Juju: `juju` is whichever `juju` is first on PATH, and `formula` (Formula
Kit's binary, for `formula pack`) likewise; nothing here knows what answers `juju`.
"""

import pathlib
import shutil
import subprocess

import jubilant
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]

# What the suite deploys: two charms written with ops, a classic formula and a subordinate.
CHARMS = {
    "kv": REPO / "tests/charms/kv",
    "kv-client": REPO / "tests/charms/kv-client",
    "cache": REPO / "examples/wiki/formulas/cache",
    "monitor": REPO / "examples/wiki/formulas/monitor",
}


@pytest.fixture(scope="session")
def charms(tmp_path_factory) -> dict[str, pathlib.Path]:
    """Each charm packed into a `.charm` by `formula pack`, by name."""
    formula = shutil.which("formula")
    assert formula, "`formula` (Formula Kit) must be on PATH to pack the charms"
    out = tmp_path_factory.mktemp("charms")
    packed = {}
    for name, source in CHARMS.items():
        archive = out / f"{name}.charm"
        subprocess.run([formula, "pack", str(source), "-o", str(archive)], check=True)
        packed[name] = archive
    return packed


@pytest.fixture(scope="module")
def juju():
    """A model of its own for the module, destroyed at its end."""
    with jubilant.temp_model() as juju:
        juju.wait_timeout = 10 * 60
        yield juju
