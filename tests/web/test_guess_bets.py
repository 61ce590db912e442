"""Each plan's guess at every bet size, as a player sees it on `/bets`, `/api/v1/bets` and another game's
`/games/{game}/bets`, over a real store (SQLite, and PostgreSQL with LOTTO_TEST_DATABASE_URL) and the real app."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from deployments.loopback.filled_store import STORED, Filled
from lotto_models.core.games import game
from lotto_models.storage.ranked_guesses import newest_ranked_guesses
from lotto_models.workspace import open_workspace
from tests.web.conftest import UI
from web.app import create_app
from web.prefect_runs import PrefectLinks


def test_the_free_guess_is_offered_at_every_size_with_the_numbers_ranked_next(
    client: TestClient, filled: Filled
) -> None:
    view = client.get("/api/v1/bets").json()
    free = next(g for g in view["guesses"] if g["plan"] == "free")
    published = client.get("/api/v1/plans/free").json()["guess"]["numbers"]
    assert free["concurso"] == STORED + 1 and free["published"] == published and free["ranked"]
    bets = {b["size"]: b for b in free["bets"]}
    assert list(bets) == list(range(15, 21))
    [stored] = [g for g in newest_ranked_guesses(filled.ws.engine, filled.ws.game) if g.plan == "free"]
    assert stored.ranking is not None
    next_two = list(stored.ranking[15:17])
    assert bets[15]["numbers"] == published and bets[17]["added"] == next_two
    assert bets[17]["numbers"] == sorted(published + next_two)
    table = {b["numbers"]: b for b in view["bets"]}  # the odds of any bet of that size
    for size, bet in bets.items():
        assert (bet["price"], bet["tiers"], bet["any_prize"]) == (
            table[size]["price"],
            table[size]["tiers"],
            table[size]["any_prize"],
        )
    assert "costs the same and wins with the same odds as any other numbers of that size" in view["guesses_words"]


def test_a_guess_stored_before_rankings_shows_only_its_published_size_and_why(client: TestClient) -> None:
    gold = next(g for g in client.get("/api/v1/bets").json()["guesses"] if g["plan"] == "gold")
    assert not gold["ranked"] and [b["size"] for b in gold["bets"]] == [15]
    assert gold["bets"][0]["numbers"] == gold["published"] and gold["bets"][0]["price"] == "3.50"
    page = client.get("/bets").text
    assert 'id="guess-free-20"' in page and 'id="guess-gold-15"' in page and 'id="guess-gold-16"' not in page
    assert "stored before rankings were kept with guesses, so only its 15 published numbers are known" in page
    assert "costs the same and wins with the same odds as any other numbers of that size" in page
    assert 'class="added"' in page  # the next-ranked numbers are marked


def test_the_bets_page_says_it_in_portuguese(client: TestClient) -> None:
    page = client.get("/bets", headers={"Accept-Language": "pt-BR"}).text
    assert "O palpite de cada plano em cada tamanho de aposta" in page
    assert "custa o mesmo e ganha com as mesmas chances que quaisquer outros números desse tamanho" in page
    assert "só se conhecem os seus 15 números publicados" in page


def test_the_research_guess_is_offered_only_where_an_operator_shows_research(filled: Filled) -> None:
    ws = filled.ws
    build = ws.predictions.record_ensemble("rnd", {"ls17": "ls17/v1"}, {"ls17": 1.0}, False, None)
    ws.predictions.publish("rnd", STORED + 1, list(range(1, 16)), {"ls17": "ls17/v1"}, build, ranking=range(1, 26))
    for show, plans in ((False, ["free", "gold"]), (True, ["free", "gold", "rnd"])):
        settings = ws.settings.model_copy(update={"web_show_research": show})
        with TestClient(create_app(settings, PrefectLinks(ui_url=UI, api_url=None))) as client:
            assert [g["plan"] for g in client.get("/api/v1/bets").json()["guesses"]] == plans
            assert ('id="guess-rnd"' in client.get("/bets").text) is show


@pytest.mark.parametrize("name", ["megasena", "maismilionaria"])
def test_another_games_guess_is_offered_at_its_own_sizes_and_prices(filled: Filled, name: str) -> None:
    other = open_workspace(filled.ws.settings, game=game(name))
    pool = list(range(1, 51 if name == "maismilionaria" else 61))
    ranking = [*pool[::-1]]  # 60 (or 50) first
    extras = {"trevos": [1, 6]} if name == "maismilionaria" else None
    build = other.predictions.record_ensemble("basic", {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
    other.predictions.publish("basic", 100, sorted(ranking[:6]), {"stat": "stat/v1"}, build, None, extras, ranking)
    with TestClient(create_app(filled.ws.settings, PrefectLinks(ui_url=UI, api_url=None))) as client:
        [basic] = client.get(f"/api/v1/games/{name}/bets").json()["guesses"]
        bets = {b["size"]: b for b in basic["bets"]}
        top = pool[-1]
        assert basic["published"] == list(range(top - 5, top + 1)) and bets[7]["added"] == [top - 6]
        assert Decimal(bets[7]["price"]) == Decimal("42.00")  # 7 numbers cover C(7, 6) = 7 bets of R$ 6.00
        assert basic["trevos"] == (extras or {}).get("trevos", [])
        page = client.get(f"/games/{name}/bets", headers={"Accept-Language": "en"}).text
        assert f'id="guess-basic-{max(bets)}"' in page
        if name == "maismilionaria":
            assert bets[6]["tiers"][0]["description"] == "6 acertos + 2 trevos" and "trevos 1, 6" in page
