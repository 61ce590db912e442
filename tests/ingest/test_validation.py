"""The validation suite on its own: each rule is one expectation, and each can fail alone."""

import dataclasses
import datetime as dt

import pytest

from deployments.loopback.synthetic_draws import synthetic_draws
from lotto_models.core.draws import Draw
from lotto_models.ingest.candidates import DrawCandidate
from lotto_models.ingest.validation import (
    CONCURSO_FOLLOWS,
    CONCURSO_UNIQUE,
    DATE_IN_ORDER,
    FIFTEEN_NUMBERS,
    NUMBERS_DISTINCT,
    NUMBERS_IN_RANGE,
    ODD_USUAL,
    OVERLAP_USUAL,
    PAUSE_USUAL,
    REJECTING_RULES,
    SUM_USUAL,
    suite_rules,
    validate_batch,
)


def candidates(draws: list[Draw]) -> list[DrawCandidate]:
    return [DrawCandidate.of(d) for d in draws]


def failed(report) -> list[str]:
    return [check.description for check in report.checks if not check.success]


def test_the_whole_real_history_passes(history: list[Draw]) -> None:
    report = validate_batch(candidates(history[1:]), history[0])
    assert report.rejected == []
    assert len(report.accepted) == len(history) - 1


def test_each_rule_is_one_named_expectation() -> None:
    rules = suite_rules()
    assert [r.name for r in rules if r.severity == "reject"] == list(REJECTING_RULES)
    assert len({r.name for r in rules}) == len(rules)
    assert all(r.expectation.description == r.name for r in rules)


# Usual in every way after 3700: sum 187, 7 odd, 10 in common with 3700.
USUAL = (1, 2, 4, 5, 7, 9, 10, 12, 14, 16, 18, 20, 21, 23, 25)
OTHER = (2, 3, 4, 6, 7, 9, 11, 12, 15, 16, 17, 19, 21, 22, 24)  # as usual, 7 in common with USUAL


def _next(history: list[Draw], **changes: object) -> DrawCandidate:
    """Concurso 3701, the day after 3700, with the numbers USUAL unless changed."""
    return dataclasses.replace(DrawCandidate(3701, history[-1].date + dt.timedelta(days=1), USUAL), **changes)


def _replace(old: int, new: int) -> tuple[int, ...]:
    return tuple(new if n == old else n for n in USUAL)


REJECTIONS = {
    "14-numbers": (FIFTEEN_NUMBERS, lambda h: [_next(h, numbers=USUAL[:1] + USUAL[2:])], "found 14"),
    "16-numbers": (FIFTEEN_NUMBERS, lambda h: [_next(h, numbers=(*USUAL, 3))], "found 16"),
    "number-26": (NUMBERS_IN_RANGE, lambda h: [_next(h, numbers=_replace(2, 26))], "found 26"),
    "number-0": (NUMBERS_IN_RANGE, lambda h: [_next(h, numbers=_replace(1, 0))], "found 0"),
    "repeated-number": (NUMBERS_DISTINCT, lambda h: [_next(h, numbers=_replace(2, 1))], "found 1"),
    "same-concurso-twice": (CONCURSO_UNIQUE, lambda h: [_next(h), _next(h, numbers=OTHER)], "found 3701"),
    "gap": (CONCURSO_FOLLOWS, lambda h: [_next(h, concurso=3702)], "found 2"),
    "date-before-previous": (DATE_IN_ORDER, lambda h: [_next(h, date=h[-1].date - dt.timedelta(days=2))], "found -2"),
}


@pytest.mark.parametrize(("rule", "make", "found"), REJECTIONS.values(), ids=REJECTIONS.keys())
def test_each_rejecting_expectation_fails_alone(history: list[Draw], rule: str, make, found: str) -> None:
    batch = make(history)
    report = validate_batch(batch, history[-1])
    assert failed(report) == [rule]
    assert report.accepted == [] and report.held_back == []
    assert [r.candidate for r in report.rejected] == batch
    for rejection in report.rejected:
        assert [f.expectation for f in rejection.findings] == [rule]
        assert rejection.reason.startswith(
            f'concurso {rejection.candidate.concurso} failed the validation suite: "{rule}"'
        )
        assert found in rejection.reason


WARNINGS = {
    "same-numbers-as-previous": (OVERLAP_USUAL, lambda h: _next(h, numbers=h[-1].numbers)),
    "sum-120": (SUM_USUAL, lambda h: _next(h, numbers=tuple(range(1, 16)))),
    "13-odd": (ODD_USUAL, lambda h: _next(h, numbers=(*range(1, 26, 2), 2, 4))),
    "30-days-pause": (PAUSE_USUAL, lambda h: _next(h, date=h[-1].date + dt.timedelta(days=30))),
}


@pytest.mark.parametrize(("rule", "make"), WARNINGS.values(), ids=WARNINGS.keys())
def test_each_warning_expectation_fails_alone_and_the_draw_is_accepted(history: list[Draw], rule: str, make) -> None:
    candidate = make(history)
    report = validate_batch([candidate], history[-1])
    assert failed(report) == [rule]
    assert [c.description for c in report.warnings] == [rule]
    assert report.accepted == [candidate.as_draw()] and report.rejected == []


def test_two_draws_on_one_date_are_accepted(history: list[Draw]) -> None:
    same_day = DrawCandidate(3701, history[-1].date, history[-5].numbers)
    assert validate_batch([same_day], history[-1]).accepted == [same_day.as_draw()]


def test_a_date_before_the_previous_draw_is_rejected_and_later_draws_held_back(history: list[Draw]) -> None:
    early, later = synthetic_draws(history[-1], 2)
    early = Draw(early.concurso, history[-1].date - dt.timedelta(days=3), early.numbers)
    report = validate_batch(candidates([early, later]), history[-1])
    assert report.rejected_concursos == [3701]
    assert [f.expectation for f in report.rejected[0].findings] == [DATE_IN_ORDER]
    assert report.held_back == [later] and report.accepted == []
    assert "date not before the previous draw | reject | FAIL | 3701" in report.markdown()
