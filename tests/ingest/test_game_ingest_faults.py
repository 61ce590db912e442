"""The ingestion fault matrix of another game, through real runs of the ingest flow (`game="megasena"`): the
loopback CAIXA server serves Mega-Sena's next real draws in the official schema, with each fault; the store
holds the real history up to them. Passing faults are retried and both draws stored; a payload breaking one of
Mega-Sena's rules is quarantined naming the game and the rule, and nothing after it is stored; a primary down
hands over to a mirror; a stored concurso served back with other numbers is kept. The games with extras (a
trevo of +Milionária, the month of Dia de Sorte) are quarantined through the same flow.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from deployments.loopback.caixa_server import CaixaTestServer, Fault, numbers_edit, official_payload
from flows.ingest_draws import ingest_draws
from lotto_models.core.draws import Draw
from lotto_models.core.games import DIADESORTE, MAISMILIONARIA, MEGASENA, Game
from lotto_models.workspace import close_workspaces, open_workspace
from tests.conftest import matrix, use_lotto_env
from tests.ingest.game_stores import real_draws
from tests.shared_data import needs_shared_data

pytestmark = needs_shared_data


@pytest.fixture(scope="module")
def megasena_history() -> list[Draw]:
    return real_draws(MEGASENA)


def store_before_last(
    game: Game, history: list[Draw], new: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: CaixaTestServer
) -> list[Draw]:
    """A store of `game` holding its real history but the last `new` draws, which `server` serves; those."""
    use_lotto_env(monkeypatch, tmp_path / "home", server.base_url, None)
    open_workspace(game=game).draws.seed(history[:-new], "history-file")
    close_workspaces()
    return history[-new:]


@pytest.fixture
def caixa(megasena_history: list[Draw]) -> Iterator[CaixaTestServer]:
    server = CaixaTestServer(megasena_history, MEGASENA).start()
    yield server
    server.stop()


@pytest.fixture
def new_draws(
    prefect_api, caixa: CaixaTestServer, megasena_history: list[Draw], tmp_path: Path, monkeypatch
) -> list[Draw]:
    return store_before_last(MEGASENA, megasena_history, 2, tmp_path, monkeypatch, caixa)


def stored(game: Game, draws: list[Draw]) -> list[int]:
    ws = open_workspace(game=game)
    found = sorted(ws.draws.get_many([d.concurso for d in draws]))
    close_workspaces()
    return found


def quarantined(game: Game) -> list:
    ws = open_workspace(game=game)
    entries = ws.quarantine.entries()
    close_workspaces()
    return entries


PASSING_FAULTS = {
    "403-then-200": Fault(status=403, body="<html>Access denied</html>", content_type="text/html"),
    "429-then-200": Fault(status=429, body="slow down"),
    "read-timeout": Fault(delay_s=2.5),
    "html-with-200": Fault(body="<html><body>Em manutenção</body></html>", content_type="text/html"),
    "invalid-json": Fault(body='{"numero": 1, "listaDezenas": [', content_type="application/json"),
    "not-final-yet": Fault(payload_edit={"listaRateioPremio": []}),
}


@pytest.mark.parametrize("fault", matrix({name: (fault,) for name, fault in PASSING_FAULTS.items()}))
def test_a_passing_fault_on_a_mega_sena_draw_is_retried_and_both_draws_stored(
    caixa: CaixaTestServer, new_draws: list[Draw], fault: Fault
) -> None:
    caixa.inject(new_draws[0].concurso, fault, game=MEGASENA)
    state = ingest_draws(game="megasena", return_state=True)
    assert state.is_completed() and not state.message
    assert caixa.request_count(new_draws[0].concurso, MEGASENA) == 2  # the fault, then the retry
    assert stored(MEGASENA, new_draws) == [d.concurso for d in new_draws]
    assert quarantined(MEGASENA) == []


def _broken_rules(first: Draw) -> dict[str, tuple[object, ...]]:
    numbers = list(first.numbers)
    unused = next(n for n in range(1, 61) if n not in numbers)
    return {
        "5-numbers": (numbers[1:], "Mega-Sena: 6 numbers per draw", "found 5"),
        "7-numbers": (sorted([*numbers, unused]), "Mega-Sena: 6 numbers per draw", "found 7"),
        "number-61": ([*numbers[:-1], 61], "Mega-Sena: numbers in 1..60", "found 61"),
        "number-0": ([0, *numbers[1:]], "Mega-Sena: numbers in 1..60", "found 0"),
        "repeated-number": ([numbers[0], *numbers[:-1]], "Mega-Sena: numbers distinct within a draw", ""),
    }


# The first new draw of the real history (concurso 2991 in the shared file) is what each case breaks; the
# cases are named here and built from the draw in the test.
BROKEN = ["5-numbers", "7-numbers", "number-61", "number-0", "repeated-number"]


@pytest.mark.parametrize("case", matrix({name: (name,) for name in BROKEN}))
def test_a_mega_sena_draw_breaking_one_rule_is_quarantined_naming_the_game_and_the_rule(
    caixa: CaixaTestServer, new_draws: list[Draw], case: str
) -> None:
    first = new_draws[0]
    numbers, rule, detail = _broken_rules(first)[case]
    caixa.inject(first.concurso, Fault(payload_edit=numbers_edit(numbers)), game=MEGASENA)
    state = ingest_draws(game="megasena", return_state=True)
    assert state.is_completed() and f"quarantined concurso(s) [{first.concurso}]" in state.message
    assert stored(MEGASENA, new_draws) == []  # the valid one after it would leave a gap
    [entry] = quarantined(MEGASENA)
    assert entry.concurso == first.concurso and entry.source == "caixa"
    assert f'"{rule}"' in entry.reason and detail in entry.reason
    assert json.loads(entry.payload)["listaDezenas"] == [f"{n:02d}" for n in numbers]


@pytest.mark.slow  # a second server
def test_a_mega_sena_primary_failing_until_retries_run_out_hands_over_to_a_mirror(
    caixa: CaixaTestServer, new_draws: list[Draw], megasena_history: list[Draw], monkeypatch
) -> None:
    mirror = CaixaTestServer(megasena_history, MEGASENA).start()
    try:
        monkeypatch.setenv("LOTTO_MIRROR_URLS", mirror.base_url)
        caixa.inject("latest", *[Fault(status=500, body="Internal Server Error")] * 3, game=MEGASENA)
        state = ingest_draws(game="megasena", return_state=True)
    finally:
        mirror.stop()
    assert state.is_completed()
    assert mirror.request_count("latest", MEGASENA) == 1
    assert stored(MEGASENA, new_draws) == [d.concurso for d in new_draws]


@pytest.mark.slow
def test_a_stored_mega_sena_concurso_served_back_with_other_numbers_is_kept_and_quarantined(
    caixa: CaixaTestServer, new_draws: list[Draw], megasena_history: list[Draw]
) -> None:
    last_stored = megasena_history[-3]
    other = [n for n in range(1, 61) if n not in last_stored.numbers][:6]
    caixa.inject("latest", Fault(concurso=last_stored.concurso, payload_edit=numbers_edit(other)), game=MEGASENA)
    state = ingest_draws(game="megasena", return_state=True)
    assert state.is_completed() and f"quarantined concurso(s) [{last_stored.concurso}]" in state.message
    ws = open_workspace(game=MEGASENA)
    assert ws.draws.get_many([last_stored.concurso])[last_stored.concurso] == last_stored
    close_workspaces()
    [entry] = quarantined(MEGASENA)
    assert "The stored draw is kept" in entry.reason


def _trevo_7(draw: Draw) -> dict:
    """+Milionária's draw with a trevo 7, kept consistent in both lists that hold the trevos."""
    broken = official_payload(
        dataclasses.replace(draw, extras=dataclasses.replace(draw.extras, trevos=(1, 7))), MAISMILIONARIA
    )
    return {key: broken[key] for key in ("trevosSorteados", "dezenasSorteadasOrdemSorteio")}


