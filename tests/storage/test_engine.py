"""The store's engine: migrations up to the code's head revision, and a store file that cannot be read
refused in a line or two naming it (issue 30)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import DATABASES, migrated_sqlite_store, postgres_database
from tests.lotto_cli import run_lotto


def test_the_head_revision_of_the_code_is_alembics_head_of_the_migration_scripts() -> None:
    from alembic.script import ScriptDirectory

    from lotto_models.storage.engine import alembic_config, head_revision

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == head_revision()


@pytest.mark.parametrize("database", DATABASES)
def test_a_store_at_an_older_revision_is_upgraded(database, tmp_path) -> None:
    from alembic import command

    from lotto_models.storage.engine import (
        alembic_config,
        create_store_engine,
        current_revision,
        head_revision,
        migrate,
    )

    url = f"sqlite:///{tmp_path / 'old.db'}" if database == "sqlite" else postgres_database(f"lotto_old_{os.getpid()}")
    engine = create_store_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    assert current_revision(engine) == "0001"
    migrate(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("promotion_decisions")}
    assert "decided_by" in columns
    engine.dispose()


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.02])
def test_a_truncated_store_is_refused_in_a_line_or_two_naming_it(places: tuple[Path, Path], keep: float) -> None:
    home, _ = places
    home.mkdir()
    store = home / "lotoflow.db"
    shutil.copy(migrated_sqlite_store(seeded=True), store)
    store.chmod(0o644)
    with store.open("r+b") as file:
        file.truncate(int(store.stat().st_size * keep))
    for command in (["run"], ["status"]):
        done = run_lotto(command, {"LOTTO_HOME": str(home)})
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert 1 <= len(lines) <= 2 and "Traceback" not in done.stderr, done.stderr
        assert lines[0].startswith(f"lotto {command[0]}: the store {store} cannot be opened"), lines
        assert "restore it from a copy" in done.stderr
    own = {"lotoflow.db", "lotoflow.db-wal", "lotoflow.db-shm"}
    assert {p.name for p in home.iterdir()} <= own  # nothing seeded, trained or written
