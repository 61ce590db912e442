"""Backfilling a game's history from the API: by number, from the newest stored concurso on, politely, resumably.

Only Lotofácil ships a history (`bundled_history`); another game's first ingest finds an empty store, and the
API answers one concurso per request: Mega-Sena's 2,991 concursos are 2,991 requests, Quina's 7,040 are 7,040.

The trade-off, and why it is made this way:
- polite: `LOTTO_BACKFILL_PAUSE_S` (1 s by default) between two requests to one source, and a refusal (403,
  429) or a busy answer (503) with a Retry-After header is asked again no sooner than it says. CAIXA publishes
  no rate limit, so the pause is a courtesy to a public service behind a bot manager, not a known limit; at 1 s
  Mega-Sena's history takes about 50 minutes and Quina's about two hours, where importing the history file
  (`lotto import-history --game G FILE`) takes seconds: import first when a file is at hand;
- resumable: batches of `LOTTO_BACKFILL_BATCH_DRAWS` are validated and stored as they come (one transaction
  each, logged in `ingest_runs`), so a run stopped or killed midway loses at most the batch it was fetching,
  and the next run goes on from the newest stored concurso;
- bounded: at most `LOTTO_BACKFILL_MAX_DRAWS_PER_RUN` concursos per run, each batch within the fetch budget
  (`LOTTO_FETCH_BUDGET_S`); a batch that cannot be fetched whole, or whose draws are quarantined, ends the run
  there (nothing past a rejected concurso is stored: the history never has a gap);
- visible: `progress` is called after every batch with a `BackfillProgress` (the CLI and the flows show it;
  without one, each batch is a logged line), never a silent hour.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from lotto_models.core.games import Game
from lotto_models.ingest.bundled_history import has_bundled_history
from lotto_models.ingest.draw_calendar import SAO_PAULO, draw_days_between
from lotto_models.ingest.fetch_reports import FetchReport, StoredWhileFetching
from lotto_models.ingest.service import IngestSummary, store_validated_draws, validate_fetched
from lotto_models.ingest.sources import FetchBudget, fetch_missing_draws, http_client, sources_from_settings
from lotto_models.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackfillProgress:
    """Where a backfill stands after a batch: the newest stored concurso against the latest the source claims."""

    game: Game
    newest_stored: int
    latest: int | None  # the latest concurso the source claims (None: no source answered)
    stored_this_run: int

    @property
    def remaining(self) -> int | None:
        return None if self.latest is None else max(0, self.latest - self.newest_stored)

    @property
    def sentence(self) -> str:
        of = "?" if self.latest is None else str(self.latest)
        return (
            f"{self.game.name} backfill: concurso {self.newest_stored} of {of} stored "
            f"({self.stored_this_run} this run, {self.remaining if self.remaining is not None else '?'} to go)"
        )


ProgressCallback = Callable[[BackfillProgress], object]


@dataclass
class BackfillReport:
    """What one backfill run stored, batch by batch, and why it stopped (`complete`: the latest is stored)."""

    game: Game
    first: int  # the first concurso this run asked for
    latest: int | None = None
    batches: list[IngestSummary] = field(default_factory=list)
    unreachable: dict[str, str] = field(default_factory=dict)
    stopped_because: str | None = None  # None: caught up with the latest

    @property
    def stored(self) -> list[int]:
        return [concurso for batch in self.batches for concurso in batch.stored]

    @property
    def quarantined(self) -> list[int | None]:
        return [concurso for batch in self.batches for concurso in batch.quarantined]

    @property
    def complete(self) -> bool:
        return self.stopped_because is None

    def sentence(self) -> str:
        stored = self.stored
        span = f"concursos {stored[0]}..{stored[-1]}" if stored else "nothing"
        ending = "caught up with the latest" if self.complete else f"stopped: {self.stopped_because}"
        batches = len(self.batches)
        return f"{self.game.name} backfill stored {span} ({len(stored)} draw(s)) in {batches} batch(es); {ending}"

    def as_fetch_report(self) -> FetchReport:
        """The run as the fetch step reports it: nothing left to store, and what was stored while fetching."""
        notes = tuple(note for batch in self.batches for note in batch.notes) + (self.sentence(),)
        return FetchReport(
            latest=self.latest,
            unreachable=dict(self.unreachable),
            stored_while_fetching=StoredWhileFetching(
                stored=tuple(self.stored),
                identical=tuple(c for batch in self.batches for c in batch.identical),
                quarantined=tuple(self.quarantined),
                held_back=tuple(c for batch in self.batches for c in batch.held_back),
                notes=notes,
            ),
        )


def backfill_due(ws: Workspace, today: dt.date | None = None) -> bool:
    """Whether the next ingest of `ws.game` is a backfill: a game without a bundled history whose store is empty,
    or whose newest stored draw is more draw days behind than one ingest fetches (`LOTTO_MAX_NEW_DRAWS_PER_RUN`):
    a backfill stopped midway goes on as one. Lotofácil is seeded from its bundled history instead."""
    if has_bundled_history(ws.game):
        return False
    last = ws.draws.last_draw()
    if last is None:
        return True
    through = (today or dt.datetime.now(SAO_PAULO).date()) + dt.timedelta(days=1)
    # The calendar counts Monday to Saturday: more days than a game drawn three times a week has, so a store
    # a little behind is fetched the usual way; one a season behind is backfilled.
    return len(draw_days_between(last.date, through, ws.game)) > ws.settings.max_new_draws_per_run


def backfill_history(
    ws: Workspace,
    progress: ProgressCallback | None = None,
    flow_run_id: str | None = None,
) -> BackfillReport:
    """Fetch, validate and store `ws.game`'s concursos after the newest stored one, batch by batch (see the
    module's trade-off), until the latest is stored, `LOTTO_BACKFILL_MAX_DRAWS_PER_RUN` are, or a batch cannot
    be stored whole. `progress` sees every batch (without it, each is logged). Each batch's ingest log names
    `flow_run_id`."""
    settings = ws.settings
    report = BackfillReport(ws.game, ws.draws.last_concurso() + 1)
    announce = progress or _log_progress
    left = settings.backfill_max_draws_per_run
    with http_client(settings) as client:
        sources = sources_from_settings(settings, client, ws.game, pause_s=settings.backfill_pause_s)
        while True:
            budget = FetchBudget.of(settings.fetch_budget_s)
            for source in sources:  # each batch gets the budget one ingest has; the pause spans batches
                source.budget = budget
            fetched = fetch_missing_draws(sources, ws.draws.last_concurso(), min(settings.backfill_batch_draws, left))
            report.latest = fetched.latest if fetched.latest is not None else report.latest
            report.unreachable.update(fetched.unreachable)
            more_to_fetch = fetched.deferred_from is not None
            # The next batch fetches what this one deferred: no note sends it to the next run.
            batch = dataclasses.replace(fetched, deferred_from=None)
            summary = store_validated_draws(ws, batch, validate_fetched(ws, batch), flow_run_id)
            report.batches.append(summary)
            left -= len(summary.stored)
            announce(BackfillProgress(ws.game, summary.last_stored, report.latest, len(report.stored)))
            report.stopped_because = _stop_reason(fetched, summary, more_to_fetch, left)
            if report.stopped_because is not None or not more_to_fetch:
                break
    log.info("%s", report.sentence())
    return report


def _stop_reason(fetched: FetchReport, summary: IngestSummary, more_to_fetch: bool, left: int) -> str | None:
    """Why the backfill stops after this batch (None: it goes on, or it caught up with the latest)."""
    if not fetched.source_reached:
        return "no source answered: " + "; ".join(f"{k}: {v}" for k, v in fetched.unreachable.items())
    if fetched.incomplete_reason:
        return f"{fetched.incomplete_reason}; the next run goes on from concurso {summary.last_stored + 1}"
    if summary.quarantined or summary.held_back:
        return f"concurso(s) {summary.quarantined} quarantined; nothing after them is stored until they are decided"
    if fetched.stale is not None:
        return fetched.stale.sentence
    if more_to_fetch and left <= 0:
        return (
            f"LOTTO_BACKFILL_MAX_DRAWS_PER_RUN concursos stored this run; the next run goes on from concurso "
            f"{summary.last_stored + 1}"
        )
    if more_to_fetch and not summary.stored:
        return "the batch stored nothing new"
    return None


def _log_progress(step: BackfillProgress) -> None:
    log.info("%s", step.sentence)
