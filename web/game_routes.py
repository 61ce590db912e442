"""The routes of one game, written once: `game_api` (plans, guesses, records, draws, models, quarantine and the
players' answers) and `game_pages` (the same as pages). Each is included twice: at today's URLs, reading
Lotofácil (`/api/v1/plans`, `/`), and under `{game}` for any game of the catalog (`/api/v1/games/megasena/plans`,
`/games/megasena/`). A route reads its game through the `Shown` its dependency gives; an unknown or
out-of-scope game is a 404 naming the known games.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from lotto_models.reporting.draw_views import DrawView, QuarantinePage
from lotto_models.reporting.model_views import ModelsView
from lotto_models.reporting.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page
from lotto_models.reporting.plan_views import LiveRecord, PlanView, PredictionView
from lotto_models.reporting.svg_charts import backtest_chart, hits_chart
from web.game_context import JsonAnswer, PageAnswer, Reading, Responses
from web.i18n import language_of
from web.page_words import PageWords
from web.players import add_player_api, add_player_pages
from web.prefect_runs import PrefectLinks

MAX_CONCURSO = 2**31 - 1  # the store's integer column
MAX_PAGE = 100_000

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="1 is the newest")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"at most {MAX_PAGE_SIZE}")]
Concurso = Annotated[int, PathParam(ge=1, le=MAX_CONCURSO)]
RangeEnd = Annotated[int | None, Query(ge=1, le=MAX_CONCURSO)]


class ErrorBody(BaseModel):
    detail: str


def game_api(json_answer: JsonAnswer, errors: Responses, not_found: Responses, *, of_game: bool = False) -> APIRouter:
    """The JSON routes of one game: Lotofácil's at today's URLs, any game's under /api/v1/games/{game} (`of_game`:
    every route may then answer 404 for the game, and its answers say so in the schema)."""
    router = APIRouter()
    missing = {**errors, **not_found}

    @router.get("/plans", response_model=list[PlanView], responses=errors if not of_game else missing, tags=["plans"])
    def list_plans(request: Request, shown: Reading) -> Response:
        """Every plan with its newest guess (for the next concurso once the after-draw run published it)."""
        return json_answer(request, shown.model.plans)

    @router.get("/plans/{plan}", response_model=PlanView, responses=missing, tags=["plans"])
    def get_plan(request: Request, plan: str, shown: Reading) -> Response:
        """One plan: its members, its guess for the next concurso, the weights, and whether it is degraded."""
        return json_answer(request, lambda: shown.model.plan(plan))

    @router.get("/plans/{plan}/predictions", response_model=Page[PredictionView], responses=missing, tags=["plans"])
    def list_predictions(
        request: Request, plan: str, shown: Reading, page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE
    ) -> Response:
        """The plan's published guesses, newest first, with the drawn numbers and hits once known."""
        return json_answer(request, lambda: shown.model.predictions(plan, page, page_size))

    @router.get("/plans/{plan}/record", response_model=LiveRecord, responses=missing, tags=["plans"])
    def get_record(request: Request, plan: str, shown: Reading) -> Response:
        """The live record: mean hits with its 95% interval and the share of 11+, against a random guess."""
        return json_answer(request, lambda: shown.model.record(plan))

    bad_query: Responses = {400: {"model": ErrorBody, "description": "the parameters contradict each other"}}

    @router.get(
        "/draws",
        response_model=Page[DrawView],
        responses={**(missing if of_game else errors), **bad_query},
        tags=["draws"],
    )
    def list_draws(
        request: Request,
        shown: Reading,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        from_concurso: RangeEnd = None,
        to_concurso: RangeEnd = None,
    ) -> Response:
        """Stored draws, newest first, optionally within `from_concurso`..`to_concurso` (inclusive)."""
        return json_answer(request, lambda: shown.model.draws(page, page_size, from_concurso, to_concurso))

    @router.get("/draws/{concurso}", response_model=DrawView, responses=missing, tags=["draws"])
    def get_draw(request: Request, concurso: Concurso, shown: Reading) -> Response:
        """One stored draw."""
        return json_answer(request, lambda: shown.model.draw(concurso))

    @router.get("/models", response_model=ModelsView, responses=missing if of_game else errors, tags=["models"])
    def list_models(request: Request, shown: Reading) -> Response:
        """Champion and previous versions, holdout metrics against chance, health and the last decision."""
        return json_answer(request, shown.model.models)

    @router.get("/quarantine", response_model=QuarantinePage, responses=missing if of_game else errors, tags=["draws"])
    def list_quarantine(
        request: Request, shown: Reading, page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE
    ) -> Response:
        """Rejected payloads and conflicting copies of stored draws, with the reason and each entry's status and
        decision (held, accepted, discarded), newest first; `held` counts those awaiting a decision."""
        return json_answer(request, lambda: shown.model.quarantine(page, page_size))

    add_player_api(router, json_answer, missing if of_game else errors)
    return router


def game_pages(page_answer: PageAnswer, links: PrefectLinks) -> APIRouter:
    """The pages of one game: Lotofácil's at today's URLs, any game's under /games/{game}."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request, shown: Reading) -> HTMLResponse:
        def context() -> dict[str, Any]:
            model, chance = shown.model, shown.baseline
            plans = model.home()
            words = PageWords(language_of(request.scope)).charts
            charts = {
                p.plan.plan: hits_chart(p.recent_scores, chance, links.run_url, shown.game, words=words) for p in plans
            }
            return {**shown.page_context(), "plans": plans, "charts": charts, "store": model.store_health()}

        return page_answer(request, "home.html", context)

    @router.get("/models", response_class=HTMLResponse)
    def models_page(request: Request, shown: Reading) -> HTMLResponse:
        def context() -> dict[str, Any]:
            view = shown.model.models()
            words = PageWords(language_of(request.scope)).charts
            chart = backtest_chart(view.models, view.random_hits_pmf, shown.game, words=words)
            return {**shown.page_context(), "view": view, "chart": chart}

        return page_answer(request, "models.html", context)

    @router.get("/draws", response_class=HTMLResponse)
    def draws_page(request: Request, shown: Reading, page: PageNumber = 1) -> HTMLResponse:
        def context() -> dict[str, Any]:
            view = shown.model.draws_page(page)
            return {
                **shown.page_context(),
                "draws": view.draws,
                "quarantine": view.quarantine,
                "ingests": view.ingests,
            }

        return page_answer(request, "draws.html", context)

    add_player_pages(router, page_answer)
    return router
