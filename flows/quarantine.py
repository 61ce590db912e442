"""The `quarantine` flow: list the held payloads, show one, accept or discard it (a manual deployment).

The same library functions back `lotto quarantine`; every decision is recorded with who, when and why.
"""

from __future__ import annotations

from typing import Literal

from prefect import flow, runtime
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.names import QUARANTINE
from lotto_models.core.game_ids import GameId
from lotto_models.core.games import GAMES
from lotto_models.ingest.quarantine import describe, entry_row, show_entry
from tasks.decide_quarantine_entry import decide_quarantine_entry
from tasks.list_quarantine import list_quarantine
from tasks.workspace import open_task_workspace

QuarantineAction = Literal["list", "show", "accept", "discard"]


@flow(name=QUARANTINE, description="List held payloads, show one, or accept / discard it with a note.")
def quarantine(
    action: QuarantineAction = "list",
    entry_id: int | None = None,
    note: str = "",
    decided_by: str = "",
    include_decided: bool = False,
    game: GameId = "lotofacil",
) -> str:
    """`accept` stores the held draw after validating it again (never over a stored draw); `discard`
    closes the entry. `decided_by` defaults to this flow run's name."""
    if action == "list":
        entries = list_quarantine(GAMES[game], include_decided)
        create_table_artifact(key="quarantine", table=[entry_row(e) for e in entries], description="Quarantine entries")
        return f"{len(entries)} quarantine entr{'y' if len(entries) == 1 else 'ies'}"
    if entry_id is None:
        raise ValueError(f"quarantine action {action!r} needs an entry_id")
    if action in ("accept", "discard"):
        who = decided_by or f"prefect flow run {runtime.flow_run.name}"
        decide_quarantine_entry(GAMES[game], entry_id, action, note, who)
    text = describe(show_entry(open_task_workspace(GAMES[game]), entry_id))
    create_markdown_artifact(key="quarantine-entry", markdown="```\n" + text + "\n```", description="Quarantine entry")
    return text
