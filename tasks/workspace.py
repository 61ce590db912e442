"""The workspace as the Prefect layer opens it: its artifact bucket may be named by a Prefect block
(`LOTTO_ARTIFACTS_BLOCK`)."""

from __future__ import annotations

from lotto_models.core.games import Game
from lotto_models.core.settings import Settings
from lotto_models.workspace import Workspace, open_workspace
from tasks.artifact_block import read_artifact_block


def open_task_workspace(game: Game | None, settings: Settings | None = None, read_only: bool = False) -> Workspace:
    """`open_workspace` of `game` (None: the settings' LOTTO_GAME) with Prefect's block reader, for every task,
    flow and command of the Prefect layer."""
    return open_workspace(settings, read_only, block_reader=read_artifact_block, game=game)
