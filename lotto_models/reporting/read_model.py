"""Read-only queries behind the web service: each plan's guess and live record, draws, models, quarantine.

Every answer is a typed pydantic model, so the web layer only routes and renders. The store is opened
read-only (SQLite `PRAGMA query_only`, PostgreSQL read-only transactions) and never migrated from here:
a store whose schema is missing or behind answers `StoreUnavailableError` with what to run. All calls
into the model version store live in this module.

Baseline figures are `lotto_models.modeling.random_baseline`'s constants (some imported through
`modeling.evaluation`, which re-exports them); nothing here re-types them.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, ParamSpec, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from lotto_models.core.draws import NUMBER_COLUMNS
from lotto_models.core.errors import LotoflowError, StoreUnavailableError
from lotto_models.core.plans import PLANS, Plan
from lotto_models.core.redaction import redacted_text, redacted_url, store_kind
from lotto_models.core.settings import Settings
from lotto_models.ingest.draw_calendar import SAO_PAULO, overdue_draw
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.evaluation import (
    BASELINE_HITS,
    BASELINE_HITS_SD,
    BASELINE_SHARE_11_PLUS,
    HoldoutMetrics,
    hypergeometric_hits_pmf,
)
from lotto_models.modeling.random_baseline import PER_GUESS_RANGE
from lotto_models.registry.versions import CHAMPION, PREVIOUS, ModelVersion, VersionStore
from lotto_models.reporting.baseline import HONEST_NOTE, WHAT_RANDOM_MEANS
from lotto_models.reporting.model_card import ModelCard, model_card
from lotto_models.reporting.plan_notes import PlanGuess, same_numbers_notes
from lotto_models.reporting.status import decision_figures
from lotto_models.storage import schema
from lotto_models.storage.draw_store import DrawStore
from lotto_models.storage.engine import create_store_engine, current_revision, head_revision
from lotto_models.storage.quarantine_store import QuarantineStatus

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
QUARANTINE_PAYLOAD_CHARS = 2000
Z95 = 1.96

T = TypeVar("T")
P = ParamSpec("P")
log = logging.getLogger(__name__)


class NotFoundError(LotoflowError):
    """The plan or concurso asked for does not exist in the store."""


class InvalidQueryError(LotoflowError):
    """The query parameters contradict each other (e.g. a range whose start is after its end)."""


# -- answers ----------------------------------------------------------------------------------------------
class Baseline(BaseModel):
    """What a random 15-number guess does: the yardstick every figure is shown against."""

    mean_hits: float = Field(description="expected hits of a random guess (hypergeometric)")
    hits_sd: float = Field(description="standard deviation of a random guess's hits")
    share_11_plus: float = Field(description="probability that a random guess hits 11 or more")
    per_guess_low: int = Field(description="lower end of the central 95% range of one random guess's hits")
    per_guess_high: int = Field(description="upper end of the central 95% range of one random guess's hits")
    honest_note: str
    what_random_means: str


class Guess(BaseModel):
    concurso: int
    numbers: list[int]
    member_versions: dict[str, str]
    weights: dict[str, float]
    built_at: dt.datetime
    degraded: bool
    degraded_reason: str | None
    flow_run_id: str | None = Field(description="the Prefect flow run that published this guess")


class PlanView(BaseModel):
    plan: str
    public: bool
    members: list[str]
    odd_even: bool
    next_concurso: int = Field(description="the concurso after the newest stored draw")
    guess: Guess | None = Field(description="the plan's newest published guess")
    guess_is_for_next_concurso: bool
    same_numbers_note: str | None = Field(
        None, description="when another plan publishes the same numbers: which, and why (its members' weights)"
    )


class PredictionView(BaseModel):
    concurso: int
    numbers: list[int]
    member_versions: dict[str, str]
    published_at: dt.datetime
    flow_run_id: str | None
    drawn: list[int] | None = Field(description="the numbers drawn in that concurso, once stored")
    hits: int | None = Field(description="how many of the guess's numbers were drawn, once scored")


class ScorePoint(BaseModel):
    concurso: int
    hits: int
    flow_run_id: str | None = Field(description="the flow run that published the scored guess")


class LiveRecord(BaseModel):
    plan: str
    scored: int = Field(description="published guesses whose draw is known")
    mean_hits: float | None
    ci95_low: float | None
    ci95_high: float | None
    share_11_plus: float | None
    share_11_plus_ci95: list[float] | None = Field(
        None, description="Wilson 95% interval of the share of 11+ (one guess is one guess: a wide interval)"
    )
    chance_ci95_low: float | None = Field(description="95% range of the mean of this many random guesses")
    chance_ci95_high: float | None
    baseline: Baseline
    verdict: str


class PlanPage(BaseModel):
    """What the home page shows for one plan."""

    plan: PlanView
    record: LiveRecord
    recent_scores: list[ScorePoint]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    pages: int


RUN_THAT_STORED = (
    "the flow run whose ingest was logged first after this was stored (ingests log when they finish storing)"
)


class DrawView(BaseModel):
    concurso: int
    date: dt.date
    numbers: list[int]
    source: str
    stored_at: dt.datetime
    flow_run_id: str | None = Field(description=RUN_THAT_STORED)


class IngestRun(BaseModel):
    started_at: dt.datetime = Field(description="when the ingest was logged, after it stored its draws")
    source: str | None
    latest_seen: int | None = Field(description="the newest concurso the source announced")
    new_draws: int
    quarantined: int
    note: str | None
    flow_run_id: str | None


class QuarantineItem(BaseModel):
    id: int
    concurso: int | None
    source: str
    reason: str
    quarantined_at: dt.datetime
    payload: str = Field(description=f"the rejected payload, cut at {QUARANTINE_PAYLOAD_CHARS} characters")
    payload_truncated: bool
    flow_run_id: str | None = Field(description=RUN_THAT_STORED)
    status: QuarantineStatus = Field(
        description="held (awaiting a person's decision), accepted (stored as a draw after passing validation "
        "again) or discarded (closed, nothing stored)"
    )
    times_seen: int = Field(description="how often the same payload was rejected while held")
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None


class QuarantinePage(Page[QuarantineItem]):
    held: int = Field(description="entries held, awaiting a decision: what `lotto status` and `lotto quarantine` count")


class DrawsPage(BaseModel):
    """What the draws page shows."""

    draws: Page[DrawView]
    quarantine: QuarantinePage
    ingests: list[IngestRun]


class Holdout(BaseModel):
    draws: int
    bce: float
    baseline_bce: float
    brier: float
    baseline_brier: float
    mean_hits: float
    hits_ci95_low: float
    hits_ci95_high: float
    baseline_hits: float
    share_11_plus: float
    baseline_share_11_plus: float
    leakage_suspected: bool
    hits_histogram: list[int] = Field(description="holdout draws with k hits, k = 0..15")
    verdict: str


class VersionView(BaseModel):
    label: str
    version: int
    trained_through: int
    created_at: dt.datetime
    code_version: str
    dataset_fingerprint: str
    flow_run_id: str | None = Field(description="the Prefect flow run that trained this version")
    holdout: Holdout | None


class Decision(BaseModel):
    promoted: bool
    verdict: str | None
    reason: str
    mean_difference: float | None = Field(description="challenger − champion, mean per-draw holdout loss")
    interval: list[float | None] | None = Field(description="the mean difference's interval [low, high]")
    margin: float | None = Field(description="the non-inferiority margin the interval's upper end is held to")
    decided_by: str
    decided_at: dt.datetime
    challenger: str | None
    champion: str | None
    flow_run_id: str | None = Field(description="the flow run that trained the challenger")


class ModelView(BaseModel):
    model: str
    kind: str
    research: bool
    depends_on: list[str]
    champion: VersionView | None
    previous: VersionView | None
    degraded: bool
    degraded_reason: str | None
    below_baseline: bool = Field(
        description="the champion is worse than the constant forecast beyond noise: it serves no plan"
    )
    last_decision: Decision | None
    champion_card: ModelCard | None
    newest_card: ModelCard | None = Field(description="the newest version's card, when it is not the champion")


class ModelsView(BaseModel):
    models: list[ModelView]
    baseline: Baseline
    random_hits_pmf: list[float] = Field(description="P(hits = k) of a random guess, k = 0..15")


class StoreHealth(BaseModel):
    reachable: bool
    database: str = Field(
        description="the kind of store, SQLite or PostgreSQL (where it is and who reads it stay with the operators: "
        "`lotto status`, and the service's log when it cannot be read)"
    )
    error: str | None
    schema_revision: str | None
    draws: int | None
    last_concurso: int | None
    last_date: dt.date | None
    last_draw_age_days: int | None
    stale: bool = Field(
        default=False, description="the newest draw is overdue by the draw calendar (the stale-source warning's rule)"
    )
    stale_reason: str | None = None


# -- the baseline ---------------------------------------------------------------------------------------
@functools.cache
def baseline() -> Baseline:
    low, high = PER_GUESS_RANGE
    return Baseline(
        mean_hits=BASELINE_HITS,
        hits_sd=BASELINE_HITS_SD,
        share_11_plus=BASELINE_SHARE_11_PLUS,
        per_guess_low=low,
        per_guess_high=high,
        honest_note=HONEST_NOTE,
        what_random_means=WHAT_RANDOM_MEANS,
    )


def chance_interval(n: int) -> tuple[float, float]:
    """The 95% range of the mean hits of `n` random guesses (normal approximation)."""
    half = Z95 * BASELINE_HITS_SD / math.sqrt(n)
    return BASELINE_HITS - half, BASELINE_HITS + half


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """The Wilson 95% interval of a share: honest at 0 or n successes, where the plain one collapses."""
    share, z2 = successes / n, Z95 * Z95
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def record_verdict(plan: str, scored: int, mean: float | None) -> str:
    """One sentence on how a live record compares with what chance gives that many guesses."""
    if not scored or mean is None:
        return f"{plan}: no published guess has been scored yet."
    chance_low, chance_high = chance_interval(scored)
    inside = chance_low <= mean <= chance_high
    return (
        f"{plan}: mean {mean:.2f} hits over {scored} scored guess(es); {scored} random guess(es) would average "
        f"between {chance_low:.2f} and {chance_high:.2f} 95% of the time, so this record is "
        + ("what chance alone gives." if inside else "outside that band: with random draws, luck, not skill.")
    )


# -- the read model -------------------------------------------------------------------------------------
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
    """Read-only views of one store. Thread-safe; the engine is opened on first use, never migrated."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.sqlalchemy_url
        self.database = store_kind(self.url)  # what answers say of the store: its kind, never where it is
        self._engine: Engine | None = None
        self._schema_ok = False
        self._lock = threading.Lock()
        self._logged_cause: str | None = None

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
        return VersionStore(self.engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._schema_ok = False

    @_store_call
    def change_token(self) -> tuple:
        """A value that changes whenever anything this model reads changes (cheap: one query)."""
        m = sa.func.max
        c = sa.func.count

        def one(expression: sa.ColumnElement, table: sa.Table) -> sa.ScalarSelect:
            return sa.select(expression).select_from(table).scalar_subquery()

        query = sa.select(
            one(c(), schema.draws),
            one(m(schema.draws.c.concurso), schema.draws),
            one(m(schema.predictions.c.id), schema.predictions),
            one(c(), schema.prediction_scores),
            one(m(schema.ensemble_versions.c.id), schema.ensemble_versions),
            one(m(schema.model_versions.c.id), schema.model_versions),
            one(m(schema.model_aliases.c.updated_at), schema.model_aliases),
            one(m(schema.model_status.c.updated_at), schema.model_status),
            one(c(), schema.model_status),
            one(m(schema.promotion_decisions.c.id), schema.promotion_decisions),
            one(m(schema.quarantine.c.id), schema.quarantine),
            one(m(schema.draw_repairs.c.id), schema.draw_repairs),  # a repaired draw changes no count
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).one()
        # the newest draw's age changes with the calendar day, not the store
        return (*row, dt.date.today())

    # -- plans -----------------------------------------------------------------------------------------------
    @property
    def shown_plans(self) -> dict[str, Plan]:
        """The plans these pages and answers show: the public ones, and the research plan only where an
        operator turned it on (LOTTO_WEB_SHOW_RESEARCH): it is never offered to customers."""
        return {name: plan for name, plan in PLANS.items() if plan.public or self.settings.web_show_research}

    def check_plan(self, plan: str) -> None:
        if plan not in self.shown_plans:
            raise NotFoundError(f"unknown plan {plan!r}; the plans are {', '.join(self.shown_plans)}")

    @_store_call
    def plans(self) -> list[PlanView]:
        p, e = schema.predictions, schema.ensemble_versions
        newest = sa.select(p.c.plan, sa.func.max(p.c.concurso).label("concurso")).group_by(p.c.plan).subquery()
        query = (
            sa.select(
                p.c.plan,
                p.c.concurso,
                p.c.numbers,
                p.c.member_versions,
                p.c.created_at,
                p.c.flow_run_id,
                e.c.weights,
                e.c.degraded,
                e.c.note,
            )
            .join(newest, (newest.c.plan == p.c.plan) & (newest.c.concurso == p.c.concurso))
            .join(e, e.c.id == p.c.ensemble_version_id)
        )
        with self.engine.connect() as connection:
            rows = {row.plan: row for row in connection.execute(query)}
            last = connection.scalar(sa.select(sa.func.max(schema.draws.c.concurso))) or 0
        notes = same_numbers_notes(
            PlanGuess(name, row.concurso, tuple(row.numbers), dict(row.weights))
            for name, row in rows.items()
            if name in self.shown_plans
        )
        views = []
        for name, plan in self.shown_plans.items():
            row = rows.get(name)
            guess = (
                Guess(
                    concurso=row.concurso,
                    numbers=[int(n) for n in row.numbers],
                    member_versions=dict(row.member_versions),
                    weights={k: float(v) for k, v in dict(row.weights).items()},
                    built_at=_utc(row.created_at),
                    degraded=bool(row.degraded),
                    degraded_reason=row.note,
                    flow_run_id=row.flow_run_id,
                )
                if row is not None
                else None
            )
            views.append(
                PlanView(
                    plan=name,
                    public=plan.public,
                    members=[*plan.members, *(["odd_even"] if plan.odd_even else [])],
                    odd_even=plan.odd_even,
                    next_concurso=last + 1,
                    guess=guess,
                    guess_is_for_next_concurso=guess is not None and guess.concurso == last + 1,
                    same_numbers_note=notes.get(name),
                )
            )
        return views

    def plan(self, plan: str) -> PlanView:
        self.check_plan(plan)
        return next(view for view in self.plans() if view.plan == plan)

    @_store_call
    def predictions(self, plan: str, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> Page[PredictionView]:
        """The plan's published guesses, newest concurso first, with the draw and hits once known."""
        self.check_plan(plan)
        _check_page(page, page_size)
        p, s, d = schema.predictions, schema.prediction_scores, schema.draws
        numbers = [d.c[name] for name in NUMBER_COLUMNS]
        query = (
            sa.select(
                p.c.concurso, p.c.numbers, p.c.member_versions, p.c.created_at, p.c.flow_run_id, s.c.hits, *numbers
            )
            .outerjoin(s, s.c.prediction_id == p.c.id)
            .outerjoin(d, d.c.concurso == p.c.concurso)
            .where(p.c.plan == plan)
            .order_by(p.c.concurso.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        with self.engine.connect() as connection:
            total = connection.scalar(sa.select(sa.func.count()).select_from(p).where(p.c.plan == plan)) or 0
            rows = connection.execute(query).all()
        items = [
            PredictionView(
                concurso=row.concurso,
                numbers=[int(n) for n in row.numbers],
                member_versions=dict(row.member_versions),
                published_at=_utc(row.created_at),
                flow_run_id=row.flow_run_id,
                drawn=sorted(int(row._mapping[name]) for name in NUMBER_COLUMNS) if row.d1 is not None else None,
                hits=row.hits,
            )
            for row in rows
        ]
        return _page(items, total, page, page_size)

    @_store_call
    def scores(self, plan: str, limit: int | None = None) -> list[ScorePoint]:
        """The plan's scored guesses in concurso order (the newest `limit` when given)."""
        self.check_plan(plan)
        p, s = schema.predictions, schema.prediction_scores
        query = (
            sa.select(p.c.concurso, s.c.hits, p.c.flow_run_id)
            .join(s, s.c.prediction_id == p.c.id)
            .where(p.c.plan == plan)
            .order_by(p.c.concurso.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [ScorePoint(concurso=r.concurso, hits=r.hits, flow_run_id=r.flow_run_id) for r in reversed(rows)]

    def record(self, plan: str) -> LiveRecord:
        """Mean hits of every scored guess with its 95% interval and share of 11+, against chance."""
        values = [point.hits for point in self.scores(plan)]
        n = len(values)
        mean = low = high = share = chance_low = chance_high = None
        if n:
            mean = sum(values) / n
            share = sum(v >= 11 for v in values) / n
            chance_low, chance_high = chance_interval(n)
            if n > 1:
                sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
                half = Z95 * sd / math.sqrt(n)
                low, high = mean - half, mean + half
        return LiveRecord(
            plan=plan,
            scored=n,
            mean_hits=mean,
            ci95_low=low,
            ci95_high=high,
            share_11_plus=share,
            share_11_plus_ci95=list(wilson_interval(sum(v >= 11 for v in values), n)) if n else None,
            chance_ci95_low=chance_low,
            chance_ci95_high=chance_high,
            baseline=baseline(),
            verdict=record_verdict(plan, n, mean),
        )

    def home(self, chart_points: int = 60) -> list[PlanPage]:
        """Each plan's guess, live record and newest scored guesses (public plans first, then research)."""
        views = sorted(self.plans(), key=lambda v: not v.public)
        return [
            PlanPage(plan=view, record=self.record(view.plan), recent_scores=self.scores(view.plan, chart_points))
            for view in views
        ]

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
        _check_page(page, page_size)
        if from_concurso is not None and to_concurso is not None and from_concurso > to_concurso:
            raise InvalidQueryError(f"from_concurso {from_concurso} is after to_concurso {to_concurso}")
        d = schema.draws
        conditions = []
        if from_concurso is not None:
            conditions.append(d.c.concurso >= from_concurso)
        if to_concurso is not None:
            conditions.append(d.c.concurso <= to_concurso)
        query = sa.select(d, _stored_by(d.c.stored_at)).where(*conditions).order_by(d.c.concurso.desc())
        query = query.limit(page_size).offset((page - 1) * page_size)
        with self.engine.connect() as connection:
            total = connection.scalar(sa.select(sa.func.count()).select_from(d).where(*conditions)) or 0
            rows = connection.execute(query).all()
        return _page([_draw_view(row) for row in rows], total, page, page_size)

    @_store_call
    def draw(self, concurso: int) -> DrawView:
        d = schema.draws
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(d, _stored_by(d.c.stored_at)).where(d.c.concurso == concurso)).first()
            if row is None:
                first, last = connection.execute(sa.select(sa.func.min(d.c.concurso), sa.func.max(d.c.concurso))).one()
        if row is None:
            stored = f"stored concursos run from {first} to {last}" if last else "no draw is stored yet"
            raise NotFoundError(f"concurso {concurso} is not stored; {stored}")
        return _draw_view(row)

    @_store_call
    def quarantine(self, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> QuarantinePage:
        """Rejected payloads with their reasons and each one's status and decision, newest first; and how many
        are held (counted as `lotto status` counts them)."""
        _check_page(page, page_size)
        q = schema.quarantine
        query = sa.select(q, _stored_by(q.c.quarantined_at)).order_by(q.c.id.desc())
        query = query.limit(page_size).offset((page - 1) * page_size)
        with self.engine.connect() as connection:
            total = connection.scalar(sa.select(sa.func.count()).select_from(q)) or 0
            rows = connection.execute(query).all()
        held = DrawStore(self.engine).quarantine_count()
        items = [
            QuarantineItem(
                id=row.id,
                concurso=row.concurso,
                source=row.source,
                reason=row.reason,
                quarantined_at=_utc(row.quarantined_at),
                payload=row.payload[:QUARANTINE_PAYLOAD_CHARS],
                payload_truncated=len(row.payload) > QUARANTINE_PAYLOAD_CHARS,
                flow_run_id=row.run_id,
                status=QuarantineStatus(row.status),
                times_seen=row.times_seen,
                decided_by=row.decided_by,
                decided_at=_utc(row.decided_at) if row.decided_at else None,
                decision_note=row.decision_note,
            )
            for row in rows
        ]
        return QuarantinePage(**vars(_page(items, total, page, page_size)), held=held)

    @_store_call
    def ingests(self, limit: int = 20) -> list[IngestRun]:
        """The newest ingests (fetches, backfills, imports), newest first."""
        i = schema.ingest_runs
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(i).order_by(i.c.id.desc()).limit(limit)).all()
        return [
            IngestRun(
                started_at=_utc(row.started_at),
                source=row.source,
                latest_seen=row.latest_seen,
                new_draws=row.new_draws,
                quarantined=row.quarantined,
                note=row.note,
                flow_run_id=row.flow_run_id,
            )
            for row in rows
        ]

    def draws_page(self, page: int = 1, page_size: int = 50) -> DrawsPage:
        return DrawsPage(
            draws=self.draws(page, page_size), quarantine=self.quarantine(1, MAX_PAGE_SIZE), ingests=self.ingests()
        )

    # -- models ----------------------------------------------------------------------------------------------
    @_store_call
    def models(self) -> ModelsView:
        """Every model's champion and previous version, holdout against chance, health and last decision."""
        versions = self.versions
        views = []
        for name, spec in MODELS.items():
            health = versions.health(name)
            decision = versions.last_decision(name)
            decision_view = None
            if decision is not None:
                challenger = versions.get(decision.challenger_id)
                champion = versions.get(decision.champion_id) if decision.champion_id is not None else None
                figures = decision_figures(decision)
                decision_view = Decision(
                    promoted=bool(decision.promoted),
                    verdict=figures["verdict"],
                    reason=decision.reason,
                    mean_difference=figures["mean_difference"],
                    interval=figures["interval"],
                    margin=figures["margin"],
                    decided_by=decision.decided_by,
                    decided_at=_utc(decision.decided_at),
                    challenger=challenger.label if challenger else None,
                    champion=champion.label if champion else None,
                    flow_run_id=challenger.flow_run_id if challenger else None,
                )
            serving = versions.alias(name, CHAMPION)
            every = versions.versions(name)
            newest = every[-1] if every and (serving is None or every[-1].id != serving.id) else None
            views.append(
                ModelView(
                    model=name,
                    kind=spec.kind,
                    research=spec.research,
                    depends_on=list(spec.depends_on),
                    champion=_version_view(serving),
                    previous=_version_view(versions.alias(name, PREVIOUS)),
                    degraded=health.degraded,
                    degraded_reason=health.reason,
                    below_baseline=serving is not None and health.below_baseline,
                    last_decision=decision_view,
                    champion_card=model_card(serving, versions.decisions_about(serving.id)) if serving else None,
                    newest_card=model_card(newest, versions.decisions_about(newest.id)) if newest else None,
                )
            )
        return ModelsView(
            models=views, baseline=baseline(), random_hits_pmf=[float(p) for p in hypergeometric_hits_pmf()]
        )

    # -- health ----------------------------------------------------------------------------------------------
    def store_health(self, now: dt.datetime | None = None) -> StoreHealth:
        """Whether the store answers, and its newest draw, stale when it is overdue by the draw calendar
        (`ingest.draw_calendar.overdue_draw`, as the stale-source warning judges it); never raises for a store
        problem."""
        try:
            engine = self.engine
            with engine.connect() as connection:
                count, last, last_date = connection.execute(
                    sa.select(
                        sa.func.count(), sa.func.max(schema.draws.c.concurso), sa.func.max(schema.draws.c.draw_date)
                    )
                ).one()
        except StoreUnavailableError as error:
            return _unreachable(self.database, str(error))
        except sa.exc.SQLAlchemyError as error:
            return _unreachable(self.database, str(self.unreadable(error)))
        now = now or dt.datetime.now(dt.UTC)
        overdue = overdue_draw(last, last_date, now) if last_date else None
        return StoreHealth(
            reachable=True,
            database=self.database,
            error=None,
            schema_revision=head_revision(),
            draws=count,
            last_concurso=last,
            last_date=last_date,
            last_draw_age_days=(now.astimezone(SAO_PAULO).date() - last_date).days if last_date else None,
            stale=overdue is not None,
            stale_reason=overdue.message() if overdue is not None else None,
        )


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes for what was stored in UTC; PostgreSQL gives them with the zone."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _unreachable(database: str, error: str) -> StoreHealth:
    return StoreHealth(
        reachable=False,
        database=database,
        error=error,
        schema_revision=None,
        draws=None,
        last_concurso=None,
        last_date=None,
        last_draw_age_days=None,
    )


def _stored_by(stored_at: sa.ColumnElement) -> sa.Label:
    """The flow run of the first ingest logged at or after `stored_at` (the one that stored the row)."""
    i = schema.ingest_runs
    return (
        sa.select(i.c.flow_run_id)
        .where(i.c.started_at >= stored_at)
        .order_by(i.c.started_at)
        .limit(1)
        .scalar_subquery()
        .label("run_id")
    )


def _check_page(page: int, page_size: int) -> None:
    if page < 1:
        raise InvalidQueryError(f"page must be 1 or more, got {page}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidQueryError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")


def _page(items: list[T], total: int, page: int, page_size: int) -> Page[T]:
    return Page(items=items, total=total, page=page, page_size=page_size, pages=math.ceil(total / page_size))


def _draw_view(row: sa.Row) -> DrawView:
    return DrawView(
        concurso=row.concurso,
        date=row.draw_date,
        numbers=sorted(int(row._mapping[name]) for name in NUMBER_COLUMNS),
        source=row.source,
        stored_at=_utc(row.stored_at),
        flow_run_id=row.run_id,
    )


def _version_view(version: ModelVersion | None) -> VersionView | None:
    if version is None:
        return None
    holdout = None
    if "mean_hits" in version.metrics:
        metrics = HoldoutMetrics.from_dict(version.metrics)
        holdout = Holdout(
            draws=metrics.draws,
            bce=metrics.bce,
            baseline_bce=metrics.baseline_bce,
            brier=metrics.brier,
            baseline_brier=metrics.baseline_brier,
            mean_hits=metrics.mean_hits,
            hits_ci95_low=metrics.hits_ci95_low,
            hits_ci95_high=metrics.hits_ci95_high,
            baseline_hits=metrics.baseline_hits,
            share_11_plus=metrics.share_11_plus,
            baseline_share_11_plus=metrics.baseline_share_11_plus,
            leakage_suspected=metrics.leakage_suspected,
            hits_histogram=list(metrics.hits_histogram),
            verdict=metrics.verdict(),
        )
    return VersionView(
        label=version.label,
        version=version.version,
        trained_through=version.trained_through,
        created_at=_utc(version.created_at),
        code_version=version.code_version,
        dataset_fingerprint=version.dataset_fingerprint,
        flow_run_id=version.flow_run_id,
        holdout=holdout,
    )
