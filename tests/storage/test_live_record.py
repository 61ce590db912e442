"""A plan's live record (`storage.live_record`), the one definition the web, `lotto status`, the run's artifacts
and the run summary read: its figures with no scored guess, exactly one and two, and as PredictionBook reads
them from the store."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from lotto_models.core.draws import Draw
from lotto_models.modeling.random_baseline import BASELINE_HITS, BASELINE_HITS_SD, PER_GUESS_RANGE
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.storage.live_record import LiveRecord, ScorePoint, chance_interval, live_record
from lotto_models.workspace import Workspace


def test_no_scored_guess_gives_no_figure() -> None:
    assert live_record("free", []) == LiveRecord("free", 0, None, None, None, None, None)


def test_no_scored_guess_is_neither_inside_nor_outside_chance() -> None:
    assert live_record("free", []).inside_chance is None


def test_one_scored_guess_has_its_hits_as_mean() -> None:
    assert live_record("free", [12]).mean_hits == 12.0


def test_one_scored_guess_has_no_interval_of_its_mean() -> None:
    assert live_record("free", [12]).ci95 is None


def test_one_scored_guess_is_held_to_the_exact_range_of_one_random_guess() -> None:
    assert live_record("free", [12]).chance_ci95 == (float(PER_GUESS_RANGE[0]), float(PER_GUESS_RANGE[1]))


def test_one_scored_guess_outside_one_random_guesss_range_is_outside_chance() -> None:
    assert live_record("free", [PER_GUESS_RANGE[1] + 1]).inside_chance is False


def test_one_scored_guess_has_a_wide_but_finite_share_interval() -> None:
    low, high = live_record("free", [11]).share_11_plus_ci95 or (math.nan, math.nan)
    assert 0.0 < low < 0.5 < high == 1.0


def test_two_scored_guesses_have_the_normal_interval_of_their_mean() -> None:
    half = 1.96 * math.sqrt(2) / math.sqrt(2)  # hits 8 and 10: sample sd √2
    assert live_record("free", [8, 10]).ci95 == pytest.approx((9.0 - half, 9.0 + half))


def test_two_equal_scored_guesses_have_an_interval_of_width_zero() -> None:
    assert live_record("free", [9, 9]).ci95 == (9.0, 9.0)


def test_two_scored_guesses_are_held_to_the_chance_range_of_a_mean_of_two() -> None:
    half = 1.96 * BASELINE_HITS_SD / math.sqrt(2)
    assert live_record("free", [8, 10]).chance_ci95 == pytest.approx((BASELINE_HITS - half, BASELINE_HITS + half))


def test_the_share_of_11_plus_counts_guesses_with_11_hits_or_more() -> None:
    assert live_record("free", [10, 11, 12, 9]).share_11_plus == 0.5


def test_a_chance_range_of_no_guess_is_refused() -> None:
    with pytest.raises(ValueError, match="one guess or more"):
        chance_interval(0)


def _scored(ws: Workspace, hits_by_concurso: dict[int, int]) -> None:
    """Guesses of plan free whose first `hits` numbers are drawn, and their draws stored and scored."""
    build = ws.predictions.record_ensemble("free", {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
    for concurso, hits in hits_by_concurso.items():
        drawn = tuple(range(1, 16))
        guess = [*range(1, hits + 1), *range(16, 16 + 15 - hits)]
        ws.predictions.publish("free", concurso, guess, {"stat": "stat/v1"}, build, flow_run_id=f"run-{concurso}")
        date = dt.date(2026, 1, 1) + dt.timedelta(days=concurso)
        ws.draws.add([IncomingDraw(Draw(concurso, date, drawn), "caixa")])
    ws.predictions.score_pending(ws.draws)


def test_the_book_reads_no_record_for_a_plan_with_no_scored_guess(workspace: Workspace) -> None:
    assert workspace.predictions.live_record("free") == live_record("free", [])


def test_the_book_reads_one_scored_guess_with_no_interval(workspace: Workspace) -> None:
    _scored(workspace, {3000: 12})
    assert workspace.predictions.live_record("free") == live_record("free", [12])


def test_the_book_reads_two_scored_guesses_as_the_record_of_their_hits(workspace: Workspace) -> None:
    _scored(workspace, {3000: 12, 3001: 8})
    assert workspace.predictions.live_record("free") == live_record("free", [12, 8])


def test_the_book_lists_scores_in_concurso_order_with_the_run_that_published_them(workspace: Workspace) -> None:
    _scored(workspace, {3001: 8, 3000: 12})
    assert workspace.predictions.scores("free") == [ScorePoint(3000, 12, "run-3000"), ScorePoint(3001, 8, "run-3001")]


def test_the_book_lists_the_newest_scores_when_given_a_limit(workspace: Workspace) -> None:
    _scored(workspace, {3000: 12, 3001: 8, 3002: 9})
    assert [point.concurso for point in workspace.predictions.scores("free", limit=2)] == [3001, 3002]
