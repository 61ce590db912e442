"""Ingestion: seeding an empty store, fetching what is missing, validating it and storing it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from lotto_models.core.draws import Draw
from lotto_models.ingest.bundled_history import BUNDLED_SOURCE, bundled_history
from lotto_models.ingest.history_files import FileRow, read_draw_file
from lotto_models.ingest.sources import (
    FetchReport,
    fetch_missing_draws,
    fetch_range,
    http_client,
    sources_from_settings,
)
from lotto_models.ingest.validation import ValidationReport, validate_batch
from lotto_models.storage.draw_store import IncomingDraw, StoreResult
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


def fetch_draw_range(ws: Workspace, first: int, last: int) -> FetchReport:
    """Concursos `first`..`last` by number, stored or not (stored ones are compared, never overwritten)."""
    with http_client(ws.settings) as client:
        return fetch_range(sources_from_settings(ws.settings, client), first, last)


@dataclass
class IngestSummary:
    latest_seen: int | None
    last_stored: int = 0
    stored: list[int] = field(default_factory=list)
    identical: list[int] = field(default_factory=list)
    quarantined: list[int | None] = field(default_factory=list)
    held_back: list[int] = field(default_factory=list)
    source_unreachable: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def store_validated_draws(
    ws: Workspace, fetched: FetchReport, validation: ValidationReport, flow_run_id: str | None = None
) -> IngestSummary:
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
    summary.last_stored = ws.draws.last_concurso()
    source = fetched.fetched[0].source if fetched.fetched else None
    if not fetched.source_reached:
        summary.notes.append("no source answered: " + "; ".join(f"{k}: {v}" for k, v in fetched.unreachable.items()))
    ws.draws.log_ingest(
        source,
        fetched.latest,
        len(summary.stored),
        len(summary.quarantined),
        "; ".join(summary.notes) or None,
        flow_run_id,
    )
    return summary


def validate_fetched(ws: Workspace, fetched: FetchReport) -> ValidationReport:
    draws = [f.draw for f in fetched.fetched]
    return validate_batch(draws, _stored_before(ws, draws))


def _stored_before(ws: Workspace, draws: list[Draw]) -> Draw | None:
    if not draws:
        return None
    return ws.draws.last_before(min(d.concurso for d in draws))


@dataclass
class ImportReport:
    file: str
    new: list[int] = field(default_factory=list)
    identical: list[int] = field(default_factory=list)
    conflicting: dict[int, str] = field(default_factory=dict)
    invalid: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "identical": len(self.identical),
            "conflicting": len(self.conflicting),
            "invalid": len(self.invalid),
        }

    def markdown(self) -> str:
        counts = self.counts()
        lines = [f"Imported `{self.file}`: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ".", ""]
        lines += [f"- conflicting concurso {c}: {reason}" for c, reason in sorted(self.conflicting.items())]
        lines += [f"- invalid: {reason}" for reason in self.invalid]
        return "\n".join(lines)


def import_history_file(ws: Workspace, path: Path, flow_run_id: str | None = None) -> ImportReport:
    """Merge a history file into the store: new draws stored, stored ones compared, bad rows quarantined.

    New draws go through the same validation as fetched ones (continuity included), so a file can never
    leave a gap or a date out of order behind it.
    """
    source = f"import:{path.name}"
    report = ImportReport(path.name)
    first_seen: dict[int, FileRow] = {}
    drawn: dict[int, Draw] = {}  # the checked draw of each first-seen row
    for row in read_draw_file(path):
        if row.draw is None:
            report.invalid.append(row.error or f"line {row.line}: unreadable")
            ws.draws.quarantine(row.concurso, source, row.payload(), row.error or "unreadable row")
        elif row.draw.concurso in first_seen:
            earlier = first_seen[row.draw.concurso]
            if earlier.draw == row.draw:
                report.identical.append(row.draw.concurso)
            else:
                reason = (
                    f"line {row.line} repeats concurso {row.draw.concurso} of line {earlier.line} with other numbers"
                )
                report.conflicting[row.draw.concurso] = reason
                ws.draws.quarantine(row.draw.concurso, source, row.payload(), reason)
        else:
            first_seen[row.draw.concurso] = row
            drawn[row.draw.concurso] = row.draw
    stored = ws.draws.get_many(first_seen)
    for concurso in sorted(set(first_seen) & set(stored)):
        row = first_seen[concurso]
        result = ws.draws.add([IncomingDraw(drawn[concurso], source, {"line": row.line, **row.raw})])
        report.identical += result.identical
        report.conflicting.update({c.stored.concurso: c.reason for c in result.conflicts})
    new_rows = {c: first_seen[c] for c in sorted(set(first_seen) - set(stored))}
    validation = validate_batch([drawn[c] for c in new_rows], _stored_before(ws, [drawn[c] for c in new_rows]))
    for concurso, reasons in validation.rejected.items():
        row = new_rows[concurso]
        reason = f"line {row.line}: concurso {concurso} rejected: {'; '.join(reasons)}"
        report.invalid.append(reason)
        ws.draws.quarantine(concurso, source, row.payload(), reason)
    for draw in validation.held_back:
        report.invalid.append(
            f"line {new_rows[draw.concurso].line}: concurso {draw.concurso} not stored: it follows a rejected concurso"
        )
    accepted = [
        IncomingDraw(d, source, {"line": new_rows[d.concurso].line, **new_rows[d.concurso].raw})
        for d in validation.accepted
    ]
    result = ws.draws.add(accepted)
    report.new += result.new
    report.identical += result.identical
    report.conflicting.update({c.stored.concurso: c.reason for c in result.conflicts})
    ws.draws.log_ingest(
        source,
        None,
        len(report.new),
        len(report.conflicting) + len(report.invalid),
        json.dumps(report.counts()),
        flow_run_id,
    )
    return report
