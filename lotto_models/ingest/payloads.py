"""The official CAIXA result payload of any game of the catalog: turning it into a `DrawCandidate`.

Parsing refuses only what is not a draw of the game asked for at all (not a JSON object, another game's
`tipoJogo`, a `numero` other than the one asked for, numbers, a month or a date that cannot be read, the
draw-order list disagreeing with the sorted lists). Whether the numbers make a possible draw (15 of them,
distinct, in 1..25 for Lotofácil; a second draw, two trevos, a month 1..12, a team, per game) is for the
validation suite. Where each part lives in the payload is the catalog's (`NumberSet.api_field`,
`MonthPart.api_field`, `TeamPart.api_field`): "00" is Lotomania's 0, the month comes as "2" up to Dia de
Sorte 207 and as "Março" after, and the team text loses its NUL characters.
"""

from __future__ import annotations

import datetime as dt
import re

from lotto_models.core.draws import OFFICIAL_DATE, DrawExtras, parse_date
from lotto_models.core.errors import InvalidDrawError
from lotto_models.core.games import GAMES, LOTOFACIL, Game, NumberSet
from lotto_models.ingest.candidates import DrawCandidate, month_as_written, team_as_written

GAME = LOTOFACIL.tipo_jogo  # "LOTOFACIL"
DRAW_ORDER = "dezenasSorteadasOrdemSorteio"  # every number drawn, trevos included, in the order drawn
_GAME_NAMES = {g.tipo_jogo: g.name for g in GAMES.values()}
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


def candidate_from_payload(
    payload: object, expected_concurso: int | None = None, game: Game = LOTOFACIL
) -> DrawCandidate:
    """The draw of `game` an official payload describes, read but not judged (the validation suite judges it).

    `expected_concurso` is the number that was asked for; a cache or a mirror answering with another
    concurso, or with another game's result, is an error, not a result.
    """
    if not isinstance(payload, dict):
        raise InvalidDrawError(expected_concurso, f"payload must be a JSON object, got {type(payload).__name__}")
    tipo_jogo = payload.get("tipoJogo")
    if tipo_jogo != game.tipo_jogo:
        other = (
            f" (a {_GAME_NAMES[tipo_jogo]} result)" if isinstance(tipo_jogo, str) and tipo_jogo in _GAME_NAMES else ""
        )
        raise InvalidDrawError(
            expected_concurso,
            f"tipoJogo is {str(tipo_jogo)[:40]!r}, expected {game.tipo_jogo!r}{other}: not a {game.name} result",
        )
    concurso = payload.get("numero")
    if not isinstance(concurso, int) or isinstance(concurso, bool):
        raise InvalidDrawError(expected_concurso, f"numero {str(concurso)[:40]!r} is not an integer")
    if not 1 <= concurso <= MAX_CONCURSO:
        raise InvalidDrawError(
            expected_concurso, f"numero {str(concurso)[:40]} is not a concurso (expected 1 to {MAX_CONCURSO:,})"
        )
    if expected_concurso is not None and concurso != expected_concurso:
        raise InvalidDrawError(expected_concurso, f"asked for concurso {expected_concurso}, got numero {concurso}")
    numbers = _numbers(game.numbers.api_field, payload.get(game.numbers.api_field), concurso)
    date = api_date(payload.get("dataApuracao"), concurso)
    extras = DrawExtras(
        second_draw=_part(game.second_draw, payload, concurso),
        trevos=_part(game.trevos, payload, concurso),
        month=month_as_written(payload.get(game.month.api_field), concurso, game.month.api_field)
        if game.month
        else None,
        team=team_as_written(payload.get(game.team.api_field)) if game.team else None,
    )
    in_order = payload.get(DRAW_ORDER)
    every_number = [*numbers, *extras.second_draw, *extras.trevos]
    if in_order is not None and sorted(_numbers(DRAW_ORDER, in_order, concurso)) != sorted(every_number):
        fields = [s.api_field for s in (game.numbers, game.second_draw, game.trevos) if s is not None]
        raise InvalidDrawError(
            concurso, f"{DRAW_ORDER} and {' + '.join(fields)} hold different numbers, expected the same ones"
        )
    return DrawCandidate(concurso, date, tuple(numbers), extras)


def _part(part: NumberSet | None, payload: dict[object, object], concurso: int) -> tuple[int, ...]:
    """A numbered part beside the main numbers (second draw, trevos) as given; () when the game has none or
    the payload leaves it out (null), which the suite rejects for a game that has it."""
    if part is None or payload.get(part.api_field) is None:
        return ()
    return tuple(_numbers(part.api_field, payload.get(part.api_field), concurso))
