"""`DrawHistory`: the stored draws of one game as a reader lists them, newest first, each with the flow run that
stored it, and the ingest log; `change_token`: one value that changes whenever anything a reader shows changes.

A row does not record the run that stored it: that run is the first ingest logged at or after the row was
stored (ingests log when they have finished storing), `stored_by_run`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.storage import schema
from lotto_models.storage.draw_rows import number_columns
from lotto_models.storage.rows import as_utc


@dataclass(frozen=True)
class StoredDraw:
    concurso: int
    date: dt.date
    numbers: tuple[int, ...]  # ascending
    source: str
    stored_at: dt.datetime
    flow_run_id: str | None  # `stored_by_run`


@dataclass(frozen=True)
class IngestRecord:
    started_at: dt.datetime  # when the ingest was logged, after it stored its draws
    source: str | None
    latest_seen: int | None  # the newest concurso the source announced
    new_draws: int
    quarantined: int
    note: str | None
    flow_run_id: str | None


@dataclass(frozen=True)
class DrawSpan:
    """How many draws are stored, and the newest one's concurso and date (None when there is none)."""

    count: int
    first_concurso: int | None
    last_concurso: int | None
    last_date: dt.date | None


def stored_by_run(stored_at: sa.ColumnElement[dt.datetime]) -> sa.Label[str | None]:
    """The flow run of the first ingest logged at or after `stored_at` (the one that stored the row)."""
    i = schema.ingest_runs
    return (
        sa.select(i.c.flow_run_id)
        .where(i.c.started_at >= stored_at)
        .order_by(i.c.started_at)
        .limit(1)
        .scalar_subquery()
        .label("run_id")
    )


class DrawHistory:
    """The stored draws and ingests of one game, read for people (pages, `lotto` listings)."""

    def __init__(self, engine: Engine, game: Game = LOTOFACIL) -> None:
        self.engine = engine
        self.game = game

    def _range(self, from_concurso: int | None, to_concurso: int | None) -> list[sa.ColumnElement[bool]]:
        d = schema.draws
        conditions = [d.c.game == self.game.id]
        if from_concurso is not None:
            conditions.append(d.c.concurso >= from_concurso)
        if to_concurso is not None:
            conditions.append(d.c.concurso <= to_concurso)
        return conditions

    def newest(
        self, offset: int, limit: int, from_concurso: int | None = None, to_concurso: int | None = None
    ) -> list[StoredDraw]:
        """Stored draws newest first, optionally within from_concurso..to_concurso (inclusive)."""
        d = schema.draws
        query = sa.select(d, stored_by_run(d.c.stored_at)).where(*self._range(from_concurso, to_concurso))
        query = query.order_by(d.c.concurso.desc()).limit(limit).offset(offset)
        with self.engine.connect() as connection:
            return [self._stored(row) for row in connection.execute(query)]

    def count(self, from_concurso: int | None = None, to_concurso: int | None = None) -> int:
        count = sa.select(sa.func.count()).select_from(schema.draws).where(*self._range(from_concurso, to_concurso))
        with self.engine.connect() as connection:
            return connection.scalar(count) or 0

    def get(self, concurso: int) -> StoredDraw | None:
        d = schema.draws
        query = sa.select(d, stored_by_run(d.c.stored_at)).where(d.c.game == self.game.id, d.c.concurso == concurso)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return self._stored(row) if row is not None else None

    def span(self) -> DrawSpan:
        d = schema.draws
        query = sa.select(
            sa.func.count(), sa.func.min(d.c.concurso), sa.func.max(d.c.concurso), sa.func.max(d.c.draw_date)
        ).where(d.c.game == self.game.id)
        with self.engine.connect() as connection:
            count, first, last, last_date = connection.execute(query).one()
        return DrawSpan(count, first, last, last_date)

    def numbers(self) -> list[tuple[int, ...]]:
        """The numbers of every stored draw (each ascending), oldest first."""
        d = schema.draws
        columns = [d.c[name] for name in number_columns(self.game)]
        query = sa.select(*columns).where(d.c.game == self.game.id).order_by(d.c.concurso)
        with self.engine.connect() as connection:
            return [tuple(sorted(int(n) for n in row)) for row in connection.execute(query)]

    def ingests(self, limit: int = 20) -> list[IngestRecord]:
        """The newest ingests (fetches, backfills, imports), newest first."""
        i = schema.ingest_runs
        query = sa.select(i).where(i.c.game == self.game.id).order_by(i.c.id.desc()).limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            IngestRecord(
                started_at=as_utc(row.started_at),
                source=row.source,
                latest_seen=row.latest_seen,
                new_draws=row.new_draws,
                quarantined=row.quarantined,
                note=row.note,
                flow_run_id=row.flow_run_id,
            )
            for row in rows
        ]

    def _stored(self, row: sa.Row) -> StoredDraw:
        return StoredDraw(
            concurso=row.concurso,
            date=row.draw_date,
            numbers=tuple(sorted(int(row._mapping[name]) for name in number_columns(self.game))),
            source=row.source,
            stored_at=as_utc(row.stored_at),
            flow_run_id=row.run_id,
        )


def change_token(engine: Engine) -> tuple:
    """A value that changes whenever anything the readers show changes (one cheap query): every game's rows,
    since a token that changes too often costs a rebuild, one that misses a change shows stale figures."""
    m = sa.func.max
    c = sa.func.count

    def one(expression: sa.ColumnElement, table: sa.Table) -> sa.ScalarSelect:
        return sa.select(expression).select_from(table).scalar_subquery()

    query = sa.select(
        one(c(), schema.draws),
        one(m(schema.draws.c.concurso), schema.draws),
        one(m(schema.predictions.c.id), schema.predictions),
        one(c(), schema.prediction_scores),
        one(m(schema.ensemble_versions.c.id), schema.ensemble_versions),
        one(m(schema.model_versions.c.id), schema.model_versions),
        one(m(schema.model_aliases.c.updated_at), schema.model_aliases),
        one(m(schema.model_status.c.updated_at), schema.model_status),
        one(c(), schema.model_status),
        one(m(schema.promotion_decisions.c.id), schema.promotion_decisions),
        one(m(schema.quarantine.c.id), schema.quarantine),
        one(m(schema.draw_repairs.c.id), schema.draw_repairs),  # a repaired draw changes no count
    )
    with engine.connect() as connection:
        return tuple(connection.execute(query).one())
