"""What an after-draw run tells people: the console summary and the Prefect artifacts."""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.evaluation import BASELINE_HITS, BASELINE_SHARE_11_PLUS
from lotto_models.registry.versions import CHAMPION
from lotto_models.reporting.honesty import HONEST_NOTE
from lotto_models.serving.ensembles import PLANS
from lotto_models.serving.publishing import PublishedGuess
from lotto_models.workspace import Workspace


@dataclass
class RunSummary:
    new_draws: list[int] = field(default_factory=list)
    trained: list[str] = field(default_factory=list)
    decisions: dict[str, str] = field(default_factory=dict)
    guesses: list[PublishedGuess] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)
    nothing_to_do: bool = False
    text: str = ""


def model_rows(ws: Workspace) -> list[dict[str, object]]:
    rows = []
    for name in MODELS:
        champion = ws.registry.alias(name, CHAMPION)
        degraded, reason = ws.registry.status(name)
        metrics = champion.metrics if champion else {}
        rows.append(
            {
                "model": name,
                "champion": champion.label if champion else "none",
                "trained_through": champion.trained_through if champion else None,
                "holdout_draws": metrics.get("draws"),
                "bce": _round(metrics.get("bce")),
                "baseline_bce": _round(metrics.get("baseline_bce")),
                "mean_hits": _round(metrics.get("mean_hits"), 3),
                "hits_ci95": f"{metrics['hits_ci95_low']:.2f}–{metrics['hits_ci95_high']:.2f}" if metrics else "",
                "baseline_hits": BASELINE_HITS,
                "share_11_plus": _round(metrics.get("share_11_plus"), 3),
                "baseline_share_11_plus": round(BASELINE_SHARE_11_PLUS, 3),
                "degraded": degraded,
                "note": reason or "",
            }
        )
    return rows


def _round(value: object, digits: int = 4) -> object:
    return round(value, digits) if isinstance(value, float) else value


def summary_text(ws: Workspace, summary: RunSummary) -> str:
    last = ws.draws.last_draw()
    lines = []
    for fallback in summary.fallbacks:
        lines.append(f"Fallback: {fallback}")
    stored = f"{ws.draws.count()} draws stored, last concurso {last.concurso} on {last.date}" if last else "no draws"
    lines.append(f"Draws: {stored}; new this run: {summary.new_draws or 'none'}.")
    if summary.nothing_to_do:
        lines.append("Nothing new: every model is current and every plan has its guess. Nothing was trained.")
    for row in model_rows(ws):
        hits = row["mean_hits"]
        verdict = (
            f"holdout mean hits {hits} (95% CI {row['hits_ci95']}) vs {BASELINE_HITS} random, "
            f"BCE {row['bce']} vs {row['baseline_bce']}"
            if hits is not None
            else "no holdout yet"
        )
        decision = f" — {summary.decisions[row['model']]}" if row["model"] in summary.decisions else ""
        flag = " [degraded]" if row["degraded"] else ""
        lines.append(f"Model {row['model']}: champion {row['champion']}{flag}; {verdict}{decision}")
    for guess in ws.predictions.latest():
        numbers = " ".join(f"{n:02d}" for n in guess["numbers"])
        members = ", ".join(guess["member_versions"].values())
        lines.append(f"Plan {guess['plan']} guess for concurso {guess['concurso']}: {numbers}  [{members}]")
    for guess in summary.guesses:
        if guess.degraded:
            lines.append(f"Plan {guess.plan} serves degraded: {guess.note}")
    lines.append(HONEST_NOTE)
    return "\n".join(lines)


def publish_run_artifacts(ws: Workspace, summary: RunSummary) -> None:
    create_markdown_artifact(
        key="after-draw-summary",
        markdown="```\n" + summary.text + "\n```",
        description="after-draw run summary",
    )
    create_table_artifact(key="model-table", table=model_rows(ws), description="Champions against the 9.0 baseline")
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
        description="Each plan's published guesses, scored as their draws arrived, against the 9.0 of chance",
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
