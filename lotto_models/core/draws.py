"""The draw: one Lotofácil concurso, and the rules every real draw obeys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lotto_models.core.errors import InvalidDrawError

NUMBERS = 25
PER_DRAW = 15
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
class Draw:
    concurso: int
    date: dt.date
    numbers: tuple[int, ...]

    @classmethod
    def checked(cls, concurso: int, date: dt.date, numbers: Iterable[int]) -> Draw:
        """A draw after checking the rules no real draw breaks; raises `InvalidDrawError` naming the rule."""
        if not isinstance(concurso, int) or isinstance(concurso, bool) or concurso < 1:
            raise InvalidDrawError(None, f"concurso must be a positive integer, got {concurso!r}")
        values = list(numbers)
        if any(not isinstance(n, int) or isinstance(n, bool) for n in values):
            raise InvalidDrawError(concurso, f"numbers must be integers, got {values!r}")
        if len(values) != PER_DRAW:
            raise InvalidDrawError(concurso, f"expected {PER_DRAW} numbers, got {len(values)}: {values}")
        out_of_range = [n for n in values if not 1 <= n <= NUMBERS]
        if out_of_range:
            raise InvalidDrawError(concurso, f"numbers outside 1..{NUMBERS}: {out_of_range}")
        if len(set(values)) != PER_DRAW:
            repeated = sorted({n for n in values if values.count(n) > 1})
            raise InvalidDrawError(concurso, f"repeated numbers: {repeated}")
        return cls(concurso, date, tuple(sorted(values)))


def hits(guess: Sequence[int], draw: Draw) -> int:
    """How many numbers of a guess were drawn."""
    return len(set(guess) & set(draw.numbers))
