"""The store's tables (SQLAlchemy Core). Alembic migrations in `lotto_models/migrations` create them."""

from __future__ import annotations

import sqlalchemy as sa

from lotto_models.core.game_ids import FIRST_GAME

metadata = sa.MetaData()

# Every row belongs to a game of the catalog (`lotto_models.core.games`), by its API id; rows stored before
# revision 0007 are Lotofácil's, its server default.
DEFAULT_GAME = FIRST_GAME
MAX_DRAWN = 20  # Lotomania draws 20 numbers: d1..d20, a game's unused columns empty


def game_column(primary_key: bool = False) -> sa.Column:
    return sa.Column("game", sa.String(32), primary_key=primary_key, nullable=False, server_default=DEFAULT_GAME)


draws = sa.Table(
    "draws",
    metadata,
    game_column(primary_key=True),
    sa.Column("concurso", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("draw_date", sa.Date, nullable=False),
    *[sa.Column(f"d{i}", sa.SmallInteger, nullable=True) for i in range(1, MAX_DRAWN + 1)],
    sa.Column("source", sa.Text, nullable=False),  # any file name (`import:<name>`): Text since 0006
    sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    *[sa.Column(f"s{i}", sa.SmallInteger, nullable=True) for i in range(1, 7)],  # Dupla Sena's second draw
    *[sa.Column(f"t{i}", sa.SmallInteger, nullable=True) for i in range(1, 3)],  # +Milionária's trevos
    sa.Column("month", sa.SmallInteger, nullable=True),  # Dia de Sorte's Mês da Sorte, 1..12
    sa.Column("team", sa.Text, nullable=True),  # Timemania's Time do Coração
)

raw_payloads = sa.Table(
    "raw_payloads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    game_column(),
    sa.Column("concurso", sa.Integer, nullable=False, index=True),
    sa.Column("source", sa.Text, nullable=False),  # any file name (`import:<name>`): Text since 0006
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    game_column(),
    sa.Column("concurso", sa.Integer, nullable=True),
    sa.Column("source", sa.Text, nullable=False),  # any file name (`import:<name>`): Text since 0006
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=False),  # first seen
    # An entry is held until a person accepts or discards it (never deleted); the same payload rejected
    # again while held is counted on its entry rather than added anew.
    sa.Column("status", sa.String(16), nullable=False, server_default="held"),  # held, accepted, discarded
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("times_seen", sa.Integer, nullable=False, server_default="1"),
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decision_note", sa.Text, nullable=True),
    # sha256 of (concurso, source, reason, payload): how a repeat of a held entry is found, through its index
    sa.Column("fingerprint", sa.String(64), nullable=True),
    sa.Index("ix_quarantine_fingerprint", "fingerprint", "status"),
    sa.Index("ix_quarantine_status", "status"),
)

