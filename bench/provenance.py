"""What the figures measured: the commit (and whether the tree had changes not in it) and the machine."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def provenance(repeats: int) -> dict:
    """Which code the figures measured: the commit, and whether the tree had changes not in it."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    changes = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results.*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {"commit": commit, "clean": not changes, "repeats": repeats}


def machine() -> dict:
    from importlib.metadata import version
    from importlib.util import find_spec

    return {
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **{pkg: version(pkg) for pkg in ("prefect", "tensorflow-cpu", "keras", "pandas", "numpy", "sqlalchemy")},
        # with the MLflow extra, Keras imports scikit-learn in every training process (`make bench` removes it)
        "mlflow_extra": find_spec("mlflow") is not None,
    }
