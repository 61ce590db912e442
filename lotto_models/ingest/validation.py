"""The Great Expectations suite for a batch of new draws and its continuity with the stored history.

Only what cannot happen is rejected (numbers out of range or repeated, a concurso out of sequence, a date
before the previous draw). What is merely unusual (a big overlap with the previous draw, an odd sum, a
long pause) is a warning: real draws do all of these now and then.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lotto_models.core.draws import NUMBER_COLUMNS, Draw

REJECT = "reject"
WARN = "warn"


@dataclass(frozen=True)
class Check:
    severity: str
    description: str
    success: bool
    failing_concursos: tuple[int, ...]


@dataclass
class ValidationReport:
    accepted: list[Draw] = field(default_factory=list)
    rejected: dict[int, list[str]] = field(default_factory=dict)
    held_back: list[Draw] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.severity == WARN and not c.success]

    def markdown(self) -> str:
        lines = [
            f"Validated {len(self.accepted) + len(self.rejected)} draw(s): "
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


def batch_frame(draws: Sequence[Draw], previous: Draw | None) -> pd.DataFrame:
    """The batch with the derived columns the suite checks; row 0 is the previous stored draw if any."""
    rows = ([previous] if previous else []) + sorted(draws)
    frame = pd.DataFrame(
        {
            "concurso": [d.concurso for d in rows],
            "date": pd.to_datetime([d.date for d in rows]),
            **{col: [d.numbers[i] for d in rows] for i, col in enumerate(NUMBER_COLUMNS)},
        }
    )
    numbers = frame[NUMBER_COLUMNS].to_numpy()
    hot = np.zeros((len(frame), 26), dtype=np.int8)
    np.put_along_axis(hot, np.clip(numbers, 0, 25), 1, axis=1)
    overlap = np.r_[9, (hot[1:] * hot[:-1]).sum(axis=1)]
    frame["concurso_step"] = frame["concurso"].diff().fillna(1).astype(int)
    frame["days_since_previous"] = frame["date"].diff().dt.days.fillna(0).astype(int)
    frame["overlap_with_previous"] = overlap
    frame["number_sum"] = numbers.sum(axis=1)
    frame["odd_count"] = (numbers % 2).sum(axis=1)
    frame["is_stored"] = [previous is not None and i == 0 for i in range(len(frame))]
    return frame


def _suite_expectations() -> list[tuple[str, str, Any]]:
    import great_expectations.expectations as gxe

    numbers_in_range = [
        (REJECT, f"{col} in 1..25", gxe.ExpectColumnValuesToBeBetween(column=col, min_value=1, max_value=25))
        for col in NUMBER_COLUMNS
    ]
    return [
        *numbers_in_range,
        (
            REJECT,
            "15 distinct numbers per draw",
            gxe.ExpectSelectColumnValuesToBeUniqueWithinRecord(column_list=NUMBER_COLUMNS),
        ),
        (REJECT, "concurso unique", gxe.ExpectColumnValuesToBeUnique(column="concurso")),
        (
            REJECT,
            "concurso follows the previous one",
            gxe.ExpectColumnValuesToBeBetween(column="concurso_step", min_value=1, max_value=1),
        ),
        (
            REJECT,
            "date not before the previous draw",
            gxe.ExpectColumnValuesToBeBetween(column="days_since_previous", min_value=0),
        ),
        (
            WARN,
            "overlap with the previous draw in 6..13",
            gxe.ExpectColumnValuesToBeBetween(column="overlap_with_previous", min_value=6, max_value=13),
        ),
        (
            WARN,
            "sum of numbers in 140..250",
            gxe.ExpectColumnValuesToBeBetween(column="number_sum", min_value=140, max_value=250),
        ),
        (
            WARN,
            "odd numbers in 4..12",
            gxe.ExpectColumnValuesToBeBetween(column="odd_count", min_value=4, max_value=12),
        ),
        (
            WARN,
            "at most 21 days since the previous draw",
            gxe.ExpectColumnValuesToBeBetween(column="days_since_previous", max_value=21),
        ),
    ]


def validate_batch(draws: Sequence[Draw], previous: Draw | None) -> ValidationReport:
    """Run the suite on `draws` (new, not yet stored) following the stored draw `previous`."""
    report = ValidationReport()
    if not draws:
        return report
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    frame = batch_frame(draws, previous)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("draws")
        .add_dataframe_asset("new_draws")
        .add_batch_definition_whole_dataframe("batch")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    rejected_rows: dict[int, list[str]] = {}
    for severity, description, expectation in _suite_expectations():
        result = batch.validate(expectation, result_format={"result_format": "COMPLETE"})
        failing_rows = [i for i in result.result.get("unexpected_index_list") or [] if not frame.at[i, "is_stored"]]
        if not result.success and not failing_rows and severity == REJECT:
            failing_rows = [i for i in frame.index if not frame.at[i, "is_stored"]]
        failing = tuple(int(frame.at[i, "concurso"]) for i in failing_rows)
        report.checks.append(Check(severity, description, not failing, failing))
        if severity == REJECT:
            for i in failing_rows:
                rejected_rows.setdefault(i, []).append(description)
    by_concurso = {d.concurso: d for d in draws}
    for i in frame.index:
        if frame.at[i, "is_stored"]:
            continue
        concurso = int(frame.at[i, "concurso"])
        if i in rejected_rows:
            report.rejected[concurso] = rejected_rows[i]
        elif report.rejected:
            # Storing it would leave a gap where the rejected concurso belongs; a later run fetches it again.
            report.held_back.append(by_concurso[concurso])
        else:
            report.accepted.append(by_concurso[concurso])
    return report
