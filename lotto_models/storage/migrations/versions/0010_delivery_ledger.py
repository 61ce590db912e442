"""the delivery ledger: each public plan's guess and its hits, per destination of LOTTO_PUBLISH_URLS

- `deliveries`: one row per (game, plan, concurso, kind, destination), kind `guess` or `hits`, destination a
  stable id without secrets (the Apprise URL as its privacy mode shows it, without its query). A row is
  claimed `pending` (committed) before the message is sent, then marked `sent`, or `failed` with its attempts
  and last error; a row not `sent` is owed and sent again by the next run, with the same delivery key.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("game", sa.String(32), nullable=False, server_default="lotofacil"),
        sa.Column("plan", sa.String(16), nullable=False),
        sa.Column("concurso", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("destination", sa.String(512), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint(
            "game", "plan", "concurso", "kind", "destination", name="uq_deliveries_one_per_destination"
        ),
    )
    op.create_index("ix_deliveries_destination", "deliveries", ["game", "destination", "state"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_destination", table_name="deliveries")
    op.drop_table("deliveries")
