"""The draw calendar of each game: its draw weekdays in the catalog (`core.games`, today's habit: Lotofácil
Monday to Saturday, Mega-Sena Tuesday, Thursday and Saturday...), at about 20:00 in São Paulo.

`overdue_draw` answers "should a newer draw than the newest stored one be here by now?", so a source
that is silently stuck (answering, but never with anything new) is noticed. A draw is expected to be
stored by the morning after it is held (after the last morning run of after-draw); a day without a
draw (a holiday) makes this a false alarm for one morning, which is why it is a warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from lotto_models.core.game_ids import legacy_form
from lotto_models.core.games import LOTOFACIL, Game

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
DRAW_WEEKDAYS = frozenset(LOTOFACIL.calendar.weekdays)  # Lotofácil's: Monday (0) .. Saturday (5)
# Every game's draws are held in the evening; the catalog gives no hour but Lotofácil's (20:00), so the others'
# results are expected by the same deadline.
DRAW_TIME = dt.time(20, 0)
# Results usually appear within the hour; the schedule keeps looking until 09:00 the next morning.
RESULT_DEADLINE = dt.timedelta(hours=14)  # 20:00 + 14 h = 10:00 the next day


@dataclass(frozen=True)
class OverdueDraw:
    """The newest stored draw and the draw day whose result should have been stored by now."""

    last_concurso: int
    last_date: dt.date
    expected_date: dt.date
    deadline: dt.datetime
    now: dt.datetime
    game: Game = LOTOFACIL

    @property
    def missed_draw_days(self) -> int:
        through = (self.now - RESULT_DEADLINE).astimezone(SAO_PAULO).date()
        return len(draw_days_between(self.last_date, through, self.game))

    @property
    def _draw(self) -> str:
        """Lotofácil's messages say "draw", as before the other games came (the web's health answer is pinned)."""
        return "draw" if legacy_form(self.game.id) else f"{self.game.name} draw"

    def message(self) -> str:
        late = self.now - self.deadline
        hours = int(late.total_seconds() // 3600)
        return (
            f"no new {self._draw} since concurso {self.last_concurso} of {self.last_date}: the draw of "
            f"{self.expected_date} ({self.expected_date:%A}) should have been stored by "
            f"{self.deadline:%Y-%m-%d %H:%M} São Paulo time, {hours} h ago "
            f"({self.missed_draw_days} draw day(s) missed). Is the source stuck?"
        )


def next_draw_date(after: dt.date, game: Game = LOTOFACIL) -> dt.date:
    """The first draw day of `game` after `after`."""
    day = after + dt.timedelta(days=1)
    while day.weekday() not in game.calendar.weekdays:
        day += dt.timedelta(days=1)
    return day


def draw_days_between(after: dt.date, through: dt.date, game: Game = LOTOFACIL) -> list[dt.date]:
    """`game`'s draw days d with after < d <= through."""
    days, day = [], next_draw_date(after, game)
    while day <= through:
        days.append(day)
        day = next_draw_date(day, game)
    return days


def result_deadline(draw_date: dt.date) -> dt.datetime:
    """When the result of the draw held on `draw_date` should be stored (São Paulo time)."""
    return dt.datetime.combine(draw_date, DRAW_TIME, SAO_PAULO) + RESULT_DEADLINE


def overdue_draw(
    last_concurso: int, last_date: dt.date, now: dt.datetime, game: Game = LOTOFACIL
) -> OverdueDraw | None:
    """The overdue draw of `game` when the draw after `last_date` should be stored by `now` (aware), else None."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    expected = next_draw_date(last_date, game)
    deadline = result_deadline(expected)
    if now <= deadline:
        return None
    return OverdueDraw(last_concurso, last_date, expected, deadline, now.astimezone(SAO_PAULO), game)
