"""Reading draw history files: lotoflow's CSV layout and the official spreadsheet layout (.xlsx or .csv).

- lotoflow: `concurso,data,d1..d15` with ISO dates;
- official: `Concurso, Data Sorteio, Bola1..Bola15` (more columns may follow) with dd/mm/yyyy dates.

Every row is checked on its own; a bad row is reported with its line and reason, never guessed at.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lotto_models.core.draws import ISO_DATE, NUMBER_COLUMNS, OFFICIAL_DATE, Draw, parse_date
from lotto_models.core.errors import InvalidDrawError, LotoflowError

OURS = ["concurso", "data", *NUMBER_COLUMNS]
OFFICIAL = ["Concurso", "Data Sorteio", *[f"Bola{i}" for i in range(1, 16)]]


class UnknownFileLayoutError(LotoflowError):
    """The file has neither lotoflow's columns nor the official spreadsheet's."""


@dataclass(frozen=True)
class FileRow:
    line: int  # as a spreadsheet shows it: the header is line 1
    raw: dict[str, str]
    draw: Draw | None
    error: str | None

    @property
    def concurso(self) -> int | None:
        return self.draw.concurso if self.draw else _int_or_none(next(iter(self.raw.values()), None))

    def payload(self) -> str:
        return json.dumps({"line": self.line, **self.raw}, ensure_ascii=False)


def read_draw_file(path: Path) -> list[FileRow]:
    """Every row of a history file, each with its draw or the reason it is not one."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = pd.read_excel(path, dtype=str)
    elif path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, dtype=str, sep=None, engine="python")
    else:
        raise UnknownFileLayoutError(f"{path.name}: expected a .csv or .xlsx file")
    frame.columns = [str(c).strip() for c in frame.columns]
    if set(OURS) <= set(frame.columns):
        columns, date_format = OURS, ISO_DATE
    elif set(OFFICIAL) <= set(frame.columns):
        columns, date_format = OFFICIAL, OFFICIAL_DATE
    else:
        raise UnknownFileLayoutError(
            f"{path.name}: columns {list(frame.columns)[:8]}... match neither {OURS[:3]}... nor {OFFICIAL[:3]}..."
        )
    frame = frame[columns].fillna("")
    return [
        _row(line, dict(zip(columns, values, strict=True)), date_format)
        for line, values in enumerate(frame.itertuples(index=False, name=None), start=2)
    ]


def _row(line: int, raw: dict[str, str], date_format: str) -> FileRow:
    values = [str(v).strip() for v in raw.values()]
    raw = dict(zip(raw, values, strict=True))
    concurso = _int_or_none(values[0])
    try:
        if concurso is None:
            raise InvalidDrawError(None, f"concurso {values[0]!r} is not a whole number")
        date = _date(values[1], date_format, concurso)
        numbers = []
        for value in values[2:]:
            number = _int_or_none(value)
            if number is None:
                raise InvalidDrawError(concurso, f"number {value!r} is not a whole number")
            numbers.append(number)
        return FileRow(line, raw, Draw.checked(concurso, date, numbers), None)
    except InvalidDrawError as error:
        return FileRow(line, raw, None, f"line {line}: {error}")


def _date(text: str, date_format: str, concurso: int) -> dt.date:
    text = text.split(" ")[0]  # spreadsheets may add a time of day
    date = parse_date(text, (date_format, ISO_DATE, OFFICIAL_DATE))
    if date is not None:
        return date
    raise InvalidDrawError(concurso, f"date {text!r} is not {date_format.replace('%', '')}")


def _int_or_none(value: object) -> int | None:
    text = str(value).strip()
    if text.endswith(".0"):  # spreadsheets read as text may render integers as floats
        text = text[:-2]
    return int(text) if text.isdigit() else None
