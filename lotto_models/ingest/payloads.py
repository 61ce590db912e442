"""The official CAIXA result payload: turning it into a `Draw`, and cleaning it for storage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lotto_models.core.draws import OFFICIAL_DATE, Draw, parse_date
from lotto_models.core.errors import InvalidDrawError

GAME = "LOTOFACIL"


def strip_nul(value: Any) -> Any:
    """The payload with every NUL character removed from its strings (PostgreSQL rejects `\\u0000`)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [strip_nul(item) for item in value]
    if isinstance(value, dict):
        return {strip_nul(key): strip_nul(item) for key, item in value.items()}
    return value


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
        if not text.isdigit():
            raise InvalidDrawError(concurso, f"{field} holds {value!r}, not a number")
        numbers.append(int(text))
    return numbers


def draw_from_payload(payload: object, expected_concurso: int | None = None) -> Draw:
    """The draw an official payload describes, after every check a real result passes.

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
        raise InvalidDrawError(expected_concurso, f"numero {concurso!r} is not an integer")
    if expected_concurso is not None and concurso != expected_concurso:
        raise InvalidDrawError(expected_concurso, f"asked for concurso {expected_concurso}, got numero {concurso}")
    numbers = _numbers("listaDezenas", payload.get("listaDezenas"), concurso)
    draw = Draw.checked(concurso, api_date(payload.get("dataApuracao"), concurso), numbers)
    in_order = payload.get("dezenasSorteadasOrdemSorteio")
    if in_order is not None and set(_numbers("dezenasSorteadasOrdemSorteio", in_order, concurso)) != set(numbers):
        raise InvalidDrawError(concurso, "dezenasSorteadasOrdemSorteio and listaDezenas hold different numbers")
    return draw
