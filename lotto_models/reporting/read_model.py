"""The web service's read side: one store opened read-only, its readers' answers mapped to views.

The store is opened read-only (SQLite `PRAGMA query_only`, PostgreSQL read-only transactions) and never
migrated from here: a store whose schema is missing or behind answers `StoreUnavailableError` with what to
run. Every figure comes from the stores' readers (`storage.prediction_book`, `storage.live_record`,
`storage.draw_history`, `storage.quarantine_store`, `registry.model_status`), the same ones `lotto status`,
the run summary and the run's artifacts read; the views are in `plan_views`, `draw_views`, `model_views` and
`game_views`.

A `ReadModel` reads one game (Lotofácil by default), as a workspace does: `of(game)` gives another game's,
sharing the store's one read-only engine (one per game, made on first use and kept).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.errors import LotoflowError, StoreUnavailableError
from lotto_models.core.games import GAMES, LOTOFACIL, Game
from lotto_models.core.plans import Plan, plans_of
from lotto_models.core.redaction import redacted_text, redacted_url, store_kind
from lotto_models.core.settings import Settings
from lotto_models.modeling.catalog import models_of
from lotto_models.registry.model_status import model_status
from lotto_models.registry.versions import VersionStore
from lotto_models.reporting import draw_views, game_views, plan_views
from lotto_models.reporting.draw_views import DrawsPage, DrawView, IngestRun, QuarantinePage, StoreHealth
from lotto_models.reporting.game_views import GameView
from lotto_models.reporting.guess_bets import GuessBetsView, guess_bets_views
from lotto_models.reporting.model_card import model_card
from lotto_models.reporting.model_views import ModelsView, model_view, models_view
from lotto_models.reporting.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    InvalidQueryError,
    Page,
    check_page,
    offset_of,
    page_of,
)
from lotto_models.reporting.plan_views import LiveRecord, PlanPage, PlanView, PredictionView, ScorePoint
from lotto_models.storage.draw_history import DrawHistory, change_token
from lotto_models.storage.draw_store import DrawStore
from lotto_models.storage.engine import create_store_engine, current_revision, head_revision
from lotto_models.storage.prediction_book import PredictionBook
from lotto_models.storage.quarantine_store import QuarantineStore
from lotto_models.storage.ranked_guesses import newest_ranked_guesses

T = TypeVar("T")
P = ParamSpec("P")
log = logging.getLogger(__name__)


class NotFoundError(LotoflowError):
    """The game, plan or concurso asked for does not exist in the store."""


def _store_call(method: Callable[P, T]) -> Callable[P, T]:
    """Turn a database failure into `StoreUnavailableError` with a message naming the store."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except sa.exc.SQLAlchemyError as error:
            self = args[0]
            assert isinstance(self, ReadModel)
            raise self.unreadable(error) from error

    return wrapper


