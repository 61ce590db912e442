"""Randomness tests of the draws with their false-alarm rate: fair draws rarely raise the alarm, a machine
that favours a number or repeats itself is caught."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_models.core.games import GAMES
from lotto_models.reporting.randomness import holm, randomness_report
from tests.reporting.fair_draws import fair_draws

LOTOFACIL = GAMES["lotofacil"]


def test_fair_draws_rarely_raise_the_randomness_alarm() -> None:
    alarms = sum(bool(randomness_report(LOTOFACIL, fair_draws(500, seed)).outside_chance) for seed in range(60))
    assert alarms <= 6  # Holm keeps the family's false alarms at 5%: about 3 in 60


def test_a_machine_that_favours_a_number_is_caught_by_the_number_frequencies_alone() -> None:
    favouring = fair_draws(3000, 3)
    rng = np.random.default_rng(4)
    for numbers in favouring:
        if 7 not in numbers and rng.random() < 0.15:
            numbers[0] = 7
    report = randomness_report(LOTOFACIL, [sorted(set(n)) for n in favouring])
    assert [t.name for t in report.outside_chance] == ["number frequencies"]


def sticky_draws() -> list[list[int]]:
    """Fair draws but a third of them keep two more of the previous draw's numbers."""
    sticky = fair_draws(1500, 5)
    for i in range(1, len(sticky)):
        if i % 3 == 0:
            keep = [n for n in sticky[i - 1] if n not in sticky[i]][:2]
            drop = [n for n in sticky[i] if n not in sticky[i - 1]][:2]
            sticky[i] = sorted((set(sticky[i]) - set(drop)) | set(keep))
    return sticky


def test_a_machine_that_repeats_itself_is_caught_by_the_overlap_with_the_previous_draw() -> None:
    assert "overlap with the previous draw" in [
        t.name for t in randomness_report(LOTOFACIL, sticky_draws()).outside_chance
    ]


def test_a_caught_machine_is_news_in_the_summary() -> None:
    assert "news about the draws" in randomness_report(LOTOFACIL, sticky_draws()).summary()


def test_holm_adjusts_step_down() -> None:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


@pytest.mark.parametrize("df", [1, 2, 3, 7, 24, 25, 99])
def test_the_chi_square_tail_is_scipys_without_importing_it(df: int) -> None:
    from scipy import stats

    from lotto_models.reporting.randomness import chi2_sf

    for x in (0.0, 0.3, 1.0, df * 0.8, float(df), df * 1.5 + 3, 3.0 * df + 30):
        assert chi2_sf(x, df) == pytest.approx(float(stats.chi2.sf(x, df)), rel=1e-9, abs=1e-300)
