import datetime as dt
import json
from pathlib import Path

import pytest

from lotto_models.core.errors import InvalidDrawError
from lotto_models.ingest.payloads import draw_from_payload, strip_nul

DATA = Path(__file__).parent.parent / "data"


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def test_real_payloads_parse_to_their_draws() -> None:
    first = draw_from_payload(load("lotofacil_0001.json"), 1)
    assert first.date == dt.date(2003, 9, 29)
    assert first.numbers == (2, 3, 5, 6, 9, 10, 11, 13, 14, 16, 18, 20, 23, 24, 25)
    special = draw_from_payload(load("lotofacil_3480.json"), 3480)
    assert special.date == dt.date(2025, 9, 6)
    assert special.numbers == (3, 5, 6, 8, 9, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23)


def test_nul_characters_are_stripped_everywhere() -> None:
    payload = load("lotofacil_3480.json")
    assert "\x00" in payload["nomeTimeCoracaoMesSorte"]
    assert "\x00" not in json.dumps(strip_nul(payload), ensure_ascii=False)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"tipoJogo": "MEGA_SENA"}, "tipoJogo is 'MEGA_SENA'"),
        ({"numero": 3479}, "asked for concurso 3480, got numero 3479"),
        ({"listaDezenas": ["01"] * 15}, "repeated numbers: [1]"),
        ({"listaDezenas": [f"{n:02d}" for n in range(1, 15)]}, "expected 15 numbers, got 14"),
        ({"listaDezenas": [f"{n:02d}" for n in range(12, 27)]}, "numbers outside 1..25: [26]"),
        ({"listaDezenas": [f"{n:02d}" for n in range(0, 15)]}, "numbers outside 1..25: [0]"),
        ({"dataApuracao": "2025-09-06"}, "not a dd/mm/yyyy date"),
        ({"listaDezenas": None}, "listaDezenas must be a list"),
    ],
)
def test_impossible_payloads_are_rejected_with_the_reason(edit: dict, message: str) -> None:
    payload = {**load("lotofacil_3480.json"), **edit}
    with pytest.raises(InvalidDrawError) as error:
        draw_from_payload(payload, 3480)
    assert message in str(error.value)
    assert "3480" in str(error.value) or "3479" in str(error.value)
