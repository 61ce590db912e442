"""The version rows and their aliases: a new champion moves the old one to `previous`."""

from __future__ import annotations

from lotto_models.registry.versions import CHAMPION, PREVIOUS
from lotto_models.workspace import Workspace
from tests.registry.stat_versions import register


def test_promotion_moves_the_old_champion_to_previous(workspace: Workspace) -> None:
    first, second = register(workspace, 0.1), register(workspace, 0.2)
    workspace.versions.set_champion("stat", first.id)
    assert workspace.versions.alias("stat", PREVIOUS) is None
    workspace.versions.set_champion("stat", second.id)
    assert workspace.versions.alias("stat", CHAMPION).id == second.id
    assert workspace.versions.alias("stat", PREVIOUS).id == first.id
