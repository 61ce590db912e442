"""decisions grounded in noise: each decision's verdict and figures, each model's comparison with chance

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("promotion_decisions") as batch:
        batch.add_column(sa.Column("verdict", sa.String(32), nullable=True))
        batch.add_column(sa.Column("figures", sa.JSON, nullable=True))
    with op.batch_alter_table("model_status") as batch:
        batch.add_column(sa.Column("below_baseline", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("versus_baseline", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_status") as batch:
        batch.drop_column("versus_baseline")
        batch.drop_column("below_baseline")
    with op.batch_alter_table("promotion_decisions") as batch:
        batch.drop_column("figures")
        batch.drop_column("verdict")
