"""every row under its game: the store keeps the draws, payloads, quarantine, versions and guesses of each game

- a `game` column (the catalog's API id, `lotto_models.core.games`) on every table that holds a game's rows;
  the rows already there are Lotofácil's (`lotofacil`, its server default, so nothing is rewritten);
- the keys that were unique within the one game become unique within each game: a draw is (game, concurso),
  a model version (game, model, version), an alias (game, model, alias), a model's status (game, model), a
  guess (game, plan, concurso);
- the draws table holds every game's parts: numbers d1..d20 (Lotomania draws 20; a game's unused columns
  stay empty), Dupla Sena's second draw s1..s6, +Milionária's trevos t1..t2, Dia de Sorte's month, and
  Timemania's team.

Nothing is deleted or recomputed: every row keeps its values and ids (checksums, guesses and scores included).

Revision ID: 0007
Revises: 0006
"""

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GAME = "lotofacil"  # every row stored before this revision is Lotofácil's

# Tables whose rows belong to a game, with the keys that become unique per game.
KEYED = {
    "draws": ("primary", ["concurso"]),
    "model_aliases": ("primary", ["model", "alias"]),
    "model_status": ("primary", ["model"]),
    "model_versions": ("unique", ["model", "version"]),
    "predictions": ("unique", ["plan", "concurso"]),
}
UNIQUE_NAMES = {"model_versions": "uq_model_versions_model_version", "predictions": "uq_predictions_plan_concurso"}
NEW_UNIQUE_NAMES = {
    "model_versions": "uq_model_versions_game_model_version",
    "predictions": "uq_predictions_game_plan_concurso",
}
UNKEYED = ("raw_payloads", "quarantine", "draw_repairs", "ingest_runs", "promotion_decisions", "ensemble_versions")
DRAWN_BEFORE = 15  # Lotofácil's d1..d15, NOT NULL until this revision


def _game_column() -> sa.Column:
    return sa.Column("game", sa.String(32), nullable=False, server_default=GAME)


def _key_by_game(postgresql: bool) -> None:
    for table, (kind, columns) in KEYED.items():
        with op.batch_alter_table(table, recreate="always" if not postgresql else "auto") as batch:
            batch.add_column(_game_column())
            if kind == "primary":
                if postgresql:
                    batch.drop_constraint(f"{table}_pkey", type_="primary")
                batch.create_primary_key(f"pk_{table}", ["game", *columns])
            else:
                batch.drop_constraint(UNIQUE_NAMES[table], type_="unique")
                batch.create_unique_constraint(NEW_UNIQUE_NAMES[table], ["game", *columns])


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in UNKEYED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(_game_column())
            batch.create_index(f"ix_{table}_game", ["game"])
    with warnings.catch_warnings():
        # SQLite's rebuilt copies reflect the old key's columns, then take the new key, saying so: expected here
        warnings.filterwarnings("ignore", r"Table '_alembic_tmp_\w+' specifies columns", sa.exc.SAWarning)
        _key_by_game(postgresql)

    with op.batch_alter_table("draws") as batch:
        for i in range(1, DRAWN_BEFORE + 1):
            batch.alter_column(f"d{i}", existing_type=sa.SmallInteger(), nullable=True)
        for i in range(DRAWN_BEFORE + 1, 21):
            batch.add_column(sa.Column(f"d{i}", sa.SmallInteger(), nullable=True))
        for i in range(1, 7):
            batch.add_column(sa.Column(f"s{i}", sa.SmallInteger(), nullable=True))
        for i in range(1, 3):
            batch.add_column(sa.Column(f"t{i}", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("month", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("team", sa.Text(), nullable=True))


def downgrade() -> None:
    """Back to one game: refused while the store holds rows of any other game (they would collide or be lost)."""
    bind = op.get_bind()
    for table in (*KEYED, *UNKEYED):
        others = bind.execute(sa.text(f"SELECT COUNT(*) FROM {table} WHERE game <> :game"), {"game": GAME}).scalar()
        if others:
            raise RuntimeError(f"{table} holds {others} rows of games other than {GAME}: not downgraded")
    postgresql = bind.dialect.name == "postgresql"
    with op.batch_alter_table("draws") as batch:
        for column in ("team", "month", "t2", "t1", *(f"s{i}" for i in range(6, 0, -1))):
            batch.drop_column(column)
        for i in range(20, DRAWN_BEFORE, -1):
            batch.drop_column(f"d{i}")
        for i in range(1, DRAWN_BEFORE + 1):
            batch.alter_column(f"d{i}", existing_type=sa.SmallInteger(), nullable=False)
    for table, (kind, columns) in KEYED.items():
        with op.batch_alter_table(table, recreate="always" if not postgresql else "auto") as batch:
            if kind == "primary":
                batch.drop_constraint(f"pk_{table}", type_="primary")
                batch.create_primary_key(f"{table}_pkey", columns)
            else:
                batch.drop_constraint(NEW_UNIQUE_NAMES[table], type_="unique")
                batch.create_unique_constraint(UNIQUE_NAMES[table], columns)
            batch.drop_column("game")
    for table in UNKEYED:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_game")
            batch.drop_column("game")
