"""`DrawStore`: the draws, their raw payloads, the quarantine and the ingest log, on SQLite or PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    import pandas as pd

from lotto_models.core.draws import Draw
from lotto_models.core.errors import LotoflowError
from lotto_models.core.failpoints import INGEST_BEFORE_COMMIT, failpoint
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.storage import schema
from lotto_models.storage.draw_rows import (
    CONTENT_COLUMNS,
    draw_from_row,
    draw_row,
    number_columns,
    part_columns,
    same_draw_clauses,
)
from lotto_models.storage.nul_free import strip_nul


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class DrawConflict:
    stored: Draw
    incoming: Draw

    @property
    def reason(self) -> str:
        return (
            f"concurso {self.stored.concurso} is stored as {self.stored.date} {list(self.stored.numbers)}; "
            f"the source now says {self.incoming.date} {list(self.incoming.numbers)}. The stored draw is kept."
        )


@dataclass
class StoreResult:
    new: list[int] = field(default_factory=list)
    identical: list[int] = field(default_factory=list)
    conflicts: list[DrawConflict] = field(default_factory=list)


@dataclass(frozen=True)
class IncomingDraw:
    draw: Draw
    source: str
    payload: dict | None = None


@dataclass(frozen=True)
class QuarantineItem:
    """A rejected payload to hold, with the reason (`DrawStore.quarantine_many` writes many in one transaction)."""

    concurso: int | None
    source: str
    payload: str
    reason: str


@dataclass(frozen=True)
class RepairAudit:
    """Who repaired a draw, why, from which quarantine entry (if any), and how many guesses were scored again."""

    repaired_by: str
    note: str
    quarantine_id: int | None
    rescored_predictions: int


@dataclass(frozen=True)
class DrawRepair:
    """A stored draw replaced by an operator; the wrong one is kept in `draw_repairs` (row `id`)."""

    id: int
    old: Draw
    new: Draw
    old_source: str
    new_source: str
    audit: RepairAudit
    repaired_at: dt.datetime


class StoredDrawChangedError(LotoflowError):
    """The stored draw is no longer the one a repair was asked to replace (someone changed it meanwhile)."""


class DrawStore:
    """The draws of one game: inserted once and never overwritten; a conflicting copy goes to the quarantine."""

    def __init__(self, engine: Engine, game: Game = LOTOFACIL) -> None:
        self.engine = engine
        self.game = game
        self._mine = schema.draws.c.game == game.id

    # -- reading -----------------------------------------------------------------------------------------
    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.count()).select_from(schema.draws).where(self._mine)) or 0

    def last_concurso(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.max(schema.draws.c.concurso)).where(self._mine)) or 0

    def last_draw(self) -> Draw | None:
        last = self.last_concurso()
        found = self.get_many([last]) if last else {}
        return found.get(last)

    def last_before(self, concurso: int) -> Draw | None:
        """The newest stored draw with a lower concurso number."""
        with self.engine.connect() as connection:
            previous = connection.scalar(
                sa.select(sa.func.max(schema.draws.c.concurso)).where(self._mine, schema.draws.c.concurso < concurso)
            )
        return self.get_many([previous]).get(previous) if previous is not None else None

    def get_many(self, concursos: Iterable[int], connection: sa.Connection | None = None) -> dict[int, Draw]:
        wanted = sorted(set(concursos))
        if not wanted:
            return {}
        query = sa.select(schema.draws).where(self._mine, schema.draws.c.concurso.in_(wanted))
        if connection is None:
            with self.engine.connect() as own:
                rows = own.execute(query).all()
        else:
            rows = connection.execute(query).all()
        return {row.concurso: draw_from_row(row) for row in rows}

    def frame(self) -> pd.DataFrame:
        """Every stored draw of the game in concurso order: columns concurso, date, d1..dN (the game's numbers)
        and the game's extras (s1..s6, t1..t2, month, team) where it has them."""
        numbers, parts = number_columns(self.game), part_columns(self.game)
        columns = [schema.draws.c.concurso, schema.draws.c.draw_date.label("date")]
        columns += [schema.draws.c[name] for name in [*numbers, *parts]]
        query = sa.select(*columns).where(self._mine).order_by(schema.draws.c.concurso)
        import pandas as pd  # here, not at module level: reading guesses and status needs no pandas

        with self.engine.connect() as connection:
            frame = pd.read_sql(query, connection)
        frame[numbers] = frame[numbers].astype("int16")
        return frame

    def quarantine_count(self) -> int:
        """Entries still held (awaiting a person's decision)."""
        with self.engine.connect() as connection:
            q = schema.quarantine
            held = sa.select(sa.func.count()).select_from(q).where(q.c.game == self.game.id, q.c.status == "held")
            return connection.scalar(held) or 0

    # -- writing -----------------------------------------------------------------------------------------
    def add(self, incoming: Sequence[IncomingDraw]) -> StoreResult:
        """Insert the draws not stored yet, in one transaction; report identical and conflicting ones.

        Safe against a concurrent run inserting the same concurso: the insert skips rows that appeared
        in the meantime, and they are then compared like any stored draw.
        """
        result = StoreResult()
        if not incoming:
            return result
        now = utcnow()
        with self.engine.begin() as connection:
            for item in sorted(incoming, key=lambda i: i.draw.concurso):
                inserted = connection.execute(self._insert_ignoring_duplicates(item, now)).first()
                if inserted is not None:
                    result.new.append(item.draw.concurso)
                    if item.payload is not None:
                        connection.execute(
                            schema.raw_payloads.insert().values(
                                game=self.game.id,
                                concurso=item.draw.concurso,
                                source=item.source,
                                payload=json.dumps(strip_nul(item.payload), ensure_ascii=False),
                                fetched_at=now,
                            )
                        )
                    continue
                stored = self.get_many([item.draw.concurso], connection)[item.draw.concurso]
                if stored == item.draw:
                    result.identical.append(item.draw.concurso)
                else:
                    conflict = DrawConflict(stored, item.draw)
                    result.conflicts.append(conflict)
                    payload = json.dumps(item.payload or _draw_record(item.draw), ensure_ascii=False)
                    self._hold(connection, item.draw.concurso, item.source, payload, conflict.reason)
            if result.new:
                failpoint(INGEST_BEFORE_COMMIT)
        return result

    def seed(self, draws: Sequence[Draw], source: str) -> int:
        """Fill an empty store in one transaction; returns how many draws were inserted (0 if not empty)."""
        now = utcnow()
        rows = [draw_row(self.game, d, source, now) for d in draws]
        try:
            with self.engine.begin() as connection:
                if connection.scalar(sa.select(sa.func.count()).select_from(schema.draws).where(self._mine)):
                    return 0
                connection.execute(schema.draws.insert(), rows)
        except sa.exc.IntegrityError:
            # Another run seeded at the same moment: its rows are the same bundled draws.
            return 0
        return len(rows)

    def quarantine(self, concurso: int | None, source: str, payload: str, reason: str) -> None:
        with self.engine.begin() as connection:
            self._hold(connection, concurso, source, payload, reason)

    def quarantine_many(self, items: Sequence[QuarantineItem]) -> None:
        """Hold every item, in one transaction: all of them or, if it is interrupted, none."""
        with self.engine.begin() as connection:
            for item in items:
                self._hold(connection, item.concurso, item.source, item.payload, item.reason)

    def repair(
        self,
        connection: sa.Connection,
        old: Draw,
        new: Draw,
        source: str,
        payload: dict,
        audit: RepairAudit,
    ) -> DrawRepair:
        """Replace the stored draw `old` by `new` in the caller's transaction: the draw's row, its raw
        payload, and the audit row keeping `old` (`draw_repairs`).

        Raises `StoredDrawChangedError` when the stored draw is not `old` any more. Judging `new` is the
        caller's job (the validation suite, against the stored draws around it)."""
        d, now = schema.draws, utcnow()
        still_old = same_draw_clauses(self.game, old)
        old_source = connection.scalar(sa.select(d.c.source).where(*still_old))
        if old_source is None or new.concurso != old.concurso:
            raise StoredDrawChangedError(
                f"concurso {old.concurso} is no longer stored as {old.date} {list(old.numbers)}: nothing was "
                "changed; look at it again (`lotto status`, `lotto quarantine`) before repairing it"
            )
        replaced = {**dict.fromkeys(CONTENT_COLUMNS), **draw_row(self.game, new, source, now)}  # nothing of old stays
        connection.execute(d.update().where(*still_old).values(replaced))
        connection.execute(
            schema.raw_payloads.insert().values(
                game=self.game.id,
                concurso=new.concurso,
                source=source,
                payload=json.dumps(strip_nul(payload), ensure_ascii=False),
                fetched_at=now,
            )
        )
        repair_id = connection.execute(
            schema.draw_repairs.insert()
            .values(
                game=self.game.id,
                concurso=old.concurso,
                old_date=old.date,
                old_numbers=list(old.numbers),
                old_source=old_source,
                new_date=new.date,
                new_numbers=list(new.numbers),
                new_source=source,
                quarantine_id=audit.quarantine_id,
                rescored_predictions=audit.rescored_predictions,
                repaired_by=audit.repaired_by,
                repaired_at=now,
                note=audit.note,
            )
            .returning(schema.draw_repairs.c.id)
        ).scalar_one()
        return DrawRepair(repair_id, old, new, old_source, source, audit, now)

    def repairs(self, concurso: int | None = None) -> list[DrawRepair]:
        """The repaired draws (of one concurso, if given), oldest first, each with the wrong draw it replaced."""
        r = schema.draw_repairs
        query = sa.select(r).where(r.c.game == self.game.id).order_by(r.c.id)
        if concurso is not None:
            query = query.where(r.c.concurso == concurso)
        with self.engine.connect() as connection:
            return [_repair_from_row(row) for row in connection.execute(query)]

    def log_ingest(
        self,
        source: str | None,
        latest_seen: int | None,
        new_draws: int,
        quarantined: int,
        note: str | None,
        flow_run_id: str | None = None,
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                schema.ingest_runs.insert().values(
                    game=self.game.id,
                    started_at=utcnow(),
                    source=source,
                    latest_seen=latest_seen,
                    new_draws=new_draws,
                    quarantined=quarantined,
                    note=note,
                    flow_run_id=flow_run_id,
                )
            )

    def _insert_ignoring_duplicates(self, item: IncomingDraw, now: dt.datetime) -> sa.Insert:
        values = draw_row(self.game, item.draw, item.source, now)
        dialect = self.engine.dialect.name
        insert: postgresql.Insert | sqlite.Insert
        if dialect == "postgresql":
            insert = postgresql.insert(schema.draws).values(values).on_conflict_do_nothing()
        elif dialect == "sqlite":
            insert = sqlite.insert(schema.draws).values(values).on_conflict_do_nothing()
        else:
            raise NotImplementedError(f"lotoflow supports SQLite and PostgreSQL, not {dialect}")
        # RETURNING tells whether this statement inserted the row (rowcount is not reliable here).
        return insert.returning(schema.draws.c.concurso)

    def _hold(self, connection: sa.Connection, concurso: int | None, source: str, payload: str, reason: str) -> None:
        hold_in_quarantine(connection, self.game, concurso, source, payload, reason)


def hold_in_quarantine(
    connection: sa.Connection, game: Game, concurso: int | None, source: str, payload: str, reason: str
) -> None:
    """Keep a rejected payload of `game` with its reason (NUL characters stripped, as PostgreSQL requires).

    The same payload rejected for the same reason while its entry is still held (every scheduled run
    fetches a rejected concurso again) is counted on that entry instead of filling the table.
    """
    q = schema.quarantine
    payload, reason, now = strip_nul(payload), strip_nul(reason), utcnow()
    fingerprint = quarantine_fingerprint(concurso, source, reason, payload)
    same = sa.and_(q.c.fingerprint == fingerprint, q.c.status == "held", q.c.game == game.id)  # by its index
    updated = connection.execute(q.update().where(same).values(times_seen=q.c.times_seen + 1, last_seen_at=now))
    if updated.rowcount:
        return
    connection.execute(
        q.insert().values(
            game=game.id,
            concurso=concurso,
            source=source,
            payload=payload,
            reason=reason,
            quarantined_at=now,
            last_seen_at=now,
            fingerprint=fingerprint,
        )
    )


def quarantine_fingerprint(concurso: int | None, source: str, reason: str, payload: str) -> str:
    """What makes a held entry the same as another: its concurso, source, reason and payload (sha256)."""
    return hashlib.sha256(json.dumps([concurso, source, reason, payload], ensure_ascii=False).encode()).hexdigest()


def _repair_from_row(row: sa.Row[Any]) -> DrawRepair:
    audit = RepairAudit(row.repaired_by, row.note, row.quarantine_id, row.rescored_predictions)
    old = Draw(row.concurso, row.old_date, tuple(row.old_numbers))
    new = Draw(row.concurso, row.new_date, tuple(row.new_numbers))
    return DrawRepair(row.id, old, new, row.old_source, row.new_source, audit, row.repaired_at)


def _draw_record(draw: Draw) -> dict:
    return {"concurso": draw.concurso, "data": draw.date.isoformat(), "numbers": list(draw.numbers)}
