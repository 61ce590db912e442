"""Datasets shared through the artifact store, so a machine can reuse what another one built.

A dataset is a function of the stored draws (its fingerprint names the draws, feature set and code), so
any machine can rebuild it; sharing only saves the work. Each machine keeps its own copy under
`LOTTO_HOME/datasets`. Before building one, a machine fetches it from the store when the store has it
(in a bucket: `datasets/<file>`, verified against the sha256 recorded beside it); after building one, it
keeps it there for the others. On disk there is nothing to share beyond the local directory.

The datasets are the workspace's game's (`feature_params`): its pool sets their widths, and its numbers are
part of their fingerprints (Lotofácil's as they were before games were configurable), so two games' datasets
never share a file. Each game keeps its copies in its own directory (`datasets_dir`), so pruning one game's
old datasets leaves every other game's alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from lotto_models.core.game_ids import legacy_form
from lotto_models.modeling.dataset_cache import CacheOutcome, DatasetRef, load_or_build_datasets, prune_datasets
from lotto_models.modeling.features import FeatureParams, FeatureSet
from lotto_models.modeling.game_shape import GameShape
from lotto_models.workspace import Workspace


def game_shape(ws: Workspace) -> GameShape:
    """The workspace's game as modeling sees it, with its default bet: what features, networks, the guess and
    every comparison with chance are built from."""
    return GameShape.of(ws.game)


def feature_params(ws: Workspace) -> FeatureParams:
    """The feature parameters of the workspace's settings and game."""
    return FeatureParams.of(ws.settings, game_shape(ws))


def datasets_dir(ws: Workspace) -> Path:
    """Where this machine keeps the workspace's game's datasets: `LOTTO_HOME/datasets` for Lotofácil (as
    before games were configurable), a directory named after the game inside it for another game."""
    root = ws.settings.datasets_dir
    return root if legacy_form(ws.game.id) else root / ws.game.id


def shared_datasets(
    ws: Workspace, frame: pd.DataFrame, feature_sets: Iterable[FeatureSet]
) -> dict[FeatureSet, DatasetRef]:
    """The datasets of `frame` (the workspace's game's draws): each the local copy, else the store's copy,
    else built here (the missing ones together) and then shared."""
    params = feature_params(ws)
    refs = load_or_build_datasets(
        frame, feature_sets, params, datasets_dir(ws), before_building=ws.artifacts.fetch_dataset
    )
    for ref in refs.values():
        if ref.outcome is not CacheOutcome.REUSED:
            ws.artifacts.keep_dataset(ref.path)
    return refs


def shared_dataset(ws: Workspace, frame: pd.DataFrame, feature_set: FeatureSet) -> DatasetRef:
    """The dataset of one feature set (`shared_datasets`)."""
    return shared_datasets(ws, frame, [feature_set])[feature_set]


def prune_shared_datasets(ws: Workspace, current: Iterable[DatasetRef]) -> list[str]:
    """Delete every dataset of the workspace's game's earlier draws here, and every one but `current` in the
    store; what was deleted. (The store's shared copies are named by fingerprint alone, so this prunes other
    games' shared copies too: they are rebuilt from the draws when next needed, which costs time, not data.)"""
    current = list(current)
    removed = [str(path) for path in prune_datasets(datasets_dir(ws), current)]
    return removed + ws.artifacts.prune_datasets({ref.path.name for ref in current})
