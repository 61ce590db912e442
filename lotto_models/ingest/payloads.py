"""The official CAIXA result payload: turning it into a `DrawCandidate`.

Parsing refuses only what is not a Lotofácil draw at all (not a JSON object, another game, a `numero`
other than the one asked for, numbers or a date that cannot be read, two number lists that disagree).
Whether the numbers make a possible draw (15 of them, distinct, in 1..25) is for the validation suite.
"""

from __future__ import annotations

import datetime as dt
import re

from lotto_models.core.draws import OFFICIAL_DATE, parse_date
from lotto_models.core.errors import InvalidDrawError
from lotto_models.ingest.candidates import DrawCandidate

GAME = "LOTOFACIL"
WHOLE_NUMBER = re.compile(r"-?\d{1,9}")  # a number drawn is a few digits; nine already says "not a draw"
# Far beyond any concurso of any CAIXA game (Lotofácil's 3,700th was in 2026), and within the store's INTEGER
MAX_CONCURSO = 1_000_000


def api_date(text: object, concurso: int | None) -> dt.date:
    """A `dd/mm/yyyy` date of the API (not ISO)."""
    date = parse_date(str(text), (OFFICIAL_DATE,))
    if date is None:
        raise InvalidDrawError(concurso, f"dataApuracao {text!r} is not a dd/mm/yyyy date")
    return date


def _numbers(field: str, values: object, concurso: int) -> list[int]:
    if not isinstance(values, list):
        raise InvalidDrawError(concurso, f"{field} must be a list, got {type(values).__name__}")
    numbers = []
    for value in values:
        text = str(value).strip()
        if not WHOLE_NUMBER.fullmatch(text):
            raise InvalidDrawError(concurso, f"{field} holds {text[:40]!r}, not a number a draw could hold")
        numbers.append(int(text))  # a whole number, in range or not: the validation suite judges the range
    return numbers


def candidate_from_payload(payload: object, expected_concurso: int | None = None) -> DrawCandidate:
    """The draw an official payload describes, read but not judged (the validation suite judges it).

    `expected_concurso` is the number that was asked for; a cache or a mirror answering with another
    concurso is an error, not a result.
    """
    if not isinstance(payload, dict):
        raise InvalidDrawError(expected_concurso, f"payload must be a JSON object, got {type(payload).__name__}")
    game = payload.get("tipoJogo")
    if game != GAME:
        raise InvalidDrawError(expected_concurso, f"tipoJogo is {game!r}, expected {GAME!r}")
    concurso = payload.get("numero")
    if not isinstance(concurso, int) or isinstance(concurso, bool):
        raise InvalidDrawError(expected_concurso, f"numero {str(concurso)[:40]!r} is not an integer")
    if not 1 <= concurso <= MAX_CONCURSO:
        raise InvalidDrawError(
            expected_concurso, f"numero {str(concurso)[:40]} is not a concurso (expected 1 to {MAX_CONCURSO:,})"
        )
    if expected_concurso is not None and concurso != expected_concurso:
        raise InvalidDrawError(expected_concurso, f"asked for concurso {expected_concurso}, got numero {concurso}")
    numbers = _numbers("listaDezenas", payload.get("listaDezenas"), concurso)
    date = api_date(payload.get("dataApuracao"), concurso)
    in_order = payload.get("dezenasSorteadasOrdemSorteio")
    if in_order is not None and sorted(_numbers("dezenasSorteadasOrdemSorteio", in_order, concurso)) != sorted(numbers):
        raise InvalidDrawError(
            concurso, "dezenasSorteadasOrdemSorteio and listaDezenas hold different numbers, expected the same ones"
        )
    return DrawCandidate(concurso, date, tuple(numbers))
