"""any source name, the quarantine's repeats found by an index, and the audit of repaired draws

- `source` (draws, raw payloads, quarantine, ingest log) becomes TEXT on PostgreSQL, where VARCHAR(64)
  refused an import of a file whose name is longer than 57 characters (`import:<name>`). SQLite does not
  enforce a VARCHAR length, so its tables are left as they are;
- `quarantine.fingerprint` (indexed with the status), the sha256 of an entry's concurso, source, reason and
  payload, so a payload rejected again is found without comparing every held payload; existing entries are
  filled in; and an index on `quarantine.status` for the counts of held entries;
- `draw_repairs`: each stored draw an operator replaced, with the wrong row kept.

Revision ID: 0006
Revises: 0005
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SOURCE_TABLES = ("draws", "raw_payloads", "quarantine", "ingest_runs")


def fingerprint(concurso: int | None, source: str, reason: str, payload: str) -> str:
    """As `lotto_models.storage.draw_store.quarantine_fingerprint` computes it (a copy: a migration keeps the
    definition it was written with)."""
    return hashlib.sha256(json.dumps([concurso, source, reason, payload], ensure_ascii=False).encode()).hexdigest()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in SOURCE_TABLES:
            op.alter_column(table, "source", type_=sa.Text(), existing_type=sa.String(64))
    with op.batch_alter_table("quarantine") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(64), nullable=True))
        batch.create_index("ix_quarantine_fingerprint", ["fingerprint", "status"])
        batch.create_index("ix_quarantine_status", ["status"])
    quarantine = sa.table(
        "quarantine",
        sa.column("id", sa.Integer),
        sa.column("concurso", sa.Integer),
        sa.column("source", sa.Text),
        sa.column("reason", sa.Text),
        sa.column("payload", sa.Text),
        sa.column("fingerprint", sa.String),
    )
    rows = bind.execute(
        sa.select(
            quarantine.c.id, quarantine.c.concurso, quarantine.c.source, quarantine.c.reason, quarantine.c.payload
        )
    ).all()
    if rows:
        bind.execute(
            quarantine.update().where(quarantine.c.id == sa.bindparam("entry")).values(fingerprint=sa.bindparam("fp")),
            [{"entry": row.id, "fp": fingerprint(row.concurso, row.source, row.reason, row.payload)} for row in rows],
        )
    op.create_table(
        "draw_repairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concurso", sa.Integer(), nullable=False),
        sa.Column("old_date", sa.Date(), nullable=False),
        sa.Column("old_numbers", sa.JSON(), nullable=False),
        sa.Column("old_source", sa.Text(), nullable=False),
        sa.Column("new_date", sa.Date(), nullable=False),
        sa.Column("new_numbers", sa.JSON(), nullable=False),
        sa.Column("new_source", sa.Text(), nullable=False),
        sa.Column("quarantine_id", sa.Integer(), nullable=True),
        sa.Column("rescored_predictions", sa.Integer(), nullable=False),
        sa.Column("repaired_by", sa.Text(), nullable=False),
        sa.Column("repaired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["quarantine_id"], ["quarantine.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_draw_repairs_concurso", "draw_repairs", ["concurso"])


def downgrade() -> None:
    op.drop_index("ix_draw_repairs_concurso", table_name="draw_repairs")
    op.drop_table("draw_repairs")
    with op.batch_alter_table("quarantine") as batch:
        batch.drop_index("ix_quarantine_status")
        batch.drop_index("ix_quarantine_fingerprint")
        batch.drop_column("fingerprint")
    if op.get_bind().dialect.name == "postgresql":
        for table in SOURCE_TABLES:
            op.alter_column(table, "source", type_=sa.String(64), existing_type=sa.Text())
