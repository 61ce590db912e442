"""The checkout the loopback stack runs: its root and its virtual environment's interpreter and `prefect`, so
that processes started for a test, the benchmark or the soak run the same code as `make run`."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PREFECT = str(ROOT / ".venv" / "bin" / "prefect")
