"""The draw calendar: which day the next draw falls on, and whether the newest stored draw is overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from lotto_models.ingest.draw_calendar import SAO_PAULO, next_draw_date, overdue_draw

SATURDAY = dt.date(2026, 11, 21)
MONDAY = dt.date(2026, 11, 23)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SAO_PAULO)


def test_sunday_has_no_draw() -> None:
    assert next_draw_date(SATURDAY) == MONDAY


def test_a_weekday_draw_is_followed_by_one_the_next_day() -> None:
    assert next_draw_date(MONDAY) == MONDAY + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("last", "now", "expected"),
    [
        (SATURDAY, at(SATURDAY + dt.timedelta(days=1), 23), None),  # Sunday evening: nothing is due
        (SATURDAY, at(MONDAY, 21), None),  # Monday's result may still come tonight or tomorrow morning
        (SATURDAY, at(MONDAY + dt.timedelta(days=1), 9, 59), None),
        (SATURDAY, at(MONDAY + dt.timedelta(days=1), 10, 1), MONDAY),  # past the last morning run
        (MONDAY, at(MONDAY + dt.timedelta(days=2), 10, 1), MONDAY + dt.timedelta(days=1)),
    ],
)
def test_the_newest_draw_is_overdue_only_past_the_calendar(last, now, expected) -> None:
    overdue = overdue_draw(3700, last, now)
    assert (overdue.expected_date if overdue else None) == expected


def test_an_overdue_draw_says_how_many_draw_days_were_missed() -> None:
    overdue = overdue_draw(3700, MONDAY, at(MONDAY + dt.timedelta(days=4), 11))  # Friday 11:00
    assert overdue.missed_draw_days == 3  # Tuesday, Wednesday, Thursday
    assert overdue.message().startswith("no new draw since concurso 3700 of 2026-11-23: the draw of 2026-11-24")
    assert "3 draw day(s) missed" in overdue.message()


def test_a_clock_without_a_timezone_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        overdue_draw(3700, MONDAY, dt.datetime(2026, 11, 30, 12))


def test_a_game_drawn_three_days_a_week_is_not_overdue_on_a_day_without_its_draw() -> None:
    from lotto_models.core.games import game
    from lotto_models.ingest.draw_calendar import SAO_PAULO, overdue_draw

    megasena = game("megasena")  # Tuesday, Thursday, Saturday
    tuesday = dt.date(2026, 12, 1)
    wednesday_night = dt.datetime(2026, 12, 2, 23, 0, tzinfo=SAO_PAULO)
    assert overdue_draw(2956, tuesday, wednesday_night, megasena) is None  # Lotofácil's calendar would say late
    friday_noon = dt.datetime(2026, 12, 4, 12, 0, tzinfo=SAO_PAULO)  # Thursday's result is due by Friday 10:00
    overdue = overdue_draw(2956, tuesday, friday_noon, megasena)
    assert overdue is not None and overdue.expected_date == dt.date(2026, 12, 3)
    assert overdue.message().startswith("no new Mega-Sena draw since concurso 2956 of 2026-12-01")
    assert overdue.missed_draw_days == 1
