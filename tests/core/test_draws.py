"""`Draw.checked` for every game of the catalog: a draw carries its game's extras (second draw, trevos, month,
team), and a draw breaking its game's rules is refused with a message naming the game and the rule. And the
dates of draws, read in the official and ISO formats only."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from lotto_models.core.draws import ISO_DATE, NO_EXTRAS, OFFICIAL_DATE, Draw, DrawExtras, parse_date
from lotto_models.core.errors import InvalidDrawError
from lotto_models.core.games import (
    DIADESORTE,
    DUPLASENA,
    GAMES,
    LOTOMANIA,
    MAISMILIONARIA,
    MEGASENA,
    TIMEMANIA,
    month_number,
)
from tests.shared_data import history_path, needs_shared_data

DAY = dt.date(2026, 3, 31)


def test_a_lotofacil_draw_has_no_extras_and_is_what_it_always_was() -> None:
    draw = Draw.checked(3700, DAY, [25, *range(1, 15)])
    assert draw == Draw(3700, DAY, (*range(1, 15), 25))
    assert draw.extras == NO_EXTRAS


def test_a_dupla_sena_draw_keeps_both_draws_sorted_even_when_they_share_numbers() -> None:
    draw = Draw.checked(
        1, DAY, [50, 7, 15, 24, 41, 48], DrawExtras(second_draw=(49, 9, 37, 41, 43, 44)), game=DUPLASENA
    )
    assert draw.numbers == (7, 15, 24, 41, 48, 50)
    assert draw.extras.second_draw == (9, 37, 41, 43, 44, 49)


def test_lotomania_draws_zero_and_never_a_hundred() -> None:
    assert Draw.checked(1, DAY, range(0, 20), game=LOTOMANIA).numbers[0] == 0
    with pytest.raises(InvalidDrawError, match=r"Lotomania numbers: outside 0\.\.99: \[100\]"):
        Draw.checked(1, DAY, [*range(1, 20), 100], game=LOTOMANIA)


def test_a_seventh_mega_sena_number_is_refused_naming_the_game_and_the_rule() -> None:
    with pytest.raises(InvalidDrawError) as error:
        Draw.checked(2991, DAY, [4, 14, 19, 23, 36, 53, 60], game=MEGASENA)
    assert str(error.value) == (
        "concurso 2991: Mega-Sena numbers: 7 numbers, expected 6: [4, 14, 19, 23, 36, 53, 60] "
        "(rule: 6 distinct numbers of 1..60)"
    )


def test_a_repeated_trevo_is_refused() -> None:
    with pytest.raises(
        InvalidDrawError, match=r"\+Milionária trevos: repeated: \[3\] \(rule: 2 distinct numbers of 1\.\.6\)"
    ):
        Draw.checked(1, DAY, range(1, 7), DrawExtras(trevos=(3, 3)), game=MAISMILIONARIA)


def test_a_trevo_outside_one_to_six_is_refused() -> None:
    with pytest.raises(InvalidDrawError, match=r"\+Milionária trevos: outside 1\.\.6: \[7\]"):
        Draw.checked(1, DAY, range(1, 7), DrawExtras(trevos=(1, 7)), game=MAISMILIONARIA)


def test_month_thirteen_is_refused() -> None:
    with pytest.raises(InvalidDrawError, match="Dia de Sorte month: 13 is neither a month number 1..12"):
        Draw.checked(1, DAY, range(1, 8), DrawExtras(month=13), game=DIADESORTE)


def test_a_dupla_sena_draw_without_its_second_draw_is_refused() -> None:
    with pytest.raises(InvalidDrawError, match="concurso 5: Dupla Sena second draw: missing"):
        Draw.checked(5, DAY, range(1, 7), game=DUPLASENA)


def test_a_second_draw_of_five_numbers_is_refused() -> None:
    with pytest.raises(InvalidDrawError, match="Dupla Sena second draw: 5 numbers, expected 6"):
        Draw.checked(5, DAY, range(1, 7), DrawExtras(second_draw=(1, 2, 3, 4, 5)), game=DUPLASENA)


def test_a_blank_team_is_refused() -> None:
    with pytest.raises(InvalidDrawError, match="Timemania team: .* is not a team name"):
        Draw.checked(1, DAY, range(1, 8), DrawExtras(team="  \x00 "), game=TIMEMANIA)


def test_a_team_loses_its_nul_characters_and_keeps_its_padding() -> None:
    draw = Draw.checked(1391, DAY, range(1, 8), DrawExtras(team="JUVENTUSE\x00\x00/SP"), game=TIMEMANIA)
    assert draw.extras.team == "JUVENTUSE/SP"
    assert Draw.checked(1, DAY, range(1, 8), DrawExtras(team="PAULISTA   /SP"), game=TIMEMANIA).extras.team == (
        "PAULISTA   /SP"
    )


def test_an_extra_the_game_does_not_have_is_refused() -> None:
    with pytest.raises(InvalidDrawError, match="Mega-Sena has no trevos, got"):
        Draw.checked(1, DAY, range(1, 7), DrawExtras(trevos=(1, 2)), game=MEGASENA)
    with pytest.raises(InvalidDrawError, match="Lotofácil has no month, got 3"):
        Draw.checked(1, DAY, range(1, 16), DrawExtras(month=3))


def test_every_broken_rule_is_named_at_once() -> None:
    with pytest.raises(InvalidDrawError) as error:
        Draw.checked(1, DAY, [1, 1, 2, 3, 4, 5, 99], DrawExtras(month=0), game=DIADESORTE)
    message = str(error.value)
    assert "outside 1..31: [99]" in message and "repeated: [1]" in message and "month: 0" in message


def test_timemania_1307_may_hold_the_eighth_number_todays_api_lists() -> None:
    draw = Draw.checked(1307, DAY, [11, 17, 26, 29, 32, 40, 54, 70], DrawExtras(team="U BARBARENSE/SP"), game=TIMEMANIA)
    assert len(draw.numbers) == 8


def test_an_eighth_timemania_number_at_any_other_concurso_is_refused() -> None:
    with pytest.raises(InvalidDrawError, match="Timemania numbers: 8 numbers, expected 7"):
        Draw.checked(1306, DAY, range(1, 9), DrawExtras(team="PALMAS/TO"), game=TIMEMANIA)


def test_a_ninth_timemania_number_at_1307_is_refused() -> None:
    with pytest.raises(InvalidDrawError, match="Timemania numbers: 9 numbers, expected 7"):
        Draw.checked(1307, DAY, range(1, 10), DrawExtras(team="PALMAS/TO"), game=TIMEMANIA)


@needs_shared_data
@pytest.mark.parametrize("game_id", list(GAMES))
def test_every_real_draw_of_every_game_passes_its_check(game_id: str) -> None:
    g = GAMES[game_id]
    with history_path(g).open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))

    def ints(row: dict[str, str], columns: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(int(row[c]) for c in columns)

    for row in rows:
        extras = DrawExtras(
            second_draw=ints(row, g.second_draw.csv_columns) if g.second_draw else (),
            trevos=ints(row, g.trevos.csv_columns) if g.trevos else (),
            month=month_number(row["mes"]) if g.month else None,
            team=row["time"] if g.team else None,
        )
        numbers = ints(row, g.numbers.csv_columns)
        draw = Draw.checked(int(row["concurso"]), dt.date.fromisoformat(row["data"]), numbers, extras, game=g)
        assert (draw.numbers, draw.extras) == (numbers, extras)  # the files hold every part ascending


def test_dates_parse_in_the_official_and_iso_formats_and_nothing_else() -> None:
    assert str(parse_date("29/09/2003")) == "2003-09-29"
    assert str(parse_date("2003-09-29", (OFFICIAL_DATE, ISO_DATE))) == "2003-09-29"
    assert parse_date("2003-09-29") is None and parse_date("yesterday", (ISO_DATE,)) is None
