"""`ArtifactStore`: the files of model versions — staging, sha256, backups, restore, pruning.

Two stores keep the same promises: `DiskArtifactStore` (here, the default: a directory on this machine)
and `BucketArtifactStore` (`registry.bucket_artifacts`: an S3-compatible bucket that machines without a
shared disk all see). A version's files live under `models/<key>` (the key is `<model>/v<N>`, recorded
with the version) and are never changed after registration. A training writes into a local staging
directory; `stage` makes it ready to be placed (on disk: nothing to do; in a bucket: uploaded under a
staging key), `place` puts it under the version's key while the version's row is being written, and
only that row's commit makes the version visible. Before a champion is replaced its files are copied to
`backups/<key>`; the newest `retention` backups per model are kept.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from lotto_models.core.cache import CACHE, file_signature
from lotto_models.core.errors import ArtifactChecksumError, LotoflowError
from lotto_models.core.game_ids import FIRST_GAME, legacy_form


class ArtifactKeyTakenError(LotoflowError):
    """Files are already where a new version's would go; they are left alone."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"files are already at {key}, and no version names them: they are left as they are")


class StoredVersion(Protocol):
    """What the artifact store needs to know of a registered version."""

    @property
    def model(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def artifact_key(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def label(self) -> str: ...


V = TypeVar("V", bound=StoredVersion)


def directory_sha256(directory: Path) -> str:
    """A digest of every file's relative path and content under `directory`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def version_key(model: str, number: int, game: str = FIRST_GAME) -> str:
    """Where a version's files live under the models (and backups): `<model>/vN` for Lotofácil, the first game,
    whose versions were there before the others came; `<game>/<model>/vN` for every other game."""
    return f"{model}/v{number}" if legacy_form(game) else f"{game}/{model}/v{number}"


def newest_first(version: StoredVersion) -> int:
    return -version.version


@dataclass(frozen=True)
class StagedArtifact:
    """A trained directory made ready to be placed under a version's key."""

    directory: Path  # the local files as trained
    sha256: str  # of `directory` (`directory_sha256`)
    staging_key: str | None = None  # in a bucket: where the files were uploaded, not yet any version's


class ArtifactStore(Protocol):
    """What the registry needs of a store of version files (on disk or in a bucket)."""

    retention: int

    def staging_dir(self, model: str) -> Path: ...
    def remove_stale_staging(self, older_than_s: float = 6 * 3600) -> list[str]: ...
    def stage(self, directory: Path) -> StagedArtifact: ...
    def place(self, staged: StagedArtifact, key: str) -> None: ...
    def unplace(self, key: str, staged: StagedArtifact) -> None: ...
    def release(self, staged: StagedArtifact) -> None: ...
    def location(self, version: StoredVersion) -> str: ...
    def path(self, version: StoredVersion) -> Path: ...
    def checked_path(self, version: StoredVersion) -> Path: ...
    def verify(self, version: StoredVersion) -> None: ...
    def backup(self, version: StoredVersion) -> Path | str: ...
    def has_good_backup(self, version: StoredVersion) -> bool: ...
    def restore(self, version: StoredVersion) -> str | None: ...
    def remove(self, version: StoredVersion) -> bool: ...
    def backed_up(self, versions: Iterable[V]) -> list[V]: ...
    def prune_backups(self, versions: Iterable[StoredVersion]) -> None: ...
    def keep_report(self, directory: Path) -> str: ...
    def prune_reports(self, keep: set[str]) -> list[str]: ...
    def fetch_dataset(self, path: Path) -> bool: ...
    def keep_dataset(self, path: Path) -> None: ...
    def prune_datasets(self, keep: set[str]) -> list[str]: ...


class DiskArtifactStore:
    """Version files in a directory of this machine (`LOTTO_HOME` by default)."""

    def __init__(self, models_dir: Path, backups_dir: Path, retention: int = 5) -> None:
        self.models_dir = models_dir
        self.backups_dir = backups_dir
        self.retention = max(1, retention)

    # -- staging and placement ---------------------------------------------------------------------------
    def staging_dir(self, model: str) -> Path:
        """A fresh directory to train into, on the same file system as the versions (for an atomic move)."""
        path = self.models_dir / model / f".staging-{uuid.uuid4().hex[:12]}"
        path.mkdir(parents=True)
        return path

    def remove_stale_staging(self, older_than_s: float = 6 * 3600) -> list[str]:
        """Delete staging directories a killed run left behind (older than `older_than_s`)."""
        return remove_stale_directories(self.models_dir.glob("*/.staging-*"), older_than_s)

    def stage(self, directory: Path) -> StagedArtifact:
        """On disk the staging directory is already on the versions' file system: nothing to upload."""
        return StagedArtifact(directory, directory_sha256(directory))

    def place(self, staged: StagedArtifact, key: str) -> None:
        """Move a staged directory to `key`; raise `ArtifactKeyTakenError` when anything is at that key already,
        or at its backup's (files a version's row does not name: a run killed between its move and its commit,
        or a store lost and made anew). They are never replaced: the registration takes the next number."""
        final = self.models_dir / key
        if final.exists() or (self.backups_dir / key).exists():
            raise ArtifactKeyTakenError(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staged.directory, final)  # unlike `replace`, never onto a directory made meanwhile
        except OSError as error:
            if error.errno in (errno.EEXIST, errno.ENOTEMPTY):
                raise ArtifactKeyTakenError(key) from error
            raise

    def unplace(self, key: str, staged: StagedArtifact) -> None:
        """Undo `place` when the version's row could not be written."""
        (self.models_dir / key).replace(staged.directory)

    def release(self, staged: StagedArtifact) -> None:
        """Nothing is left to clean: the staged directory was moved into place (or back)."""

    def location(self, version: StoredVersion) -> str:
        return str(self.path(version))

    # -- reading -----------------------------------------------------------------------------------------
    def path(self, version: StoredVersion) -> Path:
        """Where the version's files are on this machine (not verified: see `checked_path`)."""
        return self.models_dir / version.artifact_key

    def checked_path(self, version: StoredVersion) -> Path:
        """The version's directory after verifying its files against the registered sha256."""
        self.verify(version)
        return self.path(version)

    def verify(self, version: StoredVersion) -> None:
        """Raise `ArtifactChecksumError` unless the files on disk are the ones registered.

        A directory verified in this process is hashed again only when a file in it changed (path, size
        or modification time), so serving many guesses does not re-read every model.
        """
        directory = self.path(version)
        if not directory.is_dir():
            raise ArtifactChecksumError(f"{version.label}: artifact directory {directory} is missing")
        actual = CACHE.get("sha256", directory, file_signature(directory), lambda: directory_sha256(directory))
        if actual != version.sha256:
            raise ArtifactChecksumError(f"{version.label}: sha256 {actual} on disk, {version.sha256} registered")

    # -- backups -----------------------------------------------------------------------------------------
    def backup(self, version: StoredVersion) -> Path:
        """Copy a verified version to the backups (kept once); `prune_backups` keeps the newest `retention`."""
        self.verify(version)
        target = self.backups_dir / version.artifact_key
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".partial-{target.name}-{uuid.uuid4().hex[:8]}")
            shutil.copytree(self.path(version), partial)
            partial.replace(target)
        return target

    def has_good_backup(self, version: StoredVersion) -> bool:
        backup = self.backups_dir / version.artifact_key
        return backup.is_dir() and directory_sha256(backup) == version.sha256

    def restore(self, version: StoredVersion) -> str | None:
        """Make `version`'s files whole again from its own verified backup; the event, or None if impossible."""
        if not self.has_good_backup(version):
            return None
        directory = self.path(version)
        fresh = directory.with_name(f".restoring-{uuid.uuid4().hex[:8]}")
        shutil.copytree(self.backups_dir / version.artifact_key, fresh)
        if directory.exists():
            _remove_aside(directory)
        fresh.replace(directory)
        return f"{version.label} failed its checksum; restored from its backup"

    def remove(self, version: StoredVersion) -> bool:
        """Delete a version's files (retention); whether there were any."""
        directory = self.path(version)
        if not directory.exists():
            return False
        _remove_aside(directory)
        return True

    def backed_up(self, versions: Iterable[V]) -> list[V]:
        """Which of `versions` have a backup directory, newest first."""
        return sorted((v for v in versions if (self.backups_dir / v.artifact_key).is_dir()), key=newest_first)

    def prune_backups(self, versions: Iterable[StoredVersion]) -> None:
        """Delete the backups beyond the newest `retention` among `versions` (one model's)."""
        for version in self.backed_up(versions)[self.retention :]:
            shutil.rmtree(self.backups_dir / version.artifact_key)

    def keep_report(self, directory: Path) -> str:
        """A report written under `LOTTO_HOME/reports` is already where the artifacts are."""
        return str(directory)

    def prune_reports(self, keep: set[str]) -> list[str]:
        """On disk the reports are only under `LOTTO_HOME/reports`, which their writer prunes."""
        return []

    def fetch_dataset(self, path: Path) -> bool:
        """On disk datasets are only in `LOTTO_HOME/datasets`: nothing to fetch from elsewhere."""
        return False

    def keep_dataset(self, path: Path) -> None:
        """The local dataset cache is the only copy on disk."""

    def prune_datasets(self, keep: set[str]) -> list[str]:
        return []


def remove_stale_directories(paths: Iterable[Path], older_than_s: float) -> list[str]:
    """Delete the directories among `paths` not modified for `older_than_s`; what was deleted."""
    removed = []
    for path in paths:
        if path.is_dir() and time.time() - path.stat().st_mtime > older_than_s:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed


def _remove_aside(path: Path) -> None:
    aside = path.with_name(f".orphan-{path.name}-{uuid.uuid4().hex[:8]}")
    path.replace(aside)
    shutil.rmtree(aside, ignore_errors=True)
