"""`candidate_from_payload` for every game of the catalog, on CAIXA's recorded answers: each parses to the
numbers and extras it holds (the same as the history file's row), and another game's answer is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lotto_models.core.draws import DrawExtras
from lotto_models.core.errors import InvalidDrawError
from lotto_models.core.games import DIADESORTE, DUPLASENA, GAMES, LOTOFACIL, MAISMILIONARIA, MEGASENA, TIMEMANIA
from lotto_models.ingest.history_files import read_draw_file
from lotto_models.ingest.payloads import candidate_from_payload
from tests.shared_data import ANSWERS, history_path, needs_shared_data, recorded_answer

GAME_ANSWERS = [p for p in ANSWERS if p.stem.split("_")[0] in GAMES]


@needs_shared_data
@pytest.mark.parametrize("path", GAME_ANSWERS, ids=lambda p: p.stem)
def test_each_recorded_answer_parses_to_the_draw_its_history_file_holds(path: Path) -> None:
    g = GAMES[path.stem.split("_")[0]]
    payload = json.loads(path.read_text(encoding="utf-8"))
    candidate = candidate_from_payload(payload, payload["numero"], game=g)
    [row] = [r for r in read_draw_file(history_path(g), g) if r.concurso == payload["numero"]]
    assert row.candidate is not None
    if g is TIMEMANIA and candidate.concurso == 1307:  # today's API adds 54; the file keeps the 7 drawn
        assert set(candidate.numbers) - set(row.candidate.numbers) == {54}
    else:
        assert candidate.as_draw() == row.candidate.as_draw()


@needs_shared_data
def test_lotomanias_ball_00_is_zero() -> None:
    assert candidate_from_payload(recorded_answer("lotomania_0001"), 1, game=GAMES["lotomania"]).numbers[0] == 0


@needs_shared_data
def test_dupla_senas_second_draw_is_read_beside_the_first() -> None:
    candidate = candidate_from_payload(recorded_answer("duplasena_2871"), 2871, game=DUPLASENA)
    assert candidate.numbers == (1, 8, 22, 31, 33, 35)
    assert candidate.extras == DrawExtras(second_draw=(5, 7, 14, 32, 33, 43))


@needs_shared_data
def test_mais_milionarias_trevos_are_read() -> None:
    candidate = candidate_from_payload(recorded_answer("maismilionaria_0292"), 292, game=MAISMILIONARIA)
    assert candidate.extras == DrawExtras(trevos=(1, 4))


@pytest.mark.parametrize(("name", "month"), [("diadesorte_0001", 2), ("diadesorte_1126", 7)])
@needs_shared_data
def test_dia_de_sortes_month_is_a_number_whether_caixa_wrote_a_number_or_a_name(name: str, month: int) -> None:
    payload = recorded_answer(name)
    assert candidate_from_payload(payload, payload["numero"], game=DIADESORTE).extras == DrawExtras(month=month)


@needs_shared_data
def test_timemanias_team_loses_the_nul_characters_caixa_padded_it_with() -> None:
    payload = recorded_answer("timemania_1391")
    assert "\x00" in payload["nomeTimeCoracaoMesSorte"]
    assert candidate_from_payload(payload, 1391, game=TIMEMANIA).extras == DrawExtras(team="JUVENTUSE/SP")


@needs_shared_data
def test_timemania_1307_is_read_with_the_eight_numbers_todays_api_lists() -> None:
    candidate = candidate_from_payload(recorded_answer("timemania_1307"), 1307, game=TIMEMANIA)
    assert candidate.numbers == (11, 17, 26, 29, 32, 40, 54, 70)


@needs_shared_data
def test_another_games_answer_is_refused_naming_both_games() -> None:
    with pytest.raises(InvalidDrawError) as error:
        candidate_from_payload(recorded_answer("megasena_2925"), 2925, game=LOTOFACIL)
    assert "tipoJogo is 'MEGA_SENA', expected 'LOTOFACIL' (a Mega-Sena result): not a Lotofácil result" in str(
        error.value
    )


@needs_shared_data
def test_a_lotofacil_answer_asked_as_mega_sena_is_refused() -> None:
    with pytest.raises(InvalidDrawError, match="expected 'MEGA_SENA' \\(a Lotofácil result\\): not a Mega-Sena result"):
        candidate_from_payload(recorded_answer("lotofacil_3480"), 3480, game=MEGASENA)


@needs_shared_data
def test_a_missing_second_draw_is_read_as_none_for_the_suite_to_judge() -> None:
    payload = {**recorded_answer("duplasena_2871"), "listaDezenasSegundoSorteio": None}
    payload["dezenasSorteadasOrdemSorteio"] = payload["dezenasSorteadasOrdemSorteio"][:6]
    assert candidate_from_payload(payload, 2871, game=DUPLASENA).extras.second_draw == ()


@needs_shared_data
def test_a_draw_order_list_disagreeing_with_the_trevos_is_a_parse_error() -> None:
    payload = {**recorded_answer("maismilionaria_0292"), "trevosSorteados": ["1", "5"]}
    with pytest.raises(InvalidDrawError, match="dezenasSorteadasOrdemSorteio and listaDezenas \\+ trevosSorteados"):
        candidate_from_payload(payload, 292, game=MAISMILIONARIA)


@needs_shared_data
def test_a_month_that_is_no_month_at_all_is_a_parse_error() -> None:
    payload = {**recorded_answer("diadesorte_1126"), "nomeTimeCoracaoMesSorte": "Marchember"}
    with pytest.raises(InvalidDrawError, match="nomeTimeCoracaoMesSorte 'Marchember' is neither a month number"):
        candidate_from_payload(payload, 1126, game=DIADESORTE)


@needs_shared_data
def test_month_13_is_read_as_given_for_the_suite_to_judge() -> None:
    payload = {**recorded_answer("diadesorte_0001"), "nomeTimeCoracaoMesSorte": "13"}
    assert candidate_from_payload(payload, 1, game=DIADESORTE).extras.month == 13
