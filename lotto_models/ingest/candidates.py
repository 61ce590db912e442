"""`DrawCandidate`: what an entry path read as a draw, before the validation suite judged it.

A candidate may break any rule a real draw obeys (14 or 16 numbers, a repeat, a number outside 1..25, a
trevo twice, month 13, no second draw): parsing only refuses what is not a draw at all, and the Great
Expectations suite in `validation` is the one place that judges the content. Only a candidate the suite
accepted becomes a `Draw`. Its extras (second draw, trevos, month, team) are held as read, like its numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lotto_models.core.draws import NO_EXTRAS, Draw, DrawExtras
from lotto_models.core.errors import InvalidDrawError
from lotto_models.core.games import month_number

MAX_MONTH_DIGITS = 9  # a month written as a number has one or two digits; more is no month at all


@dataclass(frozen=True)
class DrawCandidate:
    concurso: int
    date: dt.date
    numbers: tuple[int, ...]  # as the source gave them: any count, repeats and all
    extras: DrawExtras = NO_EXTRAS  # as the source gave them, in the source's order

    @classmethod
    def of(cls, draw: Draw) -> DrawCandidate:
        return cls(draw.concurso, draw.date, draw.numbers, draw.extras)

    def as_draw(self) -> Draw:
        """The candidate as a `Draw`, unchecked: for accepted candidates, and for comparing with a stored draw."""
        return Draw(self.concurso, self.date, tuple(sorted(self.numbers)), self.extras.sorted())


def month_as_written(value: object, concurso: int | None, field: str) -> int | None:
    """Dia de Sorte's month as a source writes it: a whole number as written (13 too, for the suite to judge)
    or a Portuguese month name (`"Março"`) as 1..12; None when blank. Raises `InvalidDrawError` naming the
    field for text that is neither."""
    text = "" if value is None else str(value).replace("\x00", "").strip()
    if not text:
        return None
    digits = text.removesuffix(".0")  # a spreadsheet may render a month number as a float
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_MONTH_DIGITS:
        return int(digits)
    month = month_number(text)
    if month is None:
        raise InvalidDrawError(
            concurso, f"{field} {text[:40]!r} is neither a month number nor a Portuguese month name (Janeiro..Dezembro)"
        )
    return month


def team_as_written(value: object) -> str | None:
    """Timemania's team as a source writes it, NUL characters and the outer blanks removed (the padding
    inside, as in `PAULISTA         /SP`, is CAIXA's and kept); None when nothing is left."""
    text = "" if value is None else str(value).replace("\x00", "").strip()
    return text or None
