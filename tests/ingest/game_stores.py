"""Helpers of the per-game ingest tests: a game's real history read from its file, and a workspace of a game
whose official API is a loopback CAIXA server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deployments.loopback.caixa_server import CaixaTestServer
from lotto_models.core.draws import Draw
from lotto_models.core.games import Game
from lotto_models.ingest.history_files import read_draw_file
from lotto_models.workspace import Workspace, open_workspace
from tests.shared_data import history_path


def real_draws(game: Game) -> list[Draw]:
    """Every row of the game's real history file, as draws (the file has no unreadable row)."""
    rows = read_draw_file(history_path(game), game)
    assert all(row.candidate is not None for row in rows)
    return [row.candidate.as_draw() for row in rows if row.candidate is not None]


def game_workspace(workspace: Workspace, game: Game, server: CaixaTestServer, **settings: Any) -> Workspace:
    """The store of `workspace` opened on `game`, with `server` as the official API, no mirror, short HTTP
    backoffs and no backfill pause (unless `settings` say otherwise)."""
    update = {
        "caixa_base_url": server.base_url,
        "mirror_urls": [],
        "http_backoff_s": 0.01,
        "backfill_pause_s": 0.0,
        **settings,
    }
    return open_workspace(workspace.settings.model_copy(update=update), game=game)


def file_without_last_rows(game: Game, rows: int, directory: Path) -> Path:
    """A copy of the game's history file without its last `rows` rows."""
    lines = history_path(game).read_text(encoding="utf-8").splitlines(keepends=True)
    path = directory / f"{game.id}_draws.csv"
    path.write_text("".join(lines[:-rows]), encoding="utf-8")
    return path
