"""The manual `import-history` flow: merge a history file (our CSV or the official spreadsheet) into the store."""

from __future__ import annotations

from prefect import flow
from prefect.states import Completed, State

from flows.names import IMPORT_HISTORY
from lotto_models.core.game_ids import GameId
from lotto_models.core.games import GAMES
from lotto_models.ingest.history_import import ImportReport
from tasks.import_history import import_history as import_history_task
from tasks.prepare_store import prepare_store


@flow(name=IMPORT_HISTORY, description="Merge a draw history file (.csv or .xlsx) into the store.")
def import_history(path: str, game: GameId = "lotofacil") -> ImportReport | State:
    prepare_store(GAMES[game])
    report = import_history_task(GAMES[game], path)
    return Completed(message=report.summary(), data=report)
