"""Datasets shared through the artifact store, so a machine can reuse what another one built.

A dataset is a function of the stored draws (its fingerprint names the draws, feature set and code), so
any machine can rebuild it; sharing only saves the work. Each machine keeps its own copy under
`LOTTO_HOME/datasets`. Before building one, a machine fetches it from the store when the store has it
(in a bucket: `datasets/<file>`, verified against the sha256 recorded beside it); after building one, it
keeps it there for the others. On disk there is nothing to share beyond the local directory.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from lotto_models.modeling.dataset_cache import CacheOutcome, DatasetRef, load_or_build_datasets, prune_datasets
from lotto_models.modeling.features import FeatureParams, FeatureSet
from lotto_models.workspace import Workspace


def shared_datasets(
    ws: Workspace, frame: pd.DataFrame, feature_sets: Iterable[FeatureSet]
) -> dict[FeatureSet, DatasetRef]:
    """The datasets of `frame`: each the local copy, else the store's copy, else built here (the missing ones
    together) and then shared."""
    params = FeatureParams.of(ws.settings)
    refs = load_or_build_datasets(
        frame, feature_sets, params, ws.settings.datasets_dir, before_building=ws.artifacts.fetch_dataset
    )
    for ref in refs.values():
        if ref.outcome is not CacheOutcome.REUSED:
            ws.artifacts.keep_dataset(ref.path)
    return refs


def shared_dataset(ws: Workspace, frame: pd.DataFrame, feature_set: FeatureSet) -> DatasetRef:
    """The dataset of one feature set (`shared_datasets`)."""
    return shared_datasets(ws, frame, [feature_set])[feature_set]


def prune_shared_datasets(ws: Workspace, current: Iterable[DatasetRef]) -> list[str]:
    """Delete every dataset of earlier draws, here and in the store; what was deleted."""
    current = list(current)
    removed = [str(path) for path in prune_datasets(ws.settings.datasets_dir, current)]
    return removed + ws.artifacts.prune_datasets({ref.path.name for ref in current})