EXTRAS_BROKEN = {
    "maismilionaria-trevo-7": (MAISMILIONARIA, _trevo_7, "+Milionária: trevos in 1..6"),
    "diadesorte-month-13": (DIADESORTE, lambda draw: {"nomeTimeCoracaoMesSorte": "13"}, "Dia de Sorte: month in 1..12"),
}


@pytest.mark.slow  # each game's history seeded
@pytest.mark.parametrize(("game", "edit", "rule"), matrix(EXTRAS_BROKEN))
def test_a_draw_with_a_broken_extra_is_quarantined_through_the_flow_naming_the_game_and_the_rule(
    prefect_api, tmp_path: Path, monkeypatch, game: Game, edit: Callable[[Draw], dict], rule: str
) -> None:
    history = real_draws(game)
    server = CaixaTestServer(history, game).start()
    try:
        [newest] = store_before_last(game, history, 1, tmp_path, monkeypatch, server)
        for target in (newest.concurso, "latest"):
            server.inject(target, Fault(payload_edit=edit(newest)), game=game)
        state = ingest_draws(game=game.id, return_state=True)
    finally:
        server.stop()
    assert state.is_completed() and f"quarantined concurso(s) [{newest.concurso}]" in state.message
    assert stored(game, [newest]) == []
    [entry] = quarantined(game)
    assert entry.concurso == newest.concurso and f'"{rule}"' in entry.reason
