"""Versions of the `stat` model for registry tests: registered from a hand-written artifact, or trained as a
challenger on the stored draws."""

from __future__ import annotations

from lotto_models.modeling.features import FeatureSet
from lotto_models.registry.registration import register_version
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.training.challengers import build_feature_dataset, train_challenger
from lotto_models.workspace import Workspace


def register(workspace: Workspace, weight: float, bce: float = 0.673):
    """A `stat` version of the given first weight, registered with the metrics {"bce": `bce`}."""
    staged = workspace.artifacts.staging_dir("stat")
    (staged / "stat_model.json").write_text(f'{{"weights": [{weight}, 0, 0, 0]}}')
    return register_version(
        workspace.versions, workspace.artifacts, "stat", staged, "fp", 3700, {"kind": "stat"}, {"bce": bce}
    )


def new_stat_version(ws: Workspace, history, upto: int):
    """Store draws up to `upto` and train a `stat` challenger on them; returns (version, dataset path)."""
    if ws.draws.count() == 0:
        ws.draws.seed(history[:upto], "bundled-history")
    else:
        ws.draws.add([IncomingDraw(d, "test") for d in history[ws.draws.last_concurso() : upto]])
    path = build_feature_dataset(ws, FeatureSet.STAT)
    result = train_challenger(ws, "stat", path)
    return ws.versions.get(result.version_id), path
