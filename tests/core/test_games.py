"""The game catalog against the real data: every history row and every recorded CAIXA answer obeys its game's
rules, chance's figures are right, prices reproduce the sourced tables, and games out of scope are refused.

The histories and answers live in `shared/data/` beside the repository (issue 26: test data, not shipped);
`LOTTO_TEST_SHARED_DATA` points elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lotto_models.core import draws
from lotto_models.core.errors import LotoflowError
from lotto_models.core.games import (
    GAMES,
    AnomalyKind,
    Game,
    GameOutOfScopeError,
    InvalidBetError,
    TierKind,
    UnknownGameError,
    game,
    month_number,
)
from lotto_models.ingest import draw_calendar
from lotto_models.modeling import random_baseline
from tests.shared_data import ANSWERS, history_path, needs_shared_data


@cache
def history(game_id: str) -> tuple[list[str], list[dict[str, str]]]:
    with history_path(GAMES[game_id]).open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


def draw_parts(g: Game, row: dict[str, str]) -> dict[str, Any]:
    """A history row as `check_draw`'s keyword arguments."""

    def ints(columns: tuple[str, ...]) -> list[int]:
        return [int(row[c]) for c in columns]

    return {
        "second_draw": ints(g.second_draw.csv_columns) if g.second_draw else None,
        "trevos": ints(g.trevos.csv_columns) if g.trevos else None,
        "month": row[g.month.csv_column] if g.month else None,
        "team": row[g.team.csv_column] if g.team else None,
    }


def answer_parts(g: Game, payload: dict[str, Any]) -> dict[str, Any]:
    """A recorded API answer's parts, read through the catalog's field names ("00" is 0; NULs dropped)."""
    return {
        "second_draw": [int(v) for v in payload[g.second_draw.api_field]] if g.second_draw else None,
        "trevos": [int(v) for v in payload[g.trevos.api_field]] if g.trevos else None,
        "month": payload[g.month.api_field] if g.month else None,
        "team": str(payload[g.team.api_field]).replace("\x00", "") if g.team else None,
    }


@needs_shared_data
@pytest.mark.parametrize("game_id", list(GAMES))
def test_every_row_of_each_real_history_obeys_its_games_rules(game_id: str) -> None:
    g = GAMES[game_id]
    header, rows = history(game_id)
    assert tuple(header) == g.csv_columns
    problems = [
        f"concurso {row['concurso']}: {problem}"
        for row in rows
        for problem in g.check_draw([int(row[c]) for c in g.numbers.csv_columns], **draw_parts(g, row))
    ]
    assert problems == []
    assert [int(row["concurso"]) for row in rows] == list(range(1, len(rows) + 1))
    assert dt.date.fromisoformat(rows[0]["data"]) == g.first_draw
    dates = [dt.date.fromisoformat(row["data"]) for row in rows]
    out_of_order = {i + 1 for i in range(1, len(dates)) if dates[i] < dates[i - 1]}
    assert out_of_order == {a.first for a in g.anomalies if a.kind is AnomalyKind.DATE_OUT_OF_ORDER}, (
        "dates never decrease but at the year typos CAIXA publishes, which the catalog lists"
    )


@needs_shared_data
def test_dia_de_sorte_months_come_as_numbers_then_as_names_and_all_map_to_one_of_twelve() -> None:
    _, rows = history("diadesorte")
    months = [(int(row["concurso"]), row["mes"]) for row in rows]
    assert all(text.isdigit() == (concurso <= 207) for concurso, text in months)
    assert {month_number(text) for _, text in months} == set(range(1, 13))
    assert [month_number(t) for t in ("2", "12", "Março", "MARCO", " julho ")] == [2, 12, 3, 3, 7]
    assert [month_number(t) for t in ("0", "13", "", "…", "PALMAS/TO")] == [None] * 5


