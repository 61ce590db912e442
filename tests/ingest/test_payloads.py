import datetime as dt
import json
from pathlib import Path

import pytest

from deployments.loopback.caixa_server import RECORDED_PAYLOAD
from lotto_models.core.errors import InvalidDrawError
from lotto_models.ingest.payloads import candidate_from_payload
from lotto_models.storage.nul_free import strip_nul

DATA = Path(__file__).parent.parent / "data"


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def test_real_payloads_parse_to_their_draws() -> None:
    first = candidate_from_payload(load(DATA / "lotofacil_0001.json"), 1)
    assert first.date == dt.date(2003, 9, 29)
    assert first.as_draw().numbers == (2, 3, 5, 6, 9, 10, 11, 13, 14, 16, 18, 20, 23, 24, 25)
    special = candidate_from_payload(load(RECORDED_PAYLOAD), 3480)
    assert special.date == dt.date(2025, 9, 6)
    assert special.as_draw().numbers == (3, 5, 6, 8, 9, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23)


def test_nul_characters_are_stripped_everywhere() -> None:
    payload = load(RECORDED_PAYLOAD)
    assert "\x00" in payload["nomeTimeCoracaoMesSorte"]
    assert "\x00" not in json.dumps(strip_nul(payload), ensure_ascii=False)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"tipoJogo": "MEGA_SENA"}, "tipoJogo is 'MEGA_SENA'"),
        ({"numero": 3479}, "asked for concurso 3480, got numero 3479"),
        ({"numero": "3480"}, "numero '3480' is not an integer"),
        ({"dataApuracao": "2025-09-06"}, "not a dd/mm/yyyy date"),
        ({"dataApuracao": None}, "dataApuracao None is not a dd/mm/yyyy date"),
        ({"listaDezenas": None}, "listaDezenas must be a list"),
        ({"listaDezenas": ["01", "dois"]}, "listaDezenas holds 'dois', not a number"),
        ({"dezenasSorteadasOrdemSorteio": ["01"] * 15}, "hold different numbers"),
    ],
)
def test_what_is_not_a_draw_at_all_is_a_parse_error(edit: dict, message: str) -> None:
    payload = {**load(RECORDED_PAYLOAD), **edit}
    with pytest.raises(InvalidDrawError) as error:
        candidate_from_payload(payload, 3480)
    assert message in str(error.value)
    assert "3480" in str(error.value) or "3479" in str(error.value)


def test_a_payload_that_is_not_json_object_is_a_parse_error() -> None:
    with pytest.raises(InvalidDrawError, match="payload must be a JSON object, got list"):
        candidate_from_payload([1, 2], 3480)


@pytest.mark.parametrize(
    "numbers",
    [list(range(1, 15)), list(range(1, 17)), [1, *range(1, 15)], list(range(12, 27)), list(range(-1, 14))],
    ids=["14-numbers", "16-numbers", "repeat", "number-26", "number-minus-1"],
)
def test_impossible_numbers_are_read_as_given_for_the_suite_to_judge(numbers: list[int]) -> None:
    listed = [f"{n:02d}" for n in numbers]
    payload = {**load(RECORDED_PAYLOAD), "listaDezenas": listed, "dezenasSorteadasOrdemSorteio": listed[::-1]}
    candidate = candidate_from_payload(payload, 3480)
    assert candidate.concurso == 3480 and candidate.numbers == tuple(numbers)
