"""`VersionStore`: the SQL records of model versions, their `champion`/`previous` aliases, the promotion
decisions and each model's health. Files are the artifact store's job (`registry.artifacts`).

A version row is written only after its files were placed under its key, in the same transaction that
numbers it, so no alias can ever point at a version whose files were not complete.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.failpoints import PROMOTION_MID_SWAP, REGISTRATION_BEFORE_COMMIT, failpoint
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.core.version import CODE_VERSION
from lotto_models.modeling.intervals import PairedInterval
from lotto_models.registry.artifacts import ArtifactKeyTakenError, version_key
from lotto_models.registry.verdicts import GateFigures, Verdict
from lotto_models.storage import schema
from lotto_models.storage.draw_store import utcnow
from lotto_models.storage.rows import from_row

_log = logging.getLogger(__name__)

CHAMPION = "champion"
PREVIOUS = "previous"


@dataclass(frozen=True)
class ModelVersion:
    id: int
    model: str
    version: int
    artifact_key: str  # where the artifact store keeps its files (`<model>/v<N>`)
    sha256: str
    dataset_fingerprint: str
    trained_through: int
    code_version: str
    hyperparameters: dict[str, Any]
    metrics: dict[str, Any]
    flow_run_id: str | None
    created_at: dt.datetime
    artifacts_pruned: bool = False  # retention removed its files; the row and metrics stay

    @property
    def label(self) -> str:
        return f"{self.model}/v{self.version}"


@dataclass(frozen=True)
class PromotionRecord:
    model: str
    challenger_id: int
    champion_id: int | None
    promoted: bool
    reason: str
    decided_by: str
    decided_at: dt.datetime
    verdict: Verdict | None = None  # None for decisions recorded before verdicts were
    figures: GateFigures | None = None  # the gate's intervals and margin (None for a person's decision)


@dataclass(frozen=True)
class ModelHealth:
    """A model's standing besides its versions: degraded (its last training failed) and, for its champion,
    the latest comparison with the constant forecast (below_baseline: worse beyond noise)."""

    degraded: bool = False
    reason: str | None = None
    below_baseline: bool = False
    versus_baseline: PairedInterval | None = None


class VersionStore:
    """The model versions, aliases, decisions and health of one game."""

    def __init__(self, engine: Engine, game: Game = LOTOFACIL) -> None:
        self.engine = engine
        self.game = game
        self._versions_of_game = schema.model_versions.c.game == game.id

    def register(
        self,
        model: str,
        sha256: str,
        place: Callable[[str], Callable[[], None]],
        dataset_fingerprint: str,
        trained_through: int,
        hyperparameters: dict[str, Any],
        metrics: dict[str, Any],
        flow_run_id: str | None = None,
    ) -> ModelVersion:
        """Number a new version, have `place(key)` put its files under that key, then commit its row.

        `place` returns the undo for its move, called when the row cannot be written. It raises
        `ArtifactKeyTakenError` when files are at the key already (no row names them: a run killed before its
        commit, or the versions of a store that was lost): they are never replaced, and the version takes
        the next number whose key is free.
        """
        with self.engine.begin() as connection:
            latest = connection.scalar(
                sa.select(sa.func.max(schema.model_versions.c.version)).where(
                    self._versions_of_game, schema.model_versions.c.model == model
                )
            )
            number = (latest or 0) + 1
            while True:
                key = version_key(model, number, self.game.id)
                try:
                    undo = place(key)
                    break
                except ArtifactKeyTakenError as taken:
                    _log.warning("%s: %s; this version takes the next number", model, taken)
                    number += 1
            try:
                failpoint(REGISTRATION_BEFORE_COMMIT)
                new_id = connection.execute(
                    schema.model_versions.insert()
                    .values(
                        game=self.game.id,
                        model=model,
                        version=number,
                        artifact_path=key,
                        sha256=sha256,
                        dataset_fingerprint=dataset_fingerprint,
                        trained_through=trained_through,
                        code_version=CODE_VERSION,
                        hyperparameters=hyperparameters,
                        metrics=metrics,
                        flow_run_id=flow_run_id,
                        created_at=utcnow(),
                    )
                    .returning(schema.model_versions.c.id)
                ).scalar_one()
            except Exception:
                undo()
                raise
        version = self.get(new_id)
        if version is None:  # pragma: no cover - the row was committed just above
            raise LookupError(f"model version {new_id} vanished after its commit")
        return version

    def get(self, version_id: int) -> ModelVersion | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(schema.model_versions).where(self._versions_of_game, schema.model_versions.c.id == version_id)
            ).first()
        return _version_from_row(row) if row else None

    def find(self, model: str, version: int) -> ModelVersion | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(schema.model_versions).where(
                    self._versions_of_game,
                    schema.model_versions.c.model == model,
                    schema.model_versions.c.version == version,
                )
            ).first()
        return _version_from_row(row) if row else None

    def alias(self, model: str, alias: str = CHAMPION) -> ModelVersion | None:
        with self.engine.connect() as connection:
            version_id = connection.scalar(
                sa.select(schema.model_aliases.c.version_id).where(
                    schema.model_aliases.c.game == self.game.id,
                    schema.model_aliases.c.model == model,
                    schema.model_aliases.c.alias == alias,
                )
            )
        return self.get(version_id) if version_id is not None else None

    def trained_on(self, model: str, dataset_fingerprint: str, hyperparameters: dict[str, Any]) -> ModelVersion | None:
        """The newest version already trained on this dataset with these hyperparameters, if any."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(schema.model_versions)
                .where(
                    self._versions_of_game,
                    schema.model_versions.c.model == model,
                    schema.model_versions.c.dataset_fingerprint == dataset_fingerprint,
                )
                .order_by(schema.model_versions.c.version.desc())
            ).all()
        for row in rows:
            if row.hyperparameters == hyperparameters and row.artifacts_pruned_at is None:
                return _version_from_row(row)
        return None

    def versions(self, model: str) -> list[ModelVersion]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(schema.model_versions)
                .where(self._versions_of_game, schema.model_versions.c.model == model)
                .order_by(schema.model_versions.c.version)
            ).all()
        return [_version_from_row(row) for row in rows]

    def decisions_about(self, version_id: int) -> list[PromotionRecord]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(schema.promotion_decisions)
                .where(
                    schema.promotion_decisions.c.game == self.game.id,
                    schema.promotion_decisions.c.challenger_id == version_id,
                )
                .order_by(schema.promotion_decisions.c.id)
            ).all()
        return [_decision_from_row(row) for row in rows]

    def last_decision(self, model: str) -> PromotionRecord | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(schema.promotion_decisions)
                .where(schema.promotion_decisions.c.game == self.game.id, schema.promotion_decisions.c.model == model)
                .order_by(schema.promotion_decisions.c.id.desc())
                .limit(1)
            ).first()
        return _decision_from_row(row) if row else None

    def mark_artifacts_pruned(self, version_id: int) -> None:
        """Record that retention removed this version's files (before they are removed)."""
        table = schema.model_versions
        with self.engine.begin() as connection:
            connection.execute(
                table.update().where(
                    self._versions_of_game, table.c.id == version_id, table.c.artifacts_pruned_at.is_(None)
                ),
                {"artifacts_pruned_at": utcnow()},
            )

    def count_versions(self) -> int:
        with self.engine.connect() as connection:
            counted = sa.select(sa.func.count()).select_from(schema.model_versions).where(self._versions_of_game)
            return connection.scalar(counted) or 0

    # -- aliases -----------------------------------------------------------------------------------------
    def set_champion(self, model: str, version_id: int) -> None:
        """Make `version_id` the champion and the old champion `previous`, in one transaction."""
        now = utcnow()
        aliases, game = schema.model_aliases, self.game.id
        of_model = [aliases.c.game == game, aliases.c.model == model]
        with self.engine.begin() as connection:
            current = connection.scalar(sa.select(aliases.c.version_id).where(*of_model, aliases.c.alias == CHAMPION))
            if current == version_id:
                return
            connection.execute(aliases.delete().where(*of_model))
            failpoint(PROMOTION_MID_SWAP)
            rows = [{"game": game, "model": model, "alias": CHAMPION, "version_id": version_id, "updated_at": now}]
            if current is not None:
                rows.append({"game": game, "model": model, "alias": PREVIOUS, "version_id": current, "updated_at": now})
            connection.execute(aliases.insert(), rows)
        # the champion's standing against chance is its own: until a gate re-scores it, what its training saw
        recorded = self.get(version_id)
        versus = recorded.metrics.get("versus_baseline") if recorded else None
        self.set_versus_baseline(model, PairedInterval.from_dict(versus) if versus else None)

    def record_decision(
        self,
        model: str,
        challenger_id: int,
        champion_id: int | None,
        promoted: bool,
        reason: str,
        decided_by: str = "gate",
        verdict: Verdict | None = None,
        figures: GateFigures | None = None,
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                schema.promotion_decisions.insert().values(
                    game=self.game.id,
                    model=model,
                    challenger_id=challenger_id,
                    champion_id=champion_id,
                    promoted=promoted,
                    reason=reason,
                    decided_at=utcnow(),
                    decided_by=decided_by,
                    verdict=verdict.value if verdict else None,
                    figures=figures.as_dict() if figures else None,
                )
            )

    # -- health ------------------------------------------------------------------------------------------
    def set_status(self, model: str, degraded: bool, reason: str | None = None) -> None:
        """Mark the model degraded (with the reason) or not; its comparison with chance is kept."""
        self._update_health(model, degraded=degraded, reason=reason)

    def set_versus_baseline(self, model: str, versus: PairedInterval | None) -> None:
        """Record the champion's latest comparison with the constant forecast (None: no champion to judge)."""
        below = versus is not None and versus.worse_beyond_noise
        self._update_health(model, below_baseline=below, versus_baseline=versus.as_dict() if versus else None)

    def status(self, model: str) -> tuple[bool, str | None]:
        health = self.health(model)
        return health.degraded, health.reason

    def health(self, model: str) -> ModelHealth:
        with self.engine.connect() as connection:
            status = schema.model_status
            row = connection.execute(
                sa.select(status).where(status.c.game == self.game.id, status.c.model == model)
            ).first()
        if row is None:
            return ModelHealth()
        versus = PairedInterval.from_dict(row.versus_baseline) if row.versus_baseline else None
        return ModelHealth(bool(row.degraded), row.reason, bool(row.below_baseline), versus)

    def _update_health(self, model: str, **values: Any) -> None:
        status = schema.model_status
        of_model = [status.c.game == self.game.id, status.c.model == model]
        with self.engine.begin() as connection:
            exists = connection.scalar(sa.select(status.c.model).where(*of_model))
            if exists is None:
                row = {"degraded": False, **values, "game": self.game.id, "model": model, "updated_at": utcnow()}
                connection.execute(status.insert().values(row))
            else:
                connection.execute(status.update().where(*of_model).values(updated_at=utcnow(), **values))


def _version_from_row(row: sa.Row[Any]) -> ModelVersion:
    return from_row(
        ModelVersion,
        row,
        artifact_key=row.artifact_path,
        hyperparameters=dict(row.hyperparameters),
        metrics=dict(row.metrics),
        artifacts_pruned=row.artifacts_pruned_at is not None,
    )


def _decision_from_row(row: sa.Row[Any]) -> PromotionRecord:
    return from_row(
        PromotionRecord,
        row,
        promoted=bool(row.promoted),
        verdict=Verdict(row.verdict) if row.verdict else None,
        figures=GateFigures.from_dict(row.figures) if row.figures else None,
    )