@needs_shared_data
@pytest.mark.parametrize("path", ANSWERS, ids=lambda p: p.stem)
def test_each_recorded_api_answer_matches_the_catalog(path: Path) -> None:
    payload = json.loads(path.read_text(encoding="utf-8"))
    game_id, concurso = path.stem.split("_")[0], payload["numero"]
    if game_id == "supersete":
        with pytest.raises(GameOutOfScopeError, match="Super Sete"):
            game(payload["tipoJogo"])
        return
    g = GAMES[game_id]
    assert (payload["tipoJogo"], payload["numeroJogo"]) == (g.tipo_jogo, g.numero_jogo)
    assert game(payload["tipoJogo"]) is g
    numbers = [int(v) for v in payload[g.numbers.api_field]]
    problems = g.check_draw(numbers, **answer_parts(g, payload))
    order = payload["dezenasSorteadasOrdemSorteio"]
    if any(a.kind is AnomalyKind.EXTRA_NUMBER for a in g.anomalies_at(concurso)):
        # Timemania 1307: 8 numbers in today's API, flagged in words, not a crash
        assert problems == [f"{g.name} numbers: 8 numbers, expected 7: {numbers} (rule: 7 distinct numbers of 1..80)"]
        assert len(order) == g.draw_order_count + 1
    else:
        assert problems == []
        assert len(order) == g.draw_order_count
    assert [r["descricaoFaixa"] for r in payload["listaRateioPremio"]] == [t.description for t in g.tiers_at(concurso)]
    if concurso >= max(t.since_concurso for t in g.tiers):  # today's layout: the faixa numbers too
        assert [r["faixa"] for r in payload["listaRateioPremio"]] == [t.faixa for t in g.tiers]
    if not g.trevos:
        assert payload.get("trevosSorteados") is None
    if not (g.month or g.team):
        assert not (payload["nomeTimeCoracaoMesSorte"] or "").strip("\x00")
    _, rows = history(game_id)
    row = rows[concurso - 1]
    stored = [int(row[c]) for c in g.numbers.csv_columns]
    assert stored == [n for n in numbers if not (concurso == 1307 and n == 54)]


def test_lotofacil_agrees_with_todays_code() -> None:
    g = GAMES["lotofacil"]
    assert (g.numbers.pool, g.numbers.drawn, g.numbers.csv_columns) == (
        draws.NUMBERS,
        draws.PER_DRAW,
        tuple(draws.NUMBER_COLUMNS),
    )
    assert g.baseline_hits() == random_baseline.BASELINE_HITS == 9.0
    assert g.baseline_hits_sd() == pytest.approx(random_baseline.BASELINE_HITS_SD)
    assert [float(p) for p in g.hits_distribution()] == pytest.approx(random_baseline.hits_pmf())
    assert float(g.probability_at_least(11)) == pytest.approx(random_baseline.BASELINE_SHARE_11_PLUS)
    assert round(float(g.probability_at_least(11)), 3) == 0.106
    assert set(g.calendar.weekdays) == draw_calendar.DRAW_WEEKDAYS
    assert g.calendar.time == draw_calendar.DRAW_TIME
    assert g.calendar.time_zone == str(draw_calendar.SAO_PAULO) == "America/Sao_Paulo"


def test_the_random_baseline_is_each_games_hypergeometric_expectation_for_its_default_bet() -> None:
    baselines = {g.id: g.baseline_hits() for g in GAMES.values()}
    assert baselines["megasena"] == pytest.approx(0.6)  # 6 of 60 against 6 drawn
    assert baselines["lotomania"] == 10.0  # 50 of 100 against 20 drawn
    assert baselines["lotofacil"] == 9.0
    assert baselines["timemania"] == pytest.approx(10 * 7 / 80)
    for g in GAMES.values():
        mean = sum(k * p for k, p in enumerate(g.hits_distribution()))
        assert float(mean) == pytest.approx(g.baseline_hits())
        assert float(sum(g.hits_distribution())) == 1.0


