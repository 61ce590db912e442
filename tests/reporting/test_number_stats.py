"""Number tables as players look for them, judged against chance: counts and delays with their bands."""

from __future__ import annotations

import numpy as np

from lotto_models.core.games import GAMES
from lotto_models.reporting.number_stats import number_figures
from tests.reporting.fair_draws import fair_draws

LOTOFACIL = GAMES["lotofacil"]


def test_on_fair_draws_about_one_number_in_twenty_falls_outside_its_count_band() -> None:
    outside = [
        sum(not f.count_band.inside for f in number_figures(LOTOFACIL, fair_draws(2000, seed)).numbers)
        for seed in range(20)
    ]
    assert 0.01 <= sum(outside) / (20 * 25) <= 0.09  # 95% bands: about 5%


def test_a_number_the_machine_favours_is_shown_outside_its_band() -> None:
    draws = fair_draws(2000, 1)
    rng = np.random.default_rng(2)
    for numbers in draws:  # number 1 slips in instead of another one a fifth of the times it was left out
        if 1 not in numbers and rng.random() < 0.2:
            numbers[-1] = 1
    report = number_figures(LOTOFACIL, [sorted(set(n)) for n in draws])
    favoured = report.numbers[0]
    assert favoured.number == 1 and not favoured.count_band.inside and favoured.count > favoured.count_band.high
    assert 1 in report.outside


def test_delays_are_counted_from_the_newest_draw_and_judged_one_sided() -> None:
    draws = [[*range(1, 16)]] * 5 + [[*range(11, 26)]] * 3  # 1..10 last seen four draws back... then 11..25
    figures = {f.number: f for f in number_figures(LOTOFACIL, draws).numbers}
    assert figures[1].delay == 3 and figures[20].delay == 0
    assert figures[1].delay_band.low == 0 and figures[1].delay_band.high == 3  # P(delay >= 4) = 0.4^4 < 5%
    assert figures[16].longest_delay == 5  # not drawn in the first five
