"""Bet odds and ticket checks with exact figures: the hypergeometric odds of each bet size, a ticket's hits
against every draw and against chance, and a bad ticket named."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_models.core.games import GAMES
from lotto_models.reporting.bets import InvalidTicketError, bet_options, check_ticket
from tests.reporting.fair_draws import fair_draws

LOTOFACIL, MEGASENA = GAMES["lotofacil"], GAMES["megasena"]


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