@pytest.mark.parametrize("game_id", list(GAMES))
def test_prize_tiers_and_no_prize_add_up_to_one_for_every_bet_size(game_id: str) -> None:
    g = GAMES[game_id]
    trevo_sizes = range(g.trevo_bet.minimum, g.trevo_bet.maximum + 1) if g.trevo_bet else [None]
    for bet in range(g.bet.minimum, g.bet.maximum + 1):
        for trevos in trevo_sizes:
            chances = g.tier_probabilities(bet, trevos)
            first_draw = [p for t, p in chances.items() if t.kind is TierKind.HITS and t.draw == 1]
            assert None not in first_draw
            assert sum((p for p in first_draw if p), Fraction(0)) + g.no_prize_probability(bet, trevos) == 1
            second_draw = [p for t, p in chances.items() if t.draw == 2]
            assert second_draw == ([] if g.second_draw is None else first_draw)


def test_tier_probabilities_match_the_known_odds() -> None:
    def odds(game_id: str, hits: int, bet: int | None = None, trevos: tuple[int, ...] | None = None) -> Fraction:
        g = GAMES[game_id]
        tier = next(t for t in g.tiers if t.hits == hits and t.draw == 1 and (trevos is None or t.trevo_hits == trevos))
        chance = g.tier_probability(tier, bet)
        assert chance is not None
        return chance

    assert odds("megasena", 6) == Fraction(1, 50_063_860)
    assert odds("megasena", 6, bet=7) == Fraction(7, 50_063_860)  # a 7-number bet is 7 simple bets (SOURCE.md)
    assert odds("lotofacil", 15) == Fraction(1, 3_268_760)
    assert odds("quina", 5) == Fraction(1, 24_040_016)
    assert odds("duplasena", 6) == Fraction(1, 15_890_700)  # per draw
    assert odds("diadesorte", 7) == Fraction(1, 2_629_575)
    assert odds("timemania", 7) == Fraction(math.comb(10, 7), math.comb(80, 7))  # 1 in 26.5 million
    assert odds("lotomania", 20) == Fraction(math.comb(50, 20), math.comb(100, 20))  # 1 in 11.4 million
    assert odds("lotomania", 0) == odds("lotomania", 20)  # 50 of 100: missing all 20 is as rare as hitting them
    assert odds("maismilionaria", 6, trevos=(2,)) == Fraction(1, 15_890_700 * 15)  # C(50,6) × C(6,2)
    month = next(t for t in GAMES["diadesorte"].tiers if t.kind is TierKind.MONTH)
    assert GAMES["diadesorte"].tier_probability(month) == Fraction(1, 12)
    team = next(t for t in GAMES["timemania"].tiers if t.kind is TierKind.TEAM)
    assert GAMES["timemania"].tier_probability(team) is None  # how many teams is not in SOURCE.md


@needs_shared_data
@pytest.mark.parametrize("game_id", list(GAMES))
def test_each_price_starts_at_the_draw_the_sources_name(game_id: str) -> None:
    g = GAMES[game_id]
    _, rows = history(game_id)
    for period in g.prices.history:
        if period.first_concurso is not None:
            assert dt.date.fromisoformat(rows[period.first_concurso - 1]["data"]) == period.since


def test_prices_reproduce_caixas_tables() -> None:
    def at_2023(game_id: str, numbers: int, trevos: int | None = None) -> Decimal | None:
        """At the price in force when [P] was captured (2023-12-26)."""
        g = GAMES[game_id]
        period = [p for p in g.prices.history if p.since is None or p.since <= dt.date(2023, 12, 26)][-1]
        return g.price(numbers, trevos, period)

    # CAIXA's official table [P], 2023 prices (SOURCE.md, Bet prices)
    assert [at_2023("megasena", n) for n in (7, 8, 10, 15, 20)] == [35, 140, 1050, 25025, 193800]
    assert [at_2023("quina", n) for n in (6, 7, 15)] == [15, Decimal("52.50"), Decimal("7507.50")]
    assert [at_2023("duplasena", n) for n in (7, 15)] == [Decimal("17.50"), Decimal("12512.50")]
    assert [at_2023("diadesorte", n) for n in (8, 15)] == [20, Decimal("16087.50")]
    assert [at_2023("maismilionaria", n, t) for n, t in ((6, 3), (7, 2), (12, 6))] == [18, 42, 83160]
    # Mega-Sena after July 2025, the published table [N25]
    published = [6, 42, 168, 504, 1260, 2772, 5544, 10296, 18018, 30030, 48048, 74256, 111384, 162792, 232560]
    assert [row.price for row in GAMES["megasena"].price_table()] == published
    # today's minimum prices
    assert {g.id: g.price() for g in GAMES.values()} == {
        "lotofacil": Decimal("3.50"),
        "megasena": 6,
        "quina": 3,
        "lotomania": 3,
        "duplasena": 3,
        "diadesorte": Decimal("2.50"),
        "timemania": Decimal("3.50"),
        "maismilionaria": 6,
    }
    assert [row.price for row in GAMES["lotofacil"].price_table()][1:] == [None] * 5  # not in SOURCE.md
    assert len(GAMES["lotomania"].price_table()) == len(GAMES["timemania"].price_table()) == 1
    assert len(GAMES["maismilionaria"].price_table()) == 7 * 5


