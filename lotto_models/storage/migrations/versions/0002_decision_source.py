"""who decided a promotion: the automatic gate, a reviewer or a rollback

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("promotion_decisions") as batch:
        batch.add_column(sa.Column("decided_by", sa.String(16), nullable=False, server_default="gate"))


def downgrade() -> None:
    with op.batch_alter_table("promotion_decisions") as batch:
        batch.drop_column("decided_by")
