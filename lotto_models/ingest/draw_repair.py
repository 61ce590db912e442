"""Repairing a wrong stored draw: the one supported way to replace a stored draw, by an operator, audited.

Ingestion never overwrites a stored draw, so a wrong one (a bad import of the past, a source that was wrong
and corrected itself) would hold back every later draw for good: each is judged against it. A person who
knows the right draw replaces it here (`lotto repair-draw`), giving it by hand or taking it from a held
quarantine entry of that concurso (the usual way out: the right draw arrived and was quarantined as a
conflict).

Invariants:
- the replacement passes the same validation suite as an ingested draw, against the stored draws around it:
  the draw before it, and the draw after it judged again behind it;
- a repair needs a note saying why, and records who, when and why beside the wrong draw, which is kept
  (`draw_repairs`); the draw's row, its new raw payload, the audit row, the guesses for that concurso
  scored again, and the quarantine entry it came from (accepted) change in one transaction, or nothing does;
- the datasets built from the draws are rebuilt, and the models trained on them become stale: their
  fingerprints hash the draws' content, which the repair changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lotto_models.core.draws import NO_EXTRAS, Draw, DrawExtras
from lotto_models.core.errors import InvalidDrawError, LotoflowError
from lotto_models.ingest.candidates import DrawCandidate
from lotto_models.ingest.quarantine import held_draw
from lotto_models.ingest.validation import validate_batch
from lotto_models.storage.draw_store import DrawRepair, RepairAudit
from lotto_models.storage.quarantine_store import QuarantineStatus
from lotto_models.workspace import Workspace


class DrawRepairError(LotoflowError):
    """A repair that cannot be made: no note, no such stored draw, an invalid replacement, an unusable entry."""


@dataclass(frozen=True)
class Replacement:
    """The right draw, as the operator gives it or as a held quarantine entry holds it."""

    candidate: DrawCandidate
    source: str  # recorded as the draw's source: `repair` or `repair:quarantine:<id>`
    payload: dict[str, object]  # kept as the draw's raw payload
    quarantine_id: int | None = None


def replacement_by_hand(
    concurso: int, date: dt.date, numbers: list[int], extras: DrawExtras = NO_EXTRAS
) -> Replacement:
    """The draw as the operator gives it; `extras` for a game that has them (kept in the payload beside the
    numbers, as a held record is read back)."""
    payload: dict[str, object] = {"concurso": concurso, "data": date.isoformat(), "numbers": list(numbers)}
    if extras != NO_EXTRAS:
        payload |= {"second_draw": list(extras.second_draw), "trevos": list(extras.trevos)}
        payload |= {"month": extras.month, "team": extras.team}
    return Replacement(DrawCandidate(concurso, date, tuple(numbers), extras), "repair", payload)


def replacement_from_quarantine(ws: Workspace, concurso: int, entry_id: int) -> Replacement:
    """The draw a held quarantine entry of `concurso` describes, read the way its source is read."""
    entry = ws.quarantine.get(entry_id)
    if entry is None:
        raise DrawRepairError(f"quarantine entry {entry_id} does not exist (see `lotto quarantine --all`)")
    if entry.status is not QuarantineStatus.HELD:
        raise DrawRepairError(f"quarantine entry {entry_id} was {entry.status.value} already: it cannot repair a draw")
    try:
        candidate = held_draw(entry, ws.game)
    except InvalidDrawError as error:
        raise DrawRepairError(f"quarantine entry {entry_id} holds no draw: {error}") from None
    if candidate.concurso != concurso:
        raise DrawRepairError(
            f"quarantine entry {entry_id} holds concurso {candidate.concurso}, not {concurso}: "
            "give the entry of the concurso to repair"
        )
    payload = {"quarantine_entry": entry_id, "source": entry.source, "payload": entry.payload}
    return Replacement(candidate, f"repair:quarantine:{entry_id}", payload, entry_id)


def repair_draw(ws: Workspace, concurso: int, replacement: Replacement, note: str, repaired_by: str) -> DrawRepair:
    """Replace the stored draw of `concurso` by `replacement` (see the module's invariants).

    Refused, naming why, without a note, when no draw of `concurso` is stored, when the replacement is the
    stored draw already, and when the validation suite rejects it against the stored draws around it."""
    if not note.strip():
        raise DrawRepairError(f"repairing concurso {concurso} needs a note saying why (--note)")
    stored = ws.draws.get_many([concurso]).get(concurso)
    if stored is None:
        last = ws.draws.last_concurso()
        raise DrawRepairError(
            f"concurso {concurso} is not stored (the store holds 1..{last}): only a stored draw can be repaired"
        )
    new = replacement.candidate
    if new.concurso != concurso:
        raise DrawRepairError(f"the replacement is concurso {new.concurso}, not {concurso}")
    if new.as_draw() == stored:
        raise DrawRepairError(f"concurso {concurso} is stored as {stored.date} {list(stored.numbers)} already")
    problems = validation_problems(ws, new)
    if problems:
        raise DrawRepairError(f"the replacement for concurso {concurso} fails validation: {'; '.join(problems)}")
    note = note.strip()
    with ws.engine.begin() as connection:  # everything below, or nothing
        rescored = ws.predictions.rescore(new.as_draw(), connection)
        entry = replacement.quarantine_id
        closing = f"repaired concurso {concurso} with it: {note}"
        if entry is not None and not ws.quarantine.decide(
            entry, QuarantineStatus.ACCEPTED, closing, repaired_by, connection
        ):
            raise DrawRepairError(f"quarantine entry {entry} was decided by someone else meanwhile")
        audit = RepairAudit(repaired_by, note, entry, rescored)
        repair = ws.draws.repair(connection, stored, new.as_draw(), replacement.source, replacement.payload, audit)
    ws.draws.log_ingest(replacement.source, None, 0, 0, f"concurso {concurso} repaired by {repaired_by}: {note}")
    return repair


def validation_problems(ws: Workspace, draw: DrawCandidate) -> list[str]:
    """What the validation suite says against `draw` following the stored draw before it, and against the
    stored draw after it judged again behind `draw` (its date, its concurso's continuity)."""
    previous = ws.draws.last_before(draw.concurso)
    following = ws.draws.get_many([draw.concurso + 1]).get(draw.concurso + 1)
    batch = [draw] + ([DrawCandidate.of(following)] if following is not None else [])
    report = validate_batch(batch, previous, game=ws.game)
    return [
        (f"the stored draw after it would not follow it: {r.reason}" if r.position == 1 else r.reason)
        for r in report.rejected
    ]


def describe(repair: DrawRepair) -> str:
    """The repair in one line, as `lotto repair-draw` prints it."""
    old, new, audit = repair.old, repair.new, repair.audit
    taken = f" (from quarantine entry {audit.quarantine_id})" if audit.quarantine_id is not None else ""
    return (
        f"concurso {new.concurso} repaired by {audit.repaired_by}{taken}: {_text(old)} -> {_text(new)}; "
        f"the wrong draw is kept in draw_repairs (row {repair.id}); {audit.rescored_predictions} guess(es) "
        "scored again; datasets and models follow the new draws on the next run"
    )


def _text(draw: Draw) -> str:
    return f"{draw.date} " + " ".join(f"{n:02d}" for n in draw.numbers)