# A stored draw an operator replaced (`lotto repair-draw`): the wrong row is kept here, never lost.
draw_repairs = sa.Table(
    "draw_repairs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    game_column(),
    sa.Column("concurso", sa.Integer, nullable=False, index=True),
    sa.Column("old_date", sa.Date, nullable=False),
    sa.Column("old_numbers", sa.JSON, nullable=False),
    sa.Column("old_source", sa.Text, nullable=False),
    sa.Column("new_date", sa.Date, nullable=False),
    sa.Column("new_numbers", sa.JSON, nullable=False),
    sa.Column("new_source", sa.Text, nullable=False),
    sa.Column("quarantine_id", sa.Integer, sa.ForeignKey("quarantine.id"), nullable=True),  # taken from it
    sa.Column("rescored_predictions", sa.Integer, nullable=False),  # guesses for the concurso scored again
    sa.Column("repaired_by", sa.Text, nullable=False),
    sa.Column("repaired_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)

ingest_runs = sa.Table(
    "ingest_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    game_column(),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("source", sa.Text, nullable=True),
    sa.Column("latest_seen", sa.Integer, nullable=True),
    sa.Column("new_draws", sa.Integer, nullable=False),
    sa.Column("quarantined", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("flow_run_id", sa.String(64), nullable=True),
)

model_versions = sa.Table(
    "model_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    game_column(),
    sa.Column("model", sa.String(32), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("artifact_path", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("dataset_fingerprint", sa.String(64), nullable=False),
    sa.Column("trained_through", sa.Integer, nullable=False),
    sa.Column("code_version", sa.String(64), nullable=False),
    sa.Column("hyperparameters", sa.JSON, nullable=False),
    sa.Column("metrics", sa.JSON, nullable=False),
    sa.Column("flow_run_id", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("artifacts_pruned_at", sa.DateTime(timezone=True), nullable=True),  # retention removed its files
    sa.UniqueConstraint("game", "model", "version", name="uq_model_versions_game_model_version"),
)

model_aliases = sa.Table(
    "model_aliases",
    metadata,
    game_column(primary_key=True),
    sa.Column("model", sa.String(32), primary_key=True),
    sa.Column("alias", sa.String(16), primary_key=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("model_versions.id"), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

model_status = sa.Table(
    "model_status",
    metadata,
    game_column(primary_key=True),
    sa.Column("model", sa.String(32), primary_key=True),
    sa.Column("degraded", sa.Boolean, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # the champion's latest comparison with the constant forecast (`modeling.comparison`), and whether it is
    # worse beyond noise: such a champion serves no plan until a version that is not is promoted
    sa.Column("below_baseline", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("versus_baseline", sa.JSON, nullable=True),
)

promotion_decisions = sa.Table(
    "promotion_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    game_column(),
    sa.Column("model", sa.String(32), nullable=False),
    sa.Column("challenger_id", sa.Integer, sa.ForeignKey("model_versions.id"), nullable=False),
    sa.Column("champion_id", sa.Integer, sa.ForeignKey("model_versions.id"), nullable=True),
    sa.Column("promoted", sa.Boolean, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_by", sa.String(16), nullable=False, server_default="gate"),  # gate, review, rollback
    sa.Column("verdict", sa.String(32), nullable=True),  # registry.verdicts.Verdict
    sa.Column("figures", sa.JSON, nullable=True),  # registry.verdicts.GateFigures: intervals and margin
)

ensemble_versions = sa.Table(
    "ensemble_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    game_column(),
    sa.Column("plan", sa.String(16), nullable=False),
    sa.Column("member_versions", sa.JSON, nullable=False),
    sa.Column("weights", sa.JSON, nullable=False),
    sa.Column("degraded", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

predictions = sa.Table(
    "predictions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    game_column(),
    sa.Column("plan", sa.String(16), nullable=False),
    sa.Column("concurso", sa.Integer, nullable=False),
    sa.Column("numbers", sa.JSON, nullable=False),
    sa.Column("member_versions", sa.JSON, nullable=False),
    sa.Column("ensemble_version_id", sa.Integer, sa.ForeignKey("ensemble_versions.id"), nullable=False),
    sa.Column("flow_run_id", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("extras", sa.JSON, nullable=True),  # the guessed trevos, month or team (`core.guess_extras`), 0008
    sa.Column("ranking", sa.JSON, nullable=True),  # the pool best first, as the ensemble ranked it, 0009
    sa.UniqueConstraint("game", "plan", "concurso", name="uq_predictions_game_plan_concurso"),
)

prediction_scores = sa.Table(
    "prediction_scores",
    metadata,
    sa.Column("prediction_id", sa.Integer, sa.ForeignKey("predictions.id"), primary_key=True),
    sa.Column("concurso", sa.Integer, nullable=False),
    sa.Column("hits", sa.Integer, nullable=False),
    sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("extra_hits", sa.Integer, nullable=True),  # what the extras matched (0008)
    sa.Column("second_draw_hits", sa.Integer, nullable=True),  # Dupla Sena's second draw (0008)
)

# The delivery ledger (revision 0010): each public plan's guess and its hits per destination of
# LOTTO_PUBLISH_URLS, claimed `pending` before the send, then `sent` or `failed` (`storage.delivery_ledger`).
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    game_column(),
    sa.Column("plan", sa.String(16), nullable=False),
    sa.Column("concurso", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # guess, hits
    sa.Column("destination", sa.String(512), nullable=False),  # the URL's id, no secret in it
    sa.Column("state", sa.String(8), nullable=False),  # pending, sent, failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint("game", "plan", "concurso", "kind", "destination", name="uq_deliveries_one_per_destination"),
    sa.Index("ix_deliveries_destination", "game", "destination", "state"),
)

# The game of every row that is not keyed by it, indexed (revision 0007).
for _table in (raw_payloads, quarantine, draw_repairs, ingest_runs, promotion_decisions, ensemble_versions):
    sa.Index(f"ix_{_table.name}_game", _table.c.game)
