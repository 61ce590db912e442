"""a guess's extras and what they matched: the trevos, month or team guessed with the numbers, and per score
the hits of the extras and of Dupla Sena's second draw

- `predictions.extras`: the guess's extras as published (JSON: trevos, month, team; empty for most games);
- `prediction_scores.extra_hits`: what the extras matched of the draw's (trevos in common, the month or the
  team: 1 or 0); `prediction_scores.second_draw_hits`: Dupla Sena's hits on its second draw (the same
  numbers play both draws, and each draw has its own prize tiers).

Rows stored before this revision keep every value; the new columns stay empty for them.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.add_column(sa.Column("extras", sa.JSON(), nullable=True))
    with op.batch_alter_table("prediction_scores") as batch:
        batch.add_column(sa.Column("extra_hits", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("second_draw_hits", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prediction_scores") as batch:
        batch.drop_column("second_draw_hits")
        batch.drop_column("extra_hits")
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("extras")
