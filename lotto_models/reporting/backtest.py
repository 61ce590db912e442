"""The backtest report: every champion's holdout against the random baseline, as a table and a chart.

The holdout is the latest draws, never used for fitting or early stopping; each holdout draw was
predicted from the draws before it by a model fit before the holdout began (walk-forward).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lotto_models.core.errors import LotoflowError
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.modeling.catalog import models_of
from lotto_models.modeling.random_baseline import RandomBaseline
from lotto_models.registry.versions import CHAMPION
from lotto_models.reporting.baseline import chance_words
from lotto_models.workspace import Workspace


def header(game: Game) -> str:
    prize = "11+ hits" if game.id == LOTOFACIL.id else "prize hits"  # `share_11_plus`: a prize tier's share
    return (
        f"| model | version | holdout draws | mean hits (95% CI) | {prize} | BCE | Brier | leakage flag |\n"
        "|---|---|---|---|---|---|---|---|"
    )


HEADER = header(LOTOFACIL)


class NothingToBacktestError(LotoflowError):
    """No model has a champion with holdout figures: a report would be empty, so none is written."""


@dataclass(frozen=True)
class BacktestRow:
    model: str
    version: str
    metrics: dict

    def markdown(self) -> str:
        m = self.metrics
        return (
            f"| {self.model} | {self.version} | {m['draws']} | {m['mean_hits']:.2f} "
            f"({m['hits_ci95_low']:.2f}–{m['hits_ci95_high']:.2f}) | {m['share_11_plus']:.1%} | "
            f"{m['bce']:.4f} | {m['brier']:.4f} | {'SUSPECTED' if m['leakage_suspected'] else 'no'} |"
        )


@dataclass(frozen=True)
class BacktestReport:
    rows: list[BacktestRow]
    markdown_path: Path
    chart_path: Path
    kept_at: str = ""  # where the artifact store keeps the report (its directory, or a bucket URL)

    def markdown(self) -> str:
        return self.markdown_path.read_text()


def backtest_rows(ws: Workspace) -> list[BacktestRow]:
    rows = []
    for name in models_of(ws.game):
        champion = ws.versions.alias(name, CHAMPION)
        if champion is not None and "hits_histogram" in champion.metrics:
            rows.append(BacktestRow(name, champion.label, champion.metrics))
    return rows


def write_backtest_report(ws: Workspace, directory: Path | None = None) -> BacktestReport:
    """Write `backtest.md` and `hits.png` under `LOTTO_HOME/reports/backtest-<last concurso>/`, and keep them
    where the artifacts live (with a bucket: `reports/backtest-<last concurso>/` in it).

    Raises `NothingToBacktestError`, writing nothing, while no model has a champion."""
    rows = backtest_rows(ws)
    if not rows:
        raise NothingToBacktestError(
            f"no model has a champion yet ({ws.draws.count()} draws stored), so there is nothing to backtest and "
            "no report was written\n`lotto run` trains the models (and writes this report itself)"
        )
    concurso = ws.draws.last_concurso()
    directory = directory or ws.settings.home / "reports" / f"backtest-{concurso}"
    directory.mkdir(parents=True, exist_ok=True)
    ReportManifest(concurso).write(directory)
    chance = RandomBaseline.of(ws.game)
    baseline = (
        f"| random guess | — | — | {chance.hits:.2f} | {chance.share_any_prize:.1%} | "
        f"{chance.bce:.4f} | {chance.brier:.4f} | — |"
    )
    text = "\n".join(
        [
            "# Backtest: every champion against the random baseline",
            "",
            f"Holdout: the latest draws, never used for fitting or early stopping. {ws.game.name} draws are random; "
            f"a mean above {chance_words(ws.game).hits} by more than three standard errors is flagged as suspected "
            "leakage, not skill.",
            "",
            header(ws.game),
            *[row.markdown() for row in rows],
            baseline,
            "",
            "![Hit distribution](hits.png)",
        ]
    )
    markdown_path = directory / "backtest.md"
    markdown_path.write_text(text + "\n")
    chart_path = directory / "hits.png"
    _plot_hits(rows, chart_path, chance)
    kept = ws.artifacts.keep_report(directory)
    prune_backtest_reports(ws, directory)
    return BacktestReport(rows, markdown_path, chart_path, kept)


def prune_backtest_reports(ws: Workspace, written: Path) -> list[str]:
    """Keep the newest `report_retention` backtest reports (by the concurso of their manifest), here and where
    the artifacts live; the one just `written` always stays. Each run writes one: without this they pile up for
    good. A directory without a manifest is not a report of ours and is left alone."""
    reports = written.parent
    found = sorted(
        ((manifest.concurso, path) for path in reports.iterdir() if (manifest := ReportManifest.read(path))),
        key=lambda pair: pair[0],
    )
    keep = {path.name for _, path in found[-max(1, ws.settings.report_retention) :]} | {written.name}
    removed = []
    for _, path in found:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed + ws.artifacts.prune_reports(keep)


@dataclass(frozen=True)
class ReportManifest:
    """What a report directory holds: the newest concurso stored when it was written (`report.json`)."""

    concurso: int

    FILE = "report.json"

    def write(self, directory: Path) -> None:
        (directory / self.FILE).write_text(json.dumps({"concurso": self.concurso}) + "\n")

    @classmethod
    def read(cls, directory: Path) -> ReportManifest | None:
        """The manifest of `directory`; None where there is none (not a report) or it cannot be read."""
        try:
            return cls(int(json.loads((directory / cls.FILE).read_text())["concurso"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _plot_hits(rows: list[BacktestRow], path: Path, chance: RandomBaseline) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pmf = np.asarray(chance.pmf)
    ks = np.arange(len(pmf))
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=100)
    width = 0.8 / max(len(rows), 1)
    for i, row in enumerate(rows):
        counts = np.asarray(row.metrics["hits_histogram"], dtype=float)
        ax.bar(ks - 0.4 + width * (i + 0.5), counts / counts.sum(), width, label=row.version, alpha=0.8)
    ax.plot(ks, pmf, "k.-", linewidth=2, label="random guess (hypergeometric)")
    possible = int(np.flatnonzero(pmf)[0])  # the fewest hits a guess can have (Lotofácil: 5 of 15)
    ax.set_xlim(max(possible - 1.5, -0.5), len(pmf) - 0.5)
    ax.set_xlabel(f"hits of the {chance.bet}-number guess")
    ax.set_ylabel("share of holdout draws")
    ax.set_title("Holdout hit distribution of each champion against chance")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
