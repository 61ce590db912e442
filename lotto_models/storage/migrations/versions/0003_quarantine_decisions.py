"""quarantine decisions: each entry held, accepted or discarded, by whom, when and why; repeats counted

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="held"))
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("times_seen", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("decided_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("decision_note", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        for column in ("decision_note", "decided_at", "decided_by", "times_seen", "last_seen_at", "status"):
            batch.drop_column(column)