@needs_shared_data
@pytest.mark.parametrize("game_id", list(GAMES))
def test_the_draw_calendar_holds_most_draws_of_the_last_year(game_id: str) -> None:
    g = GAMES[game_id]
    _, rows = history(game_id)
    last = dt.date.fromisoformat(rows[-1]["data"])
    recent = [d for d in (dt.date.fromisoformat(r["data"]) for r in rows) if (last - d).days < 365]
    on_calendar = sum(d.weekday() in g.calendar.weekdays for d in recent)
    assert on_calendar >= 0.95 * len(recent), "off-schedule draws happen, but rarely"
    assert g.calendar.time_zone == "America/Sao_Paulo"


def test_problems_name_the_game_the_part_and_the_rule() -> None:
    mega, loto = GAMES["megasena"], GAMES["lotomania"]
    assert mega.check_numbers([1, 2, 3, 4, 5, 6]) == []
    assert mega.check_numbers([0, 2, 3, 4, 61, 61, 7]) == [
        "Mega-Sena numbers: 7 numbers, expected 6: [0, 2, 3, 4, 61, 61, 7] (rule: 6 distinct numbers of 1..60)",
        "Mega-Sena numbers: outside 1..60: [0, 61, 61] (rule: 6 distinct numbers of 1..60)",
        "Mega-Sena numbers: repeated: [61] (rule: 6 distinct numbers of 1..60)",
    ]
    assert mega.check_numbers(["1", 2, 3, 4, 5, True])[0].startswith("Mega-Sena numbers: not all integers")
    assert loto.check_numbers(list(range(20))) == []  # ball "00" is 0
    assert "outside 0..99: [100]" in loto.check_numbers([*range(1, 20), 100])[0]
    assert GAMES["duplasena"].check_draw([1, 2, 3, 4, 5, 6]) == ["Dupla Sena second draw: missing"]
    assert GAMES["duplasena"].check_draw([1, 2, 3, 4, 5, 6], second_draw=[1, 2, 3, 4, 5, 6]) == []
    assert GAMES["maismilionaria"].check_draw([1, 2, 3, 4, 5, 6], trevos=[4, 7]) == [
        "+Milionária trevos: outside 1..6: [7] (rule: 2 distinct numbers of 1..6)"
    ]
    assert mega.check_draw([1, 2, 3, 4, 5, 6], trevos=[1, 2]) == ["Mega-Sena has no trevos, got [1, 2]"]
    assert GAMES["diadesorte"].check_draw([1, 2, 3, 4, 5, 6, 7], month="Marchember") == [
        "Dia de Sorte month: 'Marchember' is neither a month number 1..12 nor a Portuguese month name"
    ]
    assert GAMES["timemania"].check_draw([1, 2, 3, 4, 5, 6, 7], team="\x00" * 17)[0].startswith("Timemania team:")


