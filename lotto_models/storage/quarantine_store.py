"""The quarantine's records: what was held, why, and who decided about it (never deleted).

Entries are written by `DrawStore` in the transaction that refused their draw; this store reads them and
records decisions.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.storage import schema
from lotto_models.storage.draw_history import stored_by_run
from lotto_models.storage.draw_store import utcnow
from lotto_models.storage.rows import from_row


class QuarantineStatus(enum.StrEnum):
    HELD = "held"
    ACCEPTED = "accepted"
    DISCARDED = "discarded"


@dataclass(frozen=True)
class QuarantineEntry:
    id: int
    concurso: int | None
    source: str
    reason: str
    payload: str
    first_seen: dt.datetime
    last_seen: dt.datetime | None
    times_seen: int
    status: QuarantineStatus
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None
    flow_run_id: str | None = None  # the run that held it (`draw_history.stored_by_run`), where it was read


class QuarantineStore:
    """The quarantine of one game: its entries and the decisions about them."""

    def __init__(self, engine: Engine, game: Game = LOTOFACIL) -> None:
        self.engine = engine
        self.game = game

    def entries(self, include_decided: bool = False) -> list[QuarantineEntry]:
        """Held entries (and decided ones too when asked), oldest first."""
        q = schema.quarantine
        query = sa.select(q).where(q.c.game == self.game.id).order_by(q.c.id)
        if not include_decided:
            query = query.where(q.c.status == QuarantineStatus.HELD.value)
        with self.engine.connect() as connection:
            return [_entry(row) for row in connection.execute(query)]

    def newest(self, offset: int, limit: int) -> list[QuarantineEntry]:
        """Entries of every status, newest first, each with the flow run that held it."""
        q = schema.quarantine
        query = sa.select(q, stored_by_run(q.c.quarantined_at)).where(q.c.game == self.game.id)
        query = query.order_by(q.c.id.desc()).limit(limit).offset(offset)
        with self.engine.connect() as connection:
            return [_entry(row) for row in connection.execute(query)]

    def count(self) -> int:
        """Entries of every status."""
        q = schema.quarantine
        with self.engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.count()).select_from(q).where(q.c.game == self.game.id)) or 0

    def get(self, entry_id: int) -> QuarantineEntry | None:
        q = schema.quarantine
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(q).where(q.c.id == entry_id, q.c.game == self.game.id)).first()
        return _entry(row) if row else None

    def decide(
        self,
        entry_id: int,
        status: QuarantineStatus,
        note: str,
        decided_by: str,
        connection: sa.Connection | None = None,
    ) -> bool:
        """Close a held entry (in the caller's transaction when given one); False when it was not held any more
        (someone decided at the same moment)."""
        q = schema.quarantine
        close = (
            q.update()
            .where(q.c.id == entry_id, q.c.game == self.game.id, q.c.status == QuarantineStatus.HELD.value)
            .values(status=status.value, decided_by=decided_by[:64], decided_at=utcnow(), decision_note=note)
        )
        if connection is not None:
            return bool(connection.execute(close).rowcount)
        with self.engine.begin() as own:
            return bool(own.execute(close).rowcount)


def _entry(row: sa.Row[Any]) -> QuarantineEntry:
    return from_row(
        QuarantineEntry,
        row,
        first_seen=row.quarantined_at,
        last_seen=row.last_seen_at,
        status=QuarantineStatus(row.status),
        flow_run_id=row._mapping.get("run_id"),
    )
