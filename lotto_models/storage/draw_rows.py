"""A draw of a game as a row of the draws table, and back: the game's numbers in d1..dN (ascending), Dupla
Sena's second draw in s1..s6, +Milionária's trevos in t1..t2, Dia de Sorte's month, Timemania's team."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from lotto_models.core.draws import Draw, DrawExtras
from lotto_models.core.games import Game
from lotto_models.storage import schema


def number_columns(game: Game) -> list[str]:
    """The columns of the game's main numbers: d1..d<drawn> (Lotomania d1..d20)."""
    return [f"d{i}" for i in range(1, game.numbers.drawn + 1)]


def part_columns(game: Game) -> list[str]:
    """The columns of the game's extras, in the order of its history files (empty for most games)."""
    sets = [s for s in (game.second_draw, game.trevos) if s is not None]
    columns = [column for s in sets for column in s.csv_columns]
    return columns + [name for name, part in (("month", game.month), ("team", game.team)) if part is not None]


def draw_row(game: Game, draw: Draw, source: str, now: dt.datetime) -> dict[str, Any]:
    """The row that stores `draw` of `game` (every numbered column beyond what the draw holds stays empty)."""
    numbers = {f"d{i}": n for i, n in enumerate(draw.numbers, start=1)}  # Timemania 1307 holds 8 of 7
    extras = draw.extras
    row: dict[str, Any] = {
        "game": game.id,
        "concurso": draw.concurso,
        "draw_date": draw.date,
        "source": source,
        "stored_at": now,
        **numbers,
        **{f"s{i}": n for i, n in enumerate(extras.second_draw, start=1)},
        **{f"t{i}": n for i, n in enumerate(extras.trevos, start=1)},
    }
    if extras.month is not None:
        row["month"] = extras.month
    if extras.team is not None:
        row["team"] = extras.team
    return row


def draw_from_row(row: sa.Row[Any]) -> Draw:
    """The draw a row of the draws table holds, whatever its game."""
    values = row._mapping
    numbers = tuple(int(values[f"d{i}"]) for i in range(1, schema.MAX_DRAWN + 1) if values[f"d{i}"] is not None)
    extras = DrawExtras(
        second_draw=tuple(int(values[f"s{i}"]) for i in range(1, 7) if values[f"s{i}"] is not None),
        trevos=tuple(int(values[f"t{i}"]) for i in range(1, 3) if values[f"t{i}"] is not None),
        month=values["month"],
        team=values["team"],
    )
    return Draw(row.concurso, row.draw_date, numbers, extras)


def same_draw_clauses(game: Game, draw: Draw) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses that hold only for the row storing exactly `draw` of `game`."""
    d, row = schema.draws, draw_row(game, draw, "", dt.datetime.min)
    clauses = [d.c.game == game.id, d.c.concurso == draw.concurso, d.c.draw_date == draw.date]
    return clauses + [d.c[c].is_(None) if row.get(c) is None else d.c[c] == row[c] for c in CONTENT_COLUMNS]


# Every column that holds part of a draw's content.
CONTENT_COLUMNS = [
    *(f"d{i}" for i in range(1, schema.MAX_DRAWN + 1)),
    *(f"s{i}" for i in range(1, 7)),
    "t1",
    "t2",
    "month",
    "team",
]
