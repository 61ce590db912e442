"""What players look for, judged against chance: number tables with their bands, randomness tests with their
false-alarm rate, bet odds and ticket checks with exact figures."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_models.core.games import GAMES
from lotto_models.reporting.bets import InvalidTicketError, bet_options, check_ticket
from lotto_models.reporting.number_stats import number_figures
from lotto_models.reporting.randomness import holm, randomness_report

LOTOFACIL, MEGASENA = GAMES["lotofacil"], GAMES["megasena"]


def fair_draws(count: int, seed: int, pool: int = 25, drawn: int = 15) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    return [sorted(int(n) + 1 for n in rng.choice(pool, drawn, replace=False)) for _ in range(count)]


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


def test_fair_draws_rarely_raise_the_randomness_alarm() -> None:
    alarms = sum(bool(randomness_report(LOTOFACIL, fair_draws(500, seed)).outside_chance) for seed in range(60))
    assert alarms <= 6  # Holm keeps the family's false alarms at 5%: about 3 in 60


def test_a_machine_that_favours_a_number_or_repeats_itself_is_caught() -> None:
    favouring = fair_draws(3000, 3)
    rng = np.random.default_rng(4)
    for numbers in favouring:
        if 7 not in numbers and rng.random() < 0.15:
            numbers[0] = 7
    report = randomness_report(LOTOFACIL, [sorted(set(n)) for n in favouring])
    assert [t.name for t in report.outside_chance] == ["number frequencies"]
    sticky = fair_draws(1500, 5)
    for i in range(1, len(sticky)):  # a third of the draws keep two more of the previous draw's numbers
        if i % 3 == 0:
            keep = [n for n in sticky[i - 1] if n not in sticky[i]][:2]
            drop = [n for n in sticky[i] if n not in sticky[i - 1]][:2]
            sticky[i] = sorted((set(sticky[i]) - set(drop)) | set(keep))
    assert "overlap with the previous draw" in [t.name for t in randomness_report(LOTOFACIL, sticky).outside_chance]
    assert "news about the draws" in randomness_report(LOTOFACIL, sticky).summary()


def test_holm_adjusts_step_down() -> None:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_bet_odds_are_the_exact_hypergeometric_ones() -> None:
    lotofacil = {o.numbers: o for o in bet_options(LOTOFACIL)}
    assert [o for o in lotofacil] == list(range(15, 21))
    fifteen = {t.hits: t for t in lotofacil[15].tiers}
    assert fifteen[15].one_in == pytest.approx(3_268_760) and lotofacil[15].any_prize == pytest.approx(0.1059, abs=1e-4)
    assert lotofacil[15].price is not None
    assert lotofacil[20].any_prize > lotofacil[16].any_prize > lotofacil[15].any_prize  # more numbers, more chances
    sena = {t.hits: t for t in bet_options(MEGASENA)[0].tiers}
    assert sena[6].one_in == pytest.approx(50_063_860)


def test_a_ticket_is_checked_against_every_draw_and_against_chance() -> None:
    draws = fair_draws(400, 6)
    check = check_ticket(LOTOFACIL, list(range(1, 16)), draws)
    direct = [len(set(range(1, 16)) & set(d)) for d in draws]
    assert check.hits_histogram[11] == direct.count(11) and check.mean_hits == pytest.approx(np.mean(direct))
    eleven = next(t for t in check.tiers if t.hits == 11)
    p_eleven = 1365 * 210 / 3_268_760  # C(15,11)·C(10,4)/C(25,15)
    assert eleven.times == direct.count(11) and eleven.expected == pytest.approx(400 * p_eleven)


@pytest.mark.parametrize(
    ("numbers", "problem"),
    [
        (list(range(1, 15)), "14 numbers given; a Lotofácil bet has 15 to 20"),
        ([*range(1, 15), 26], "outside 1..25: [26]"),
        ([*range(1, 15), 14], "repeated: [14]"),
    ],
)
def test_a_bad_ticket_names_its_problem(numbers: list[int], problem: str) -> None:
    with pytest.raises(InvalidTicketError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        check_ticket(LOTOFACIL, numbers, fair_draws(5, 7))


@pytest.mark.parametrize("df", [1, 2, 3, 7, 24, 25, 99])
def test_the_chi_square_tail_is_scipys_without_importing_it(df: int) -> None:
    from scipy import stats

    from lotto_models.reporting.randomness import chi2_sf

    for x in (0.0, 0.3, 1.0, df * 0.8, float(df), df * 1.5 + 3, 3.0 * df + 30):
        assert chi2_sf(x, df) == pytest.approx(float(stats.chi2.sf(x, df)), rel=1e-9, abs=1e-300)
