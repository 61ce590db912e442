"""Ingestion flows: fetch → validate → store → score, after a draw (`ingest-draws`) or for a range (`backfill`)."""

from __future__ import annotations

from collections.abc import Callable

from prefect import flow, get_run_logger
from prefect.states import Completed, Failed, State

from flows.names import BACKFILL
from lotto_models.core.fallbacks import Fallback, FallbackKind, fallback_message
from lotto_models.core.game_ids import GameId
from lotto_models.core.games import GAMES, Game
from lotto_models.ingest.fetch_reports import FetchReport
from lotto_models.ingest.service import IngestSummary
from tasks.fetch_draws import fetch_draws
from tasks.prepare_store import prepare_store
from tasks.score_predictions import score_predictions
from tasks.store_draws import store_draws
from tasks.validate_draws import validate_draws


def run_ingestion(
    game: Game,
    first: int | None = None,
    last: int | None = None,
    on_fetched: Callable[[FetchReport], object] | None = None,
) -> tuple[IngestSummary, list[Fallback]]:
    """Fetch, validate, store and score `game`'s draws; `on_fetched` sees what was fetched before it is validated."""
    prepare_store(game)
    fetched = fetch_draws(game, first, last)
    if on_fetched is not None:
        on_fetched(fetched)
    summary = store_draws(game, fetched, validate_draws(game, fetched))
    score_predictions(game)
    fallbacks = []
    if summary.latest_seen is None and not summary.stored:
        problems = "; ".join(summary.source_unreachable.values()) or "no valid answer"
        detail = (
            f"source unreachable ({problems}); continuing with the stored draws (last concurso {summary.last_stored})"
        )
        fallbacks.append(Fallback(FallbackKind.SOURCE_UNREACHABLE, "source", detail))
    return summary, fallbacks


def _ending(summary: IngestSummary, fallbacks: list[Fallback]) -> str | None:
    parts = [message for message in [fallback_message(fallbacks)] if message]
    if summary.quarantined:
        parts.append(f"quarantined concurso(s) {summary.quarantined}; nothing stored for them")
    if summary.held_back:
        parts.append(f"held back {summary.held_back} behind a rejected concurso")
    if summary.stale is not None:
        parts.append(summary.stale.sentence)
    return " | ".join(parts) or None


@flow(name="ingest-draws", description="Fetch every missing concurso by number, validate and store it.")
def ingest_draws(game: GameId = "lotofacil") -> IngestSummary | State:
    summary, fallbacks = run_ingestion(GAMES[game])
    for fallback in fallbacks:
        get_run_logger().warning("Fallback: %s", fallback)
    message = _ending(summary, fallbacks)
    return Completed(message=message, data=summary) if message else summary


@flow(name=BACKFILL, description="Fetch concursos first..last by number; stored ones are compared, never overwritten.")
def backfill(first: int, last: int, game: GameId = "lotofacil") -> IngestSummary | State:
    summary, fallbacks = run_ingestion(GAMES[game], first, last)
    if fallbacks:
        return Failed(message=f"backfill {first}..{last} fetched nothing: {fallbacks[0].detail}", data=summary)
    get_run_logger().info(
        "Backfill %d..%d: %d new, %d identical, %d quarantined",
        first,
        last,
        len(summary.stored),
        len(summary.identical),
        len(summary.quarantined),
    )
    message = _ending(summary, [])
    return Completed(message=message, data=summary) if message else summary
