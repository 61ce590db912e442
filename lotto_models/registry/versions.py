"""`ModelRegistry`: immutable model versions, their `champion`/`previous` aliases, checksums and backups.

Artifacts live in `<models>/<model>/v<N>/`; a version directory is never changed after registration.
Before a champion is replaced its directory is copied to `<backups>/<model>/v<N>/` (the newest
`retention` backups per model are kept), and the alias swap is a single transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.errors import ArtifactChecksumError
from lotto_models.core.version import CODE_VERSION
from lotto_models.storage import schema
from lotto_models.storage.draw_store import utcnow

CHAMPION = "champion"
PREVIOUS = "previous"


@dataclass(frozen=True)
class ModelVersion:
    id: int
    model: str
    version: int
    artifact_path: Path
    sha256: str
    dataset_fingerprint: str
    trained_through: int
    code_version: str
    hyperparameters: dict[str, Any]
    metrics: dict[str, Any]
    flow_run_id: str | None
    created_at: dt.datetime

    @property
    def label(self) -> str:
        return f"{self.model}/v{self.version}"


_verified: dict[Path, tuple[str, tuple]] = {}


def _stat_signature(directory: Path) -> tuple:
    return tuple(
        (str(p.relative_to(directory)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    )


def directory_sha256(directory: Path) -> str:
    """A digest of every file's relative path and content under `directory`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class ModelRegistry:
    def __init__(self, engine: Engine, models_dir: Path, backups_dir: Path, retention: int = 5) -> None:
        self.engine = engine
        self.models_dir = models_dir
        self.backups_dir = backups_dir
        self.retention = max(1, retention)

    def staging_dir(self, model: str) -> Path:
        """A fresh directory to train into, on the same file system as the versions (for an atomic move)."""
        path = self.models_dir / model / f".staging-{uuid.uuid4().hex[:12]}"
        path.mkdir(parents=True)
        return path

    def remove_stale_staging(self, older_than_s: float = 6 * 3600) -> list[Path]:
        """Delete staging directories a killed run left behind (older than `older_than_s`)."""
        removed = []
        for path in self.models_dir.glob("*/.staging-*"):
            if path.is_dir() and time.time() - path.stat().st_mtime > older_than_s:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        return removed

    # -- versions ----------------------------------------------------------------------------------------
    def register(
        self,
        model: str,
        staged_dir: Path,
        dataset_fingerprint: str,
        trained_through: int,
        hyperparameters: dict[str, Any],
        metrics: dict[str, Any],
        flow_run_id: str | None = None,
    ) -> ModelVersion:
        """Make the staged artifact an immutable version; the directory is moved, not copied."""
        sha = directory_sha256(staged_dir)
        with self.engine.begin() as connection:
            latest = connection.scalar(
                sa.select(sa.func.max(schema.model_versions.c.version)).where(schema.model_versions.c.model == model)
            )
            number = (latest or 0) + 1
            final_dir = self.models_dir / model / f"v{number}"
            if final_dir.exists():
                # Left by a run killed between the move and the commit: no row names it, so it is garbage.
                _remove_aside(final_dir)
            staged_dir.replace(final_dir)
            try:
                new_id = connection.execute(
                    schema.model_versions.insert()
                    .values(
                        model=model,
                        version=number,
                        # relative to the models directory, so a LOTTO_HOME can be moved or copied whole
                        artifact_path=final_dir.relative_to(self.models_dir).as_posix(),
                        sha256=sha,
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
                final_dir.replace(staged_dir)
                raise
        version = self.get(new_id)
        assert version is not None
        return version

    def get(self, version_id: int) -> ModelVersion | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(schema.model_versions).where(schema.model_versions.c.id == version_id)
            ).first()
        return self._version_from_row(row) if row else None

    def find(self, model: str, version: int) -> ModelVersion | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(schema.model_versions).where(
                    schema.model_versions.c.model == model, schema.model_versions.c.version == version
                )
            ).first()
        return self._version_from_row(row) if row else None

    def alias(self, model: str, alias: str = CHAMPION) -> ModelVersion | None:
        with self.engine.connect() as connection:
            version_id = connection.scalar(
                sa.select(schema.model_aliases.c.version_id).where(
                    schema.model_aliases.c.model == model, schema.model_aliases.c.alias == alias
                )
            )
        return self.get(version_id) if version_id is not None else None

    def trained_on(self, model: str, dataset_fingerprint: str, hyperparameters: dict[str, Any]) -> ModelVersion | None:
        """The newest version already trained on this dataset with these hyperparameters, if any."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(schema.model_versions)
                .where(
                    schema.model_versions.c.model == model,
                    schema.model_versions.c.dataset_fingerprint == dataset_fingerprint,
                )
                .order_by(schema.model_versions.c.version.desc())
            ).all()
        for row in rows:
            if row.hyperparameters == hyperparameters:
                return self._version_from_row(row)
        return None

    def versions(self, model: str) -> list[ModelVersion]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(schema.model_versions)
                .where(schema.model_versions.c.model == model)
                .order_by(schema.model_versions.c.version)
            ).all()
        return [self._version_from_row(row) for row in rows]

    def decisions_about(self, version_id: int) -> list[sa.Row]:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(schema.promotion_decisions)
                .where(schema.promotion_decisions.c.challenger_id == version_id)
                .order_by(schema.promotion_decisions.c.id)
            ).all()

    def last_decision(self, model: str) -> sa.Row | None:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(schema.promotion_decisions)
                .where(schema.promotion_decisions.c.model == model)
                .order_by(schema.promotion_decisions.c.id.desc())
                .limit(1)
            ).first()

    def count_versions(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.count()).select_from(schema.model_versions)) or 0

    def _version_from_row(self, row: sa.Row) -> ModelVersion:
        return _version_from_row(row, self.models_dir)

    # -- integrity and backups ---------------------------------------------------------------------------
    def verify(self, version: ModelVersion) -> None:
        """Raise `ArtifactChecksumError` unless the files on disk are the ones registered.

        A directory already verified in this process is hashed again only when a file in it changed
        (path, size or modification time), so serving many guesses does not re-read every model.
        """
        if not version.artifact_path.is_dir():
            raise ArtifactChecksumError(f"{version.label}: artifact directory {version.artifact_path} is missing")
        signature = _stat_signature(version.artifact_path)
        if _verified.get(version.artifact_path) == (version.sha256, signature):
            return
        actual = directory_sha256(version.artifact_path)
        if actual != version.sha256:
            raise ArtifactChecksumError(f"{version.label}: sha256 {actual} on disk, {version.sha256} registered")
        _verified[version.artifact_path] = (version.sha256, signature)

    def backup(self, version: ModelVersion) -> Path:
        """Copy a verified version to the backups (kept once), then prune to the newest `retention`."""
        self.verify(version)
        target = self.backups_dir / version.model / f"v{version.version}"
        if not target.exists():
            partial = target.with_name(f".partial-{target.name}-{uuid.uuid4().hex[:8]}")
            shutil.copytree(version.artifact_path, partial)
            partial.replace(target)
        self._prune_backups(version.model)
        return target

    def restore(self, version: ModelVersion) -> str | None:
        """Make `version`'s files whole again from its own verified backup; the event, or None if impossible."""
        backup = self.backups_dir / version.model / f"v{version.version}"
        if not backup.is_dir() or directory_sha256(backup) != version.sha256:
            return None
        fresh = version.artifact_path.with_name(f".restoring-{uuid.uuid4().hex[:8]}")
        shutil.copytree(backup, fresh)
        if version.artifact_path.exists():
            broken = version.artifact_path.with_name(f".corrupt-{version.artifact_path.name}-{uuid.uuid4().hex[:8]}")
            version.artifact_path.replace(broken)
            shutil.rmtree(broken)
        fresh.replace(version.artifact_path)
        return f"{version.label} failed its checksum; restored from its backup"

    def checked_champion(self, model: str) -> tuple[ModelVersion | None, list[str]]:
        """The champion with its files verified, and what had to be done to get there.

        A champion failing its checksum is restored from its backup; without a good backup of its own,
        the newest version with a good backup becomes champion (a rollback). None when nothing is left.
        """
        champion = self.alias(model, CHAMPION)
        if champion is None:
            return None, []
        try:
            self.verify(champion)
            return champion, []
        except ArtifactChecksumError as error:
            problem = str(error)
        event = self.restore(champion)
        if event:
            return champion, [event]
        for candidate in self._backed_up_versions(model):
            if candidate.id == champion.id:
                continue
            try:
                self.verify(candidate)
                restored = None
            except ArtifactChecksumError:
                restored = self.restore(candidate)
                if restored is None:
                    continue
            self.set_champion(model, candidate.id)
            self.record_decision(model, candidate.id, champion.id, True, f"{problem}; no good backup of it", "rollback")
            events = [f"{problem}; rolled back to {candidate.label}"] + ([restored] if restored else [])
            return candidate, events
        return None, [f"{problem}; no good backup to restore"]

    def _backed_up_versions(self, model: str) -> list[ModelVersion]:
        """Registered versions that have a backup, newest first."""
        found = []
        for path in (self.backups_dir / model).glob("v*"):
            if path.is_dir() and path.name[1:].isdigit():
                version = self.find(model, int(path.name[1:]))
                if version is not None:
                    found.append(version)
        return sorted(found, key=lambda v: v.version, reverse=True)

    def _prune_backups(self, model: str) -> None:
        kept = sorted(
            (p for p in (self.backups_dir / model).glob("v*") if p.is_dir()),
            key=lambda p: int(p.name[1:]),
            reverse=True,
        )
        for stale in kept[self.retention :]:
            shutil.rmtree(stale)

    # -- aliases -----------------------------------------------------------------------------------------
    def set_champion(self, model: str, version_id: int) -> None:
        """Make `version_id` the champion and the old champion `previous`, in one transaction."""
        now = utcnow()
        aliases = schema.model_aliases
        with self.engine.begin() as connection:
            current = connection.scalar(
                sa.select(aliases.c.version_id).where(aliases.c.model == model, aliases.c.alias == CHAMPION)
            )
            if current == version_id:
                return
            connection.execute(aliases.delete().where(aliases.c.model == model))
            rows = [{"model": model, "alias": CHAMPION, "version_id": version_id, "updated_at": now}]
            if current is not None:
                rows.append({"model": model, "alias": PREVIOUS, "version_id": current, "updated_at": now})
            connection.execute(aliases.insert(), rows)

    def record_decision(
        self,
        model: str,
        challenger_id: int,
        champion_id: int | None,
        promoted: bool,
        reason: str,
        decided_by: str = "gate",
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                schema.promotion_decisions.insert().values(
                    model=model,
                    challenger_id=challenger_id,
                    champion_id=champion_id,
                    promoted=promoted,
                    reason=reason,
                    decided_at=utcnow(),
                    decided_by=decided_by,
                )
            )

    # -- health ------------------------------------------------------------------------------------------
    def set_status(self, model: str, degraded: bool, reason: str | None = None) -> None:
        status = schema.model_status
        with self.engine.begin() as connection:
            connection.execute(status.delete().where(status.c.model == model))
            connection.execute(
                status.insert().values(model=model, degraded=degraded, reason=reason, updated_at=utcnow())
            )

    def status(self, model: str) -> tuple[bool, str | None]:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(schema.model_status).where(schema.model_status.c.model == model)).first()
        return (bool(row.degraded), row.reason) if row else (False, None)


def _remove_aside(path: Path) -> None:
    aside = path.with_name(f".orphan-{path.name}-{uuid.uuid4().hex[:8]}")
    path.replace(aside)
    shutil.rmtree(aside, ignore_errors=True)


def _version_from_row(row: sa.Row, models_dir: Path) -> ModelVersion:
    return ModelVersion(
        id=row.id,
        model=row.model,
        version=row.version,
        artifact_path=models_dir / row.artifact_path,
        sha256=row.sha256,
        dataset_fingerprint=row.dataset_fingerprint,
        trained_through=row.trained_through,
        code_version=row.code_version,
        hyperparameters=dict(row.hyperparameters),
        metrics=dict(row.metrics),
        flow_run_id=row.flow_run_id,
        created_at=row.created_at,
    )
