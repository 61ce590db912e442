"""The command line's progress bar for a backfill (rich), shown while `lotto run|ingest` runs on a terminal: the
game, the concursos stored of those the source claims, the pace and the time left. Off a terminal (a service, a
pipe), the run's log lines say the same, one per batch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from lotto_models.ingest.backfill import BackfillProgress


class BackfillBar:
    """Follows a backfill's batches on `console`: its total is what the source claims beyond the first stored."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task: TaskID | None = None
        self._first = 0

    def __call__(self, step: BackfillProgress) -> None:
        if self._task is None:
            self._first = step.newest_stored - step.stored_this_run  # stored before this run
            self._task = self.progress.add_task(f"{step.game.name} backfill", total=None)
            self.progress.start()
        total = None if step.latest is None else step.latest - self._first
        self.progress.update(self._task, completed=step.stored_this_run, total=total)

    def close(self) -> None:
        if self._task is not None:
            self.progress.stop()


@contextmanager
def backfill_bar(console: Console | None = None) -> Iterator[BackfillBar | None]:
    """A progress bar for the backfills of the runs inside the block, on the terminal (stderr); none off one."""
    from tasks.backfill_progress import showing_backfill_progress

    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    bar = BackfillBar(console)
    try:
        with showing_backfill_progress(bar):
            yield bar
    finally:
        bar.close()
