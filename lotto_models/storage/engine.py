"""Engines for the store, and bringing its schema up to date with Alembic."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lotto_models.core.errors import StoreUnavailableError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000


def shown_url(url: str) -> str:
    """The store's URL as it may be shown to people: its password hidden."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite store; None for PostgreSQL (or SQLite in memory)."""
    parsed = sa.engine.make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def store_name(url: str) -> str:
    """The store as messages name it: the SQLite file, or the database URL without its password."""
    path = sqlite_file(url)
    return str(path) if path is not None else shown_url(url)


@contextmanager
def reaching_store(url: str) -> Iterator[None]:
    """Turn a failure to reach or open the store into `StoreUnavailableError` naming it and what to check."""
    try:
        yield
    except sa.exc.DatabaseError as error:  # OperationalError (cannot connect or open), or not a database at all
        detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        path = sqlite_file(url)
        if path is not None and not isinstance(error, sa.exc.OperationalError):
            advice = f"{path} is not a store lotoflow can read: restore it from a copy, or move it aside"
        elif path is not None:
            advice = f"check that {path.parent} (LOTTO_HOME) is a directory this user may read and write"
        else:
            advice = "check that PostgreSQL runs there and that LOTTO_DATABASE_URL names it"
        raise StoreUnavailableError(f"the store {store_name(url)} cannot be opened: {detail}\n{advice}") from error


# An unroutable PostgreSQL host would otherwise hang a command for the kernel's TCP timeout (minutes)
POSTGRES_CONNECT = {"connect_timeout": 10}


def create_store_engine(url: str, read_only: bool = False) -> Engine:
    """An engine for `url`; SQLite files get WAL mode and a busy timeout so concurrent runs wait, not fail.

    A `read_only` engine writes nothing, not even its journal mode: SQLite in a query-only connection opened
    read-only, PostgreSQL in read-only transactions. It works on a store in a directory this user cannot write.
    """
    path = sqlite_file(url)
    if read_only:
        return _read_only_engine(url, path)
    if url.startswith("sqlite"):
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreUnavailableError(
                    f"cannot create the directory of the store {path}: {error.strerror}\n"
                    "point LOTTO_HOME at a directory this user may write"
                ) from error
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @sa.event.listens_for(engine, "checkout")
        def _foreign_keys_on(dbapi_connection, _record, _proxy) -> None:
            # a migration turns them off on its connection (`migrations/env.py`): on again for the next user
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

        return engine
    return sa.create_engine(url, pool_pre_ping=True, connect_args=POSTGRES_CONNECT)


def _read_only_engine(url: str, path: Path | None) -> Engine:
    if path is not None:
        # A process writing a WAL-mode database keeps its `-shm` file beside it. With none there and a directory
        # where none can be made, nothing can be writing it: it is opened immutable (no -shm needed), else
        # read-only (which reads the write-ahead log through the -shm file).
        shared_memory = path.with_name(path.name + "-shm")
        mode = "mode=ro" if shared_memory.exists() or os.access(path.parent, os.W_OK) else "immutable=1"
        uri = f"sqlite:///file:{urllib.parse.quote(str(path))}?{mode}&uri=true"
        engine = sa.create_engine(uri, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_query_only(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA query_only = ON")
            cursor.close()

        return engine
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args=POSTGRES_CONNECT)
    if engine.dialect.name == "postgresql":

        @sa.event.listens_for(engine, "connect")
        def _postgres_read_only(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            cursor.close()
            dbapi_connection.commit()  # a SET inside a transaction that is rolled back would be undone

    return engine


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


# The newest migration. Kept here, not found among the scripts at run time, so that a store already at it (a no-op
# run, `lotto predict`) is checked without importing Alembic; a test holds it equal to Alembic's own head, and
# a new migration moves it.
HEAD_REVISION = "0010"


def head_revision() -> str:
    """The newest migration (`HEAD_REVISION`)."""
    return HEAD_REVISION


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration (a no-op when it is there already)."""
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
