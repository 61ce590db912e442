"""Ingestion: seeding an empty store, fetching what is missing, validating it and storing it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lotto_models.history import BUNDLED_SOURCE, bundled_history
from lotto_models.sources import FetchReport, fetch_missing_draws, http_client, sources_from_settings
from lotto_models.store import IncomingDraw, StoreResult
from lotto_models.validation import ValidationReport, validate_batch
from lotto_models.workspace import Workspace


def seed_store(ws: Workspace) -> int:
    """Seed an empty store from the bundled history; the number of draws inserted (0 if not empty)."""
    if ws.draws.count():
        return 0
    return ws.draws.seed(bundled_history(), BUNDLED_SOURCE)


def fetch_new_draws(ws: Workspace) -> FetchReport:
    """Every concurso after the newest stored one, from the first source that answers."""
    with http_client(ws.settings) as client:
        return fetch_missing_draws(sources_from_settings(ws.settings, client), ws.draws.last_concurso())


@dataclass
class IngestSummary:
    latest_seen: int | None
    stored: list[int] = field(default_factory=list)
    identical: list[int] = field(default_factory=list)
    quarantined: list[int | None] = field(default_factory=list)
    held_back: list[int] = field(default_factory=list)
    source_unreachable: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def store_validated_draws(ws: Workspace, fetched: FetchReport, validation: ValidationReport) -> IngestSummary:
    """Store accepted draws with their raw payloads; quarantine rejected payloads and conflicts."""
    summary = IngestSummary(latest_seen=fetched.latest, source_unreachable=dict(fetched.unreachable))
    for rejected in fetched.rejected:
        ws.draws.quarantine(rejected.concurso, rejected.source, rejected.payload, rejected.reason)
        summary.quarantined.append(rejected.concurso)
        summary.notes.append(f"{rejected.source} payload for concurso {rejected.concurso} rejected: {rejected.reason}")
    by_concurso = {f.draw.concurso: f for f in fetched.fetched}
    for concurso, reasons in validation.rejected.items():
        item = by_concurso[concurso]
        reason = "validation failed: " + "; ".join(reasons)
        ws.draws.quarantine(concurso, item.source, json.dumps(item.payload, ensure_ascii=False), reason)
        summary.quarantined.append(concurso)
        summary.notes.append(f"concurso {concurso} rejected: {reason}")
    summary.held_back = [d.concurso for d in validation.held_back]
    accepted = [by_concurso[d.concurso] for d in validation.accepted]
    result: StoreResult = ws.draws.add([IncomingDraw(f.draw, f.source, f.payload) for f in accepted])
    summary.stored, summary.identical = result.new, result.identical
    for conflict in result.conflicts:
        summary.quarantined.append(conflict.stored.concurso)
        summary.notes.append(conflict.reason)
    if fetched.incomplete_reason:
        summary.notes.append(fetched.incomplete_reason)
    source = fetched.fetched[0].source if fetched.fetched else None
    ws.draws.log_ingest(
        source,
        fetched.latest,
        len(summary.stored),
        len(summary.quarantined),
        "; ".join(summary.notes) or None,
    )
    return summary


def validate_fetched(ws: Workspace, fetched: FetchReport) -> ValidationReport:
    return validate_batch([f.draw for f in fetched.fetched], ws.draws.last_draw())
