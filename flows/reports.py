"""What an after-draw run tells people in Prefect: the summary, model, live-record and prediction artifacts."""

from __future__ import annotations

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from lotto_models.modeling.random_baseline import BASELINE_HITS
from lotto_models.reporting.baseline import LIVE_RECORD_TITLE, MODEL_TABLE_TITLE
from lotto_models.reporting.run_summary import RunSummary, model_rows
from lotto_models.serving.plans import PLANS
from lotto_models.workspace import Workspace


def publish_run_artifacts(ws: Workspace, summary: RunSummary) -> None:
    create_markdown_artifact(
        key="after-draw-summary",
        markdown="```\n" + summary.text + "\n```",
        description="after-draw run summary",
    )
    create_table_artifact(key="model-table", table=model_rows(ws), description=MODEL_TABLE_TITLE)
    create_table_artifact(
        key="live-record",
        table=[
            {
                "plan": plan,
                "scored_guesses": record.scored,
                "mean_hits": None if record.mean_hits is None else round(record.mean_hits, 3),
                "ci95": "" if record.ci95 is None else f"{record.ci95[0]:.2f}–{record.ci95[1]:.2f}",
                "random_baseline": BASELINE_HITS,
            }
            for plan in PLANS
            for record in [ws.predictions.live_record(plan)]
        ],
        description=LIVE_RECORD_TITLE,
    )
    if summary.guesses:
        create_table_artifact(
            key="predictions",
            table=[
                {
                    "plan": g.plan,
                    "concurso": g.concurso,
                    "numbers": " ".join(f"{n:02d}" for n in g.numbers),
                    "members": ", ".join(g.member_versions.values()),
                    "weights": ", ".join(f"{m} {w:.2f}" for m, w in g.weights.items()),
                    "degraded": g.degraded,
                }
                for g in summary.guesses
            ],
            description="Published guesses",
        )
