"""Each plan's newest guess with its ranking of the whole pool and its extras: what the bets page offers at
every bet size. A guess stored before revision 0009 has no ranking (None): only its published size is known."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.game_rules import Game
from lotto_models.core.guess_extras import GuessExtras
from lotto_models.core.plans import plans_of
from lotto_models.storage import schema


@dataclass(frozen=True)
class RankedGuess:
    """A plan's newest published guess (ascending), its ranking (best first; None before 0009) and extras."""

    plan: str
    concurso: int
    numbers: tuple[int, ...]
    ranking: tuple[int, ...] | None
    extras: GuessExtras


def newest_ranked_guesses(engine: Engine, game: Game) -> list[RankedGuess]:
    """The newest guess of each plan of `game` that has one, in the plans' order."""
    p = schema.predictions
    mine = p.c.game == game.id
    newest = sa.select(p.c.plan, sa.func.max(p.c.concurso).label("concurso")).where(mine).group_by(p.c.plan).subquery()
    query = (
        sa.select(p.c.plan, p.c.concurso, p.c.numbers, p.c.ranking, p.c.extras)
        .join(newest, (newest.c.plan == p.c.plan) & (newest.c.concurso == p.c.concurso))
        .where(mine)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    rank = {name: i for i, name in enumerate(plans_of(game))}
    return [
        RankedGuess(
            plan=row.plan,
            concurso=row.concurso,
            numbers=tuple(sorted(int(n) for n in row.numbers)),
            ranking=_ranking(row.ranking),
            extras=GuessExtras.from_dict(row.extras),
        )
        for row in sorted(rows, key=lambda row: rank.get(row.plan, len(rank)))
    ]


def _ranking(stored: Any) -> tuple[int, ...] | None:
    return tuple(int(n) for n in stored) if stored is not None else None
