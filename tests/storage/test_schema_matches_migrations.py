"""The tables the code reads and writes (`storage/schema.py`) are the tables its migrations build."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lotto_models.storage.engine import create_store_engine, migrate
from lotto_models.storage.schema import metadata
from tests.conftest import DATABASES, postgres_database


@pytest.mark.parametrize("database", DATABASES)
def test_the_migrated_store_has_the_codes_tables_columns_keys_and_indexes(database: str, tmp_path) -> None:
    url = (
        f"sqlite:///{tmp_path / 'schema.db'}"
        if database == "sqlite"
        else postgres_database(f"lotto_schema_{os.getpid()}")
    )
    engine = create_store_engine(url)
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    # SQLite keeps the VARCHAR(64) of `source` (it enforces no length; revision 0006 widened it on PostgreSQL)
    differences = [
        d for d in differences if not (database == "sqlite" and d[0][0] == "modify_type" and d[0][3] == "source")
    ]
    assert differences == []
