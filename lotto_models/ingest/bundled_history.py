"""The bundled real history (concursos 1–3700) that seeds an empty store."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pandas as pd

from lotto_models.core.draws import ISO_DATE, NUMBER_COLUMNS, Draw
from lotto_models.core.errors import LotoflowError

BUNDLED_SHA256 = "eaffccbc288e610abbf5a0c24db0bb36ea75a27ecd2bc9de5b34194ed6be7e5c"
BUNDLED_SOURCE = "bundled-history"


def bundled_history_path() -> Path:
    return Path(str(resources.files("lotto_models") / "data" / "lotofacil_draws.csv"))


def read_history_csv(path: Path) -> list[Draw]:
    """Draws from a file in lotoflow's layout (`concurso,data,d1..d15`, ISO dates), each checked."""
    frame = pd.read_csv(path)
    numbers = frame[NUMBER_COLUMNS].to_numpy(dtype=int)
    dates = pd.to_datetime(frame["data"], format=ISO_DATE).dt.date
    return [
        Draw.checked(int(concurso), date, [int(n) for n in row])
        for concurso, date, row in zip(frame["concurso"], dates, numbers, strict=True)
    ]


def bundled_history() -> list[Draw]:
    path = bundled_history_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != BUNDLED_SHA256:
        raise LotoflowError(f"bundled history {path} has sha256 {digest}, expected {BUNDLED_SHA256}: reinstall")
    return read_history_csv(path)
