"""`PredictionBook`: the ensembles built, the guesses published per plan and concurso, and their scores.

The first guess published for a (plan, concurso) is the one that counts: it is never replaced, so the
live record cannot be improved after the fact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.draws import Draw, hits
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.core.plans import PLANS
from lotto_models.modeling.random_baseline import BASELINE_HITS, PER_GUESS_RANGE
from lotto_models.storage import schema
from lotto_models.storage.draw_store import DrawStore, utcnow
from lotto_models.storage.rows import from_row


@dataclass(frozen=True)
class Score:
    plan: str
    concurso: int
    hits: int


@dataclass(frozen=True)
class LiveRecord:
    plan: str
    scored: int
    mean_hits: float | None
    ci95: tuple[float, float] | None

    def sentence(self) -> str:
        if not self.scored or self.mean_hits is None:
            return f"{self.plan}: no published guess has been scored yet"
        if self.ci95 is None:
            return (
                f"{self.plan}: one scored guess, {self.mean_hits:.0f} hits; one guess is one guess: a random guess "
                f"averages {BASELINE_HITS:.1f} and lands anywhere from {PER_GUESS_RANGE[0]} to "
                f"{PER_GUESS_RANGE[1]} hits 95% of the time"
            )
        return (
            f"{self.plan}: mean hits {self.mean_hits:.2f} over {self.scored} scored guess(es) "
            f"(95% CI {self.ci95[0]:.2f}–{self.ci95[1]:.2f}); a random guess averages {BASELINE_HITS:.1f}"
        )


@dataclass(frozen=True)
class EnsembleBuild:
    """One recorded build of a plan's ensemble: the member versions and the weights it used."""

    id: int
    plan: str
    member_versions: dict[str, str]
    weights: dict[str, float]
    degraded: bool
    note: str | None


@dataclass(frozen=True)
class StoredGuess:
    """A plan's published guess for one concurso, with the ensemble build that made it."""

    plan: str
    concurso: int
    numbers: list[int]
    member_versions: dict[str, str]
    degraded: bool
    note: str | None
    flow_run_id: str | None


