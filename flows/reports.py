"""What an after-draw run tells people in Prefect: the summary, model, live-record and prediction artifacts."""

from __future__ import annotations

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from lotto_models.core.plans import plans_of
from lotto_models.registry.model_status import model_statuses
from lotto_models.reporting.baseline import chance_words
from lotto_models.reporting.model_card import model_card
from lotto_models.reporting.run_summary import RunSummary, model_rows
from lotto_models.workspace import Workspace


def publish_run_artifacts(ws: Workspace, summary: RunSummary) -> None:
    create_markdown_artifact(
        key="after-draw-summary",
        markdown="```\n" + summary.text + "\n```",
        description="after-draw run summary",
    )
    words = chance_words(ws.game)
    create_table_artifact(key="model-table", table=model_rows(ws), description=words.model_table_title)
    create_table_artifact(
        key="live-record",
        table=[
            {
                "plan": plan,
                "scored_guesses": record.scored,
                "mean_hits": None if record.mean_hits is None else round(record.mean_hits, 3),
                # no interval below two scored guesses (`storage.live_record`): left empty, as the web hides it
                "ci95": "" if record.ci95 is None else f"{record.ci95[0]:.2f}–{record.ci95[1]:.2f}",
                "random_baseline": round(words.baseline.hits, 3),
            }
            for plan in plans_of(ws.game)
            for record in [ws.predictions.live_record(plan)]
        ],
        description=words.live_record_title,
    )
    create_markdown_artifact(
        key="model-cards",
        markdown=model_cards_markdown(ws, summary),
        description="Model cards: champions and challengers",
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


def model_cards_markdown(ws: Workspace, summary: RunSummary) -> str:
    """Each model's champion card, and the card of each challenger this run decided on that did not win."""
    sections = []
    for status in model_statuses(ws.versions):
        name, champion = status.model, status.champion
        versions = [champion] if champion else []
        decided = summary.decisions.get(name)
        if decided is not None and decided.challenger_id is not None:
            challenger = ws.versions.get(decided.challenger_id)
            versions += [challenger] if challenger and (champion is None or challenger.id != champion.id) else []
        for version in versions:
            sections.append(model_card(version, ws.versions.decisions_about(version.id)).markdown())
        if not versions:
            sections.append(f"### {name}\nNo version yet.")
    return "\n\n".join(sections)