def test_bets_outside_the_games_sizes_are_refused_by_name() -> None:
    with pytest.raises(InvalidBetError, match=r"Mega-Sena: a bet has 6\.\.20 numbers, got 21"):
        GAMES["megasena"].baseline_hits(21)
    with pytest.raises(InvalidBetError, match=r"Lotomania: a bet has 50\.\.50 numbers, got 20"):
        GAMES["lotomania"].price(20)
    with pytest.raises(InvalidBetError, match="Quina has no trevos"):
        GAMES["quina"].tier_probabilities(5, 2)
    with pytest.raises(InvalidBetError, match=r"\+Milionária: a bet has 2\.\.6 trevos, got 7"):
        GAMES["maismilionaria"].price(6, 7)


def test_games_are_found_by_id_name_or_tipo_jogo() -> None:
    assert [game(n).id for n in ("megasena", "Mega-Sena", "MEGA_SENA", " mega sena ")] == ["megasena"] * 4
    assert [game(n).id for n in ("+Milionária", "Mais Milionária", "MAIS_MILIONARIA")] == ["maismilionaria"] * 3
    assert [game(n).id for n in ("Lotofácil", "Dia de Sorte", "DUPLA_SENA")] == ["lotofacil", "diadesorte", "duplasena"]


@pytest.mark.parametrize(
    ("name", "label", "why"),
    [
        ("supersete", "Super Sete", "7 columns"),
        ("Super Sete", "Super Sete", "7 columns"),
        ("federal", "Loteria Federal", "ticket numbers"),
        ("Loteria Federal", "Loteria Federal", "ticket numbers"),
        ("loteca", "Loteca", "football"),
    ],
)
def test_games_out_of_scope_are_refused_by_name_and_say_why(name: str, label: str, why: str) -> None:
    with pytest.raises(GameOutOfScopeError) as refused:
        game(name)
    assert str(refused.value).startswith(f"{label} is out of lotoflow's scope: ")
    assert why in str(refused.value) and "megasena" in str(refused.value)
    assert isinstance(refused.value, LotoflowError)


def test_an_unknown_game_is_refused_with_the_list_of_known_games() -> None:
    with pytest.raises(UnknownGameError) as refused:
        game("powerball")
    assert str(refused.value) == (
        "unknown game 'powerball'; known games: lotofacil, megasena, quina, lotomania, duplasena, diadesorte, "
        "timemania, maismilionaria"
    )
    assert not isinstance(refused.value, GameOutOfScopeError)


def test_the_catalog_imports_no_numpy_pandas_or_prefect() -> None:
    code = "import sys, lotto_models.core.games; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert not {"numpy", "pandas", "prefect", "tensorflow"} & set(json.loads(loaded.replace("'", '"')))


def test_the_catalog_holds_the_pools_and_bet_sizes_of_issue_26() -> None:
    pools = {g.id: (g.numbers.lowest, g.numbers.highest, g.numbers.drawn) for g in GAMES.values()}
    assert pools == {
        "lotofacil": (1, 25, 15),
        "megasena": (1, 60, 6),
        "quina": (1, 80, 5),
        "lotomania": (0, 99, 20),
        "duplasena": (1, 50, 6),
        "diadesorte": (1, 31, 7),
        "timemania": (1, 80, 7),
        "maismilionaria": (1, 50, 6),
    }
    bets = {g.id: (g.bet.minimum, g.bet.default, g.bet.maximum) for g in GAMES.values()}
    assert bets == {
        "lotofacil": (15, 15, 20),
        "megasena": (6, 6, 20),
        "quina": (5, 5, 15),
        "lotomania": (50, 50, 50),
        "duplasena": (6, 6, 15),
        "diadesorte": (7, 7, 15),
        "timemania": (10, 10, 10),
        "maismilionaria": (6, 6, 12),
    }
    trevos, trevo_bet = GAMES["maismilionaria"].trevos, GAMES["maismilionaria"].trevo_bet
    assert trevos is not None and trevo_bet is not None
    assert (trevos.lowest, trevos.highest, trevos.drawn, trevo_bet.minimum, trevo_bet.maximum) == (1, 6, 2, 2, 6)


def test_the_game_id_type_names_exactly_the_catalogs_games() -> None:
    from typing import get_args

    from lotto_models.core.game_ids import GameId
    from lotto_models.core.games import GAMES

    assert list(get_args(GameId)) == list(GAMES)
