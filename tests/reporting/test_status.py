"""`lotto status`'s report: the live record of the workspace's game's own plans."""

from __future__ import annotations

from lotto_models.reporting.status import status_report
from lotto_models.workspace import Workspace
from tests.training.game_workspaces import filled, game_workspace


def test_a_games_status_lists_its_own_plans(workspace: Workspace) -> None:
    ws = filled(game_workspace(workspace, "megasena"), 50)
    assert list(status_report(ws)["live"]) == ["basic", "full"]
    assert list(status_report(workspace)["live"]) == ["free", "silver", "gold", "platinum", "rnd"]
