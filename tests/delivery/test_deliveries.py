"""Guesses delivered (issue 27): each public plan's guess once per concurso, its hits once the draw is stored,
to every destination of LOTTO_PUBLISH_URLS, each once; a refused send is retried by the next run, a delivery a
killed run left claimed is sent again with the same key, and a destination is named without its secrets.

A real store (SQLite, and PostgreSQL when the tests have one) and a real webhook on loopback (`json://`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from lotto_models.core.draws import Draw
from lotto_models.core.games import GAMES
from lotto_models.core.plans import plans_of
from lotto_models.delivery.deliveries import deliver_owed
from lotto_models.delivery.destinations import PublishUrlError, destinations
from lotto_models.delivery.messages import tiers_won
from lotto_models.storage.delivery_ledger import DeliveryKind, DeliveryLedger, DeliveryState, OwedDelivery
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.workspace import Workspace
from tests.alert_receiver import AlertReceiver

STORED = 3690  # draws stored; the guesses are for 3691
PUBLIC = ["free", "silver", "gold", "platinum"]  # Lotofácil's public plans (rnd is research: never sent)


@pytest.fixture
def receiver() -> Iterator[AlertReceiver]:
    server = AlertReceiver().start()
    yield server
    server.stop()


def publish_guesses(ws: Workspace, concurso: int) -> dict[str, list[int]]:
    """Every plan of Lotofácil (the research plan too) publishes a guess for `concurso`."""
    guesses = {}
    for i, plan in enumerate(plans_of(ws.game)):
        ensemble = ws.predictions.record_ensemble(plan, {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
        guesses[plan] = list(range(1 + i, 16 + i))
        ws.predictions.publish(plan, concurso, guesses[plan], {"stat": "stat/v1"}, ensemble, "run")
    return guesses


@pytest.fixture
def published(workspace: Workspace, history: list[Draw]) -> Workspace:
    workspace.draws.seed(history[:STORED], "bundled-history")
    publish_guesses(workspace, STORED + 1)
    return workspace


def keys(messages: list[dict]) -> list[str]:
    return [m["delivery_key"] for m in messages]


def test_each_public_plan_gets_its_guess_once_and_a_second_run_sends_nothing(published, receiver) -> None:
    url = receiver.apprise_url("players")
    report = deliver_owed(published, [url], pause_s=0)
    first = list(receiver.received)
    assert keys(first) == [f"lotofacil/{plan}/3691/guess" for plan in PUBLIC]
    free = first[0]
    assert free["path"] == "/players" and free["title"] == "lotoflow: Lotofácil 3691: plan free's guess"
    assert "Lotofácil, concurso 3691, plan free: 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15" in free["message"]
    assert "averages 9.0 hits; these guesses are not expected to do better" in free["message"]
    assert free["message"].endswith("Delivery key: lotofacil/free/3691/guess")
    assert report.sent == 4 and not report.failed

    again = deliver_owed(published, [url], pause_s=0)
    assert again.sent == 0 and len(receiver.received) == 4  # nothing sent twice
    ledger = DeliveryLedger(published.engine, published.game)
    assert {(r.plan, r.state, r.attempts) for r in ledger.records()} == {(p, DeliveryState.SENT, 1) for p in PUBLIC}


def test_a_refused_send_is_retried_by_the_next_run_and_delivered_once_and_other_destinations_go_on(
    published, receiver
) -> None:
    down, up = receiver.apprise_url("down"), receiver.apprise_url("up")
    receiver.refuse_next = 1  # the first POST, to `down`, is answered 500
    report = deliver_owed(published, [down, up], pause_s=0)
    [failed] = report.failed
    assert failed.destination.endswith("/down") and failed.left == 4 and "lotofacil/free/3691/guess" in failed.failed
    assert [m["path"] for m in receiver.received] == ["/up"] * 4  # one destination down holds back no other
    ledger = DeliveryLedger(published.engine, published.game)
    [row] = ledger.records(failed.destination)
    assert (row.plan, row.state, row.attempts) == ("free", DeliveryState.FAILED, 1)

    retried = deliver_owed(published, [down, up], pause_s=0)
    to_down = [m for m in receiver.received if m["path"] == "/down"]
    assert keys(to_down) == [f"lotofacil/{plan}/3691/guess" for plan in PUBLIC]  # each once, in order
    assert retried.destinations[0].resent == ["lotofacil/free/3691/guess"] and retried.destinations[1].sent == []
    assert {(r.plan, r.state, r.attempts) for r in ledger.records(failed.destination)} == {
        ("free", DeliveryState.SENT, 2),
        *((p, DeliveryState.SENT, 1) for p in PUBLIC[1:]),
    }
    assert receiver.refused == 1


def test_hits_are_sent_once_when_the_draw_is_stored_then_the_next_guesses(published, receiver, history) -> None:
    url = receiver.apprise_url("players")
    deliver_owed(published, [url], pause_s=0)
    drawn = history[STORED]  # concurso 3691, as drawn
    published.draws.add([IncomingDraw(drawn, "caixa")])
    published.predictions.score_pending(published.draws)
    publish_guesses(published, STORED + 2)
    deliver_owed(published, [url], pause_s=0)
    deliver_owed(published, [url], pause_s=0)  # nothing is owed any more

    later = receiver.received[4:]
    assert keys(later) == [f"lotofacil/{p}/3691/hits" for p in PUBLIC] + [f"lotofacil/{p}/3692/guess" for p in PUBLIC]
    free = later[0]
    matched = sorted(set(range(1, 16)) & set(drawn.numbers))
    assert free["title"] == f"lotoflow: Lotofácil 3691: plan free hit {len(matched)}"
    assert (
        f"{len(matched)} of the 15 numbers guessed were drawn ({' '.join(f'{n:02d}' for n in matched)})"
        in (free["message"])
    )
    tier = f"Prize tier: {len(matched)} acertos" if len(matched) >= 11 else "No prize tier this time."
    assert tier in free["message"]
    assert (
        "any 15 numbers match 9.0 on average and win a prize tier (11 or more hits) in 10.6% of draws"
        in (free["message"])
    )


def test_a_new_destination_is_owed_the_newest_guesses_not_the_history(published, receiver, history) -> None:
    published.draws.add([IncomingDraw(history[STORED], "caixa")])
    published.predictions.score_pending(published.draws)  # 3691 drawn and scored, before the destination came
    publish_guesses(published, STORED + 2)
    deliver_owed(published, [receiver.apprise_url("new")], pause_s=0)
    assert keys(receiver.received) == [f"lotofacil/{p}/3692/guess" for p in PUBLIC]


def test_a_delivery_a_killed_run_left_claimed_is_sent_again_with_the_same_key(published, receiver) -> None:
    url = receiver.apprise_url("players")
    [destination] = destinations([url])
    ledger = DeliveryLedger(published.engine, published.game)
    claimed = ledger.owed(destination.id, PUBLIC)[0]
    assert ledger.claim(destination.id, claimed)  # committed pending, then the process died (sent or not)
    report = deliver_owed(published, [url], pause_s=0)
    assert keys(receiver.received) == [f"lotofacil/{p}/3691/guess" for p in PUBLIC]
    assert report.destinations[0].resent == ["lotofacil/free/3691/guess"]


def test_a_destination_is_named_without_its_secrets_and_two_alike_are_refused(published, receiver) -> None:
    token, password = "123456789:ABCdefGhIJKlmnoPQRstuVWXyz", "pa55-word"
    telegram = destinations([f"tgram://{token}/-1001234567/"])[0]
    mail = destinations([f"mailtos://player:{password}@gmail.com?to=group@example.com"])[0]
    assert telegram.id == "tgram://1...z/-1001234567/" and token not in repr(telegram)
    assert password not in mail.id and password not in repr(mail) and "group%40example.com" in mail.id
    hook = f"json://player:{password}@127.0.0.1:{receiver.port}/players?-token=t0ken"
    deliver_owed(published, [hook], pause_s=0)
    assert len(receiver.received) == 4
    [row, *_] = DeliveryLedger(published.engine, published.game).records()
    assert row.destination == f"json://***@127.0.0.1:{receiver.port}/players"
    with pytest.raises(PublishUrlError, match="entries 1 and 2 are both tgram://1...z/-1001234567/"):
        destinations([f"tgram://{token}/-1001234567/", f"tgram://1{token[1:]}/-1001234567"])


def test_the_prize_tiers_won_are_the_games_own() -> None:
    def won(game: str, hits: int, extra: int | None = None, second: int | None = None) -> list[tuple[str, int]]:
        owed = OwedDelivery(
            "basic", 3000, DeliveryKind.HITS, (), None, dt.datetime.now(dt.UTC), hits, extra, second, None, 0
        )
        return [(t.description, t.draw) for t in tiers_won(GAMES[game], owed)]

    assert won("lotofacil", 11) == [("11 acertos", 1)] and won("lotofacil", 10) == []
    assert won("maismilionaria", 6, 2) == [("6 acertos + 2 trevos", 1)] and won("maismilionaria", 2, 0) == []
    assert won("diadesorte", 4, 1) == [("4 acertos", 1), ("Mês da Sorte", 1)]
    assert won("duplasena", 2, None, 4) == [("4 acertos", 2)]  # the same numbers on the second draw
