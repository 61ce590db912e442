"""A plan's guess at every bet size: the published numbers plus the next-ranked ones, priced by the catalog, with
the exact chances of any bet of that size (checked here against the hypergeometric law written out)."""

from __future__ import annotations

from decimal import Decimal
from math import comb

import pytest

from lotto_models.core.games import game
from lotto_models.core.guess_extras import GuessExtras
from lotto_models.reporting.guess_bets import guess_bets_view, guess_bets_views
from lotto_models.storage.ranked_guesses import RankedGuess

RANKING = (7, 3, 25, 1, 9, 14, 22, 5, 18, 11, 2, 20, 16, 13, 24, 8, 19, 4, 6, 10, 12, 15, 17, 21, 23)
GUESS = tuple(sorted(RANKING[:15]))


def lotofacil_guess(ranking: tuple[int, ...] | None = RANKING, plan: str = "free") -> RankedGuess:
    return RankedGuess(plan, 3691, GUESS, ranking, GuessExtras())


def hypergeometric(pool: int, drawn: int, bet: int, hits: int) -> float:
    """P(hits) for `bet` numbers when `drawn` of `pool` are drawn, written out."""
    return comb(drawn, hits) * comb(pool - drawn, bet - hits) / comb(pool, bet)


def test_the_17_number_guess_is_the_15_number_guess_plus_the_two_ranked_next() -> None:
    bets = {b.size: b for b in guess_bets_view(game("lotofacil"), lotofacil_guess()).bets}
    assert list(bets) == [15, 16, 17, 18, 19, 20]
    assert bets[15].numbers == list(GUESS) and bets[15].added == []
    assert bets[17].added == [8, 19] and bets[17].numbers == sorted([*GUESS, 8, 19])
    for size in range(16, 21):
        assert set(bets[size - 1].numbers) < set(bets[size].numbers)  # each size holds every smaller one


def test_each_size_costs_the_catalogs_price_and_wins_with_the_exact_odds_of_any_bet_that_size() -> None:
    lotofacil = game("lotofacil")
    bets = {b.size: b for b in guess_bets_view(lotofacil, lotofacil_guess()).bets}
    assert bets[15].price == Decimal("3.50") and bets[17].price is None  # the sources price no larger Lotofácil bet
    for size, bet in bets.items():
        assert bet.price == lotofacil.price(size)
        chances = {t.hits: t.probability for t in bet.tiers}
        assert list(chances) == [15, 14, 13, 12, 11]
        for hits, probability in chances.items():
            assert probability == pytest.approx(hypergeometric(25, 15, size, hits), rel=1e-12)
        assert bet.any_prize == pytest.approx(sum(hypergeometric(25, 15, size, k) for k in range(11, 16)), rel=1e-12)
    assert bets[15].tiers[0].one_in == pytest.approx(3_268_760)


def test_a_guess_stored_before_rankings_is_offered_at_its_published_size_alone_and_says_why() -> None:
    view = guess_bets_view(game("lotofacil"), lotofacil_guess(ranking=None))
    assert not view.ranked and [b.size for b in view.bets] == [15] and view.bets[0].numbers == list(GUESS)
    assert "stored before rankings were kept" in view.words and "only its 15 published numbers" in view.words


def test_a_maismilionaria_guess_keeps_its_trevos_and_is_priced_and_tiered_with_them() -> None:
    milionaria = game("maismilionaria")
    ranking = (44, 3, 17, 28, 9, 31, 50, 12, 1, 2, 4, 5, 6, 7, 8, 10, 11, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23)
    ranking = ranking + tuple(n for n in range(1, 51) if n not in ranking)
    guess = RankedGuess("basic", 300, tuple(sorted(ranking[:6])), ranking, GuessExtras(trevos=(2, 5)))
    view = guess_bets_view(milionaria, guess)
    bets = {b.size: b for b in view.bets}
    assert list(bets) == list(range(6, 13)) and view.trevos == [2, 5]
    assert bets[8].added == [50, 12]
    assert bets[6].price == Decimal("6.00") and bets[8].price == Decimal("6.00") * comb(8, 6) == milionaria.price(8, 2)
    top = bets[6].tiers[0]
    assert top.description == "6 acertos + 2 trevos"
    assert top.probability == pytest.approx(hypergeometric(50, 6, 6, 6) / comb(6, 2), rel=1e-12)  # 1 in 238,360,500
    assert (
        bets[6].any_prize == pytest.approx(sum(t.probability for t in bets[6].tiers), rel=1e-12)
        and 0 < bets[6].any_prize < 1
    )


def test_a_lotomania_guess_is_offered_at_its_one_size_of_50_numbers_00_included() -> None:
    ranking = (0, *range(99, 0, -1))
    guess = RankedGuess("basic", 2800, tuple(sorted(ranking[:50])), ranking, GuessExtras())
    view = guess_bets_view(game("lotomania"), guess)
    [bet] = view.bets
    assert bet.size == 50 and bet.numbers[0] == 0 and bet.added == [] and "exactly 50 numbers" in view.words
    assert {t.hits for t in bet.tiers} == {20, 19, 18, 17, 16, 15, 0}
    zero = next(t for t in bet.tiers if t.hits == 0)
    assert zero.probability == pytest.approx(hypergeometric(100, 20, 50, 0), rel=1e-12)


def test_the_research_plans_guess_is_left_out_unless_it_is_shown() -> None:
    guesses = [lotofacil_guess(), lotofacil_guess(plan="rnd")]
    assert [v.plan for v in guess_bets_views(game("lotofacil"), guesses, {"free", "gold"})] == ["free"]
    assert [v.plan for v in guess_bets_views(game("lotofacil"), guesses, {"free", "rnd"})] == ["free", "rnd"]
