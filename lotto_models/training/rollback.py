"""Manual rollback: make an earlier version the champion again (the `previous` one by default)."""

from __future__ import annotations

from dataclasses import dataclass

from lotto_models.core.errors import ArtifactChecksumError, LotoflowError
from lotto_models.modeling.catalog import models_of
from lotto_models.registry.verdicts import Verdict
from lotto_models.registry.versions import CHAMPION, PREVIOUS
from lotto_models.training.challengers import swap_champion
from lotto_models.workspace import Workspace


class RollbackError(LotoflowError):
    """The requested rollback cannot be done; the message says why and nothing was changed."""


@dataclass(frozen=True)
class Rollback:
    model: str
    from_version: str | None
    to_version: str
    note: str | None = None


def rollback_model(ws: Workspace, model: str, version: int | None = None, reason: str = "manual rollback") -> Rollback:
    """Point `champion` at `version` (default: the `previous` alias), after checking its files."""
    if model not in models_of(ws.game):
        raise RollbackError(f"unknown model {model!r}; known: {', '.join(models_of(ws.game))}")
    target = ws.versions.alias(model, PREVIOUS) if version is None else ws.versions.find(model, version)
    if target is None:
        wanted = "previous champion" if version is None else f"version v{version}"
        raise RollbackError(f"{model} has no {wanted} to roll back to (`lotto status` shows its champion)")
    current = ws.versions.alias(model, CHAMPION)
    if current is not None and current.id == target.id:
        raise RollbackError(f"{target.label} is already the champion")
    note = None
    try:
        ws.artifacts.verify(target)
    except ArtifactChecksumError as error:
        note = ws.artifacts.restore(target)
        if note is None:
            raise RollbackError(
                f"{error}; no good backup either, so the champion stays {current and current.label}"
            ) from error
    swap_champion(ws, model, target, current)
    ws.versions.record_decision(
        model, target.id, current.id if current else None, True, reason, "rollback", Verdict.ROLLBACK
    )
    return Rollback(model, current.label if current else None, target.label, note)
