"""The Great Expectations suite: the one place that judges a draw's content, whatever path it came by.

Every candidate (from the API, a history file or a backfill) is judged here, with its continuity with the
stored history, by its game's rules in the catalog (`core.games`). Only what cannot happen is rejected,
each rule being exactly one named expectation: 15 numbers per draw, numbers in 1..25, numbers distinct
within a draw (and the same three for Dupla Sena's second draw and +Milionária's trevos), a month 1..12
(Dia de Sorte), a team (Timemania), one draw per concurso, each concurso following the previous one, no
date before the previous draw, no date after tomorrow (a draw from the future would wedge ingestion: every
real draw after it would be "before the previous"). What is merely unusual (a big overlap with the
previous draw, an odd sum, a long pause) is a warning: real draws do all of these now and then.

Lotofácil's rules keep the names they always had (stored quarantine reasons quote them); every other
game's rule names the game first ("Mega-Sena: 6 numbers per draw"). A rule broken at a concurso the
catalog lists as a known anomaly (Quina 380 and Dupla Sena 828 dated a year early, Timemania 1307 with an
eighth number in today's API) is not a rejection but a warning of its own ("...: broken at a known
anomaly of the catalog, accepted"). The warning bands per game are `usual_bands`'.

The rules and their names are `suite_rules`'. The suite sees one frame with one row per draw (`draws`)
and one with one row per number of each draw (`numbers`), plus one per extra numbered part
(`second_draw`, `trevos`), so that a draw of 14 or 16 numbers, or with a repeat, is judged by the rule it
breaks and by no other.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lotto_models.core.draws import Draw
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.ingest.candidates import DrawCandidate
from lotto_models.ingest.draw_calendar import SAO_PAULO
from lotto_models.ingest.suite_rules import (
    CONCURSO_FOLLOWS,
    CONCURSO_UNIQUE,
    DATE_IN_ORDER,
    DATE_NOT_FUTURE,
    DRAWS,
    FIFTEEN_NUMBERS,
    KNOWN_ANOMALY,
    NUMBERS_DISTINCT,
    NUMBERS_FRAME,
    NUMBERS_IN_RANGE,
    ODD_USUAL,
    OVERLAP_USUAL,
    PAUSE_USUAL,
    REJECT,
    REJECTING_RULES,
    SECOND_DRAW_FRAME,
    SUM_USUAL,
    TREVOS_FRAME,
    WARN,
    Rule,
    numbered_parts,
    suite_rules,
)


def sao_paulo_today() -> dt.date:
    return dt.datetime.now(SAO_PAULO).date()


_GX_LOCK = threading.Lock()


@dataclass(frozen=True)
class Finding:
    """One expectation one draw failed, with the values that failed it."""

    expectation: str
    column: str
    expected: str
    found: tuple[object, ...]

    def __str__(self) -> str:
        found = ", ".join(map(str, self.found))
        return f'"{self.expectation}" ({self.column}: expected {self.expected}, found {found})'


@dataclass(frozen=True)
class Rejection:
    position: int  # the candidate's index in the batch that was validated
    candidate: DrawCandidate
    findings: tuple[Finding, ...]

    @property
    def reason(self) -> str:
        return f"concurso {self.candidate.concurso} failed the validation suite: " + "; ".join(map(str, self.findings))


@dataclass(frozen=True)
class Check:
    severity: str
    description: str
    success: bool
    failing_concursos: tuple[int, ...]


@dataclass
class ValidationReport:
    accepted: list[Draw] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    held_back: list[Draw] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.severity == WARN and not c.success]

    @property
    def rejected_concursos(self) -> list[int]:
        return [r.candidate.concurso for r in self.rejected]

    def markdown(self) -> str:
        lines = [
            f"Validated {len(self.accepted) + len(self.rejected) + len(self.held_back)} draw(s): "
            f"{len(self.accepted)} accepted, {len(self.rejected)} rejected, {len(self.held_back)} held back "
            f"behind a rejected one, {len(self.warnings)} warning(s).",
            "",
            "| check | severity | result | concursos |",
            "|---|---|---|---|",
        ]
        for check in self.checks:
            verdict = "pass" if check.success else "FAIL"
            failing = ", ".join(map(str, check.failing_concursos)) or "—"
            lines.append(f"| {check.description} | {check.severity} | {verdict} | {failing} |")
        return "\n".join(lines)


def suite_frames(
    candidates: Sequence[DrawCandidate], previous: Draw | None, today: dt.date | None = None, game: Game = LOTOFACIL
) -> dict[str, pd.DataFrame]:
    """The frames the suite sees, by name: one row per draw (`DRAWS`), and one row per number of each draw
    for each numbered part of the game (`NUMBERS_FRAME`, and `SECOND_DRAW_FRAME`, `TREVOS_FRAME`).

    Draws are in concurso order; row 0 is the stored draw `previous` if any (`is_stored`), and `position`
    is each candidate's index in `candidates` (-1 for the stored draw). A concurso's step and date gap are
    measured from the nearest lower concurso, so a repeated concurso breaks "concurso unique" and not
    continuity as well. A number frame keeps every number as given (`draw_row` is its draw's row).
    """
    rows: list[tuple[int, DrawCandidate]] = [(-1, DrawCandidate.of(previous))] if previous else []
    rows += sorted(enumerate(candidates), key=lambda item: (item[1].concurso, item[1].date))
    concursos = [c.concurso for _, c in rows]
    lower = sorted(set(concursos))
    previous_concurso = dict(zip(lower[1:], lower[:-1], strict=True))
    number_sets = [set(c.numbers) for _, c in rows]
    usual_overlap = round(game.numbers.drawn**2 / game.numbers.pool)  # the first draw has no previous: usual
    parts = numbered_parts(game)
    draws = pd.DataFrame(
        {
            "concurso": concursos,
            "date": pd.to_datetime([c.date for _, c in rows]),
            **{part.count_column: [len(part.values(c)) for _, c in rows] for part in parts},
            "concurso_step": [c - previous_concurso[c] if c in previous_concurso else 1 for c in concursos],
            "overlap_with_previous": [usual_overlap]
            + [len(a & b) for a, b in zip(number_sets[1:], number_sets[:-1], strict=True)],
            "number_sum": [sum(c.numbers) for _, c in rows],
            "odd_count": [sum(n % 2 for n in c.numbers) for _, c in rows],
            "is_stored": [position < 0 for position, _ in rows],
            "position": [position for position, _ in rows],
        }
    )
    if game.month is not None:
        draws["month"] = pd.array([c.extras.month for _, c in rows], dtype="Int64")
    if game.team is not None:
        draws["team"] = [c.extras.team or None for _, c in rows]
    draws["days_since_previous"] = draws["date"].diff().dt.days.fillna(0).astype(int)
    draws["days_after_today"] = (draws["date"] - pd.Timestamp(today or sao_paulo_today())).dt.days
    frames = {DRAWS: draws}
    for part in parts:
        frames[part.frame] = pd.DataFrame(
            [(row, c.concurso, n) for row, (_, c) in enumerate(rows) for n in part.values(c)],
            columns=["draw_row", "concurso", "number"],
        )
    return frames


def validate_batch(
    candidates: Sequence[DrawCandidate], previous: Draw | None, today: dt.date | None = None, game: Game = LOTOFACIL
) -> ValidationReport:
    """Run `game`'s suite on `candidates` (new, not yet stored) following the stored draw `previous`, on
    `today` (São Paulo's date by default).

    A candidate failing a rejecting rule is rejected with every rule it failed; a valid candidate after a
    rejected one is held back (storing it would leave a gap); the others are accepted as `Draw`s. A rule
    broken at a concurso the catalog lists with the anomaly that rule tolerates is reported as a warning of
    its own, and the draw is accepted.
    """
    report = ValidationReport()
    if not candidates:
        return report
    frames = suite_frames(candidates, previous, today, game)
    draws, rules = frames[DRAWS], suite_rules(game)
    findings: dict[int, list[Finding]] = {}  # by row of `draws`
    with _GX_LOCK:  # one GX context per process; its batches are not for two threads at once
        batches = _batches(frames)
        results = {
            rule.name: batches[rule.frame].validate(rule.expectation, result_format={"result_format": "COMPLETE"})
            for rule in rules
        }
    # Plain lists, read by row: a pandas lookup per row cost 40 s of the 42 for 100,000 candidates.
    is_stored = draws["is_stored"].tolist()
    concurso_of_row = draws["concurso"].tolist()
    draw_rows = {name: frame["draw_row"].tolist() for name, frame in frames.items() if name != DRAWS}
    for rule in rules:
        failing = _failing_rows(rule, results[rule.name], frames[rule.frame], draw_rows.get(rule.frame), is_stored)
        tolerated = {
            row: found
            for row, found in failing.items()
            if rule.tolerates is not None
            and any(a.kind is rule.tolerates for a in game.anomalies_at(concurso_of_row[row]))
        }
        failing = {row: found for row, found in failing.items() if row not in tolerated}
        report.checks.append(
            Check(rule.severity, rule.name, not failing, tuple(concurso_of_row[row] for row in failing))
        )
        if rule.tolerates is not None and any(a.kind is rule.tolerates for a in game.anomalies):
            concursos = tuple(concurso_of_row[row] for row in tolerated)
            report.checks.append(Check(WARN, f"{rule.name}: {KNOWN_ANOMALY}", not tolerated, concursos))
        if rule.severity == REJECT:
            for row, found in failing.items():
                unique_found = tuple(dict.fromkeys(found))
                findings.setdefault(row, []).append(Finding(rule.name, rule.column, rule.expected, unique_found))
    measured_from_previous = {rule.name for rule in rules if rule.measured_from_previous}
    for row, position in enumerate(draws["position"].tolist()):
        if is_stored[row]:
            continue
        candidate = candidates[position]
        judged_by_rejected = (
            bool(report.rejected) and {f.expectation for f in findings.get(row, [])} <= measured_from_previous
        )
        if row in findings and not judged_by_rejected:
            report.rejected.append(Rejection(position, candidate, tuple(findings[row])))
        elif report.rejected:
            # Storing it would leave a gap where the rejected concurso belongs; a later run fetches it again.
            report.held_back.append(candidate.as_draw())
        else:
            report.accepted.append(candidate.as_draw())
    return report


def _failing_rows(
    rule: Rule, result: Any, frame: pd.DataFrame, draw_row_of_number: list[int] | None, is_stored: list[bool]
) -> dict[int, list[object]]:
    """The new draws (rows of the draw frame) that failed `rule`, each with the values that failed it."""
    indices = result.result.get("unexpected_index_list")
    if result.success:
        return {}
    if indices is None:  # an aggregate failure names no row: every new draw failed it
        return {row: [] for row, stored in enumerate(is_stored) if not stored}
    failing: dict[int, list[object]] = {}
    values = frame[rule.column].tolist()
    for index in map(int, indices):
        row = index if draw_row_of_number is None else draw_row_of_number[index]
        if not is_stored[row]:
            failing.setdefault(row, []).append(_plain(values[index]))
    return failing


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, for messages."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _batches(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """A GX batch over each frame; the ephemeral context and its assets are made once per process."""
    definitions = _batch_definitions()
    return {name: definitions[name].get_batch(batch_parameters={"dataframe": frame}) for name, frame in frames.items()}


@functools.cache  # a process resource, not derived data: it depends on nothing that can change
def _batch_definitions() -> dict[str, Any]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("draws")
    return {
        name: source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("batch")
        for name in (DRAWS, NUMBERS_FRAME, SECOND_DRAW_FRAME, TREVOS_FRAME)
    }


__all__ = [  # the rules' names are `suite_rules`', re-exported: callers and tests know them from here
    "CONCURSO_FOLLOWS",
    "CONCURSO_UNIQUE",
    "DATE_IN_ORDER",
    "DATE_NOT_FUTURE",
    "DRAWS",
    "FIFTEEN_NUMBERS",
    "KNOWN_ANOMALY",
    "NUMBERS_DISTINCT",
    "NUMBERS_FRAME",
    "NUMBERS_IN_RANGE",
    "ODD_USUAL",
    "OVERLAP_USUAL",
    "PAUSE_USUAL",
    "REJECT",
    "REJECTING_RULES",
    "SECOND_DRAW_FRAME",
    "SUM_USUAL",
    "TREVOS_FRAME",
    "WARN",
    "Check",
    "Finding",
    "Rejection",
    "Rule",
    "ValidationReport",
    "sao_paulo_today",
    "suite_frames",
    "suite_rules",
    "validate_batch",
]
