"""`PredictionBook`: the ensembles built, the guesses published per plan and concurso, and their scores.

The first guess published for a (plan, concurso) is the one that counts: it is never replaced, so the
live record cannot be improved after the fact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.draws import Draw, hits
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.core.guess_extras import GuessExtras, extra_hits
from lotto_models.core.guess_ranking import checked_ranking
from lotto_models.core.plans import PLANS
from lotto_models.storage import schema
from lotto_models.storage.draw_rows import number_columns
from lotto_models.storage.draw_store import DrawStore, utcnow
from lotto_models.storage.live_record import LiveRecord, ScorePoint, live_record
from lotto_models.storage.rows import as_utc, from_row


@dataclass(frozen=True)
class Score:
    plan: str
    concurso: int
    hits: int
    extra_hits: int | None = None  # what the guess's trevos, month or team matched; None without extras
    second_draw_hits: int | None = None  # Dupla Sena: the same numbers on its second draw


def score_of(plan: str, numbers: list[int], extras: dict[str, Any] | None, draw: Draw) -> Score:
    """A guess (its numbers and extras) against the draw of its concurso."""
    second = len(set(numbers) & set(draw.extras.second_draw)) if draw.extras.second_draw else None
    return Score(
        plan, draw.concurso, hits(numbers, draw), extra_hits(GuessExtras.from_dict(extras), draw.extras), second
    )


def _score_values(score: Score) -> dict[str, Any]:
    return {"hits": score.hits, "extra_hits": score.extra_hits, "second_draw_hits": score.second_draw_hits}


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
    ranking: list[int] | None = None  # the pool best first (0009); None for a guess stored before
    extras: GuessExtras = GuessExtras()  # the trevos, month or team guessed with the numbers (0008)


@dataclass(frozen=True)
class NewestGuess:
    """A plan's newest published guess, the ensemble build that made it, and its hits once scored."""

    plan: str
    concurso: int
    numbers: tuple[int, ...]
    member_versions: dict[str, str]
    weights: dict[str, float]  # each scoring member's share (summing to 1; odd_even is a rule, not a scorer)
    built_at: dt.datetime
    degraded: bool
    note: str | None
    flow_run_id: str | None
    hits: int | None


