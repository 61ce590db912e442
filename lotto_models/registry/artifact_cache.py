"""`ArtifactCache`: this machine's copies of artifacts kept in a bucket, one directory per sha256.

Rule: a directory enters the cache only after its content hashed to the sha256 it is filed under, and a
cached directory is hashed again whenever one of its files changed (path, size or modification time)
before it is served; one that no longer matches is deleted, never served. Beside each entry the cache
remembers the listing (names, sizes, ETags) of every bucket prefix it was verified against, so an
unchanged object is not downloaded again and a changed one always is.

Layout: `<root>/<sha256>/files/…` and `<root>/<sha256>/sources.json`; downloads land in
`<root>/.incoming-*` first and are moved in whole.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

from lotto_models.core.cache import CACHE, file_signature
from lotto_models.registry.artifacts import directory_sha256

# What a bucket prefix held when it was verified: (relative name, size, ETag) of each object, sorted.
Listing = tuple[tuple[str, int, str], ...]


class ArtifactCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def files(self, sha256: str) -> Path:
        return self.root / sha256 / "files"

    def holds(self, sha256: str) -> bool:
        """Whether a good copy of `sha256` is here; a damaged copy is deleted."""
        files = self.files(sha256)
        if not files.is_dir():
            return False
        actual = CACHE.get("sha256", files, file_signature(files), lambda: directory_sha256(files))
        if actual == sha256:
            return True
        shutil.rmtree(self.root / sha256, ignore_errors=True)
        return False

    def incoming(self) -> Path:
        """A fresh directory to download into (inside the cache, so admitting it is a rename)."""
        path = self.root / f".incoming-{uuid.uuid4().hex[:12]}"
        path.mkdir(parents=True)
        return path

    def admit(self, directory: Path, sha256: str) -> bool:
        """Move `directory` into the cache as `sha256` if its content hashes to that; otherwise delete it.

        Whether it matched. A copy already cached is kept and `directory` discarded."""
        if directory_sha256(directory) != sha256:
            shutil.rmtree(directory, ignore_errors=True)
            return False
        if self.holds(sha256):
            shutil.rmtree(directory, ignore_errors=True)
            return True
        entry = self.root / sha256
        entry.mkdir(parents=True, exist_ok=True)
        try:
            directory.replace(self.files(sha256))
        except OSError:  # another process admitted the same content first
            shutil.rmtree(directory, ignore_errors=True)
        return self.holds(sha256)

    def copy_in(self, directory: Path, sha256: str) -> None:
        """Cache a local directory already known to hash to `sha256` (what this machine just trained)."""
        if self.holds(sha256):
            return
        incoming = self.incoming()
        shutil.copytree(directory, incoming, dirs_exist_ok=True)
        self.admit(incoming, sha256)

    def verified_listing(self, sha256: str, source: str) -> Listing | None:
        """The bucket listing of `source` this entry was last verified against, if any."""
        path = self.root / sha256 / "sources.json"
        try:
            found = json.loads(path.read_text()).get(source)
        except (OSError, ValueError):
            return None
        return tuple((name, int(size), str(etag)) for name, size, etag in found) if found else None

    def remember(self, sha256: str, source: str, listing: Listing) -> None:
        """Record that `source`, listed as `listing`, holds exactly this entry's content."""
        path = self.root / sha256 / "sources.json"
        try:
            sources = json.loads(path.read_text())
        except (OSError, ValueError):
            sources = {}
        sources[source] = [list(item) for item in listing]
        partial = path.with_name(f".sources-{uuid.uuid4().hex[:8]}")
        partial.write_text(json.dumps(sources))
        partial.replace(path)
