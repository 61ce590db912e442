"""A guess's extras — the trevos, month or team a bet picks beside its numbers — and what they matched of a
draw's. Plain values: the stores keep them with the guess and score them (`storage.prediction_book`), the
serving stage guesses them (`serving.extras`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lotto_models.core.draws import DrawExtras


@dataclass(frozen=True)
class GuessExtras:
    """The extras of one guess; empty for a game that draws none."""

    trevos: tuple[int, ...] = ()
    month: int | None = None
    team: str | None = None

    def as_dict(self) -> dict[str, Any] | None:
        """The parts the guess has, as stored with it (None when it has none)."""
        parts: dict[str, Any] = {}
        if self.trevos:
            parts["trevos"] = list(self.trevos)
        if self.month is not None:
            parts["month"] = self.month
        if self.team is not None:
            parts["team"] = self.team
        return parts or None

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> GuessExtras:
        values = values or {}
        return cls(tuple(int(t) for t in values.get("trevos", ())), values.get("month"), values.get("team"))


def fold_team(name: str) -> str:
    """A team's name as compared: upper case, whitespace collapsed."""
    return " ".join(name.upper().split())


def extra_hits(extras: GuessExtras, drawn: DrawExtras) -> int | None:
    """What the guess's extras matched of the draw's: trevos in common (0..2), the month or the team (0 or 1);
    None when the guess has no extras."""
    if extras.trevos:
        return len(set(extras.trevos) & set(drawn.trevos))
    if extras.month is not None:
        return int(extras.month == drawn.month)
    if extras.team is not None:
        return int(drawn.team is not None and fold_team(extras.team) == fold_team(drawn.team))
    return None
