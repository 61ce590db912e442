"""Where the tests find the real game data (issue 26: test data, not shipped): `shared/data/` beside the
checkout, or `LOTTO_TEST_SHARED_DATA`. Tests that read it carry `needs_shared_data`, which skips them, saying
where the data was looked for, when it is not there."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from lotto_models.core.games import Game

SHARED = Path(os.environ.get("LOTTO_TEST_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
ANSWERS = sorted(
    [*(SHARED / "games" / "caixa_api_examples").glob("*.json"), *(SHARED / "caixa_api_examples").glob("*.json")]
)  # every recorded CAIXA answer, `<game id>_<concurso>.json`
needs_shared_data = pytest.mark.skipif(not (SHARED / "games").is_dir(), reason=f"no real game data in {SHARED}")


def history_path(g: Game) -> Path:
    """The real history file of a game, in lotoflow's layout."""
    return SHARED / ("lotofacil_draws.csv" if g.id == "lotofacil" else f"games/{g.id}_draws.csv")


def recorded_answer(name: str) -> dict[str, Any]:
    """A recorded CAIXA answer by its file's stem (`megasena_2925`), as the JSON value it holds."""
    [path] = [p for p in ANSWERS if p.stem == name]
    return json.loads(path.read_text(encoding="utf-8"))
