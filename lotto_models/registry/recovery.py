"""The recovery policy for a damaged champion: restore it, or roll back to a version that can serve.

A champion whose files fail their checksum is restored from its own backup. Without a good backup of
its own, the newest version with a good backup becomes champion, recorded as a rollback. When nothing
is left the model has no champion and the caller's fallback (another plan member, `stat`) takes over.
"""

from __future__ import annotations

from dataclasses import dataclass

from lotto_models.core.errors import ArtifactChecksumError
from lotto_models.core.fallbacks import Fallback, FallbackKind
from lotto_models.registry.artifacts import ArtifactStore
from lotto_models.registry.verdicts import Verdict
from lotto_models.registry.versions import CHAMPION, ModelVersion, VersionStore


@dataclass(frozen=True)
class CheckedChampion:
    """The champion with its files verified (None when nothing can serve), and what was done to get there."""

    version: ModelVersion | None
    fallbacks: tuple[Fallback, ...] = ()


def checked_champion(versions: VersionStore, artifacts: ArtifactStore, model: str) -> CheckedChampion:
    champion = versions.alias(model, CHAMPION)
    if champion is None:
        return CheckedChampion(None)
    try:
        artifacts.verify(champion)
        return CheckedChampion(champion)
    except ArtifactChecksumError as error:
        problem = str(error)
    event = artifacts.restore(champion)
    if event:
        return CheckedChampion(champion, (Fallback(FallbackKind.CHAMPION_RESTORED, model, event),))
    for candidate in artifacts.backed_up(versions.versions(model)):
        if candidate.id == champion.id:
            continue
        try:
            artifacts.verify(candidate)
            restored = None
        except ArtifactChecksumError:
            restored = artifacts.restore(candidate)
            if restored is None:
                continue
        versions.set_champion(model, candidate.id)
        reason = f"{problem}; no good backup of it"
        versions.record_decision(model, candidate.id, champion.id, True, reason, "rollback", Verdict.ROLLBACK)
        fallbacks = [Fallback(FallbackKind.CHAMPION_ROLLED_BACK, model, f"{problem}; rolled back to {candidate.label}")]
        if restored:
            fallbacks.append(Fallback(FallbackKind.CHAMPION_RESTORED, model, restored))
        return CheckedChampion(candidate, tuple(fallbacks))
    return CheckedChampion(
        None, (Fallback(FallbackKind.CHAMPION_LOST, model, f"{problem}; no good backup to restore"),)
    )
