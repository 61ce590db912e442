"""Guesses delivered by real after-draw runs (issue 27), across runs killed with SIGKILL between publishing and
sending: the players' webhook (a loopback `json://` receiver in LOTTO_PUBLISH_URLS) gets each public plan's
guess once it is published and its hits once the draw is stored, and what a killed run owed is sent by the
next one. A run killed after the receiver took a message and before the ledger said so sends it again: with the
same delivery key, the one repeat a receiver must drop (the documented window of at-least-once delivery).
"""

from __future__ import annotations

import pytest

from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.synthetic_draws import synthetic_draws
from flows.after_draw import after_draw
from lotto_models.core.failpoints import DELIVERY_AFTER_SEND, DELIVERY_BEFORE_SEND, ENVIRONMENT_VARIABLE
from lotto_models.storage.delivery_ledger import DeliveryLedger, DeliveryState
from lotto_models.workspace import close_workspaces, open_workspace
from tests.alert_receiver import AlertReceiver
from tests.conftest import use_lotto_env
from tests.flows.conftest import start_run

pytestmark = pytest.mark.slow  # whole after-draw runs (a first one trains every model), three in processes killed

PUBLIC = ["free", "silver", "gold", "platinum"]
RUN_TIMEOUT_S = 600


def keys(messages: list[dict]) -> list[str]:
    return [m["delivery_key"] for m in messages]


def test_each_guess_and_its_hits_reach_the_players_once_across_runs_killed_between_publish_and_send(
    prefect_api, history, tmp_path, monkeypatch
) -> None:
    receiver, source = AlertReceiver().start(), CaixaTestServer(history).start()
    newest = history[-1].concurso
    try:
        home = use_lotto_env(monkeypatch, tmp_path / "home", source.base_url, None)
        monkeypatch.setenv("LOTTO_PUBLISH_URLS", receiver.apprise_url("players"))
        monkeypatch.setenv("LOTTO_PUBLISH_PAUSE_S", "0")
        first = after_draw(return_state=True)  # trains every model and publishes: the guesses go out
        assert first.is_completed(), first.message
        assert keys(receiver.received) == [f"lotofacil/{plan}/{newest + 1}/guess" for plan in PUBLIC]
        close_workspaces()

        source.add_draws(synthetic_draws(history[-1], 1))  # concurso newest + 1 is drawn
        # stores and scores it, trains, publishes the next guesses, and dies at its first claimed delivery
        killed, log = start_run(home, env={ENVIRONMENT_VARIABLE: f"{DELIVERY_BEFORE_SEND}=kill-group"})
        assert killed.wait(timeout=RUN_TIMEOUT_S) == -9, log.read_text()[-3000:]
        assert len(receiver.received) == 4  # nothing new reached the players
        ws = open_workspace()
        assert ws.draws.last_concurso() == newest + 1 and ws.predictions.has_prediction("free", newest + 2)
        [claimed] = [r for r in DeliveryLedger(ws.engine, ws.game).records() if r.state is not DeliveryState.SENT]
        assert (claimed.plan, claimed.concurso, claimed.kind, claimed.state) == (
            "free",
            newest + 1,
            "hits",
            DeliveryState.PENDING,
        )
        close_workspaces()

        # the next run sends what was owed, and dies after the receiver took it, before the ledger says so
        dying, log = start_run(home, env={ENVIRONMENT_VARIABLE: f"{DELIVERY_AFTER_SEND}=kill-group"})
        assert dying.wait(timeout=RUN_TIMEOUT_S) == -9, log.read_text()[-3000:]
        assert keys(receiver.received[4:]) == [f"lotofacil/free/{newest + 1}/hits"]

        done, log = start_run(home)
        assert done.wait(timeout=RUN_TIMEOUT_S) == 0, log.read_text()[-3000:]
        later = keys(receiver.received[4:])
        owed = [f"lotofacil/{plan}/{newest + 1}/hits" for plan in PUBLIC]
        owed += [f"lotofacil/{plan}/{newest + 2}/guess" for plan in PUBLIC]
        assert later == [owed[0], *owed]  # the one in the window twice, with its key; every other one once
        assert list(dict.fromkeys(later)) == owed  # what a receiver that drops a repeated key shows

        quiet, log = start_run(home)
        assert quiet.wait(timeout=RUN_TIMEOUT_S) == 0, log.read_text()[-3000:]
        assert len(receiver.received) == 4 + 1 + len(owed)  # nothing owed, nothing sent
        ws = open_workspace()
        records = DeliveryLedger(ws.engine, ws.game).records()
        assert len(records) == 12 and {r.state for r in records} == {DeliveryState.SENT}
        assert {(r.plan, r.kind): r.attempts for r in records if r.attempts > 1} == {("free", "hits"): 3}
    finally:
        close_workspaces()
        receiver.stop()
        source.stop()
