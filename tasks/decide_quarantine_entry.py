from typing import Literal

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from lotto_models.core.games import Game
from lotto_models.ingest.quarantine import QuarantineEntry, accept_entry, discard_entry
from tasks.workspace import open_task_workspace


@task(name="decide-quarantine-entry", cache_policy=NO_CACHE)
def decide_quarantine_entry(
    game: Game, entry_id: int, decision: Literal["accept", "discard"], note: str, decided_by: str
) -> QuarantineEntry:
    """Accept (validate again and store) or discard a held entry, recording who decided and why."""
    decide = accept_entry if decision == "accept" else discard_entry
    entry = decide(open_task_workspace(game), entry_id, note, decided_by)
    get_run_logger().info(
        "quarantine entry %d (concurso %s) %s by %s: %s", entry.id, entry.concurso, entry.status, decided_by, note
    )
    return entry
