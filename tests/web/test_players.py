"""The players' pages and API over a real store: numbers with their chance bands, tests of the draws, bet
odds and prices, and a ticket check that names what is wrong with bad numbers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from deployments.loopback.filled_store import STORED, Filled


def test_every_number_comes_with_the_band_chance_gives_it(client: TestClient) -> None:
    view = client.get("/api/v1/numbers").json()
    assert view["draws"] == STORED and len(view["numbers"]) == 25 and view["probability"] == pytest.approx(0.6)
    one = view["numbers"][0]
    assert one["number"] == 1 and one["count"]["low"] < STORED * 0.6 < one["count"]["high"]
    assert one["count"]["inside"] == (one["count"]["low"] <= one["count"]["value"] <= one["count"]["high"])
    assert view["outside"] == [
        n["number"]
        for n in view["numbers"]
        if not all(n[k]["inside"] for k in ("count", "recent_count", "delay", "longest_delay"))
    ]
    assert "not due, hot or cold" in view["words"]


def test_the_draws_are_tested_against_a_fair_draw_with_holms_correction(client: TestClient) -> None:
    view = client.get("/api/v1/randomness").json()
    assert [t["name"] for t in view["tests"]] == [
        "number frequencies",
        "overlap with the previous draw",
        "runs of high and low sums",
    ]
    assert all(t["holm_p_value"] >= t["p_value"] for t in view["tests"])
    assert view["outside_chance"] == any(t["outside_chance"] for t in view["tests"])


def test_each_bet_size_has_its_price_and_exact_odds(client: TestClient) -> None:
    view = client.get("/api/v1/bets").json()
    bets = {b["numbers"]: b for b in view["bets"]}
    assert list(bets) == list(range(15, 21))
    assert bets[15]["price"] == "3.50" and "as of" in view["price_source"]
    fifteen = {t["hits"]: t for t in bets[15]["tiers"]}
    assert fifteen[15]["one_in"] == pytest.approx(3_268_760) and bets[15]["any_prize"] == pytest.approx(
        0.1059, abs=1e-4
    )
    page = client.get("/bets").text
    assert "1 in 3,268,760" in page and "R$ 3.50" in page


def test_a_ticket_is_checked_against_every_stored_draw(client: TestClient, filled: Filled) -> None:
    numbers = list(range(1, 16))
    view = client.get("/api/v1/check", params={"numbers": ",".join(map(str, numbers))}).json()
    direct = [len(set(numbers) & set(d.numbers)) for d in filled.history[:STORED]]
    assert view["draws"] == STORED and view["hits_histogram"][11] == direct.count(11)
    assert view["expected_mean_hits"] == 9.0
    assert (
        "Past draws say nothing about the next one"
        in client.get("/check", params={"numbers": "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"}).text
    )


@pytest.mark.parametrize(
    ("numbers", "problem"),
    [
        ("1,2,3", "3 numbers given; a Lotofácil bet has 15 to 20"),
        ("1,2,3,4,5,6,7,8,9,10,11,12,13,14,26", "outside 1..25: [26]"),
        ("1,2,3,4,5,6,7,8,9,10,11,12,13,14,14", "repeated: [14]"),
        ("1,two,3", "numbers must be whole numbers separated by commas"),
        ("²", "numbers must be whole numbers separated by commas"),  # a digit to str.isdigit, not to int
    ],
)
def test_bad_numbers_are_a_422_naming_the_problem(client: TestClient, numbers: str, problem: str) -> None:
    answer = client.get("/api/v1/check", params={"numbers": numbers})
    assert answer.status_code == 422 and problem in answer.json()["detail"]
    page = client.get("/check", params={"numbers": numbers})
    assert page.status_code == 422 and problem in page.text


def test_the_players_pages_render(client: TestClient) -> None:
    numbers = client.get("/numbers")
    assert numbers.status_code == 200 and 'id="number-25"' in numbers.text and "Are the draws fair?" in numbers.text
    assert client.get("/check").status_code == 200


def test_a_plans_page_lists_its_past_guesses_with_the_hits_marked(client: TestClient, filled: Filled) -> None:
    page = client.get("/plans/free")
    assert page.status_code == 200
    drawn = filled.history[STORED - 1]
    guess = filled.ws.predictions.published_for("free", STORED)
    row = page.text.split(f'id="guess-{STORED}"')[1].split("</tr>")[0]
    for number in guess.numbers:
        marked = f'<li class="hit">{number:02d}</li>' in row
        assert marked == (number in drawn.numbers)
    assert 'id="guess-3691"' in page.text and "not drawn yet" in page.text
    assert client.get("/plans/rnd").status_code == 404  # research: not public
    assert '<a href="/plans/free">every past guess</a>' in client.get("/").text
