"""Every game of the catalog on the web: `/api/v1/games`, the routes under `/api/v1/games/{game}` and the pages
under `/games/{game}/`, on a store holding Lotofácil (filled) and three Mega-Sena draws."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from deployments.loopback.filled_store import STORED, Filled
from lotto_models.core.games import GAMES
from tests.web.conftest import MEGASENA_DRAWS
from tests.web.lotofacil_answers import ROUTES, answers

pytestmark = pytest.mark.slow  # a filled store of two games, every page and route of each


def test_games_lists_every_game_of_the_catalog_with_its_numbers_bet_and_baseline(games_client: TestClient) -> None:
    games = {g["game"]: g for g in games_client.get("/api/v1/games").json()}
    assert list(games) == list(GAMES)
    megasena, lotomania = games["megasena"], games["lotomania"]
    assert (megasena["name"], megasena["numbers_drawn"], megasena["pool"], megasena["default_bet"]) == (
        "Mega-Sena",
        6,
        60,
        6,
    )
    assert megasena["random_mean_hits"] == pytest.approx(0.6)
    assert games["lotofacil"]["random_mean_hits"] == pytest.approx(9.0)
    assert (lotomania["pool"], lotomania["lowest"], lotomania["default_bet"]) == (100, 0, 50)
    assert lotomania["random_mean_hits"] == pytest.approx(10.0)


def test_games_counts_the_draws_stored_of_each_game_and_its_newest_concurso(games_client: TestClient) -> None:
    games = {g["game"]: g for g in games_client.get("/api/v1/games").json()}
    assert (games["lotofacil"]["draws_stored"], games["lotofacil"]["newest_concurso"]) == (STORED, STORED)
    assert (games["megasena"]["draws_stored"], games["megasena"]["newest_concurso"]) == (3, 2956)
    assert (games["quina"]["draws_stored"], games["quina"]["newest_concurso"]) == (0, None)


def test_games_names_plans_only_for_a_game_with_a_stored_guess(games_client: TestClient) -> None:
    games = {g["game"]: g for g in games_client.get("/api/v1/games").json()}
    assert games["lotofacil"]["plans"] == ["free", "silver", "gold", "platinum"]
    assert games["megasena"]["plans"] == []


def test_megasena_draws_are_its_own_six_number_draws_newest_first(games_client: TestClient) -> None:
    page = games_client.get("/api/v1/games/megasena/draws").json()
    assert page["total"] == 3
    assert [(d["concurso"], d["numbers"]) for d in page["items"]] == [
        (d.concurso, list(d.numbers)) for d in reversed(MEGASENA_DRAWS)
    ]
    one = games_client.get("/api/v1/games/megasena/draws/2955").json()
    assert one["numbers"] == [7, 19, 23, 38, 44, 60]


def test_a_concurso_stored_only_for_lotofacil_is_not_found_for_megasena(games_client: TestClient) -> None:
    answer = games_client.get(f"/api/v1/games/megasena/draws/{STORED}")
    assert answer.status_code == 404
    assert "stored concursos run from 2954 to 2956" in answer.json()["detail"]


def test_the_lotofacil_routes_under_games_answer_as_todays_routes(games_client: TestClient) -> None:
    for route in ("/plans", "/plans/free/record", "/draws/3690", "/models", "/numbers", "/bets"):
        today = games_client.get(f"/api/v1{route}")
        assert games_client.get(f"/api/v1/games/lotofacil{route}").content == today.content, route


def test_todays_lotofacil_routes_answer_as_recorded_with_megasena_draws_in_the_store(
    games_client: TestClient,
) -> None:
    import json

    from tests.web.lotofacil_answers import GOLDEN

    recorded = json.loads(GOLDEN.read_text())
    now = answers(games_client)
    assert {route: now[route] for route in ROUTES} == recorded


def test_megasena_plans_are_its_own_with_no_guess_yet(games_client: TestClient) -> None:
    plans = games_client.get("/api/v1/games/megasena/plans").json()
    assert [(p["plan"], p["guess"], p["next_concurso"]) for p in plans] == [
        ("basic", None, 2957),
        ("full", None, 2957),
    ]
    assert games_client.get("/api/v1/games/megasena/plans/gold").status_code == 404


def test_megasena_record_and_models_quote_its_own_chance(games_client: TestClient) -> None:
    record = games_client.get("/api/v1/games/megasena/plans/basic/record").json()
    assert record["scored"] == 0
    assert record["baseline"]["mean_hits"] == pytest.approx(0.6)
    assert "0.6 hits" in record["baseline"]["honest_note"] and "9.0" not in record["baseline"]["honest_note"]
    models = games_client.get("/api/v1/games/megasena/models").json()
    assert len(models["random_hits_pmf"]) == 7  # 0..6 hits
    assert "rnd" not in {m["model"] for m in models["models"]} and "ls17" not in {m["model"] for m in models["models"]}


@pytest.mark.parametrize("name", ["supersete", "nope", "Mega-Sena"])
def test_an_unknown_game_is_a_json_404_naming_the_known_games(games_client: TestClient, name: str) -> None:
    answer = games_client.get(f"/api/v1/games/{name}/draws")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"
    assert ", ".join(GAMES) in answer.json()["detail"]


def test_an_out_of_scope_game_says_why(games_client: TestClient) -> None:
    detail = games_client.get("/api/v1/games/loteca/plans").json()["detail"]
    assert "out of lotoflow's scope" in detail and "football" in detail


def test_an_unknown_game_page_is_an_html_404(games_client: TestClient) -> None:
    page = games_client.get("/games/nope/")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "known games: lotofacil" in page.text


def quotes_lotofacils_mean(html: str) -> bool:
    """Whether the page's text (not its markup or chart coordinates) says 9.0 anywhere."""
    return re.search(r"(?<![\d.])9\.0(?!\d)", re.sub(r"<[^>]*>", " ", html)) is not None


