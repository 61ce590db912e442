"""The players' pages and API: the numbers against chance, tests of the draws, what a bet costs and can win,
and a ticket checked against every stored draw, of the game each request reads (`web.game_context.Reading`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response

from lotto_models.core.digits import ascii_digits
from lotto_models.core.games import Game
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
from web.game_context import JsonAnswer, PageAnswer, Reading, Responses

TicketNumbers = Annotated[
    str, Query(description="the ticket's numbers, comma-separated (e.g. 1,2,3,...)", max_length=200)
]


def parse_ticket(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(ascii_digits(p) and len(p) <= 3 for p in parts):
        raise InvalidTicketError(f"numbers must be whole numbers separated by commas, got {text[:60]!r}")
    return [int(p) for p in parts]


def valid_ticket(game: Game, text: str) -> list[int]:
    """The ticket's numbers, or the 422 that names what is wrong with them for `game` (as any invalid query)."""
    try:
        ticket = parse_ticket(text)
        check_view(game, ticket, [])  # judges the numbers before any draw is read
    except InvalidTicketError as error:
        raise RequestValidationError(
            [{"loc": ("query", "numbers"), "msg": str(error), "type": "value_error"}]
        ) from error
    return ticket


def add_player_api(router: APIRouter, json_answer: JsonAnswer, errors: Responses) -> None:
    invalid: Responses = {422: {"description": "the numbers are not a valid bet: the answer names the problem"}}

    @router.get("/numbers", response_model=NumbersView, responses=errors, tags=["players"])
    def get_numbers(request: Request, shown: Reading) -> Response:
        """Each number's frequency (all-time and recent) and delay (current and longest), with the band chance
        gives it: inside or outside, never 'hot' or 'cold' by eye."""
        return json_answer(request, lambda: numbers_view(shown.game, shown.model.stored_numbers()))

    @router.get("/randomness", response_model=RandomnessView, responses=errors, tags=["players"])
    def get_randomness(request: Request, shown: Reading) -> Response:
        """Tests of the stored draws against a fair draw, Holm-corrected: frequencies, overlap with the
        previous draw, runs."""
        return json_answer(request, lambda: randomness_view(shown.game, shown.model.stored_numbers()))

    @router.get("/bets", response_model=BetsView, responses=errors, tags=["players"])
    def get_bets(request: Request, shown: Reading) -> Response:
        """Each bet size: the official price and the exact chance of each prize tier and of any prize; and each
        shown plan's newest guess at every bet size (its next-ranked numbers), with the same figures."""
        return json_answer(request, lambda: bets_view(shown.game, shown.model.guess_bets()))

    @router.get("/check", response_model=CheckView, responses={**errors, **invalid}, tags=["players"])
    def get_check(request: Request, numbers: TicketNumbers, shown: Reading) -> Response:
        """A ticket's numbers against every stored draw: hits per draw and prize tiers, against chance."""
        ticket = valid_ticket(shown.game, numbers)
        return json_answer(request, lambda: check_view(shown.game, ticket, shown.model.stored_numbers()))


def add_player_pages(router: APIRouter, page_answer: PageAnswer) -> None:
    @router.get("/plans/{plan}", response_class=HTMLResponse)
    def plan_page(request: Request, plan: str, shown: Reading, page: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse:
        """A plan's published guesses, newest first, the drawn numbers marked, and its running record."""
        model = shown.model

        def context() -> dict[str, Any]:
            return {
                **shown.page_context(),
                "plan": model.plan(plan),
                "record": model.record(plan),
                "predictions": model.predictions(plan, page, 50),
            }

        model.check_plan(plan)
        return page_answer(request, "plan.html", context)

    @router.get("/numbers", response_class=HTMLResponse)
    def numbers_page(request: Request, shown: Reading) -> HTMLResponse:
        def context() -> dict[str, Any]:
            draws = shown.model.stored_numbers()
            return {
                **shown.page_context(),
                "view": numbers_view(shown.game, draws),
                "tests": randomness_view(shown.game, draws),
            }

        return page_answer(request, "numbers.html", context)

    @router.get("/bets", response_class=HTMLResponse)
    def bets_page(request: Request, shown: Reading) -> HTMLResponse:
        def context() -> dict[str, Any]:
            return {**shown.page_context(), "view": bets_view(shown.game, shown.model.guess_bets())}

        return page_answer(request, "bets.html", context)

    @router.get("/check", response_class=HTMLResponse)
    def check_page(request: Request, shown: Reading, numbers: str = "") -> HTMLResponse:
        ticket = valid_ticket(shown.game, numbers) if numbers else None
        model = shown.model

        def context() -> dict[str, Any]:
            view = check_view(shown.game, ticket, model.stored_numbers()) if ticket else None
            return {**shown.page_context(), "view": view, "numbers": numbers}

        return page_answer(request, "check.html", context)
