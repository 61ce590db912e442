"""`DeliveryLedger`: which guesses and hits each destination of LOTTO_PUBLISH_URLS is owed, and what was sent.

One row per (game, plan, concurso, kind, destination). A delivery is claimed before it is sent: its row is
committed `pending` (a new row, or a `failed` or `pending` one taken up again, its attempts counted), then
marked `sent` or `failed`. What is owed is every published guess of the given plans, and the hits of every
scored one, from the destination's first concurso on, without a `sent` row: a row a killed process left
`pending` is owed again (it may have reached the receiver: the delivery key lets it tell).

A destination's first concurso is the lowest of its rows; a destination with no row yet starts at the game's
newest published concurso (its newest guesses are owed, not the whole history).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.games import Game
from lotto_models.storage import schema
from lotto_models.storage.draw_rows import number_columns
from lotto_models.storage.draw_store import utcnow
from lotto_models.storage.rows import as_utc


class DeliveryKind(enum.StrEnum):
    GUESS = "guess"  # a plan's guess for a concurso, once published
    HITS = "hits"  # what that guess matched, once the concurso's draw is stored and scored


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  # claimed: about to be sent, or its sender died (owed again)
    SENT = "sent"
    FAILED = "failed"  # the destination refused it or could not be reached (owed again)


@dataclass(frozen=True)
class OwedDelivery:
    """A guess or its hits that a destination has not been sent yet, with what its message says."""

    plan: str
    concurso: int
    kind: DeliveryKind
    numbers: tuple[int, ...]
    extras: dict[str, Any] | None
    published_at: dt.datetime
    hits: int | None  # the score, for kind HITS
    extra_hits: int | None
    second_draw_hits: int | None
    drawn: tuple[int, ...] | None  # the concurso's main numbers, once stored
    attempts: int  # earlier claims of this delivery (0: never tried)


@dataclass(frozen=True)
class DeliveryRecord:
    plan: str
    concurso: int
    kind: DeliveryKind
    destination: str
    state: DeliveryState
    attempts: int
    last_error: str | None
    sent_at: dt.datetime | None


class DeliveryLedger:
    """The deliveries of one game."""

    def __init__(self, engine: Engine, game: Game) -> None:
        self.engine = engine
        self.game = game

    def first_concurso(self, destination: str, plans: list[str]) -> int | None:
        """The first concurso owed to `destination`: its lowest row's, else the newest published guess's of
        `plans` (None: nothing published yet)."""
        d, p = schema.deliveries, schema.predictions
        with self.engine.connect() as connection:
            first = connection.scalar(
                sa.select(sa.func.min(d.c.concurso)).where(d.c.game == self.game.id, d.c.destination == destination)
            )
            if first is not None:
                return int(first)
            newest = connection.scalar(
                sa.select(sa.func.max(p.c.concurso)).where(p.c.game == self.game.id, p.c.plan.in_(plans))
            )
        return None if newest is None else int(newest)

    def owed(self, destination: str, plans: list[str]) -> list[OwedDelivery]:
        """What `destination` is owed of `plans`' guesses and hits, in the order to send it: by concurso, a
        guess before its hits, plans in the given order."""
        first = self.first_concurso(destination, plans)
        if first is None or not plans:
            return []
        p, s, draws = schema.predictions, schema.prediction_scores, schema.draws
        guess_row, hits_row = schema.deliveries.alias("guess_row"), schema.deliveries.alias("hits_row")
        drawn = [draws.c[name] for name in number_columns(self.game)]

        def row_of(alias: sa.FromClause, kind: DeliveryKind) -> sa.ColumnElement[bool]:
            return sa.and_(
                alias.c.game == p.c.game,
                alias.c.plan == p.c.plan,
                alias.c.concurso == p.c.concurso,
                alias.c.kind == kind.value,
                alias.c.destination == destination,
            )

        query = (
            sa.select(
                p.c.plan,
                p.c.concurso,
                p.c.numbers,
                p.c.extras,
                p.c.created_at,
                s.c.prediction_id.label("scored"),
                s.c.hits,
                s.c.extra_hits,
                s.c.second_draw_hits,
                guess_row.c.state.label("guess_state"),
                guess_row.c.attempts.label("guess_attempts"),
                hits_row.c.state.label("hits_state"),
                hits_row.c.attempts.label("hits_attempts"),
                *drawn,
            )
            .outerjoin(s, s.c.prediction_id == p.c.id)
            .outerjoin(guess_row, row_of(guess_row, DeliveryKind.GUESS))
            .outerjoin(hits_row, row_of(hits_row, DeliveryKind.HITS))
            .outerjoin(draws, (draws.c.game == p.c.game) & (draws.c.concurso == p.c.concurso))
            .where(p.c.game == self.game.id, p.c.plan.in_(plans), p.c.concurso >= first)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        owed = []
        for row in rows:
            numbers = tuple(int(n) for n in row.numbers)
            stored = tuple(sorted(int(row._mapping[c.name]) for c in drawn)) if row.d1 is not None else None
            common: dict[str, Any] = {
                "plan": row.plan,
                "concurso": row.concurso,
                "numbers": numbers,
                "extras": row.extras,
                "published_at": as_utc(row.created_at),
                "drawn": stored,
            }
            if row.guess_state != DeliveryState.SENT:
                owed.append(
                    OwedDelivery(
                        kind=DeliveryKind.GUESS,
                        hits=None,
                        extra_hits=None,
                        second_draw_hits=None,
                        attempts=row.guess_attempts or 0,
                        **common,
                    )
                )
            if row.scored is not None and row.hits_state != DeliveryState.SENT:
                owed.append(
                    OwedDelivery(
                        kind=DeliveryKind.HITS,
                        hits=row.hits,
                        extra_hits=row.extra_hits,
                        second_draw_hits=row.second_draw_hits,
                        attempts=row.hits_attempts or 0,
                        **common,
                    )
                )
        rank = {plan: i for i, plan in enumerate(plans)}
        kinds = list(DeliveryKind)
        return sorted(owed, key=lambda o: (o.concurso, kinds.index(o.kind), rank[o.plan]))

    def claim(self, destination: str, owed: OwedDelivery) -> bool:
        """Commit `owed` as `pending` for `destination` before it is sent (one attempt more); False when its row
        says it was sent already (nothing to send)."""
        d = schema.deliveries
        now = utcnow()
        try:
            with self.engine.begin() as connection:
                row = connection.execute(
                    sa.select(d.c.id, d.c.state).where(*self._row_of(destination, owed.plan, owed.concurso, owed.kind))
                ).first()
                if row is None:
                    connection.execute(
                        d.insert().values(
                            game=self.game.id,
                            plan=owed.plan,
                            concurso=owed.concurso,
                            kind=owed.kind.value,
                            destination=destination,
                            state=DeliveryState.PENDING.value,
                            attempts=1,
                            claimed_at=now,
                            updated_at=now,
                        )
                    )
                    return True
                if row.state == DeliveryState.SENT:
                    return False
                connection.execute(
                    d.update()
                    .where(d.c.id == row.id)
                    .values(state=DeliveryState.PENDING.value, attempts=d.c.attempts + 1, updated_at=now)
                )
                return True
        except sa.exc.IntegrityError:  # another process inserted the same row first: it sends it
            return False

    def mark_sent(self, destination: str, owed: OwedDelivery) -> None:
        now = utcnow()
        self._set(destination, owed, state=DeliveryState.SENT.value, last_error=None, sent_at=now, updated_at=now)

    def mark_failed(self, destination: str, owed: OwedDelivery, error: str) -> None:
        self._set(destination, owed, state=DeliveryState.FAILED.value, last_error=error, updated_at=utcnow())

    def _set(self, destination: str, owed: OwedDelivery, **values: Any) -> None:
        d = schema.deliveries
        with self.engine.begin() as connection:
            connection.execute(
                d.update().where(*self._row_of(destination, owed.plan, owed.concurso, owed.kind)).values(**values)
            )

    def _row_of(self, destination: str, plan: str, concurso: int, kind: DeliveryKind) -> list[sa.ColumnElement[bool]]:
        d = schema.deliveries
        return [
            d.c.game == self.game.id,
            d.c.plan == plan,
            d.c.concurso == concurso,
            d.c.kind == kind.value,
            d.c.destination == destination,
        ]

    def records(self, destination: str | None = None) -> list[DeliveryRecord]:
        """The ledger's rows (of one destination when given), by concurso, kind and plan."""
        d = schema.deliveries
        query = sa.select(d).where(d.c.game == self.game.id).order_by(d.c.concurso, d.c.kind, d.c.plan)
        if destination is not None:
            query = query.where(d.c.destination == destination)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            DeliveryRecord(
                plan=row.plan,
                concurso=row.concurso,
                kind=DeliveryKind(row.kind),
                destination=row.destination,
                state=DeliveryState(row.state),
                attempts=row.attempts,
                last_error=row.last_error,
                sent_at=as_utc(row.sent_at) if row.sent_at is not None else None,
            )
            for row in rows
        ]