def banner(html: str) -> str:
    found = re.search(r'<aside class="honest" id="honest-note">(.*?)</aside>', html, re.S)
    assert found is not None
    return found.group(1)


def test_the_megasena_page_shows_its_own_baseline_never_lotofacils(games_client: TestClient) -> None:
    page = games_client.get("/games/megasena/")
    assert page.status_code == 200
    assert "match 0.6 of them on average" in banner(page.text)
    assert not quotes_lotofacils_mean(page.text) and "15 of the 25" not in page.text
    assert "averages 0.6 hits" in page.text  # the footer's honest note


@pytest.mark.parametrize("path", ["/", "/models", "/draws", "/numbers", "/bets", "/check", "/plans/basic"])
def test_every_megasena_page_answers_with_its_figures_and_not_lotofacils(games_client: TestClient, path: str) -> None:
    page = games_client.get(f"/games/megasena{path}")
    assert page.status_code == 200, page.text[-500:]
    assert "Mega-Sena" in page.text and not quotes_lotofacils_mean(page.text)


def test_a_game_with_nothing_stored_says_how_to_import_its_history(games_client: TestClient) -> None:
    page = games_client.get("/games/quina/").text
    assert "No draws stored yet: import its history with <code>lotto import-history --game quina FILE</code>" in page
    draws = games_client.get("/games/quina/draws").text
    assert "lotto import-history --game quina FILE" in draws


@pytest.mark.parametrize("path", ["/", "/models", "/draws", "/numbers", "/bets", "/check", "/check?numbers=1,2,3,4,5"])
def test_every_page_of_a_game_with_nothing_stored_answers(games_client: TestClient, path: str) -> None:
    assert games_client.get(f"/games/quina{path}").status_code == 200


def test_the_randomness_of_too_few_draws_is_not_tested_and_says_how_many_are_needed(
    games_client: TestClient,
) -> None:
    answer = games_client.get("/api/v1/games/megasena/randomness").json()
    assert answer["tests"] == [] and answer["draws"] == 3
    assert "at least 30" in answer["words"]


def test_every_page_has_a_switcher_to_every_game_marking_the_one_shown(games_client: TestClient) -> None:
    for path in ("/", "/draws", "/games/megasena/", "/games/megasena/models", "/games/nope/"):
        page = games_client.get(path).text
        links = re.findall(r'<a href="/games/(\w+)/" data-game="\w+"( aria-current="page")?>', page)
        assert [name for name, _ in links] == list(GAMES), path
    current = re.findall(r'data-game="(\w+)" aria-current="page"', games_client.get("/games/megasena/").text)
    assert current == ["megasena"]


def test_megasena_pages_link_to_megasena_pages(games_client: TestClient) -> None:
    page = games_client.get("/games/megasena/").text
    assert 'href="/games/megasena/draws"' in page and 'href="/games/megasena/plans/basic"' in page
    assert 'href="/draws"' not in page


def test_todays_page_urls_still_show_lotofacil(games_client: TestClient) -> None:
    page = games_client.get("/").text
    assert "Lotofácil" in page and "match 9.0 of them on average" in banner(page)
    assert re.findall(r'data-game="(\w+)" aria-current="page"', page) == ["lotofacil"]


def test_a_megasena_ticket_is_checked_against_megasena_draws(games_client: TestClient) -> None:
    check = games_client.get("/api/v1/games/megasena/check?numbers=4,5,30,33,41,52").json()
    assert check["game"] == "Mega-Sena" and check["draws"] == 3
    refused = games_client.get("/api/v1/games/megasena/check?numbers=1,2,3")
    assert refused.status_code == 422


def test_the_schema_lists_every_games_route_beside_todays(filled: Filled, client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    today = {p for p in paths if p.startswith("/api/v1/") and not p.startswith("/api/v1/games")}
    per_game = {"/api/v1/games/{game}" + p.removeprefix("/api/v1") for p in today}
    assert per_game <= paths and "/api/v1/games" in paths


def test_a_games_health_names_its_own_newest_draw_judged_by_its_own_calendar(games_client: TestClient) -> None:
    megasena = games_client.get("/api/v1/games/megasena/health")
    lotofacil = games_client.get("/api/v1/health").json()
    assert megasena.status_code == 200
    store = megasena.json()["store"]
    assert (store["draws"], store["last_concurso"]) == (3, 2956)
    assert store["stale"] and "Mega-Sena draw" in store["stale_reason"]  # its draws are from 2025
    assert lotofacil["store"]["last_concurso"] == STORED and "Mega-Sena" not in (
        lotofacil["store"]["stale_reason"] or ""
    )
    assert games_client.get("/api/v1/games/quina/health").json()["store"]["draws"] == 0
