"""The Great Expectations suite: the one place that judges a draw's content, whatever path it came by.

Every candidate (from the API, a history file or a backfill) is judged here, with its continuity with the
stored history. Only what cannot happen is rejected, each rule being exactly one named expectation:
15 numbers per draw, numbers in 1..25, numbers distinct within a draw, one draw per concurso, each
concurso following the previous one, no date before the previous draw, no date after tomorrow (a draw
from the future would wedge ingestion: every real draw after it would be "before the previous"). What is
merely unusual (a big overlap with the previous draw, an odd sum, a long pause) is a warning: real draws
do all of these now and then.

The suite sees two frames: one row per draw (`draw_frame`) and one row per number of each draw
(`number_frame`), so that a draw of 14 or 16 numbers, or with a repeat, is judged by the rule it breaks
and by no other.
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

from lotto_models.core.draws import NUMBERS, PER_DRAW, Draw
from lotto_models.ingest.candidates import DrawCandidate
from lotto_models.ingest.draw_calendar import SAO_PAULO


def sao_paulo_today() -> dt.date:
    return dt.datetime.now(SAO_PAULO).date()


REJECT = "reject"
WARN = "warn"

DRAWS = "draws"  # the frame with one row per draw
NUMBERS_FRAME = "numbers"  # the frame with one row per number of a draw
_GX_LOCK = threading.Lock()

# The rules that reject a draw, by the name of their expectation (quarantine reasons name them).
FIFTEEN_NUMBERS = "15 numbers per draw"
NUMBERS_IN_RANGE = "numbers in 1..25"
NUMBERS_DISTINCT = "numbers distinct within a draw"
CONCURSO_UNIQUE = "concurso unique"
CONCURSO_FOLLOWS = "concurso follows the previous one"
DATE_IN_ORDER = "date not before the previous draw"
DATE_NOT_FUTURE = "date not after tomorrow"  # tomorrow: time zones, and a result published after midnight
# The rules that only warn.
OVERLAP_USUAL = "overlap with the previous draw in 6..13"
SUM_USUAL = "sum of numbers in 140..250"
ODD_USUAL = "odd numbers in 4..12"
PAUSE_USUAL = "at most 21 days since the previous draw"


@dataclass(frozen=True)
class Rule:
    """One expectation of the suite: its name, what it does to a draw that fails it, and where it looks."""

    name: str
    severity: str
    frame: str
    column: str
    expected: str
    expectation: Any  # the Great Expectations expectation, described by `name`


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
    candidates: Sequence[DrawCandidate], previous: Draw | None, today: dt.date | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two frames the suite sees: one row per draw, and one row per number of each draw.

    Draws are in concurso order; row 0 is the stored draw `previous` if any (`is_stored`), and `position`
    is each candidate's index in `candidates` (-1 for the stored draw). A concurso's step and date gap are
    measured from the nearest lower concurso, so a repeated concurso breaks "concurso unique" and not
    continuity as well. The number frame keeps every number as given (`draw_row` is its draw's row).
    """
    rows: list[tuple[int, DrawCandidate]] = [(-1, DrawCandidate.of(previous))] if previous else []
    rows += sorted(enumerate(candidates), key=lambda item: (item[1].concurso, item[1].date))
    concursos = [c.concurso for _, c in rows]
    lower = sorted(set(concursos))
    previous_concurso = dict(zip(lower[1:], lower[:-1], strict=True))
    number_sets = [set(c.numbers) for _, c in rows]
    draws = pd.DataFrame(
        {
            "concurso": concursos,
            "date": pd.to_datetime([c.date for _, c in rows]),
            "number_count": [len(c.numbers) for _, c in rows],
            "concurso_step": [c - previous_concurso[c] if c in previous_concurso else 1 for c in concursos],
            "overlap_with_previous": [9] + [len(a & b) for a, b in zip(number_sets[1:], number_sets[:-1], strict=True)],
            "number_sum": [sum(c.numbers) for _, c in rows],
            "odd_count": [sum(n % 2 for n in c.numbers) for _, c in rows],
            "is_stored": [position < 0 for position, _ in rows],
            "position": [position for position, _ in rows],
        }
    )
    draws["days_since_previous"] = draws["date"].diff().dt.days.fillna(0).astype(int)
    draws["days_after_today"] = (draws["date"] - pd.Timestamp(today or sao_paulo_today())).dt.days
    numbers = pd.DataFrame(
        [(row, c.concurso, n) for row, (_, c) in enumerate(rows) for n in c.numbers],
        columns=["draw_row", "concurso", "number"],
    )
    return draws, numbers


