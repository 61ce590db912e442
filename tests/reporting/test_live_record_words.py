"""The live record as people read it: the web's answer and verdict (`plan_views`) and `lotto status`'s sentence
(`status.live_sentence`) map the one `storage.live_record.LiveRecord`, and agree on its edge cases."""

from __future__ import annotations

from lotto_models.reporting.plan_views import live_record_view, record_verdict
from lotto_models.reporting.status import live_sentence
from lotto_models.storage.live_record import live_record

NONE, ONE, TWO = live_record("free", []), live_record("free", [12]), live_record("free", [8, 10])


def test_no_scored_guess_is_said_as_not_scored_yet_on_the_web() -> None:
    assert record_verdict(NONE) == "free: no published guess has been scored yet."


def test_no_scored_guess_is_said_as_not_scored_yet_by_lotto_status() -> None:
    assert live_sentence(NONE) == "free: no published guess has been scored yet"


def test_no_scored_guess_answers_null_figures() -> None:
    view = live_record_view(NONE)
    figures = (view.mean_hits, view.ci95_low, view.share_11_plus, view.share_11_plus_ci95, view.chance_ci95_low)
    assert view.scored == 0 and figures == (None, None, None, None, None)


def test_one_scored_guess_answers_a_null_interval() -> None:
    view = live_record_view(ONE)
    assert (view.ci95_low, view.ci95_high) == (None, None)


def test_one_scored_guess_answers_one_random_guesss_range_as_chance() -> None:
    view = live_record_view(ONE)
    assert (view.chance_ci95_low, view.chance_ci95_high) == ONE.chance_ci95 == (7.0, 11.0)


def test_one_scored_guess_quotes_the_same_chance_range_on_the_web_and_in_lotto_status() -> None:
    assert "between 7.00 and 11.00" in record_verdict(ONE)
    assert "from 7 to 11 hits" in live_sentence(ONE)


def test_one_scored_guess_outside_chance_is_called_luck_not_skill() -> None:
    assert record_verdict(ONE).endswith("outside that band: with random draws, luck, not skill.")


def test_lotto_status_says_one_guess_is_one_guess() -> None:
    assert live_sentence(ONE).startswith("free: one scored guess, 12 hits; one guess is one guess")


def test_two_scored_guesses_answer_the_interval_of_their_mean() -> None:
    view = live_record_view(TWO)
    assert (view.ci95_low, view.ci95_high) == TWO.ci95


def test_two_scored_guesses_quote_their_interval_in_lotto_status() -> None:
    assert TWO.ci95 is not None
    assert f"(95% CI {TWO.ci95[0]:.2f}–{TWO.ci95[1]:.2f})" in live_sentence(TWO)


def test_two_scored_guesses_inside_chance_are_what_chance_alone_gives() -> None:
    assert record_verdict(TWO).endswith("so this record is what chance alone gives.")
