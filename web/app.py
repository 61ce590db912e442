"""The read-only web service: a JSON API under `/api/v1` and server-rendered pages, for every game of the
catalog: today's URLs read Lotofácil, `/api/v1/games/{game}/...` and `/games/{game}/...` any game (the routes
are written once, in `web.game_routes`), and `/api/v1/games` lists them all.

Every figure comes from `lotto_models.reporting.read_model` (the stores' readers mapped to views); this
module only routes, caches and renders. Answers are cached in memory per URL and served again while the
store's change token (one cheap query, asked by a background thread every `LOTTO_WEB_CACHE_TTL_S`) is
unchanged, so a burst of readers costs one build per change of the store and no request waits on the token.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from lotto_models.core.errors import StoreUnavailableError
from lotto_models.core.games import GAMES
from lotto_models.core.lifeline import end_with_parent
from lotto_models.core.settings import Settings, get_settings
from lotto_models.reporting.draw_views import StoreHealth
from lotto_models.reporting.game_views import GameView
from lotto_models.reporting.paging import InvalidQueryError
from lotto_models.reporting.plan_views import baseline
from lotto_models.reporting.read_model import NotFoundError, ReadModel
from web.game_context import Reading, Shown, known_game
from web.game_routes import ErrorBody, game_api, game_pages
from web.i18n import N_, Language, LanguageChoice, language_of
from web.page_templates import page_templates
from web.prefect_runs import PrefectLinks, PrefectStatus
from web.security_headers import SecurityHeaders

HERE = Path(__file__).parent
CACHE_ENTRIES = 1024
JSON = "application/json"
HTML = "text/html; charset=utf-8"


class ValidationErrorBody(BaseModel):
    detail: str
    errors: list[dict[str, Any]]


class Health(BaseModel):
    ok: bool
    store: StoreHealth
    prefect: PrefectStatus


ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationErrorBody, "description": "a parameter is malformed or out of range"},
    503: {"model": ErrorBody, "description": "the store cannot be read"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "no such plan or concurso"}}
GAME_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "model": ErrorBody,
        "description": "no such game, plan or concurso (an unknown game's answer names the known)",
    }
}


class ResponseCache:
    """Rendered answers by key, valid while the store's change token is the one they were built under.

    A background thread asks for the token (one cheap query) every `token_ttl_s` seconds, so no request
    waits for it and an answer lags a change of the store by at most about that long. With a TTL of 0
    every request asks the store instead, and nothing is served without asking.
    """

    def __init__(self, read_model: ReadModel, token_ttl_s: float, entries: int = CACHE_ENTRIES) -> None:
        self.read_model = read_model
        self.token_ttl_s = token_ttl_s
        self.entries = entries
        self._items: OrderedDict[str, tuple[tuple, bytes, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._token: tuple | None = None
        self._token_at = -math.inf
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None

    def start(self) -> None:
        if self.token_ttl_s > 0 and self._refresher is None:
            self._stop.clear()
            self._refresher = threading.Thread(target=self._refresh, name="store-change-token", daemon=True)
            self._refresher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._refresher is not None:
            self._refresher.join(timeout=5)
            self._refresher = None

    def _refresh(self) -> None:
        while not self._stop.wait(self.token_ttl_s):
            try:
                self._token, self._token_at = self.read_model.change_token(), time.monotonic()
            except StoreUnavailableError:
                self._token = None  # requests go to the routes, which answer 503 naming the problem

    def token(self) -> tuple:
        if self.token_ttl_s <= 0 or self._token is None or not self._current():
            self._token, self._token_at = self.read_model.change_token(), time.monotonic()
        return self._token

    def _current(self) -> bool:
        """The refresher asked recently (it may be stuck behind a slow store: then the routes ask)."""
        return time.monotonic() - self._token_at < 3 * self.token_ttl_s + 1

    def fresh(self, key: str) -> tuple[bytes, str] | None:
        """The cached answer for `key` when it was built under the current token (no store query)."""
        token = self._token
        if self.token_ttl_s <= 0 or token is None or not self._current():
            return None
        found = self._items.get(key)
        if found is None or found[0] != token:
            return None
        return found[1], found[2]

    def get(self, key: str, media_type: str, build: Callable[[], bytes]) -> bytes:
        token = self.token()
        with self._lock:
            found = self._items.get(key)
            if found is not None and found[0] == token:
                self._items.move_to_end(key)
                return found[1]
        body = build()
        with self._lock:
            self._items[key] = (token, body, media_type)
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
        return body


def answer_key(path: str, query: str, language: Language | None) -> str:
    """A cached answer's key: its URL, and for a page the language it is written in."""
    return f"{path}?{query}" if language is None else f"{path}?{query}#{language.value}"


