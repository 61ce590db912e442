import datetime as dt

from lotto_models.core.draws import Draw
from lotto_models.ingest.validation import validate_batch
from tests.conftest import synthetic_draws


def test_the_whole_real_history_passes(history: list[Draw]) -> None:
    report = validate_batch(history[1:], history[0])
    assert report.rejected == {}
    assert len(report.accepted) == len(history) - 1


def test_two_draws_on_one_date_are_accepted(history: list[Draw]) -> None:
    same_day = Draw.checked(3701, history[-1].date, history[-5].numbers)
    assert validate_batch([same_day], history[-1]).accepted == [same_day]


def test_a_date_before_the_previous_draw_is_rejected_and_later_draws_held_back(history: list[Draw]) -> None:
    early, later = synthetic_draws(history[-1], 2)
    early = Draw(early.concurso, history[-1].date - dt.timedelta(days=3), early.numbers)
    report = validate_batch([early, later], history[-1])
    assert report.rejected == {3701: ["date not before the previous draw"]}
    assert report.held_back == [later] and report.accepted == []
    assert "date not before the previous draw | reject | FAIL | 3701" in report.markdown()


def test_a_gap_in_concursos_is_rejected(history: list[Draw]) -> None:
    gap = synthetic_draws(history[-1], 2)[1]
    assert list(validate_batch([gap], history[-1]).rejected) == [3702]


def test_unusual_draws_are_warnings_not_rejections(history: list[Draw]) -> None:
    repeat = Draw.checked(3701, history[-1].date + dt.timedelta(days=30), history[-1].numbers)
    report = validate_batch([repeat], history[-1])
    assert report.accepted == [repeat]
    assert {c.description for c in report.warnings} == {
        "overlap with the previous draw in 6..13",
        "at most 21 days since the previous draw",
    }
