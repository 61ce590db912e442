"""Backtest reports: those beyond the retention are removed, never the one just written."""

from __future__ import annotations

from lotto_models.reporting.backtest import ReportManifest, prune_backtest_reports
from lotto_models.workspace import Workspace


def test_backtest_reports_beyond_the_retention_are_removed_but_the_one_just_written_stays(
    workspace: Workspace,
) -> None:
    reports = workspace.settings.home / "reports"
    for concurso in (*range(3690, 3702), 12):  # and a directory without a manifest is left alone
        (reports / f"backtest-{concurso}").mkdir(parents=True)
        ReportManifest(concurso).write(reports / f"backtest-{concurso}")
    (reports / "notes").mkdir()
    removed = prune_backtest_reports(workspace, reports / "backtest-12")  # an older store's report just written
    names = sorted(p.name for p in reports.iterdir())
    assert names == sorted([*(f"backtest-{c}" for c in range(3692, 3702)), "backtest-12", "notes"])
    assert len(removed) == 2
