"""The quarantine as an operator works with it: list what is held, look at one entry, accept or discard it.

Invariants:
- nothing is deleted: a decision closes an entry (`accepted` or `discarded`) and records who decided,
  when and why, beside the payload and the reason it was held;
- a held draw is stored only after it passes the same validation as an ingested one (the Great
  Expectations suite and continuity with the stored draw before it), through the same `DrawStore.add`;
- a stored draw is never overwritten: an entry that conflicts with a stored concurso can only be discarded.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from lotto_models.core.draws import Draw, DrawExtras
from lotto_models.core.errors import InvalidDrawError, LotoflowError
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.ingest.candidates import DrawCandidate, month_as_written, team_as_written
from lotto_models.ingest.history_files import candidate_from_record
from lotto_models.ingest.payloads import candidate_from_payload
from lotto_models.ingest.validation import validate_batch
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.storage.quarantine_store import QuarantineEntry, QuarantineStatus
from lotto_models.workspace import Workspace


class QuarantineError(LotoflowError):
    """A quarantine decision that cannot be made (unknown entry, already decided, invalid or conflicting draw)."""


@dataclass(frozen=True)
class QuarantineDetail:
    """An entry with the draw its payload describes (or why it describes none) and the stored draw, if any."""

    entry: QuarantineEntry
    held_draw: DrawCandidate | None  # as the payload gives it; judged again by the suite on acceptance
    unreadable_reason: str | None
    stored_draw: Draw | None

    @property
    def conflicts_with_stored(self) -> bool:
        held = self.held_draw.as_draw() if self.held_draw is not None else None
        return self.stored_draw is not None and held != self.stored_draw


def list_entries(ws: Workspace, include_decided: bool = False) -> list[QuarantineEntry]:
    """Held entries (and decided ones too when asked), oldest first."""
    return ws.quarantine.entries(include_decided)


def get_entry(ws: Workspace, entry_id: int) -> QuarantineEntry:
    entry = ws.quarantine.get(entry_id)
    if entry is None:
        raise QuarantineError(f"quarantine entry {entry_id} does not exist (see `lotto quarantine --all`)")
    return entry


def held_draw(entry: QuarantineEntry, game: Game = LOTOFACIL) -> DrawCandidate:
    """The draw of `game` the held payload describes, read the way its source is read (official API, history
    file row or a stored-draw record), not yet judged; raises `InvalidDrawError` when it describes no draw at
    all (another game's answer included)."""
    try:
        payload = json.loads(entry.payload)
    except json.JSONDecodeError:
        raise InvalidDrawError(entry.concurso, "the held payload is not JSON") from None
    if isinstance(payload, dict) and "tipoJogo" in payload:
        return candidate_from_payload(payload, entry.concurso, game)
    if isinstance(payload, dict) and {"concurso", "data", "numbers"} <= set(payload):
        try:
            date = dt.date.fromisoformat(str(payload["data"]))
        except ValueError:
            raise InvalidDrawError(entry.concurso, f"data {payload['data']!r} is not an ISO date") from None
        numbers, concurso = payload["numbers"], payload["concurso"]
        if (
            not isinstance(concurso, int)
            or not isinstance(numbers, list)
            or not all(isinstance(n, int) for n in numbers)
        ):
            raise InvalidDrawError(entry.concurso, f"the held record has no integer concurso and numbers: {payload}")
        return DrawCandidate(concurso, date, tuple(numbers), _record_extras(payload, concurso))
    if isinstance(payload, dict):
        return candidate_from_record(payload, game)
    raise InvalidDrawError(entry.concurso, f"the held payload is a JSON {type(payload).__name__}, not an object")


def _record_extras(record: dict[str, object], concurso: int) -> DrawExtras:
    """The extras a stored-draw record or a repair by hand holds beside its numbers (`second_draw`, `trevos`,
    `month`, `team`), as written: the suite judges them against the game."""
    parts = {}
    for name in ("second_draw", "trevos"):
        values = record.get(name) or []
        if not isinstance(values, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in values):
            raise InvalidDrawError(concurso, f"the held record's {name} is not a list of integers: {values!r}")
        parts[name] = tuple(values)
    return DrawExtras(
        second_draw=parts["second_draw"],
        trevos=parts["trevos"],
        month=month_as_written(record.get("month"), concurso, "month"),
        team=team_as_written(record.get("team")),
    )


def show_entry(ws: Workspace, entry_id: int) -> QuarantineDetail:
    entry = get_entry(ws, entry_id)
    try:
        draw, unreadable = held_draw(entry, ws.game), None
    except InvalidDrawError as error:
        draw, unreadable = None, str(error)
    concurso = draw.concurso if draw else entry.concurso
    stored = ws.draws.get_many([concurso]).get(concurso) if concurso is not None else None
    return QuarantineDetail(entry, draw, unreadable, stored)


def discard_entry(ws: Workspace, entry_id: int, note: str, decided_by: str) -> QuarantineEntry:
    """Close a held entry without storing anything; the note says why."""
    if not note.strip():
        raise QuarantineError(f"discarding quarantine entry {entry_id} needs a note saying why")
    _open(ws, entry_id)
    return _decide(ws, entry_id, QuarantineStatus.DISCARDED, note, decided_by)


def accept_entry(ws: Workspace, entry_id: int, note: str, decided_by: str) -> QuarantineEntry:
    """Store the held draw after it passes validation again, and close the entry as accepted.

    Refused (with the reason) when the payload describes no valid draw, when the concurso is stored
    already (a conflicting copy can never replace a stored draw; an identical one adds nothing), or
    when the validation of ingestion rejects it against the stored history.
    """
    detail = show_entry(ws, _open(ws, entry_id).id)
    draw = detail.held_draw
    if draw is None:
        raise QuarantineError(f"quarantine entry {entry_id} cannot be accepted: {detail.unreadable_reason}")
    stored = detail.stored_draw
    if stored is not None and stored != draw.as_draw():
        raise QuarantineError(
            f"quarantine entry {entry_id} cannot be accepted: concurso {draw.concurso} is stored as {stored.date} "
            f"{list(stored.numbers)}, and a stored draw is never overwritten; discard the entry instead"
        )
    if stored is not None:
        raise QuarantineError(
            f"quarantine entry {entry_id}: concurso {draw.concurso} is already stored with the same numbers; "
            "discard the entry"
        )
    problems = _validation_problems(ws, draw)
    if problems:
        raise QuarantineError(f"quarantine entry {entry_id} still fails validation: {'; '.join(problems)}")
    payload = json.loads(detail.entry.payload)
    incoming = IncomingDraw(draw.as_draw(), detail.entry.source, payload if isinstance(payload, dict) else None)
    result = ws.draws.add([incoming])
    if draw.concurso not in result.new:  # another run stored it in the meantime
        raise QuarantineError(f"quarantine entry {entry_id}: concurso {draw.concurso} was stored by another run")
    ws.draws.log_ingest(f"quarantine:{entry_id}", None, 1, 0, f"accepted by {decided_by}: {note}")
    return _decide(ws, entry_id, QuarantineStatus.ACCEPTED, note, decided_by)


def _validation_problems(ws: Workspace, draw: DrawCandidate) -> list[str]:
    """What the game's validation suite says against the draw, plus its date against the stored draw after it."""
    report = validate_batch([draw], ws.draws.last_before(draw.concurso), game=ws.game)
    problems = [rejection.reason for rejection in report.rejected]
    following = ws.draws.get_many([draw.concurso + 1]).get(draw.concurso + 1)
    if following is not None and following.date < draw.date:
        problems.append(f"date {draw.date} is after the stored concurso {following.concurso} ({following.date})")
    return problems


def _open(ws: Workspace, entry_id: int) -> QuarantineEntry:
    entry = get_entry(ws, entry_id)
    if entry.status is not QuarantineStatus.HELD:
        raise QuarantineError(
            f"quarantine entry {entry_id} was {entry.status.value} already, by {entry.decided_by} at "
            f"{entry.decided_at}: {entry.decision_note}"
        )
    return entry


def _decide(ws: Workspace, entry_id: int, status: QuarantineStatus, note: str, decided_by: str) -> QuarantineEntry:
    if not ws.quarantine.decide(entry_id, status, note, decided_by):
        raise QuarantineError(f"quarantine entry {entry_id} was decided by someone else meanwhile")
    return get_entry(ws, entry_id)


def entry_row(entry: QuarantineEntry) -> dict[str, object]:
    """One line of the listing (the CLI table and the Prefect table artifact)."""
    return {
        "id": entry.id,
        "concurso": entry.concurso,
        "source": entry.source,
        "reason": entry.reason,
        "first_seen": entry.first_seen.strftime("%Y-%m-%d %H:%M"),
        "times_seen": entry.times_seen,
        "status": entry.status.value,
    }


def describe(detail: QuarantineDetail) -> str:
    """An entry as text: its reason, the payload, the draw it describes and, for a conflict, the stored draw."""
    entry = detail.entry
    lines = [
        f"quarantine entry {entry.id}: concurso {entry.concurso}, source {entry.source}, {entry.status.value}",
        f"first seen {entry.first_seen:%Y-%m-%d %H:%M}"
        + (f", last seen {entry.last_seen:%Y-%m-%d %H:%M}" if entry.last_seen else "")
        + f", {entry.times_seen} time(s)",
        f"reason: {entry.reason}",
        "payload:",
        _pretty(entry.payload),
    ]
    if detail.held_draw is not None:
        lines.append(f"held draw:   {_draw_text(detail.held_draw)}")
    else:
        lines.append(f"held draw:   none ({detail.unreadable_reason})")
    if detail.stored_draw is not None:
        verdict = "CONFLICT: it can never be accepted" if detail.conflicts_with_stored else "identical"
        lines.append(f"stored draw: {_draw_text(detail.stored_draw)}  ({verdict})")
    if entry.status is not QuarantineStatus.HELD:
        lines.append(
            f"{entry.status.value} by {entry.decided_by} at {entry.decided_at:%Y-%m-%d %H:%M}: {entry.decision_note}"
        )
    return "\n".join(lines)


def _draw_text(draw: Draw | DrawCandidate) -> str:
    return f"concurso {draw.concurso} on {draw.date}: " + " ".join(f"{n:02d}" for n in draw.numbers)


def _pretty(payload: str) -> str:
    try:
        return json.dumps(json.loads(payload), ensure_ascii=False, indent=2)
    except json.JSONDecodeError:
        return payload
