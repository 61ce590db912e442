"""after-draw fires on the draw calendar: within 15 minutes of any moment of a draw evening, and the next morning."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from prefect.server.schemas.schedules import CronSchedule

from flows.names import AFTER_DRAW

ROOT = Path(__file__).resolve().parents[2]
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
START = dt.datetime(2026, 11, 2, tzinfo=SAO_PAULO)  # a Monday
WEEKS = 4


def fire_times() -> list[dt.datetime]:
    """Every time a declared after-draw schedule fires over WEEKS weeks, as the Prefect server computes them."""
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    [deployment] = [d for d in config["deployments"] if d["name"] == AFTER_DRAW]
    times: set[dt.datetime] = set()
    for declared in deployment["schedules"]:
        assert declared["active"] and declared["timezone"] == "America/Sao_Paulo"
        schedule = CronSchedule(cron=declared["cron"], timezone=declared["timezone"])
        dates = asyncio.run(schedule.get_dates(start=START, end=START + dt.timedelta(weeks=WEEKS)))
        times |= {d.astimezone(SAO_PAULO) for d in dates}
    return sorted(times)


def test_a_draw_evening_never_waits_more_than_15_minutes_for_a_run() -> None:
    fires = fire_times()
    for day in range(WEEKS * 7):
        date = (START + dt.timedelta(days=day)).date()
        if date.weekday() == 6:  # Sunday: no draw
            continue
        moment = dt.datetime.combine(date, dt.time(20, 0), SAO_PAULO)
        while moment.time() <= dt.time(23, 45):
            following = next(f for f in fires if f >= moment)
            assert following - moment <= dt.timedelta(minutes=15), (moment, following)
            moment += dt.timedelta(minutes=1)


def test_no_run_on_a_sunday_evening_and_a_few_the_morning_after_each_draw() -> None:
    fires = fire_times()
    assert not [f for f in fires if f.weekday() == 6 and f.hour >= 12]
    mornings: dict[dt.date, list[int]] = {}
    for fire in fires:
        if fire.hour < 12:
            mornings.setdefault(fire.date(), []).append(fire.hour)
    for date, hours in mornings.items():
        assert date.weekday() != 0, f"a Monday morning run follows no draw: {date}"  # Sunday has no draw
        assert 2 <= len(hours) <= 6 and min(hours) >= 6 and max(hours) <= 9
    morning_after_draw = {(START + dt.timedelta(days=d)).date() for d in range(1, WEEKS * 7)}
    assert {d for d in morning_after_draw if d.weekday() != 0} <= set(mornings)
    # only the evening window and the morning runs: nothing in the afternoon or at night
    assert all(6 <= f.hour <= 9 or 20 <= f.hour <= 23 for f in fires)
