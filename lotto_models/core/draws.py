"""The draw: one concurso of a game of the catalog (`core.games`), and the rules every real draw obeys.

A draw holds its main numbers and, per game, its extras (`DrawExtras`): Dupla Sena's second draw,
+Milionária's trevos, Dia de Sorte's month (1..12), Timemania's team. A Lotofácil draw has no extras, so
its draws are what they always were. `Draw.checked` judges a draw by its game's rules in the catalog.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lotto_models.core.errors import InvalidDrawError
from lotto_models.core.games import LOTOFACIL, AnomalyKind, Game

NUMBERS = LOTOFACIL.numbers.highest  # 25
PER_DRAW = LOTOFACIL.numbers.drawn  # 15
NUMBER_COLUMNS = [f"d{i}" for i in range(1, PER_DRAW + 1)]  # a draw's numbers in files, frames and tables
ISO_DATE = "%Y-%m-%d"  # lotoflow's files
OFFICIAL_DATE = "%d/%m/%Y"  # the CAIXA API and the official spreadsheet


def parse_date(text: str, formats: Sequence[str] = (OFFICIAL_DATE,)) -> dt.date | None:
    """The date `text` spells in the first of `formats` that fits, or None."""
    for date_format in formats:
        try:
            return dt.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True, order=True)
class DrawExtras:
    """What a draw holds beside its main numbers, per game; empty for Lotofácil, Mega-Sena, Quina, Lotomania.

    Any content may be held (a candidate's extras are read before they are judged); `Draw.checked` and the
    validation suite judge it against the game's parts.
    """

    second_draw: tuple[int, ...] = ()  # Dupla Sena's second draw
    trevos: tuple[int, ...] = ()  # +Milionária's two trevos
    month: int | None = None  # Dia de Sorte's month, 1..12 whether CAIXA wrote "2" or "Fevereiro"
    team: str | None = None  # Timemania's team as CAIXA gives it, NUL characters removed

    def sorted(self) -> DrawExtras:
        """The same extras with the second draw and the trevos ascending, as history files hold them."""
        return dataclasses.replace(self, second_draw=tuple(sorted(self.second_draw)), trevos=tuple(sorted(self.trevos)))


NO_EXTRAS = DrawExtras()


@dataclass(frozen=True, order=True)
class Draw:
    concurso: int
    date: dt.date
    numbers: tuple[int, ...]
    extras: DrawExtras = NO_EXTRAS

    @classmethod
    def checked(
        cls,
        concurso: int,
        date: dt.date,
        numbers: Iterable[int],
        extras: DrawExtras = NO_EXTRAS,
        *,
        game: Game = LOTOFACIL,
    ) -> Draw:
        """A draw after checking the rules no real draw of `game` breaks: the count, range and distinctness of
        its numbers and of each numbered part, a month 1..12, a team that is not blank, and no part the game
        lacks. Raises `InvalidDrawError` naming the game and every rule broken.

        A concurso the catalog lists with an extra number (Timemania 1307 in today's API) may hold one number
        more than the game draws: the catalog says it happens, so it is no proof of a broken draw.
        """
        if not isinstance(concurso, int) or isinstance(concurso, bool) or concurso < 1:
            raise InvalidDrawError(None, f"concurso must be a positive integer, got {concurso!r}")
        values = list(numbers)
        if any(not isinstance(n, int) or isinstance(n, bool) for n in values):
            raise InvalidDrawError(concurso, f"{game.name} numbers must be integers, got {values!r}")
        team = extras.team.replace("\x00", "") if extras.team is not None else None
        extras = dataclasses.replace(extras, team=team).sorted()
        problems = _rules_at(game, concurso, len(values)).check_draw(
            values,
            second_draw=extras.second_draw or None,
            trevos=extras.trevos or None,
            month=extras.month,
            team=extras.team,
        )
        if problems:
            raise InvalidDrawError(concurso, "; ".join(problems))
        return cls(concurso, date, tuple(sorted(values)), extras)


def _rules_at(game: Game, concurso: int, count: int) -> Game:
    """The game, drawing one number more at a concurso the catalog lists with an extra number."""
    extra = any(a.kind is AnomalyKind.EXTRA_NUMBER for a in game.anomalies_at(concurso))
    if extra and count == game.numbers.drawn + 1:
        return dataclasses.replace(game, numbers=dataclasses.replace(game.numbers, drawn=count))
    return game


def hits(guess: Sequence[int], draw: Draw) -> int:
    """How many numbers of a guess were drawn."""
    return len(set(guess) & set(draw.numbers))
