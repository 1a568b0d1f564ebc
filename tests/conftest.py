import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The seeds' graph in numbers, pinned so that a rule change that adds or loses entities shows up
# (update them, with the reason, when the rules change on purpose).
SEED_ENTITIES, SEED_RELATIONS, SEED_PLACES, SEED_INFERRED = 155, 153, 28, 138
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def built():
    """The graph built once from the project's seeds."""
    from kg.pipeline import build

    return build(SEEDS)


@pytest.fixture(scope="session")
def ds(built):
    return built.dataset


def run_cli(*args, cwd=None, env=None):
    """Run `python -m kg ...` in a subprocess (as a user would), returning CompletedProcess."""
    import subprocess

    e = dict(os.environ)
    e.update(env or {})
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd or ROOT, env=e,
                          capture_output=True, text=True, timeout=300)