@dataclass(frozen=True)
class RecordedGuess:
    """A plan's published guess for one concurso, with the numbers drawn and its hits once known."""

    concurso: int
    numbers: tuple[int, ...]
    member_versions: dict[str, str]
    published_at: dt.datetime
    flow_run_id: str | None
    drawn: tuple[int, ...] | None
    hits: int | None


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
            sa.select(
                p.c.plan,
                p.c.concurso,
                p.c.numbers,
                p.c.member_versions,
                p.c.flow_run_id,
                p.c.ranking,
                p.c.extras,
                e.c.degraded,
                e.c.note,
            )
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
            ranking=[int(n) for n in row.ranking] if row.ranking is not None else None,
            extras=GuessExtras.from_dict(row.extras),
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
        extras: dict[str, Any] | None = None,
        ranking: Sequence[int] | None = None,
    ) -> bool:
        """Store the guess (with its extras: trevos, month or team, and its ranking of the whole pool) unless one
        exists for (plan, concurso); True when this one was stored. A ranking whose first default-bet-size
        numbers are not the guess is refused (`core.guess_ranking.InvalidRankingError`) before anything is
        written."""
        ranked = checked_ranking(self.game, numbers, ranking) if ranking is not None else None
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
                    extras=extras,
                    ranking=ranked,
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
                sa.select(p.c.id, p.c.plan, p.c.concurso, p.c.numbers, p.c.extras)
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
                score = score_of(row.plan, row.numbers, row.extras, draw)
                connection.execute(
                    s.insert().values(
                        prediction_id=row.id, concurso=row.concurso, scored_at=utcnow(), **_score_values(score)
                    )
                )
                scores.append(score)
        return scores

    def rescore(self, draw: Draw, connection: sa.Connection) -> int:
        """Score again, against `draw` and in the caller's transaction, the guesses for its concurso that were
        scored (against the draw it replaces); how many there were."""
        p, s = schema.predictions, schema.prediction_scores
        scored = connection.execute(
            sa.select(p.c.id, p.c.plan, p.c.numbers, p.c.extras)
            .join(s, s.c.prediction_id == p.c.id)
            .where(p.c.game == self.game.id)
            .where(p.c.concurso == draw.concurso)
        ).all()
        now = utcnow()
        for row in scored:
            score = score_of(row.plan, row.numbers, row.extras, draw)
            connection.execute(
                s.update().where(s.c.prediction_id == row.id).values(scored_at=now, **_score_values(score))
            )
        return len(scored)

    def newest_guesses(self) -> list[NewestGuess]:
        """The newest guess of each plan that has one, in the plans' order, with its hits once scored."""
        p, s, e = schema.predictions, schema.prediction_scores, schema.ensemble_versions
        mine = p.c.game == self.game.id
        newest_of_plan = sa.select(p.c.plan, sa.func.max(p.c.concurso).label("concurso")).where(mine)
        newest = newest_of_plan.group_by(p.c.plan).subquery()
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
                s.c.hits,
            )
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
            from_row(
                NewestGuess,
                row,
                numbers=tuple(int(n) for n in row.numbers),
                member_versions=dict(row.member_versions),
                weights={member: float(weight) for member, weight in dict(row.weights).items()},
                built_at=as_utc(row.created_at),
                degraded=bool(row.degraded),
            )
            for row in rows
        ]

    def latest(self) -> list[dict[str, Any]]:
        """The newest guess of each plan as `lotto status --json` lists it (its keys are an interface)."""
        return [
            {
                "plan": guess.plan,
                "public": PLANS[guess.plan].public if guess.plan in PLANS else False,
                "concurso": guess.concurso,
                "numbers": list(guess.numbers),
                "member_versions": guess.member_versions,
                "weights": guess.weights,
                "note": guess.note,
                "hits": guess.hits,
            }
            for guess in self.newest_guesses()
        ]

    def guesses(self, plan: str, offset: int = 0, limit: int | None = None) -> list[RecordedGuess]:
        """The plan's published guesses, newest concurso first, with the numbers drawn and the hits once
        known."""
        p, s, d = schema.predictions, schema.prediction_scores, schema.draws
        numbers = [d.c[name] for name in number_columns(self.game)]
        query = (
            sa.select(
                p.c.concurso, p.c.numbers, p.c.member_versions, p.c.created_at, p.c.flow_run_id, s.c.hits, *numbers
            )
            .outerjoin(s, s.c.prediction_id == p.c.id)
            .outerjoin(d, (d.c.game == p.c.game) & (d.c.concurso == p.c.concurso))
            .where(p.c.game == self.game.id, p.c.plan == plan)
            .order_by(p.c.concurso.desc())
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            RecordedGuess(
                concurso=row.concurso,
                numbers=tuple(int(n) for n in row.numbers),
                member_versions=dict(row.member_versions),
                published_at=as_utc(row.created_at),
                flow_run_id=row.flow_run_id,
                drawn=tuple(sorted(int(row._mapping[c.name]) for c in numbers)) if row.d1 is not None else None,
                hits=row.hits,
            )
            for row in rows
        ]

    def guess_count(self, plan: str) -> int:
        p = schema.predictions
        with self.engine.connect() as connection:
            count = sa.select(sa.func.count()).select_from(p).where(p.c.game == self.game.id, p.c.plan == plan)
            return connection.scalar(count) or 0

    def scores(self, plan: str, limit: int | None = None) -> list[ScorePoint]:
        """The plan's scored guesses in concurso order (the newest `limit` when given)."""
        p, s = schema.predictions, schema.prediction_scores
        query = (
            sa.select(p.c.concurso, s.c.hits, p.c.flow_run_id)
            .join(s, s.c.prediction_id == p.c.id)
            .where(p.c.game == self.game.id, p.c.plan == plan)
            .order_by(p.c.concurso.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [ScorePoint(row.concurso, row.hits, row.flow_run_id) for row in reversed(rows)]

    def live_record(self, plan: str) -> LiveRecord:
        """The plan's live record: every scored guess against chance (`storage.live_record`)."""
        return live_record(plan, [point.hits for point in self.scores(plan)], self.game)