class ReadModel:
    """Read-only views of one game in one store. Thread-safe; the engine is opened on first use, never migrated,
    and shared with the read models of the other games (`of`)."""

    def __init__(self, settings: Settings, game: Game = LOTOFACIL, root: ReadModel | None = None) -> None:
        self.settings = settings
        self.game = game
        self.url = settings.sqlalchemy_url
        self.database = store_kind(self.url)  # what answers say of the store: its kind, never where it is
        self._root = root or self
        self._games: dict[str, ReadModel] = {game.id: self} if root is None else {}
        self._engine: Engine | None = None
        self._schema_ok = False
        self._lock = threading.Lock()
        self._logged_cause: str | None = None

    def of(self, game: Game) -> ReadModel:
        """The read model of `game` over the same store and engine (made once per game)."""
        root = self._root
        if root is not self:
            return root.of(game)
        with self._lock:
            if game.id not in self._games:
                self._games[game.id] = ReadModel(self.settings, game, root=self)
            return self._games[game.id]

    def unreadable(self, error: sa.exc.SQLAlchemyError) -> StoreUnavailableError:
        """The answer for a store that cannot be read: its kind and the kind of failure. The driver's words may
        name the file, host, user or database, so they go to the service's log (once per cause), not to
        pages."""
        orig = error.orig if isinstance(error, sa.exc.DBAPIError) and error.orig is not None else error
        detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        cause = redacted_text(f"store {redacted_url(self.url)} cannot be read: {type(orig).__name__}: {detail}")
        if cause != self._logged_cause:
            self._logged_cause = cause
            log.warning("%s", cause)
        return StoreUnavailableError(
            f"the {self.database} store cannot be read ({type(orig).__name__}); the web service's log says why"
        )

    # -- plumbing ------------------------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        """The read-only engine, after checking the schema is the one this code reads."""
        if self._root is not self:
            return self._root.engine
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._open()
        if not self._schema_ok:
            self._check_schema(self._engine)
        return self._engine

    def _open(self) -> Engine:
        url = sa.engine.make_url(self.url)
        database = url.database if url.get_backend_name() == "sqlite" else None
        if database and database != ":memory:" and not Path(database).is_file():
            raise StoreUnavailableError(
                f"no {self.database} store yet: run `lotto run` once to create and fill it (LOTTO_HOME)"
            )
        return create_store_engine(self.url, read_only=True)

    def _check_schema(self, engine: Engine) -> None:
        try:
            revision = current_revision(engine)
        except sa.exc.SQLAlchemyError as error:
            raise self.unreadable(error) from error
        head = head_revision()
        if revision != head:
            raise StoreUnavailableError(
                f"the {self.database} store has schema revision {revision or 'none'}, this code reads "
                f"{head}: run `lotto run` once to create or upgrade it (the web service never writes)"
            )
        self._schema_ok = True

    @property
    def versions(self) -> VersionStore:
        return VersionStore(self.engine, self.game)

    @property
    def prediction_book(self) -> PredictionBook:
        return PredictionBook(self.engine, self.game)

    @property
    def history(self) -> DrawHistory:
        return DrawHistory(self.engine, self.game)

    def close(self) -> None:
        if self._root is not self:
            self._root.close()
            return
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._schema_ok = False

    @_store_call
    def change_token(self) -> tuple:
        """A value that changes whenever anything this model reads changes (cheap: one query)."""
        # the newest draw's age changes with the calendar day, not the store
        return (*change_token(self.engine), dt.date.today())

    # -- plans -----------------------------------------------------------------------------------------------
    @property
    def shown_plans(self) -> dict[str, Plan]:
        """The plans these pages and answers show: the public ones, and the research plan only where an
        operator turned it on (LOTTO_WEB_SHOW_RESEARCH): it is never offered to customers."""
        plans = plans_of(self.game)
        return {name: plan for name, plan in plans.items() if plan.public or self.settings.web_show_research}

    def check_plan(self, plan: str) -> None:
        if plan not in self.shown_plans:
            raise NotFoundError(f"unknown plan {plan!r}; the plans are {', '.join(self.shown_plans)}")

    @_store_call
    def plans(self) -> list[PlanView]:
        newest = self.prediction_book.newest_guesses()
        last = DrawStore(self.engine, self.game).last_concurso()
        return plan_views.plan_views(self.shown_plans, newest, last)

    def plan(self, plan: str) -> PlanView:
        self.check_plan(plan)
        return next(view for view in self.plans() if view.plan == plan)

    @_store_call
    def predictions(self, plan: str, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> Page[PredictionView]:
        """The plan's published guesses, newest concurso first, with the draw and hits once known."""
        self.check_plan(plan)
        check_page(page, page_size)
        book = self.prediction_book
        guesses = book.guesses(plan, offset_of(page, page_size), page_size)
        items = [plan_views.prediction_view(guess) for guess in guesses]
        return page_of(items, book.guess_count(plan), page, page_size)

    @_store_call
    def scores(self, plan: str, limit: int | None = None) -> list[ScorePoint]:
        """The plan's scored guesses in concurso order (the newest `limit` when given)."""
        self.check_plan(plan)
        return plan_views.score_points(self.prediction_book.scores(plan, limit))

    @_store_call
    def record(self, plan: str) -> LiveRecord:
        """Mean hits of every scored guess with its 95% interval and share of 11+, against chance."""
        self.check_plan(plan)
        return plan_views.live_record_view(self.prediction_book.live_record(plan), self.game)

    def home(self, chart_points: int = 60) -> list[PlanPage]:
        """Each plan's guess, live record and newest scored guesses (public plans first, then research)."""
        views = sorted(self.plans(), key=lambda v: not v.public)
        return [
            PlanPage(plan=view, record=self.record(view.plan), recent_scores=self.scores(view.plan, chart_points))
            for view in views
        ]

    @_store_call
    def guess_bets(self) -> list[GuessBetsView]:
        """Each shown plan's newest guess at every bet size the game allows, with its price and chances."""
        return guess_bets_views(self.game, newest_ranked_guesses(self.engine, self.game), self.shown_plans)

    # -- draws and quarantine -----------------------------------------------------------------------------
    @_store_call
    def draws(
        self,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        from_concurso: int | None = None,
        to_concurso: int | None = None,
    ) -> Page[DrawView]:
        """Stored draws, newest first, optionally within from_concurso..to_concurso (inclusive)."""
        check_page(page, page_size)
        if from_concurso is not None and to_concurso is not None and from_concurso > to_concurso:
            raise InvalidQueryError(f"from_concurso {from_concurso} is after to_concurso {to_concurso}")
        history = self.history
        draws = history.newest(offset_of(page, page_size), page_size, from_concurso, to_concurso)
        total = history.count(from_concurso, to_concurso)
        return page_of([draw_views.draw_view(draw) for draw in draws], total, page, page_size)

    @_store_call
    def draw(self, concurso: int) -> DrawView:
        history = self.history
        draw = history.get(concurso)
        if draw is None:
            span = history.span()
            stored = (
                f"stored concursos run from {span.first_concurso} to {span.last_concurso}"
                if span.last_concurso
                else "no draw is stored yet"
            )
            raise NotFoundError(f"concurso {concurso} is not stored; {stored}")
        return draw_views.draw_view(draw)

    @_store_call
    def quarantine(self, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> QuarantinePage:
        """Rejected payloads with their reasons and each one's status and decision, newest first; and how many
        are held (counted as `lotto status` counts them)."""
        check_page(page, page_size)
        store = QuarantineStore(self.engine, self.game)
        items = [draw_views.quarantine_item(entry) for entry in store.newest(offset_of(page, page_size), page_size)]
        held = DrawStore(self.engine, self.game).quarantine_count()
        return QuarantinePage(**vars(page_of(items, store.count(), page, page_size)), held=held)

    @_store_call
    def ingests(self, limit: int = 20) -> list[IngestRun]:
        """The newest ingests (fetches, backfills, imports), newest first."""
        return [draw_views.ingest_view(ingest) for ingest in self.history.ingests(limit)]

    def draws_page(self, page: int = 1, page_size: int = 50) -> DrawsPage:
        return DrawsPage(
            draws=self.draws(page, page_size), quarantine=self.quarantine(1, MAX_PAGE_SIZE), ingests=self.ingests()
        )

    @_store_call
    def stored_numbers(self) -> list[list[int]]:
        """The numbers of every stored draw, oldest first (what the players' pages judge against chance)."""
        return [list(numbers) for numbers in self.history.numbers()]

    # -- models ----------------------------------------------------------------------------------------------
    @_store_call
    def models(self) -> ModelsView:
        """Every model the game trains: its champion and previous version, holdout against chance, health and
        last decision."""
        versions = self.versions
        views = []
        for status in (model_status(versions, name) for name in models_of(self.game)):
            champion, newest = status.champion, status.newest
            views.append(
                model_view(
                    status,
                    champion_card=model_card(champion, versions.decisions_about(champion.id)) if champion else None,
                    newest_card=model_card(newest, versions.decisions_about(newest.id)) if newest else None,
                )
            )
        return models_view(views, self.game)

    # -- health ----------------------------------------------------------------------------------------------
    def store_health(self, now: dt.datetime | None = None) -> StoreHealth:
        """Whether the store answers, and its newest draw, stale when it is overdue by the draw calendar
        (`ingest.draw_calendar.overdue_draw`, as the stale-source warning judges it); never raises for a store
        problem."""
        try:
            span = self.history.span()
        except StoreUnavailableError as error:
            return draw_views.unreachable(self.database, str(error))
        except sa.exc.SQLAlchemyError as error:
            return draw_views.unreachable(self.database, str(self.unreadable(error)))
        return draw_views.store_health(self.database, head_revision(), span, now or dt.datetime.now(dt.UTC), self.game)

    # -- games -----------------------------------------------------------------------------------------------
    @_store_call
    def game_view(self) -> GameView:
        """This game: its numbers, default bet and chance, how many draws are stored and its plans once a guess
        is stored."""
        span = self.history.span()
        guessed = bool(self.prediction_book.newest_guesses())
        return game_views.game_view(self.game, span, list(self.shown_plans) if guessed else [])

    def games(self) -> list[GameView]:
        """Every game of the catalog, in the catalog's order."""
        return [self.of(game).game_view() for game in GAMES.values()]
