"""The validation suite of every game of the catalog, on the real histories: each whole history is accepted,
its known anomalies only warn, and a broken draw is rejected by a rule naming the game and the rule."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cache

import pytest

from lotto_models.core.draws import DrawExtras
from lotto_models.core.games import DIADESORTE, DUPLASENA, GAMES, LOTOMANIA, MAISMILIONARIA, MEGASENA, TIMEMANIA, Game
from lotto_models.ingest.candidates import DrawCandidate
from lotto_models.ingest.history_files import read_draw_file
from lotto_models.ingest.payloads import candidate_from_payload
from lotto_models.ingest.suite_rules import KNOWN_ANOMALY, suite_rules
from lotto_models.ingest.usual_bands import Band, usual_bands
from lotto_models.ingest.validation import (
    FIFTEEN_NUMBERS,
    NUMBERS_IN_RANGE,
    ODD_USUAL,
    OVERLAP_USUAL,
    REJECTING_RULES,
    SUM_USUAL,
    ValidationReport,
    validate_batch,
)
from tests.shared_data import history_path, needs_shared_data, recorded_answer

pytestmark = pytest.mark.slow  # every real history validated whole

OTHER_GAMES = [g for g in GAMES.values() if g.id != "lotofacil"]


@cache
def real_history(game_id: str) -> tuple[DrawCandidate, ...]:
    g = GAMES[game_id]
    rows = read_draw_file(history_path(g), g)
    assert all(row.candidate is not None for row in rows), [row.error for row in rows if row.error][:3]
    return tuple(row.candidate for row in rows if row.candidate is not None)


@cache
def whole_history_report(game_id: str) -> ValidationReport:
    return validate_batch(real_history(game_id), None, game=GAMES[game_id])


def after_last(g: Game, **changes: object) -> ValidationReport:
    """The last real draw, changed, judged after the one before it."""
    history = real_history(g.id)
    return validate_batch([dataclasses.replace(history[-1], **changes)], history[-2].as_draw(), game=g)


def rejected_by(report: ValidationReport) -> list[str]:
    assert not report.accepted
    [rejection] = report.rejected
    return [finding.expectation for finding in rejection.findings]


@needs_shared_data
@pytest.mark.parametrize("g", OTHER_GAMES, ids=lambda g: g.id)
def test_each_whole_real_history_is_accepted(g: Game) -> None:
    report = whole_history_report(g.id)
    assert report.rejected == [] and report.held_back == []
    assert len(report.accepted) == len(real_history(g.id))


@needs_shared_data
@pytest.mark.parametrize("g", OTHER_GAMES, ids=lambda g: g.id)
def test_each_real_history_warns_of_exactly_the_catalogs_dates_out_of_order(g: Game) -> None:
    anomalies = [c for c in whole_history_report(g.id).warnings if c.description.endswith(KNOWN_ANOMALY)]
    assert {concurso for c in anomalies for concurso in c.failing_concursos} == {
        a.first for a in g.anomalies if a.kind.name == "DATE_OUT_OF_ORDER"
    }


@needs_shared_data
def test_quina_380_dated_a_year_early_is_a_warning_naming_the_rule() -> None:
    [check] = [c for c in whole_history_report("quina").warnings if c.failing_concursos == (380,)]
    assert check.description == f"Quina: date not before the previous draw: {KNOWN_ANOMALY}"


@needs_shared_data
def test_timemania_1307_with_the_eighth_number_of_todays_api_is_accepted_with_a_warning() -> None:
    history = real_history("timemania")
    candidate = candidate_from_payload(recorded_answer("timemania_1307"), 1307, game=TIMEMANIA)
    report = validate_batch([candidate], history[1305].as_draw(), game=TIMEMANIA)
    assert [d.numbers for d in report.accepted] == [(11, 17, 26, 29, 32, 40, 54, 70)]
    assert [(c.description, c.failing_concursos) for c in report.warnings] == [
        (f"Timemania: 7 numbers per draw: {KNOWN_ANOMALY}", (1307,))
    ]


@needs_shared_data
def test_an_eighth_timemania_number_elsewhere_is_rejected() -> None:
    last = real_history("timemania")[-1]
    assert rejected_by(after_last(TIMEMANIA, numbers=(*last.numbers, 1))) == ["Timemania: 7 numbers per draw"]


@needs_shared_data
def test_a_seventh_mega_sena_number_is_rejected_naming_the_game_and_the_rule() -> None:
    last = real_history("megasena")[-1]
    report = after_last(MEGASENA, numbers=(*last.numbers, 60))
    assert rejected_by(report) == ["Mega-Sena: 6 numbers per draw"]
    assert '"Mega-Sena: 6 numbers per draw" (number_count: expected exactly 6, found 7)' in report.rejected[0].reason


@needs_shared_data
def test_a_mega_sena_61_is_rejected_by_the_range_rule() -> None:
    last = real_history("megasena")[-1]
    assert rejected_by(after_last(MEGASENA, numbers=(*last.numbers[:-1], 61))) == ["Mega-Sena: numbers in 1..60"]


@needs_shared_data
def test_lotomania_100_is_rejected_and_00_is_not() -> None:
    last = real_history("lotomania")[-1]
    assert 0 in last.numbers
    report = after_last(LOTOMANIA, numbers=(100, *last.numbers[1:]))
    assert rejected_by(report) == ["Lotomania: numbers in 0..99"]
    assert "found 100" in report.rejected[0].reason


@needs_shared_data
def test_a_repeated_trevo_is_rejected() -> None:
    report = after_last(MAISMILIONARIA, extras=DrawExtras(trevos=(3, 3)))
    assert rejected_by(report) == ["+Milionária: trevos distinct within a draw"]


@needs_shared_data
def test_a_trevo_7_is_rejected() -> None:
    assert rejected_by(after_last(MAISMILIONARIA, extras=DrawExtras(trevos=(1, 7)))) == ["+Milionária: trevos in 1..6"]


@needs_shared_data
def test_month_13_is_rejected() -> None:
    report = after_last(DIADESORTE, extras=DrawExtras(month=13))
    assert rejected_by(report) == ["Dia de Sorte: month in 1..12"]
    assert "found 13" in report.rejected[0].reason


@needs_shared_data
def test_a_draw_without_its_month_is_rejected() -> None:
    assert rejected_by(after_last(DIADESORTE, extras=DrawExtras())) == ["Dia de Sorte: a month per draw"]


@needs_shared_data
def test_a_missing_second_draw_is_rejected() -> None:
    assert rejected_by(after_last(DUPLASENA, extras=DrawExtras())) == ["Dupla Sena: 6 second-draw numbers per draw"]


@needs_shared_data
def test_a_second_draw_sharing_numbers_with_the_first_is_accepted() -> None:
    last = real_history("duplasena")[-1]
    report = after_last(DUPLASENA, extras=DrawExtras(second_draw=last.numbers))
    assert report.rejected == [] and len(report.accepted) == 1


@needs_shared_data
def test_a_repeat_within_the_second_draw_is_rejected() -> None:
    second = real_history("duplasena")[-1].extras.second_draw
    report = after_last(DUPLASENA, extras=DrawExtras(second_draw=(second[0], *second[:-1])))
    assert rejected_by(report) == ["Dupla Sena: second-draw numbers distinct within a draw"]


@needs_shared_data
def test_a_draw_without_its_team_is_rejected() -> None:
    assert rejected_by(after_last(TIMEMANIA, extras=DrawExtras())) == ["Timemania: a team per draw"]


@needs_shared_data
def test_a_date_before_the_previous_draw_where_the_catalog_lists_no_anomaly_is_rejected() -> None:
    history = real_history("quina")
    report = after_last(GAMES["quina"], date=history[-2].date - dt.timedelta(days=1))
    assert rejected_by(report) == ["Quina: date not before the previous draw"]


def test_lotofacils_rule_names_are_the_ones_stored_quarantine_reasons_quote() -> None:
    assert (FIFTEEN_NUMBERS, NUMBERS_IN_RANGE) == ("15 numbers per draw", "numbers in 1..25")
    assert (OVERLAP_USUAL, SUM_USUAL, ODD_USUAL) == (
        "overlap with the previous draw in 6..13",
        "sum of numbers in 140..250",
        "odd numbers in 4..12",
    )
    assert [r.name for r in suite_rules() if r.severity == "reject"] == list(REJECTING_RULES)


@pytest.mark.parametrize("g", OTHER_GAMES, ids=lambda g: g.id)
def test_every_other_games_rules_name_the_game(g: Game) -> None:
    names = [r.name for r in suite_rules(g)]
    assert all(name.startswith(f"{g.name}: ") for name in names)
    assert len(set(names)) == len(names)


def test_mega_senas_rules_say_its_count_and_range() -> None:
    names = [r.name for r in suite_rules(MEGASENA) if r.severity == "reject"]
    assert names[:2] == ["Mega-Sena: 6 numbers per draw", "Mega-Sena: numbers in 1..60"]


def test_lotofacil_keeps_its_hand_set_warning_bands() -> None:
    bands = usual_bands()
    assert (bands.overlap, bands.sum, bands.odd) == (Band(6, 13), Band(140, 250), Band(4, 12))


def test_mega_senas_warning_bands_are_the_central_999_per_mille_of_chance() -> None:
    bands = usual_bands(MEGASENA)
    # P(4 or more in common with the previous draw) = 0.044% < 0.05%; P(3 or more) = 0.19%
    assert (bands.overlap, bands.sum) == (Band(0, 3), Band(59, 307))


def test_a_band_as_wide_as_what_can_happen_is_no_rule() -> None:
    # Mega-Sena: 0 to 6 odd numbers is every draw, so no odd-count warning; Lotomania's 4..16 of 20 is one
    assert not any("odd numbers" in r.name for r in suite_rules(MEGASENA))
    assert "Lotomania: odd numbers in 4..16" in [r.name for r in suite_rules(LOTOMANIA)]
