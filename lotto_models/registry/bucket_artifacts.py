"""`BucketArtifactStore`: version files in an S3-compatible bucket (fsspec/s3fs), for machines that share
no disk — only the database and the bucket.

Keys under the store's prefix:
- `staging/<id>/…` — a training's files, uploaded before its version is numbered; no row names them;
- `models/<model>/v<N>/…` — a version's files, copied from staging while its row is being written. The
  row's commit is what makes them a version: a run killed before the commit leaves files at a key no
  row names, which are never replaced (the next registration of that model takes the next number);
- `backups/<model>/v<N>/…` then `backups/<model>/v<N>.sha256` — a backup exists once its marker,
  written last, holds the version's sha256;
- `datasets/<file>` then `datasets/<file>.sha256` — datasets built by one machine for the others;
- `reports/<name>/…` — reports written on whichever machine ran the flow (e.g. the backtest).

A machine never serves a file from the bucket directly: `path` gives the version's directory in the local
`ArtifactCache` (under `LOTTO_HOME`, keyed by sha256), downloaded and verified first. Every `verify`
lists the version's objects, so an object changed or removed in the bucket is caught even when this
machine holds a good copy, and the usual recovery (restore from the backup) follows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import fsspec

from lotto_models.core.errors import ArtifactChecksumError
from lotto_models.registry.artifact_cache import ArtifactCache, Listing
from lotto_models.registry.artifacts import (
    ArtifactKeyTakenError,
    StagedArtifact,
    StoredVersion,
    V,
    directory_sha256,
    newest_first,
    remove_stale_directories,
)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class BucketArtifactStore:
    def __init__(
        self,
        url: str,
        cache: ArtifactCache,
        scratch_dir: Path,
        retention: int = 5,
        storage_options: dict[str, Any] | None = None,
    ) -> None:
        """`url` is `s3://bucket/prefix`; `scratch_dir` a local directory for trainings to write into."""
        self.url = url.rstrip("/")
        self.root = self.url.removeprefix("s3://")
        self.cache = cache
        self.scratch_dir = scratch_dir
        self.retention = max(1, retention)
        # No listing cache: other machines change the bucket, and every check must see what is there now.
        self.fs = fsspec.filesystem("s3", skip_instance_cache=True, use_listings_cache=False, **(storage_options or {}))

    # -- staging and placement ---------------------------------------------------------------------------
    def staging_dir(self, model: str) -> Path:
        path = self.scratch_dir / model / f".staging-{uuid.uuid4().hex[:12]}"
        path.mkdir(parents=True)
        return path

    def remove_stale_staging(self, older_than_s: float = 6 * 3600) -> list[str]:
        """Delete local staging directories and staging uploads a killed run left behind."""
        removed = remove_stale_directories(self.scratch_dir.glob("*/.staging-*"), older_than_s)
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=older_than_s)
        stale = [
            path
            for path, info in self.fs.find(self._key("staging"), detail=True).items()
            if info.get("LastModified") and info["LastModified"] < cutoff
        ]
        if stale:
            self.fs.rm(stale)
        return removed + [f"s3://{path}" for path in stale]

    def stage(self, directory: Path) -> StagedArtifact:
        """Upload the trained files under a fresh staging key (no version names it yet)."""
        sha = directory_sha256(directory)
        key = f"staging/{uuid.uuid4().hex}"
        self._upload(directory, self._key(key))
        self.cache.copy_in(directory, sha)  # this machine has just made it: no need to download it again
        return StagedArtifact(directory, sha, key)

    def place(self, staged: StagedArtifact, key: str) -> None:
        """Copy the staged upload to the version's key (server side). Objects already there (or at its
        backup's key) belong to no version's row: `ArtifactKeyTakenError`, and the registration takes the
        next number."""
        if staged.staging_key is None:
            raise ValueError(f"{staged.directory} was not staged in the bucket")
        target = self._key("models", key)
        if self._listing_paths(target) or self._listing_paths(self._key("backups", key)):
            raise ArtifactKeyTakenError(key)  # objects no row names (a killed run, a lost store): left alone
        source = self._key(staged.staging_key)
        for path in self._listing_paths(source):
            self.fs.copy(path, f"{target}/{path.removeprefix(source + '/')}")
        self.cache.remember(staged.sha256, target, self._listing(target))

    def unplace(self, key: str, staged: StagedArtifact) -> None:
        """Undo `place` when the version's row could not be written (the staged upload is still there)."""
        self._delete_prefix(self._key("models", key))

    def release(self, staged: StagedArtifact) -> None:
        """Delete the staging upload once the version's row is committed (or could not be)."""
        if staged.staging_key is not None:
            self._delete_prefix(self._key(staged.staging_key))

    # -- reading -----------------------------------------------------------------------------------------
    def location(self, version: StoredVersion) -> str:
        return f"s3://{self._key('models', version.artifact_key)}"

    def path(self, version: StoredVersion) -> Path:
        """The version's files on this machine: the verified local copy (downloaded when needed)."""
        self.verify(version)
        return self.cache.files(version.sha256)

    def checked_path(self, version: StoredVersion) -> Path:
        return self.path(version)

    def verify(self, version: StoredVersion) -> None:
        """Raise `ArtifactChecksumError` unless the version's objects are the ones registered.

        One listing of the version's key; its objects are downloaded and hashed only when this machine has
        not verified that exact listing (names, sizes, ETags) before, or its local copy changed."""
        prefix = self._key("models", version.artifact_key)
        if not self._fetch_verified(prefix, version.sha256):
            raise ArtifactChecksumError(
                f"{version.label}: the objects at s3://{prefix} are missing or do not match the registered "
                f"sha256 {version.sha256}"
            )

    # -- backups -----------------------------------------------------------------------------------------
    def backup(self, version: StoredVersion) -> str:
        """Upload a verified version to the backups (kept once); `prune_backups` keeps the newest `retention`."""
        self.verify(version)
        target = self._key("backups", version.artifact_key)
        if self._marker(version.artifact_key) != version.sha256:
            self._delete_prefix(target)
            self._upload(self.cache.files(version.sha256), target)
            self.fs.pipe_file(self._marker_key(version.artifact_key), version.sha256.encode())
        return f"s3://{target}"

    def has_good_backup(self, version: StoredVersion) -> bool:
        if self._marker(version.artifact_key) != version.sha256:
            return False
        return self._fetch_verified(self._key("backups", version.artifact_key), version.sha256)

    def restore(self, version: StoredVersion) -> str | None:
        """Make `version`'s objects whole again from its own verified backup; the event, or None if impossible."""
        if not self.has_good_backup(version):
            return None
        target = self._key("models", version.artifact_key)
        self._delete_prefix(target)
        self._upload(self.cache.files(version.sha256), target)
        self.cache.remember(version.sha256, target, self._listing(target))
        return f"{version.label} failed its checksum; restored from its backup"

    def remove(self, version: StoredVersion) -> bool:
        """Delete a version's objects (retention); whether there were any."""
        return self._delete_prefix(self._key("models", version.artifact_key))

    def backed_up(self, versions: Iterable[V]) -> list[V]:
        """Which of `versions` have a backup (its marker), newest first; one listing per model."""
        wanted = list(versions)
        markers: set[str] = set()
        for parent in {posixpath.dirname(self._marker_key(v.artifact_key)) for v in wanted}:
            markers |= set(self.fs.find(parent, maxdepth=1)) if self.fs.exists(parent) else set()
        return sorted((v for v in wanted if self._marker_key(v.artifact_key) in markers), key=newest_first)

    def prune_backups(self, versions: Iterable[StoredVersion]) -> None:
        """Delete the backups beyond the newest `retention` among `versions` (one model's)."""
        for version in self.backed_up(versions)[self.retention :]:
            self.fs.rm(self._marker_key(version.artifact_key))  # the marker first: a half-deleted backup is none
            self._delete_prefix(self._key("backups", version.artifact_key))

    def keep_report(self, directory: Path) -> str:
        """Upload a written report directory to `reports/<its name>/` (replacing an older upload of it)."""
        target = self._key("reports", directory.name)
        self._delete_prefix(target)
        self._upload(directory, target)
        return f"s3://{target}"

    def prune_reports(self, keep: set[str]) -> list[str]:
        """Delete the uploaded report directories not named in `keep`."""
        removed = []
        for path in self.fs.ls(self._key("reports"), detail=False) if self.fs.exists(self._key("reports")) else []:
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if name not in keep and self._delete_prefix(self._key("reports", name)):
                removed.append(f"s3://{self._key('reports', name)}")
        return removed

    # -- datasets ----------------------------------------------------------------------------------------
    def fetch_dataset(self, path: Path) -> bool:
        """Download the shared copy of the dataset file `path` names; False when there is none, or when it
        does not match its recorded sha256 (the caller builds it then)."""
        key = self._key("datasets", path.name)
        expected = self._read_marker(f"{key}.sha256")
        if expected is None:
            return False
        incoming = self.cache.incoming()
        try:
            local = incoming / path.name
            self.fs.get_file(key, str(local))
            if file_sha256(local) != expected:
                return False
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(local, path)
            return True
        except FileNotFoundError:
            return False
        finally:
            shutil.rmtree(incoming, ignore_errors=True)

    def keep_dataset(self, path: Path) -> None:
        """Share a dataset file this machine built: the object, then its sha256 beside it."""
        key = self._key("datasets", path.name)
        self.fs.put_file(str(path), key)
        self.fs.pipe_file(f"{key}.sha256", file_sha256(path).encode())

    def prune_datasets(self, keep: set[str]) -> list[str]:
        """Delete the shared datasets not named in `keep` (the sha256 first: without it a file is not shared)."""
        removed = []
        for path in sorted(self.fs.find(self._key("datasets"), maxdepth=1), key=lambda p: not p.endswith(".sha256")):
            if path.rsplit("/", 1)[-1].removesuffix(".sha256") not in keep:
                self.fs.rm(path)
                removed.append(f"s3://{path}")
        return removed

    # -- objects -----------------------------------------------------------------------------------------
    def _key(self, *parts: str) -> str:
        return "/".join([self.root, *parts])

    def _marker_key(self, artifact_key: str) -> str:
        return self._key("backups", f"{artifact_key}.sha256")

    def _marker(self, artifact_key: str) -> str | None:
        return self._read_marker(self._marker_key(artifact_key))

    def _read_marker(self, key: str) -> str | None:
        try:
            return bytes(self.fs.cat_file(key)).decode()
        except FileNotFoundError:
            return None

    def _listing(self, prefix: str) -> Listing:
        found = self.fs.find(prefix + "/", detail=True)
        return tuple(
            sorted(
                (path.removeprefix(prefix + "/"), int(info["size"]), str(info.get("ETag", "")))
                for path, info in found.items()
            )
        )

    def _listing_paths(self, prefix: str) -> list[str]:
        return sorted(self.fs.find(prefix + "/"))

    def _upload(self, directory: Path, prefix: str) -> None:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            self.fs.put_file(str(path), f"{prefix}/{path.relative_to(directory).as_posix()}")

    def _delete_prefix(self, prefix: str) -> bool:
        paths = self._listing_paths(prefix)
        if paths:
            self.fs.rm(paths)
        return bool(paths)

    def _fetch_verified(self, prefix: str, sha256: str) -> bool:
        """Whether the objects under `prefix` hash to `sha256`; a good copy is then in the local cache."""
        listing = self._listing(prefix)
        if not listing:
            return False
        if self.cache.verified_listing(sha256, prefix) == listing and self.cache.holds(sha256):
            return True
        incoming = self.cache.incoming()
        for name, _, _ in listing:
            local = incoming / name
            local.parent.mkdir(parents=True, exist_ok=True)
            self.fs.get_file(f"{prefix}/{name}", str(local))
        if not self.cache.admit(incoming, sha256):
            return False
        self.cache.remember(sha256, prefix, listing)
        return True