def suite_rules() -> list[Rule]:
    """The suite, one expectation per rule, in the order its checks are reported."""
    import great_expectations.expectations as gxe

    def rule(name: str, severity: str, frame: str, column: str, expected: str, expectation: Any) -> Rule:
        expectation.description = name
        return Rule(name, severity, frame, column, expected, expectation)

    between = gxe.ExpectColumnValuesToBeBetween
    return [
        rule(
            FIFTEEN_NUMBERS,
            REJECT,
            DRAWS,
            "number_count",
            f"exactly {PER_DRAW}",
            between(column="number_count", min_value=PER_DRAW, max_value=PER_DRAW),
        ),
        rule(
            NUMBERS_IN_RANGE,
            REJECT,
            NUMBERS_FRAME,
            "number",
            f"between 1 and {NUMBERS}",
            between(column="number", min_value=1, max_value=NUMBERS),
        ),
        rule(
            NUMBERS_DISTINCT,
            REJECT,
            NUMBERS_FRAME,
            "number",
            "no number twice in one draw",
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["draw_row", "number"]),
        ),
        rule(
            CONCURSO_UNIQUE,
            REJECT,
            DRAWS,
            "concurso",
            "one draw per concurso",
            gxe.ExpectColumnValuesToBeUnique(column="concurso"),
        ),
        rule(
            CONCURSO_FOLLOWS,
            REJECT,
            DRAWS,
            "concurso_step",
            "1 (the concurso right after the previous one)",
            between(column="concurso_step", min_value=1, max_value=1),
        ),
        rule(
            DATE_IN_ORDER,
            REJECT,
            DRAWS,
            "days_since_previous",
            "0 or more",
            between(column="days_since_previous", min_value=0),
        ),
        rule(
            DATE_NOT_FUTURE,
            REJECT,
            DRAWS,
            "days_after_today",
            "1 or fewer (no later than tomorrow in São Paulo)",
            between(column="days_after_today", max_value=1),
        ),
        rule(
            OVERLAP_USUAL,
            WARN,
            DRAWS,
            "overlap_with_previous",
            "6 to 13",
            between(column="overlap_with_previous", min_value=6, max_value=13),
        ),
        rule(
            SUM_USUAL,
            WARN,
            DRAWS,
            "number_sum",
            "140 to 250",
            between(column="number_sum", min_value=140, max_value=250),
        ),
        rule(ODD_USUAL, WARN, DRAWS, "odd_count", "4 to 12", between(column="odd_count", min_value=4, max_value=12)),
        rule(
            PAUSE_USUAL,
            WARN,
            DRAWS,
            "days_since_previous",
            "21 or fewer",
            between(column="days_since_previous", max_value=21),
        ),
    ]


# Rules measured from the draw before: after a rejected draw they measured against it, not against history,
# so a draw failing only these behind a rejected one is held back (judged again once the gap is filled).
MEASURED_FROM_PREVIOUS = {DATE_IN_ORDER}

REJECTING_RULES = (
    FIFTEEN_NUMBERS,
    NUMBERS_IN_RANGE,
    NUMBERS_DISTINCT,
    CONCURSO_UNIQUE,
    CONCURSO_FOLLOWS,
    DATE_IN_ORDER,
    DATE_NOT_FUTURE,
)


def validate_batch(
    candidates: Sequence[DrawCandidate], previous: Draw | None, today: dt.date | None = None
) -> ValidationReport:
    """Run the suite on `candidates` (new, not yet stored) following the stored draw `previous`, on `today`
    (São Paulo's date by default).

    A candidate failing a rejecting rule is rejected with every rule it failed; a valid candidate after a
    rejected one is held back (storing it would leave a gap); the others are accepted as `Draw`s.
    """
    report = ValidationReport()
    if not candidates:
        return report
    draws, numbers = suite_frames(candidates, previous, today)
    findings: dict[int, list[Finding]] = {}  # by row of `draws`
    with _GX_LOCK:  # one GX context per process; its batches are not for two threads at once
        batches = _batches({DRAWS: draws, NUMBERS_FRAME: numbers})
        results = {
            rule.name: batches[rule.frame].validate(rule.expectation, result_format={"result_format": "COMPLETE"})
            for rule in suite_rules()
        }
    # Plain lists, read by row: a pandas lookup per row cost 40 s of the 42 for 100,000 candidates.
    is_stored = draws["is_stored"].tolist()
    concurso_of_row = draws["concurso"].tolist()
    draw_row_of_number = numbers["draw_row"].tolist()
    for rule in suite_rules():
        frame = draws if rule.frame == DRAWS else numbers
        result = results[rule.name]
        indices = result.result.get("unexpected_index_list")
        if result.success:
            failing: dict[int, list[object]] = {}
        elif indices is None:  # an aggregate failure names no row: every new draw failed it
            failing = {row: [] for row in range(len(draws)) if not is_stored[row]}
        else:
            failing = {}
            values = frame[rule.column].tolist()
            for index in map(int, indices):
                row = index if rule.frame == DRAWS else draw_row_of_number[index]
                if not is_stored[row]:
                    failing.setdefault(row, []).append(_plain(values[index]))
        report.checks.append(
            Check(rule.severity, rule.name, not failing, tuple(concurso_of_row[row] for row in failing))
        )
        if rule.severity == REJECT:
            for row, found in failing.items():
                unique_found = tuple(dict.fromkeys(found))
                findings.setdefault(row, []).append(Finding(rule.name, rule.column, rule.expected, unique_found))
    for row, position in enumerate(draws["position"].tolist()):
        if is_stored[row]:
            continue
        candidate = candidates[position]
        judged_by_rejected = (
            bool(report.rejected) and {f.expectation for f in findings.get(row, [])} <= MEASURED_FROM_PREVIOUS
        )
        if row in findings and not judged_by_rejected:
            report.rejected.append(Rejection(position, candidate, tuple(findings[row])))
        elif report.rejected:
            # Storing it would leave a gap where the rejected concurso belongs; a later run fetches it again.
            report.held_back.append(candidate.as_draw())
        else:
            report.accepted.append(candidate.as_draw())
    return report


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
        for name in (DRAWS, NUMBERS_FRAME)
    }
