"""Engines for the store, and bringing its schema up to date with Alembic."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.cache import CACHE, file_signature

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000


def create_store_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL mode and a busy timeout so concurrent runs wait, not fail."""
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def alembic_config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def _read_head() -> str:
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = {name: ast.literal_eval(value.strip()) for name, value in _REVISION.findall(script.read_text())}
        revisions.add(found["revision"])
        down = found.get("down_revision")
        parents.update(down if isinstance(down, tuple | list) else [down] if down else [])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations in {MIGRATIONS} must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def head_revision() -> str:
    """The newest migration, read from the scripts' `revision`/`down_revision` lines without importing
    Alembic, so a store that is already there (a no-op run, `lotto predict`) stays a fast check."""
    versions = MIGRATIONS / "versions"
    return CACHE.get("alembic-head", versions, file_signature(versions), _read_head)


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration (a no-op when it is there already)."""
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
