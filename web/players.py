"""The players' pages and API: the numbers against chance, tests of the draws, what a bet costs and can win,
and a ticket checked against every stored draw (Lotofácil, the game the store holds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from lotto_models.core.games import GAMES
from lotto_models.reporting.bets import InvalidTicketError
from lotto_models.reporting.player_views import (
    BetsView,
    CheckView,
    NumbersView,
    RandomnessView,
    bets_view,
    check_view,
    numbers_view,
    randomness_view,
)
from lotto_models.reporting.read_model import ReadModel

GAME = GAMES["lotofacil"]
TicketNumbers = Annotated[
    str, Query(description="the ticket's numbers, comma-separated (e.g. 1,2,3,...)", max_length=200)
]


def parse_ticket(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and len(p) <= 3 for p in parts):
        raise InvalidTicketError(f"numbers must be whole numbers separated by commas, got {text[:60]!r}")
    return [int(p) for p in parts]


def valid_ticket(text: str) -> list[int]:
    """The ticket's numbers, or the 422 that names what is wrong with them (as any invalid query)."""
    try:
        ticket = parse_ticket(text)
        check_view(GAME, ticket, [])  # judges the numbers before any draw is read
    except InvalidTicketError as error:
        raise RequestValidationError(
            [{"loc": ("query", "numbers"), "msg": str(error), "type": "value_error"}]
        ) from error
    return ticket


def add_player_routes(
    app: FastAPI,
    read_model: ReadModel,
    json_answer: Callable[[Request, Callable[[], BaseModel]], Response],
    page_answer: Callable[[Request, str, Callable[[], dict[str, Any]]], HTMLResponse],
    errors: dict[int | str, dict[str, Any]],
) -> None:
    def draws() -> list[list[int]]:
        return read_model.stored_numbers()

    invalid: dict[int | str, dict[str, Any]] = {
        422: {"description": "the numbers are not a valid bet: the answer names the problem"}
    }

    @app.get("/api/v1/numbers", response_model=NumbersView, responses=errors, tags=["players"])
    def get_numbers(request: Request) -> Response:
        """Each number's frequency (all-time and recent) and delay (current and longest), with the band chance
        gives it: inside or outside, never 'hot' or 'cold' by eye."""
        return json_answer(request, lambda: numbers_view(GAME, draws()))

    @app.get("/api/v1/randomness", response_model=RandomnessView, responses=errors, tags=["players"])
    def get_randomness(request: Request) -> Response:
        """Tests of the stored draws against a fair draw, Holm-corrected: frequencies, overlap with the
        previous draw, runs."""
        return json_answer(request, lambda: randomness_view(GAME, draws()))

    @app.get("/api/v1/bets", response_model=BetsView, responses=errors, tags=["players"])
    def get_bets(request: Request) -> Response:
        """Each bet size: the official price and the exact chance of each prize tier and of any prize."""
        return json_answer(request, lambda: bets_view(GAME))

    @app.get("/api/v1/check", response_model=CheckView, responses={**errors, **invalid}, tags=["players"])
    def get_check(request: Request, numbers: TicketNumbers) -> Response:
        """A ticket's numbers against every stored draw: hits per draw and prize tiers, against chance."""
        ticket = valid_ticket(numbers)
        return json_answer(request, lambda: check_view(GAME, ticket, draws()))

    @app.get("/plans/{plan}", response_class=HTMLResponse, include_in_schema=False)
    def plan_page(request: Request, plan: str, page: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse:
        """A plan's published guesses, newest first, the drawn numbers marked, and its running record."""

        def context() -> dict[str, Any]:
            return {
                "plan": read_model.plan(plan),
                "record": read_model.record(plan),
                "predictions": read_model.predictions(plan, page, 50),
            }

        read_model.check_plan(plan)
        return page_answer(request, "plan.html", context)

    @app.get("/numbers", response_class=HTMLResponse, include_in_schema=False)
    def numbers_page(request: Request) -> HTMLResponse:
        return page_answer(
            request,
            "numbers.html",
            lambda: {"view": numbers_view(GAME, draws()), "tests": randomness_view(GAME, draws())},
        )

    @app.get("/bets", response_class=HTMLResponse, include_in_schema=False)
    def bets_page(request: Request) -> HTMLResponse:
        return page_answer(request, "bets.html", lambda: {"view": bets_view(GAME)})

    @app.get("/check", response_class=HTMLResponse, include_in_schema=False)
    def check_page(request: Request, numbers: str = "") -> HTMLResponse:
        ticket = valid_ticket(numbers) if numbers else None
        return page_answer(
            request,
            "check.html",
            lambda: {"view": check_view(GAME, ticket, draws()) if ticket else None, "numbers": numbers},
        )