class PredictionBook:
    """The ensembles, guesses and their scores of one game."""

    def __init__(self, engine: Engine, game: Game = LOTOFACIL) -> None:
        self.engine = engine
        self.game = game

    def record_ensemble(
        self,
        plan: str,
        member_versions: dict[str, str],
        weights: dict[str, float],
        degraded: bool,
        note: str | None,
    ) -> int:
        with self.engine.begin() as connection:
            return connection.execute(
                schema.ensemble_versions.insert()
                .values(
                    game=self.game.id,
                    plan=plan,
                    member_versions=member_versions,
                    weights=weights,
                    degraded=degraded,
                    note=note,
                    created_at=utcnow(),
                )
                .returning(schema.ensemble_versions.c.id)
            ).scalar_one()

    def published_for(self, plan: str, concurso: int) -> StoredGuess | None:
        """The guess published for (plan, concurso), if the flow has made one."""
        p, e = schema.predictions, schema.ensemble_versions
        query = (
            sa.select(p.c.plan, p.c.concurso, p.c.numbers, p.c.member_versions, p.c.flow_run_id, e.c.degraded, e.c.note)
            .join(e, e.c.id == p.c.ensemble_version_id)
            .where(p.c.game == self.game.id, p.c.plan == plan, p.c.concurso == concurso)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return from_row(
            StoredGuess,
            row,
            numbers=list(row.numbers),
            member_versions=dict(row.member_versions),
            degraded=bool(row.degraded),
        )

    def latest_ensemble(self, plan: str) -> EnsembleBuild | None:
        e = schema.ensemble_versions
        with self.engine.connect() as connection:
            latest = sa.select(e).where(e.c.game == self.game.id, e.c.plan == plan).order_by(e.c.id.desc()).limit(1)
            row = connection.execute(latest).first()
        if row is None:
            return None
        return from_row(
            EnsembleBuild,
            row,
            member_versions=dict(row.member_versions),
            weights=dict(row.weights),
            degraded=bool(row.degraded),
        )

    def publish(
        self,
        plan: str,
        concurso: int,
        numbers: list[int],
        member_versions: dict[str, str],
        ensemble_version_id: int,
        flow_run_id: str | None = None,
    ) -> bool:
        """Store the guess unless one exists for (plan, concurso); True when this one was stored."""
        with self.engine.begin() as connection:
            exists = connection.scalar(sa.select(schema.predictions.c.id).where(*self._guess_of(plan, concurso)))
            if exists is not None:
                return False
            connection.execute(
                schema.predictions.insert().values(
                    game=self.game.id,
                    plan=plan,
                    concurso=concurso,
                    numbers=numbers,
                    member_versions=member_versions,
                    ensemble_version_id=ensemble_version_id,
                    flow_run_id=flow_run_id,
                    created_at=utcnow(),
                )
            )
        return True

    def has_prediction(self, plan: str, concurso: int) -> bool:
        with self.engine.connect() as connection:
            return (
                connection.scalar(sa.select(schema.predictions.c.id).where(*self._guess_of(plan, concurso))) is not None
            )

    def _guess_of(self, plan: str, concurso: int) -> list[sa.ColumnElement[bool]]:
        p = schema.predictions
        return [p.c.game == self.game.id, p.c.plan == plan, p.c.concurso == concurso]

    def score_pending(self, draws: DrawStore) -> list[Score]:
        """Score every unscored guess whose draw is now stored."""
        p, s = schema.predictions, schema.prediction_scores
        with self.engine.connect() as connection:
            pending = connection.execute(
                sa.select(p.c.id, p.c.plan, p.c.concurso, p.c.numbers)
                .outerjoin(s, s.c.prediction_id == p.c.id)
                .where(p.c.game == self.game.id, s.c.prediction_id.is_(None))
            ).all()
        stored: dict[int, Draw] = draws.get_many(row.concurso for row in pending)
        scores = []
        with self.engine.begin() as connection:
            for row in pending:
                draw = stored.get(row.concurso)
                if draw is None:
                    continue
                score = Score(row.plan, row.concurso, hits(row.numbers, draw))
                connection.execute(
                    s.insert().values(prediction_id=row.id, concurso=row.concurso, hits=score.hits, scored_at=utcnow())
                )
                scores.append(score)
        return scores

    def rescore(self, draw: Draw, connection: sa.Connection) -> int:
        """Score again, against `draw` and in the caller's transaction, the guesses for its concurso that were
        scored (against the draw it replaces); how many there were."""
        p, s = schema.predictions, schema.prediction_scores
        scored = connection.execute(
            sa.select(p.c.id, p.c.numbers)
            .join(s, s.c.prediction_id == p.c.id)
            .where(p.c.game == self.game.id)
            .where(p.c.concurso == draw.concurso)
        ).all()
        now = utcnow()
        for row in scored:
            connection.execute(
                s.update().where(s.c.prediction_id == row.id).values(hits=hits(row.numbers, draw), scored_at=now)
            )
        return len(scored)

    def latest(self) -> list[dict[str, Any]]:
        """The newest guess of each plan, with its member versions and weights, and its hits once scored."""
        p, s, e = schema.predictions, schema.prediction_scores, schema.ensemble_versions
        mine = p.c.game == self.game.id
        newest_of_plan = sa.select(p.c.plan, sa.func.max(p.c.concurso).label("concurso")).where(mine)
        newest = newest_of_plan.group_by(p.c.plan).subquery()
        query = (
            sa.select(p.c.plan, p.c.concurso, p.c.numbers, p.c.member_versions, e.c.weights, e.c.note, s.c.hits)
            .join(newest, (newest.c.plan == p.c.plan) & (newest.c.concurso == p.c.concurso))
            .join(e, e.c.id == p.c.ensemble_version_id)
            .outerjoin(s, s.c.prediction_id == p.c.id)
            .where(mine)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        rank = {name: i for i, name in enumerate(PLANS)}
        rows = sorted(rows, key=lambda row: rank.get(row.plan, len(rank)))
        return [
            {
                "plan": row.plan,
                "public": PLANS[row.plan].public if row.plan in PLANS else False,
                "concurso": row.concurso,
                "numbers": list(row.numbers),
                "member_versions": dict(row.member_versions),
                # each scoring member's share of the ensemble (summing to 1; odd_even is a rule, not a scorer)
                "weights": {member: float(weight) for member, weight in dict(row.weights).items()},
                "note": row.note,
                "hits": row.hits,
            }
            for row in rows
        ]

    def live_record(self, plan: str) -> LiveRecord:
        p, s = schema.predictions, schema.prediction_scores
        with self.engine.connect() as connection:
            values = connection.scalars(
                sa.select(s.c.hits)
                .join(p, p.c.id == s.c.prediction_id)
                .where(p.c.game == self.game.id, p.c.plan == plan)
            ).all()
        if not values:
            return LiveRecord(plan, 0, None, None)
        n = len(values)
        mean = sum(values) / n
        if n == 1:
            return LiveRecord(plan, 1, mean, None)  # nothing bounds the mean of one guess
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
        half = 1.96 * sd / math.sqrt(n)
        return LiveRecord(plan, n, mean, (mean - half, mean + half))
