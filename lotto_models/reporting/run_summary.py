"""The run summary: what an after-draw run did, and the text its console and artifact show."""

from __future__ import annotations

from dataclasses import dataclass, field

from lotto_models.core.fallbacks import Fallback
from lotto_models.registry.model_status import model_statuses
from lotto_models.registry.versions import ModelHealth
from lotto_models.reporting.baseline import chance_words
from lotto_models.reporting.plan_notes import PlanGuess, same_numbers_notes, weights_words
from lotto_models.serving.publishing import PublishedGuess
from lotto_models.training.promotion import PromotionDecision
from lotto_models.workspace import Workspace


@dataclass
class RunSummary:
    new_draws: list[int] = field(default_factory=list)
    trained: list[str] = field(default_factory=list)
    decisions: dict[str, PromotionDecision] = field(default_factory=dict)
    guesses: list[PublishedGuess] = field(default_factory=list)
    fallbacks: list[Fallback] = field(default_factory=list)
    nothing_to_do: bool = False
    waited_for_other_run_s: float = 0.0  # behind another run holding the store's lock
    text: str = ""


def model_rows(ws: Workspace) -> list[dict[str, object]]:
    rows = []
    for status in model_statuses(ws.versions):
        champion, health, metrics = status.champion, status.health, status.holdout
        rows.append(
            {
                "model": status.model,
                "champion": champion.label if champion else "none",
                "trained_through": champion.trained_through if champion else None,
                "holdout_draws": metrics.get("draws"),
                "bce": _round(metrics.get("bce")),
                "baseline_bce": _round(metrics.get("baseline_bce")),
                "mean_hits": _round(metrics.get("mean_hits"), 3),
                "hits_ci95": f"{metrics['hits_ci95_low']:.2f}–{metrics['hits_ci95_high']:.2f}" if metrics else "",
                "share_11_plus": _round(metrics.get("share_11_plus"), 3),
                **chance_words(ws.game).columns,
                "degraded": health.degraded,
                "below_baseline": status.below_baseline,
                "note": reason_words(health),
            }
        )
    return rows


def reason_words(health: ModelHealth) -> str:
    reasons = [health.reason or ""]
    if health.below_baseline and health.versus_baseline is not None:
        reasons.append(f"below the constant forecast beyond noise: holdout loss {health.versus_baseline.words()}")
    return "; ".join(r for r in reasons if r)


def _round(value: object, digits: int = 4) -> object:
    return round(value, digits) if isinstance(value, float) else value


def summary_text(ws: Workspace, summary: RunSummary) -> str:
    last = ws.draws.last_draw()
    lines = []
    for fallback in summary.fallbacks:
        lines.append(f"Fallback: {fallback}")
    stored = f"{ws.draws.count()} draws stored, last concurso {last.concurso} on {last.date}" if last else "no draws"
    if summary.waited_for_other_run_s:
        lines.append(f"Waited {summary.waited_for_other_run_s:.1f} s for another after-draw run on this store.")
    lines.append(f"Draws: {stored}; new this run: {summary.new_draws or 'none'}.")
    if summary.nothing_to_do:
        lines.append("Nothing new: every model is current and every plan has its guess. Nothing was trained.")
    words = chance_words(ws.game)
    for row in model_rows(ws):
        hits = row["mean_hits"]
        verdict = (
            f"holdout mean hits {hits} (95% CI {row['hits_ci95']}) vs {words.hits} random, "
            f"BCE {row['bce']} vs {row['baseline_bce']}"
            if hits is not None
            else "no holdout yet"
        )
        decision = f" — {summary.decisions[row['model']].summary()}" if row["model"] in summary.decisions else ""
        flag = (" [degraded]" if row["degraded"] else "") + (
            " [below the constant forecast beyond noise: serves no plan]" if row["below_baseline"] else ""
        )
        lines.append(f"Model {row['model']}: champion {row['champion']}{flag}; {verdict}{decision}")
    stored_members = {}
    newest = ws.predictions.newest_guesses()
    for latest in newest:
        numbers = " ".join(f"{n:02d}" for n in latest.numbers)
        members = ", ".join(latest.member_versions.values())
        lines.append(
            f"Plan {latest.plan} guess for concurso {latest.concurso}: {numbers}  [{members}; weights "
            f"{weights_words(latest.weights)}]"
        )
        stored_members[(latest.plan, latest.concurso)] = latest.member_versions
    notes = same_numbers_notes(PlanGuess(g.plan, g.concurso, g.numbers, g.weights) for g in newest)
    lines += list(dict.fromkeys(notes.values()))  # one sentence per group of plans
    for published in summary.guesses:
        if (
            not published.newly_published
            and stored_members.get((published.plan, published.concurso)) != published.member_versions
        ):
            # one guess per plan and concurso, scored when the draw arrives: a rebuilt plan never replaces it
            lines.append(
                f"Plan {published.plan} rebuilt with {', '.join(published.member_versions.values())}; its guess for "
                f"concurso {published.concurso} stays as first published, the new members serve from concurso "
                f"{published.concurso + 1}"
            )
        if published.degraded:
            lines.append(f"Plan {published.plan} serves degraded: {published.note}")
    lines.append(words.honest_note)
    return "\n".join(lines)
