"""Where a backfill's progress goes: every batch as a line of the run's log (the Prefect UI shows it), and to the
displays this process installed with `showing_backfill_progress` (the command line's progress bar, on a terminal).
A backfill of a game's whole history takes an hour or more at the polite pace: it is never silent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prefect import get_run_logger

from lotto_models.ingest.backfill import BackfillProgress

BackfillDisplay = Callable[[BackfillProgress], object]
_DISPLAYS: list[BackfillDisplay] = []


@contextmanager
def showing_backfill_progress(display: BackfillDisplay) -> Iterator[None]:
    """Send every backfill batch of this process's runs to `display` while the block runs."""
    _DISPLAYS.append(display)
    try:
        yield
    finally:
        _DISPLAYS.remove(display)


def announce_backfill_progress(step: BackfillProgress) -> None:
    """One batch stored: a line in the run's log, and each installed display updated."""
    get_run_logger().info("%s", step.sentence)
    for display in list(_DISPLAYS):
        display(step)
