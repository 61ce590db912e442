"""`DrawCandidate`: what an entry path read as a draw, before the validation suite judged it.

A candidate may break any rule a real draw obeys (14 or 16 numbers, a repeat, a number outside 1..25):
parsing only refuses what is not a draw at all, and the Great Expectations suite in `validation` is the
one place that judges the content. Only a candidate the suite accepted becomes a `Draw`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lotto_models.core.draws import Draw


@dataclass(frozen=True)
class DrawCandidate:
    concurso: int
    date: dt.date
    numbers: tuple[int, ...]  # as the source gave them: any count, repeats and all

    @classmethod
    def of(cls, draw: Draw) -> DrawCandidate:
        return cls(draw.concurso, draw.date, draw.numbers)

    def as_draw(self) -> Draw:
        """The candidate as a `Draw`, unchecked: for accepted candidates, and for comparing with a stored draw."""
        return Draw(self.concurso, self.date, tuple(sorted(self.numbers)))
