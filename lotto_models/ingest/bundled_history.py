"""The bundled real history (Lotofácil's concursos 1–3700) that seeds an empty Lotofácil store.

Only Lotofácil has one: another game's empty store starts empty (`import-history` fills it from a file, or its
first ingest backfills it from the API, `ingest.backfill`), and Lotofácil's draws are never seeded into it."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pandas as pd

from lotto_models.core.draws import ISO_DATE, NUMBER_COLUMNS, Draw
from lotto_models.core.errors import LotoflowError
from lotto_models.core.games import LOTOFACIL, Game

BUNDLED_SHA256 = "eaffccbc288e610abbf5a0c24db0bb36ea75a27ecd2bc9de5b34194ed6be7e5c"
BUNDLED_SOURCE = "bundled-history"
BUNDLED_GAMES = frozenset({LOTOFACIL.id})  # the games whose history ships with lotoflow


class NoBundledHistoryError(LotoflowError):
    """A game whose history does not ship with lotoflow."""


def has_bundled_history(game: Game) -> bool:
    return game.id in BUNDLED_GAMES


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


def bundled_history(game: Game = LOTOFACIL) -> list[Draw]:
    """The bundled history of `game`; raises `NoBundledHistoryError` for a game that has none."""
    if not has_bundled_history(game):
        raise NoBundledHistoryError(
            f"{game.name} has no bundled history (only {LOTOFACIL.name} has): import one with "
            f"`lotto import-history --game {game.id}`, or let its first ingest backfill it from the API"
        )
    path = bundled_history_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != BUNDLED_SHA256:
        raise LotoflowError(f"bundled history {path} has sha256 {digest}, expected {BUNDLED_SHA256}: reinstall")
    return read_history_csv(path)
