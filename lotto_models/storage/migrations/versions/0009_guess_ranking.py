"""a guess's ranking: every number of the game's pool, best first, as the plan's ensemble ranked them

- `predictions.ranking`: JSON list of the pool's numbers in the ensemble's order (the guess is its first
  default-bet-size numbers), so the same guess can be offered at every bet size the game allows (its
  members' next-ranked numbers) without running the models again.

Rows stored before this revision keep every value; their ranking stays empty (only the published size is
known for them).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.add_column(sa.Column("ranking", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("ranking")
