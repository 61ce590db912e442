"""The stored draws, the ingest log, the quarantine and the store's health as the web service shows them,
mapped from the stores' readers (`storage.draw_history`, `storage.quarantine_store`)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.ingest.draw_calendar import SAO_PAULO, overdue_draw
from lotto_models.reporting.paging import Page
from lotto_models.storage.draw_history import DrawSpan, IngestRecord, StoredDraw
from lotto_models.storage.quarantine_store import QuarantineEntry, QuarantineStatus
from lotto_models.storage.rows import as_utc

QUARANTINE_PAYLOAD_CHARS = 2000
RUN_THAT_STORED = (
    "the flow run whose ingest was logged first after this was stored (ingests log when they finish storing)"
)


class DrawView(BaseModel):
    concurso: int
    date: dt.date
    numbers: list[int]
    source: str
    stored_at: dt.datetime
    flow_run_id: str | None = Field(description=RUN_THAT_STORED)


class IngestRun(BaseModel):
    started_at: dt.datetime = Field(description="when the ingest was logged, after it stored its draws")
    source: str | None
    latest_seen: int | None = Field(description="the newest concurso the source announced")
    new_draws: int
    quarantined: int
    note: str | None
    flow_run_id: str | None


class QuarantineItem(BaseModel):
    id: int
    concurso: int | None
    source: str
    reason: str
    quarantined_at: dt.datetime
    payload: str = Field(description=f"the rejected payload, cut at {QUARANTINE_PAYLOAD_CHARS} characters")
    payload_truncated: bool
    flow_run_id: str | None = Field(description=RUN_THAT_STORED)
    status: QuarantineStatus = Field(
        description="held (awaiting a person's decision), accepted (stored as a draw after passing validation "
        "again) or discarded (closed, nothing stored)"
    )
    times_seen: int = Field(description="how often the same payload was rejected while held")
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None


class QuarantinePage(Page[QuarantineItem]):
    held: int = Field(description="entries held, awaiting a decision: what `lotto status` and `lotto quarantine` count")


class DrawsPage(BaseModel):
    """What the draws page shows."""

    draws: Page[DrawView]
    quarantine: QuarantinePage
    ingests: list[IngestRun]


class StoreHealth(BaseModel):
    reachable: bool
    database: str = Field(
        description="the kind of store, SQLite or PostgreSQL (where it is and who reads it stay with the operators: "
        "`lotto status`, and the service's log when it cannot be read)"
    )
    error: str | None
    schema_revision: str | None
    draws: int | None
    last_concurso: int | None
    last_date: dt.date | None
    last_draw_age_days: int | None
    stale: bool = Field(
        default=False, description="the newest draw is overdue by the draw calendar (the stale-source warning's rule)"
    )
    stale_reason: str | None = None


def draw_view(draw: StoredDraw) -> DrawView:
    return DrawView(
        concurso=draw.concurso,
        date=draw.date,
        numbers=list(draw.numbers),
        source=draw.source,
        stored_at=draw.stored_at,
        flow_run_id=draw.flow_run_id,
    )


def ingest_view(ingest: IngestRecord) -> IngestRun:
    return IngestRun(
        started_at=ingest.started_at,
        source=ingest.source,
        latest_seen=ingest.latest_seen,
        new_draws=ingest.new_draws,
        quarantined=ingest.quarantined,
        note=ingest.note,
        flow_run_id=ingest.flow_run_id,
    )


def quarantine_item(entry: QuarantineEntry) -> QuarantineItem:
    return QuarantineItem(
        id=entry.id,
        concurso=entry.concurso,
        source=entry.source,
        reason=entry.reason,
        quarantined_at=as_utc(entry.first_seen),
        payload=entry.payload[:QUARANTINE_PAYLOAD_CHARS],
        payload_truncated=len(entry.payload) > QUARANTINE_PAYLOAD_CHARS,
        flow_run_id=entry.flow_run_id,
        status=entry.status,
        times_seen=entry.times_seen,
        decided_by=entry.decided_by,
        decided_at=as_utc(entry.decided_at) if entry.decided_at else None,
        decision_note=entry.decision_note,
    )


def store_health(database: str, revision: str, span: DrawSpan, now: dt.datetime, game: Game = LOTOFACIL) -> StoreHealth:
    """A store that answered: `game`'s newest draw, stale when it is overdue by the game's draw calendar
    (`ingest.draw_calendar.overdue_draw`, as the stale-source warning judges it)."""
    last, last_date = span.last_concurso, span.last_date
    overdue = overdue_draw(last, last_date, now, game) if last is not None and last_date else None
    return StoreHealth(
        reachable=True,
        database=database,
        error=None,
        schema_revision=revision,
        draws=span.count,
        last_concurso=last,
        last_date=last_date,
        last_draw_age_days=(now.astimezone(SAO_PAULO).date() - last_date).days if last_date else None,
        stale=overdue is not None,
        stale_reason=overdue.message() if overdue is not None else None,
    )


def unreachable(database: str, error: str) -> StoreHealth:
    return StoreHealth(
        reachable=False,
        database=database,
        error=error,
        schema_revision=None,
        draws=None,
        last_concurso=None,
        last_date=None,
        last_draw_age_days=None,
    )
