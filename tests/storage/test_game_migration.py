"""Migration 0007 moves a store of one game under `lotofacil`, losing nothing, and keys every row by its game.

The store before is filled at revision 0006 (the schema today's code wrote until this revision) with rows of
every table, read back whole, upgraded, and read again: every row keeps every value (checksums, guesses,
scores, quarantine payloads) and gains `game = lotofacil`.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import sqlalchemy as sa
from alembic import command

from lotto_models.storage.engine import alembic_config, create_store_engine, current_revision
from tests.conftest import DATABASES, postgres_database

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def store_at(revision: str, database: str, tmp_path, name: str) -> sa.Engine:
    url = f"sqlite:///{tmp_path / f'{name}.db'}" if database == "sqlite" else postgres_database(f"{name}_{os.getpid()}")
    engine = create_store_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
    return engine


def fill(engine: sa.Engine) -> None:
    """One or more rows in every table, as the code of revision 0006 wrote them."""
    tables = sa.MetaData()
    tables.reflect(engine)
    t = tables.tables
    numbers = {f"d{i}": n for i, n in enumerate(range(2, 32, 2), start=1)}
    with engine.begin() as db:
        db.execute(
            t["draws"].insert(),
            [{"concurso": c, "draw_date": dt.date(2026, 1, c), "source": "caixa", "stored_at": NOW, **numbers}
             for c in (1, 2, 3)],
        )  # fmt: skip
        db.execute(t["raw_payloads"].insert(), [{"concurso": 3, "source": "caixa", "payload": "{}", "fetched_at": NOW}])
        db.execute(
            t["quarantine"].insert(),
            [{"concurso": 4, "source": "caixa", "payload": '{"x": 1}', "reason": "15 numbers per draw",
              "quarantined_at": NOW, "status": "held", "times_seen": 2, "fingerprint": "f" * 64}],
        )  # fmt: skip
        db.execute(
            t["draw_repairs"].insert(),
            [{"concurso": 2, "old_date": dt.date(2026, 1, 2), "old_numbers": [1], "old_source": "caixa",
              "new_date": dt.date(2026, 1, 2), "new_numbers": [2], "new_source": "repair", "quarantine_id": 1,
              "rescored_predictions": 1, "repaired_by": "ops", "repaired_at": NOW, "note": "typo"}],
        )  # fmt: skip
        run = {"started_at": NOW, "source": "caixa", "new_draws": 3, "quarantined": 1}
        db.execute(t["ingest_runs"].insert(), [run])
        version = {"model": "stat", "artifact_path": "models/stat/v1", "sha256": "a" * 64,
                   "dataset_fingerprint": "b" * 32, "trained_through": 3, "code_version": "0.1.0",
                   "hyperparameters": {"window": 10}, "metrics": {"bce": 0.67}, "created_at": NOW}  # fmt: skip
        second = {**version, "version": 2, "sha256": "c" * 64}
        db.execute(t["model_versions"].insert(), [{**version, "version": 1}, second])
        db.execute(
            t["model_aliases"].insert(),
            [{"model": "stat", "alias": "champion", "version_id": 2, "updated_at": NOW},
             {"model": "stat", "alias": "previous", "version_id": 1, "updated_at": NOW}],
        )  # fmt: skip
        db.execute(
            t["model_status"].insert(),
            [{"model": "stat", "degraded": False, "updated_at": NOW, "below_baseline": False,
              "versus_baseline": {"mean": 0.001}}],
        )  # fmt: skip
        db.execute(
            t["promotion_decisions"].insert(),
            [{"model": "stat", "challenger_id": 2, "champion_id": 1, "promoted": True, "reason": "not worse",
              "decided_at": NOW, "decided_by": "gate", "verdict": "not_worse", "figures": {"upper": 0.0001}}],
        )  # fmt: skip
        db.execute(
            t["ensemble_versions"].insert(),
            [{"plan": "free", "member_versions": {"stat": 2}, "weights": {"stat": 1.0}, "degraded": False,
              "created_at": NOW}],
        )  # fmt: skip
        db.execute(
            t["predictions"].insert(),
            [{"plan": "free", "concurso": 3, "numbers": list(range(1, 16)), "member_versions": {"stat": 2},
              "ensemble_version_id": 1, "created_at": NOW}],
        )  # fmt: skip
        db.execute(t["prediction_scores"].insert(), [{"prediction_id": 1, "concurso": 3, "hits": 9, "scored_at": NOW}])


def every_row(engine: sa.Engine) -> dict[str, list[dict[str, object]]]:
    tables = sa.MetaData()
    tables.reflect(engine)
    found = {}
    with engine.connect() as db:
        for name, table in tables.tables.items():
            if name == "alembic_version":
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            found[name] = [dict(row._mapping) for row in db.execute(sa.select(table).order_by(*order))]
    return found


@pytest.mark.parametrize("database", DATABASES)
def test_every_row_of_a_one_game_store_is_kept_whole_under_lotofacil(database: str, tmp_path) -> None:
    engine = store_at("0006", database, tmp_path, "lotto_before_games")
    fill(engine)
    before = every_row(engine)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0007")
    after = every_row(engine)
    engine.dispose()

    assert set(after) == set(before)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert {column: new[column] for column in old} == old, table
            added = set(new) - set(old)
            if "game" in added:
                assert new["game"] == "lotofacil", table
            assert all(new[column] is None for column in added - {"game"}), table


@pytest.mark.parametrize("database", DATABASES)
def test_two_games_may_store_the_same_concurso_model_version_and_plan(database: str, tmp_path) -> None:
    engine = store_at("0006", database, tmp_path, "lotto_two_games")
    fill(engine)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0007")
    tables = sa.MetaData()
    tables.reflect(engine)
    t = tables.tables
    with engine.begin() as db:
        db.execute(
            t["draws"].insert(),
            {"game": "megasena", "concurso": 1, "draw_date": dt.date(1996, 3, 11), "source": "caixa",
             "stored_at": NOW, "d1": 4, "d2": 5, "d3": 30, "d4": 33, "d5": 41, "d6": 52},
        )  # fmt: skip
        db.execute(
            t["model_versions"].insert(),
            {"game": "megasena", "model": "stat", "version": 1, "artifact_path": "models/megasena/stat/v1",
             "sha256": "d" * 64, "dataset_fingerprint": "e" * 32, "trained_through": 1, "code_version": "0.1.0",
             "hyperparameters": {}, "metrics": {}, "created_at": NOW},
        )  # fmt: skip
    with engine.connect() as db:
        games = db.execute(sa.select(t["draws"].c.game).where(t["draws"].c.concurso == 1).order_by("game")).scalars()
        assert list(games) == ["lotofacil", "megasena"]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as db:
        db.execute(
            t["draws"].insert(),
            {"game": "megasena", "concurso": 1, "draw_date": dt.date(1996, 3, 11), "source": "caixa",
             "stored_at": NOW, "d1": 1},
        )  # fmt: skip
    engine.dispose()


@pytest.mark.parametrize("database", DATABASES)
def test_a_store_of_one_game_goes_back_to_0006_and_one_of_two_games_is_refused(database: str, tmp_path) -> None:
    engine = store_at("0006", database, tmp_path, "lotto_downgrade")
    fill(engine)
    before = every_row(engine)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0007")
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0006")
    assert current_revision(engine) == "0006" and every_row(engine) == before
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0007")
        connection.execute(sa.text("UPDATE model_status SET game = 'quina'"))
    refused = pytest.raises(RuntimeError, match="model_status holds 1 rows of games other than lotofacil")
    with refused, engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0006")
    assert current_revision(engine) == "0007"
    engine.dispose()


def test_after_a_migration_the_stores_connections_enforce_foreign_keys_again(tmp_path) -> None:
    engine = store_at("0006", "sqlite", tmp_path, "lotto_foreign_keys")
    fill(engine)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0007")
    for _ in range(3):  # whichever pooled connection comes next
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
