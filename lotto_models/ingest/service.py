"""Ingestion of the workspace's game: seeding an empty store, fetching what is missing, validating it and storing it.

Every step works on `ws.game`: the API path, the payload reader, the validation suite, the history seeded (only
Lotofácil has a bundled one). A game without a bundled history that is empty or far behind is backfilled by
number, batch by batch (`ingest.backfill`), rather than fetched in one go.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lotto_models.core.draws import Draw
from lotto_models.core.failpoints import INGEST_AFTER_FETCH, failpoint
from lotto_models.ingest.bundled_history import BUNDLED_SOURCE, bundled_history, has_bundled_history
from lotto_models.ingest.candidates import DrawCandidate
from lotto_models.ingest.draw_calendar import SAO_PAULO, draw_days_between
from lotto_models.ingest.fetch_reports import FetchedDraw, FetchReport, StaleLatest, StoredWhileFetching
from lotto_models.ingest.sources import fetch_missing_draws, fetch_range, http_client, sources_from_settings
from lotto_models.ingest.validation import ValidationReport, validate_batch
from lotto_models.storage.draw_store import DrawConflict, IncomingDraw, StoreResult
from lotto_models.workspace import Workspace

if TYPE_CHECKING:
    from lotto_models.ingest.backfill import BackfillProgress

EXTRA_DRAWS = 3  # special draws (e.g. Independência) beside the calendar's


def seed_store(ws: Workspace) -> int:
    """Seed an empty store from the game's bundled history; the number of draws inserted (0 if not empty, or
    if the game has no bundled history: only Lotofácil has one)."""
    if not has_bundled_history(ws.game) or ws.draws.count():
        return 0
    return ws.draws.seed(bundled_history(ws.game), BUNDLED_SOURCE)


def fetch_new_draws(ws: Workspace, progress: Callable[[BackfillProgress], object] | None = None) -> FetchReport:
    """Every concurso after the newest stored one, from the first source that answers.

    A game without a bundled history whose store is empty or far behind (`backfill_due`) is backfilled
    instead: by number from the newest stored concurso, politely, each batch validated and stored as it comes
    (`backfill_history`, which `progress` follows; it logs its progress when None). The report then holds
    what the backfill stored (`stored_while_fetching`) and nothing left to store."""
    from lotto_models.ingest.backfill import backfill_due, backfill_history  # it stores through this module

    if backfill_due(ws):
        return backfill_history(ws, progress).as_fetch_report()
    with http_client(ws.settings) as client:
        report = fetch_missing_draws(
            sources_from_settings(ws.settings, client, ws.game), ws.draws.last_concurso(), new_draws_allowed(ws)
        )
    failpoint(INGEST_AFTER_FETCH)
    return report


def new_draws_allowed(ws: Workspace, today: dt.date | None = None) -> int:
    """How many concursos one run may fetch past the newest stored one: the draw days since its date through
    tomorrow (time zones), plus a few for extra draws, and never more than LOTTO_MAX_NEW_DRAWS_PER_RUN."""
    last = ws.draws.last_draw()
    if last is None:
        return ws.settings.max_new_draws_per_run
    through = (today or dt.datetime.now(SAO_PAULO).date()) + dt.timedelta(days=1)
    return min(ws.settings.max_new_draws_per_run, len(draw_days_between(last.date, through, ws.game)) + EXTRA_DRAWS)


def fetch_draw_range(ws: Workspace, first: int, last: int) -> FetchReport:
    """Concursos `first`..`last` by number, stored or not (stored ones are compared, never overwritten)."""
    with http_client(ws.settings) as client:
        return fetch_range(sources_from_settings(ws.settings, client, ws.game), first, last)


@dataclass
class IngestSummary:
    latest_seen: int | None
    last_stored: int = 0
    stored: list[int] = field(default_factory=list)
    identical: list[int] = field(default_factory=list)
    quarantined: list[int | None] = field(default_factory=list)
    held_back: list[int] = field(default_factory=list)
    source_unreachable: dict[str, str] = field(default_factory=dict)
    stale: StaleLatest | None = None  # the latest answer was older than the newest stored draw
    notes: list[str] = field(default_factory=list)


def store_validated_draws(
    ws: Workspace, fetched: FetchReport, validation: ValidationReport, flow_run_id: str | None = None
) -> IngestSummary:
    """Store accepted draws with their raw payloads; quarantine rejected payloads and conflicts.

    A latest answer for a concurso already stored is compared with the stored draw: other numbers or
    another date are a conflict, quarantined (the stored draw is kept). The ingest log names `flow_run_id`.
    """
    summary = IngestSummary(latest_seen=fetched.latest, source_unreachable=dict(fetched.unreachable))
    _take_backfilled(summary, fetched.stored_while_fetching)
    stored_before = len(summary.stored)
    for rejected in fetched.rejected:
        ws.draws.quarantine(rejected.concurso, rejected.source, rejected.payload, rejected.reason)
        summary.quarantined.append(rejected.concurso)
        summary.notes.append(f"{rejected.source} payload for concurso {rejected.concurso} rejected: {rejected.reason}")
    for rejection in validation.rejected:
        item = fetched.fetched[rejection.position]
        concurso = rejection.candidate.concurso
        ws.draws.quarantine(concurso, item.source, json.dumps(item.payload, ensure_ascii=False), rejection.reason)
        summary.quarantined.append(concurso)
        summary.notes.append(rejection.reason)
    summary.held_back += [d.concurso for d in validation.held_back]
    by_concurso = {f.candidate.concurso: f for f in fetched.fetched}
    accepted = [
        IncomingDraw(d, by_concurso[d.concurso].source, by_concurso[d.concurso].payload) for d in validation.accepted
    ]
    result: StoreResult = ws.draws.add(accepted)
    summary.stored += result.new
    summary.identical += result.identical
    for conflict in result.conflicts:
        summary.quarantined.append(conflict.stored.concurso)
        summary.notes.append(conflict.reason)
    if fetched.latest_already_stored is not None:
        _compare_with_stored(ws, fetched.latest_already_stored, summary)
    if fetched.stale is not None:
        summary.stale = fetched.stale
        summary.notes.append(fetched.stale.sentence)
    if fetched.incomplete_reason:
        summary.notes.append(fetched.incomplete_reason)
    if fetched.deferred_sentence:
        summary.notes.append(fetched.deferred_sentence)
    summary.last_stored = ws.draws.last_concurso()
    source = fetched.fetched[0].source if fetched.fetched else None
    if not fetched.source_reached:
        summary.notes.append("no source answered: " + "; ".join(f"{k}: {v}" for k, v in fetched.unreachable.items()))
    if fetched.stored_while_fetching is None:
        ws.draws.log_ingest(
            source,
            fetched.latest,
            len(summary.stored) - stored_before,
            len(summary.quarantined),
            "; ".join(summary.notes) or None,
            flow_run_id,
        )
    return summary  # a backfill logged each of its batches as it stored it


def _take_backfilled(summary: IngestSummary, backfilled: StoredWhileFetching | None) -> None:
    """What a backfill stored while fetching, in the summary of the run."""
    if backfilled is None:
        return
    summary.stored += backfilled.stored
    summary.identical += backfilled.identical
    summary.quarantined += backfilled.quarantined
    summary.held_back += backfilled.held_back
    summary.notes += backfilled.notes


def _compare_with_stored(ws: Workspace, answer: FetchedDraw, summary: IngestSummary) -> None:
    """Quarantine `answer` as a conflict when the stored draw of its concurso differs from it."""
    concurso = answer.candidate.concurso
    stored = ws.draws.get_many([concurso]).get(concurso)
    incoming = answer.candidate.as_draw()
    if stored is None:
        summary.notes.append(
            f"{answer.source} answered latest concurso {concurso}, which is not stored although newer ones are"
        )
    elif stored != incoming:
        reason = f"latest answer of {answer.source}: " + DrawConflict(stored, incoming).reason
        ws.draws.quarantine(concurso, answer.source, json.dumps(answer.payload, ensure_ascii=False), reason)
        summary.quarantined.append(concurso)
        summary.notes.append(reason)


def validate_fetched(ws: Workspace, fetched: FetchReport) -> ValidationReport:
    """Run the validation suite on the fetched candidates, following the draw stored before them."""
    candidates = [f.candidate for f in fetched.fetched]
    return validate_batch(candidates, _stored_before(ws, candidates), game=ws.game)


def _stored_before(ws: Workspace, candidates: list[DrawCandidate]) -> Draw | None:
    if not candidates:
        return None
    return ws.draws.last_before(min(c.concurso for c in candidates))