class CachedAnswers:
    """ASGI middleware answering a GET straight from the cache while it is fresh (skips routing entirely)."""

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            query = scope["query_string"].decode("latin-1")
            language = None if scope["path"].startswith("/api/") else language_of(scope)
            found = self.cache.fresh(answer_key(scope["path"], query, language))
            if found is not None:
                body, media_type = found
                headers = [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None, links: PrefectLinks | None = None) -> FastAPI:
    """The web service over the store `settings` name (the environment's by default). In a worker process
    of `lotto web`, it ends when `lotto web` ends, however that ends."""
    end_with_parent()
    settings = settings or get_settings()
    read_model = ReadModel(settings)
    links = links or PrefectLinks()
    cache = ResponseCache(read_model, settings.web_cache_ttl_s)
    templates = {language: page_templates(language, links.run_url) for language in Language}

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        cache.start()
        yield
        cache.stop()
        read_model.close()

    # FastAPIOffline: the same FastAPI app, with /docs and /redoc served from files in the wheel, not a CDN
    app = FastAPIOffline(
        lifespan=lifespan,
        title="lotoflow",
        version="1",
        summary="Each plan's guess for the next Lotofácil concurso and its live record, against chance.",
        description=baseline().what_random_means,
    )
    app.state.read_model = read_model
    app.state.cache = cache
    app.add_middleware(CachedAnswers, cache=cache)
    app.add_middleware(LanguageChoice)  # outside the cache: a cached page is looked up in the reader's language
    app.add_middleware(SecurityHeaders)  # added last, so outermost: cached answers get the headers too
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def json_answer(request: Request, build: Callable[[], BaseModel | Sequence[BaseModel]]) -> Response:
        def render() -> bytes:
            value = build()
            if not isinstance(value, BaseModel):
                return b"[" + b",".join(item.model_dump_json().encode() for item in value) + b"]"
            return value.model_dump_json().encode()

        key = answer_key(request.url.path, request.url.query, None)
        return Response(cache.get(key, JSON, render), media_type=JSON)

    def page_answer(request: Request, template: str, context: Callable[[], dict[str, Any]]) -> HTMLResponse:
        language = language_of(request.scope)

        def render() -> bytes:
            return templates[language].get_template(template).render(request=request, **context()).encode()

        key = answer_key(request.url.path, request.url.query, language)
        return HTMLResponse(cache.get(key, HTML, render))

    # -- errors ----------------------------------------------------------------------------------------------
    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api/")

    def error(request: Request, status: int, message: str, title: str) -> Response:
        if wants_html(request):
            name = request.path_params.get("game")
            shown = Shown(read_model.of(GAMES[name]), f"/games/{name}").page_context() if name in GAMES else {}
            chosen = templates[language_of(request.scope)]
            page = chosen.get_template("error.html").render(request=request, title=title, message=message, **shown)
            return HTMLResponse(page, status_code=status)
        return JSONResponse({"detail": message}, status_code=status)

    @app.exception_handler(NotFoundError)
    def _not_found(request: Request, exc: NotFoundError) -> Response:
        return error(request, 404, str(exc), N_("Not found"))

    @app.exception_handler(InvalidQueryError)
    def _bad_query(request: Request, exc: InvalidQueryError) -> Response:
        return error(request, 400, str(exc), N_("Bad request"))

    @app.exception_handler(StoreUnavailableError)
    def _store_down(request: Request, exc: StoreUnavailableError) -> Response:
        return error(request, 503, str(exc), N_("The store cannot be read"))

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [f"{'.'.join(str(part) for part in e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in exc.errors()]
        message = "; ".join(problems)
        if wants_html(request):
            return error(request, 422, message, N_("Bad request"))
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return JSONResponse({"detail": message, "errors": errors}, status_code=422)

    # -- API -------------------------------------------------------------------------------------------------
    @app.get("/api/v1/games", response_model=list[GameView], responses=ERRORS, tags=["games"])
    def list_games(request: Request) -> Response:
        """Every game of the catalog: its numbers, default bet and the mean hits chance gives it, how many of its
        draws are stored and the newest, and its plans once a guess of it is stored."""
        return json_answer(request, read_model.games)

    # today's routes read Lotofácil; the same routes under /api/v1/games/{game} read any game
    app.include_router(game_api(json_answer, ERRORS, NOT_FOUND), prefix="/api/v1")
    app.include_router(
        game_api(json_answer, ERRORS, GAME_NOT_FOUND, of_game=True),
        prefix="/api/v1/games/{game}",
        dependencies=[Depends(known_game)],
    )

    @app.get(
        "/api/v1/health",
        response_model=Health,
        responses={503: {"model": Health, "description": "the store cannot be read"}},
        tags=["health"],
    )
    def health() -> JSONResponse:
        """The store answers (with its newest draw and its age), and the newest after-draw run's state. Not ok
        when the store cannot be read (503) or its newest draw is overdue by the draw calendar (stale, 200)."""
        store = read_model.store_health()
        body = Health(ok=store.reachable and not store.stale, store=store, prefect=links.status())
        return JSONResponse(body.model_dump(mode="json"), status_code=200 if store.reachable else 503)

    @app.get(
        "/api/v1/games/{game}/health",
        response_model=Health,
        responses={503: {"model": Health, "description": "the store cannot be read"}, **GAME_NOT_FOUND},
        tags=["health"],
        dependencies=[Depends(known_game)],
    )
    def game_health(shown: Reading) -> JSONResponse:
        """The game's health: the store answers, the game's newest draw and its age, stale when overdue by the
        game's own draw calendar (Mega-Sena is not late on a Wednesday); and the newest after-draw run's state
        (of any game)."""
        store = shown.model.store_health()
        body = Health(ok=store.reachable and not store.stale, store=store, prefect=links.status())
        return JSONResponse(body.model_dump(mode="json"), status_code=200 if store.reachable else 503)

    # -- pages -----------------------------------------------------------------------------------------------
    # today's URLs show Lotofácil; /games/{game}/... the same pages of any game (the switcher links there)
    app.include_router(game_pages(page_answer, links))
    app.include_router(game_pages(page_answer, links), prefix="/games/{game}", dependencies=[Depends(known_game)])

    return app
