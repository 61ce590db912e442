"""Importing a history file into the store: every row accounted for, in bounded time and a bounded quarantine.

Invariants:
- every row of the file is new, identical (to a stored draw or to an earlier row), or quarantined with its
  reason: conflicting with a stored draw, invalid, or held back behind a rejected concurso; the counts
  printed, logged (`ingest_runs`) and shown agree;
- new rows go through the same validation suite as fetched ones (continuity and one draw per concurso
  included), so a file can never leave a gap, a date out of order or two versions of a concurso behind it;
- one file adds at most `MAX_QUARANTINED_ROWS_PER_FILE` entries of its own rows to the quarantine, the first
  ones in file order; the rows past them are held together in one more entry naming their count and their
  first and last lines (a file of 99,999 bad rows is not 99,999 decisions for a person to make);
- the quarantine is written `QUARANTINE_BATCH_ROWS` entries at a time, one transaction each: an import
  stopped by a signal leaves whole batches, never part of one (importing the file again counts those
  entries as seen again rather than adding them twice).
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from pathlib import Path

from lotto_models.core.failpoints import IMPORT_QUARANTINE_BATCH, failpoint
from lotto_models.ingest.candidates import DrawCandidate
from lotto_models.ingest.history_files import FileRow, read_draw_file
from lotto_models.ingest.validation import validate_batch
from lotto_models.storage.draw_store import DrawConflict, IncomingDraw, QuarantineItem
from lotto_models.workspace import Workspace

MAX_QUARANTINED_ROWS_PER_FILE = 1000  # entries of their own; the rest of a file's bad rows share one entry
QUARANTINE_BATCH_ROWS = 200  # entries per transaction
SHOWN_REASONS = 20  # reasons printed by `text` and `markdown`; `lotto quarantine` lists every entry


class RowFate(enum.StrEnum):
    """Why a row of the file went to the quarantine."""

    CONFLICTING = "conflicting"
    INVALID = "invalid"
    HELD_BACK = "held back"


@dataclass(frozen=True)
class QuarantinedRow:
    line: int
    concurso: int | None
    fate: RowFate
    reason: str  # as the quarantine entry has it: it names the line


@dataclass(frozen=True)
class SummarisedRows:
    """The rows past the cap, held together in one quarantine entry."""

    count: int
    first_line: int
    last_line: int


@dataclass
class ImportReport:
    """What became of every row of a history file."""

    file: str
    new: list[int] = field(default_factory=list)
    identical: list[int] = field(default_factory=list)
    quarantined_rows: list[QuarantinedRow] = field(default_factory=list)  # in file order
    summarised: SummarisedRows | None = None  # rows past the cap (also in `quarantined_rows`)

    def rows(self, fate: RowFate) -> list[QuarantinedRow]:
        return [row for row in self.quarantined_rows if row.fate is fate]

    @property
    def quarantined(self) -> int:
        """Rows put in the quarantine: conflicting, invalid and held back (those past the cap included)."""
        return len(self.quarantined_rows)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "identical": len(self.identical),
            **{fate.value: len(self.rows(fate)) for fate in RowFate},
        }

    def summary(self) -> str:
        """One line: the count of each kind of row, and how many went to the quarantine (and how)."""
        counts = ", ".join(f"{v} {k}" for k, v in self.counts().items())
        if not self.quarantined:
            return counts
        if self.summarised is None:
            return f"{counts}; {self.quarantined} row(s) quarantined (`lotto quarantine` lists them)"
        rest = self.summarised
        return (
            f"{counts}; {self.quarantined} row(s) quarantined: the first {self.quarantined - rest.count} one by "
            f"one, the other {rest.count} (lines {rest.first_line}-{rest.last_line}) together in one entry "
            "(`lotto quarantine` lists them)"
        )

    def reasons(self) -> list[str]:
        """Why each quarantined row was, one line each: conflicting rows first, then invalid, then held back
        (file order within each), at most `SHOWN_REASONS` of them and a line for the others."""
        ordered = [row for fate in RowFate for row in self.rows(fate)]
        lines = [
            f"conflicting concurso {row.concurso}: {row.reason}"
            if row.fate is RowFate.CONFLICTING
            else f"{row.fate.value}: {row.reason}"
            for row in ordered[:SHOWN_REASONS]
        ]
        if len(ordered) > SHOWN_REASONS:
            lines.append(f"and {len(ordered) - SHOWN_REASONS} more (`lotto quarantine` lists them)")
        return lines

    def text(self) -> str:
        return "\n".join([f"Imported {self.file}: {self.summary()}", *(f"- {r}" for r in self.reasons())])

    def markdown(self) -> str:
        lines = [f"Imported `{self.file}`: {self.summary()}.", ""]
        return "\n".join(lines + [f"- {reason}" for reason in self.reasons()])


@dataclass(frozen=True)
class _Held:
    row: QuarantinedRow
    payload: str


def import_history_file(ws: Workspace, path: Path, flow_run_id: str | None = None) -> ImportReport:
    """Merge a history file of `ws.game` (its lotoflow layout; a file of another game's columns is refused) into
    the store: new draws stored, stored ones compared, bad rows quarantined (see the module's invariants),
    judged by the game's validation suite. The ingest log names `flow_run_id`."""
    source = f"import:{path.name}"
    report = ImportReport(path.name)
    held: list[_Held] = []
    rows: dict[DrawCandidate, FileRow] = {}  # the first row of each distinct candidate, in file order
    for row in read_draw_file(path, ws.game):
        if row.candidate is None:
            reason = row.error or f"line {row.line}: unreadable row"
            held.append(_Held(QuarantinedRow(row.line, row.concurso, RowFate.INVALID, reason), row.payload()))
        elif row.candidate in rows:
            report.identical.append(row.candidate.concurso)
        else:
            rows[row.candidate] = row
    stored = ws.draws.get_many(candidate.concurso for candidate in rows)
    new_rows: list[tuple[DrawCandidate, FileRow]] = []
    for candidate, row in rows.items():
        stored_draw = stored.get(candidate.concurso)
        if stored_draw is None:
            new_rows.append((candidate, row))
        elif stored_draw == candidate.as_draw():
            report.identical.append(candidate.concurso)
        else:
            reason = f"line {row.line}: {DrawConflict(stored_draw, candidate.as_draw()).reason}"
            held.append(_Held(QuarantinedRow(row.line, candidate.concurso, RowFate.CONFLICTING, reason), row.payload()))
    candidates = [candidate for candidate, _ in new_rows]
    previous = ws.draws.last_before(min(c.concurso for c in candidates)) if candidates else None
    validation = validate_batch(candidates, previous, game=ws.game)
    for rejection in validation.rejected:
        rejected_row = new_rows[rejection.position][1]
        reason = f"line {rejected_row.line}: {rejection.reason}"
        quarantined = QuarantinedRow(rejected_row.line, rejection.candidate.concurso, RowFate.INVALID, reason)
        held.append(_Held(quarantined, rejected_row.payload()))
    by_concurso = {candidate.concurso: row for candidate, row in new_rows}
    for draw in validation.held_back:
        held_row = by_concurso[draw.concurso]
        behind = min(validation.rejected_concursos)
        reason = (
            f"line {held_row.line}: concurso {draw.concurso} held back behind the rejected concurso {behind} "
            "(storing it would leave a gap); accept it once that one is stored"
        )
        held.append(_Held(QuarantinedRow(held_row.line, draw.concurso, RowFate.HELD_BACK, reason), held_row.payload()))
    held.sort(key=lambda item: item.row.line)
    report.summarised = _quarantine(ws, source, path.name, held)
    report.quarantined_rows = [item.row for item in held]
    accepted = [IncomingDraw(d, source, _row_payload(by_concurso[d.concurso])) for d in validation.accepted]
    result = ws.draws.add(accepted)  # one transaction; a concurso another run stored meanwhile is compared
    report.new += result.new
    report.identical += result.identical
    for conflict in result.conflicts:  # quarantined by `add` itself
        line = by_concurso[conflict.stored.concurso].line
        report.quarantined_rows.append(
            QuarantinedRow(line, conflict.stored.concurso, RowFate.CONFLICTING, f"line {line}: {conflict.reason}")
        )
    ws.draws.log_ingest(source, None, len(report.new), report.quarantined, report.summary(), flow_run_id)
    return report


def _quarantine(ws: Workspace, source: str, file: str, held: list[_Held]) -> SummarisedRows | None:
    """Hold the first `MAX_QUARANTINED_ROWS_PER_FILE` rows one entry each and the others in one entry, in
    batches of `QUARANTINE_BATCH_ROWS` (one transaction each); the rows summarised, if any."""
    own, rest = held[:MAX_QUARANTINED_ROWS_PER_FILE], held[MAX_QUARANTINED_ROWS_PER_FILE:]
    items = [QuarantineItem(item.row.concurso, source, item.payload, item.row.reason) for item in own]
    summarised = None
    if rest:
        summarised = SummarisedRows(len(rest), rest[0].row.line, rest[-1].row.line)
        fates = {fate.value: sum(item.row.fate is fate for item in rest) for fate in RowFate}
        payload = {"file": file, "rows": len(rest), "first_line": summarised.first_line}
        payload |= {"last_line": summarised.last_line, "rows_by_fate": fates}
        reason = (
            f"{len(rest)} more rejected row(s) of {file}, lines {summarised.first_line}-{summarised.last_line} "
            f"({', '.join(f'{n} {fate}' for fate, n in fates.items() if n)}): past the {MAX_QUARANTINED_ROWS_PER_FILE} "
            "rows one file may add to the quarantine one by one; fix the file and import it again"
        )
        items.append(QuarantineItem(None, source, json.dumps(payload), reason))
    for start in range(0, len(items), QUARANTINE_BATCH_ROWS):
        ws.draws.quarantine_many(items[start : start + QUARANTINE_BATCH_ROWS])
        failpoint(IMPORT_QUARANTINE_BATCH)
    return summarised


def _row_payload(row: FileRow) -> dict:
    return {"line": row.line, **row.raw}
