"""What one fetch of the official API (or its mirrors) found: the draws read from their answers, not judged
yet, what was rejected or unreachable, and what a backfill stored as it went."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lotto_models.ingest.candidates import DrawCandidate


@dataclass(frozen=True)
class FetchedDraw:
    """A source's answer read as a draw, not judged yet (the validation suite judges it)."""

    candidate: DrawCandidate
    payload: dict[str, Any]
    source: str


@dataclass(frozen=True)
class StaleLatest:
    """A source whose latest result is older than the newest stored draw (a mirror lagging behind)."""

    source: str
    latest: int
    newest_stored: int

    @property
    def sentence(self) -> str:
        return (
            f"{self.source} answered latest concurso {self.latest}, older than the newest stored concurso "
            f"{self.newest_stored}: a stale source, so nothing newer could be fetched from it"
        )


@dataclass(frozen=True)
class RejectedPayload:
    concurso: int | None
    source: str
    payload: str
    reason: str


@dataclass(frozen=True)
class StoredWhileFetching:
    """What a backfill validated and stored batch by batch while it fetched (each batch logged in `ingest_runs`
    already): the store step that follows the fetch reports it and stores none of it again."""

    stored: tuple[int, ...] = ()
    identical: tuple[int, ...] = ()
    quarantined: tuple[int | None, ...] = ()
    held_back: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class FetchReport:
    """What one fetch found: the new draws in concurso order, what was rejected, what was unreachable.

    `latest_already_stored` is the latest answer when its concurso is stored already (to be compared
    with the stored draw); `stale` says the latest answer was older than the newest stored draw;
    `stored_while_fetching`, what a backfill stored as it went (its draws are not in `fetched`).
    """

    latest: int | None = None
    fetched: list[FetchedDraw] = field(default_factory=list)
    rejected: list[RejectedPayload] = field(default_factory=list)
    unreachable: dict[str, str] = field(default_factory=dict)
    incomplete_reason: str | None = None
    latest_already_stored: FetchedDraw | None = None
    stale: StaleLatest | None = None
    deferred_from: int | None = None  # the first concurso past this run's cap: the next run fetches it on
    stored_while_fetching: StoredWhileFetching | None = None

    @property
    def deferred_sentence(self) -> str | None:
        if self.deferred_from is None or self.latest is None:
            return None
        return (
            f"latest answer claims concurso {self.latest}: this run fetched up to {self.deferred_from - 1} (the "
            f"most one run fetches, by LOTTO_MAX_NEW_DRAWS_PER_RUN and the draw calendar); concursos "
            f"{self.deferred_from}..{self.latest} are for the next runs"
        )

    @property
    def source_reached(self) -> bool:
        return self.latest is not None
