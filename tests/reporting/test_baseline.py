"""The sentences that compare guesses with chance quote the workspace's game's own figures; Lotofácil's are
the ones they always were."""

from __future__ import annotations

from lotto_models.core.games import game
from lotto_models.reporting.baseline import HONEST_NOTE, WHAT_RANDOM_MEANS, chance_words


def test_lotofacils_sentences_still_say_15_of_25_and_9_hits() -> None:
    assert "any 15-number guess averages 9.0 hits (sd 1.22)" in HONEST_NOTE
    assert WHAT_RANDOM_MEANS.startswith("Each concurso draws 15 of the 25 numbers at random. Whatever 15 numbers")
    assert "11 or more in 10.6% of draws" in WHAT_RANDOM_MEANS


def test_megasenas_sentences_say_6_of_60_and_0_6_hits() -> None:
    words = chance_words(game("megasena"))
    assert "Mega-Sena draws are random: any 6-number guess averages 0.6 hits" in words.honest_note
    assert "draws 6 of the 60 numbers" in words.what_random_means and "4 or more in 0.044% of draws" in (
        words.what_random_means
    )
    assert words.versus_random(0.61) == "holdout mean hits 0.61 vs 0.6 random"


def test_lotomanias_sentences_say_50_numbers_10_hits_and_its_zero_hit_prize() -> None:
    words = chance_words(game("lotomania"))
    assert "any 50-number guess averages 10.0 hits" in words.honest_note
    assert "15 or more, or 0 in" in words.what_random_means


def test_a_figure_one_decimal_would_round_away_keeps_two() -> None:
    assert chance_words(game("quina")).hits == "0.31" and chance_words(game("timemania")).hits == "0.88"


def test_dupla_senas_sentence_says_it_draws_twice() -> None:
    assert "and again in a second draw" in chance_words(game("duplasena")).what_random_means
