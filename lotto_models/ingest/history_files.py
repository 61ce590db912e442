"""Reading draw history files: lotoflow's CSV layout and the official spreadsheet layout (.xlsx or .csv).

- lotoflow: `concurso,data,d1..d15` with ISO dates;
- official: `Concurso, Data Sorteio, Bola1..Bola15` (more columns may follow) with dd/mm/yyyy dates.

Every row is read on its own into a `DrawCandidate`; a row that is not a draw at all (a concurso, a date
or a number that cannot be read) is reported with its line and reason, never guessed at. A blank number
cell is a missing number. Whether the numbers make a possible draw is for the validation suite.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lotto_models.core.draws import ISO_DATE, NUMBER_COLUMNS, OFFICIAL_DATE, parse_date
from lotto_models.core.errors import InvalidDrawError, LotoflowError
from lotto_models.ingest.candidates import DrawCandidate

OURS = ["concurso", "data", *NUMBER_COLUMNS]
OFFICIAL = ["Concurso", "Data Sorteio", *[f"Bola{i}" for i in range(1, 16)]]


class UnknownFileLayoutError(LotoflowError):
    """The file has neither lotoflow's columns nor the official spreadsheet's."""


@dataclass(frozen=True)
class FileRow:
    line: int  # as a spreadsheet shows it: the header is line 1
    raw: dict[str, str]
    candidate: DrawCandidate | None
    error: str | None

    @property
    def concurso(self) -> int | None:
        return self.candidate.concurso if self.candidate else _int_or_none(next(iter(self.raw.values()), None))

    def payload(self) -> str:
        return json.dumps({"line": self.line, **self.raw}, ensure_ascii=False)


# Limits for files from outside: the whole real history is ~3,700 rows and ~200 KB (a spreadsheet ~300 KB).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_SPREADSHEET_EXPANDED_BYTES = 100 * 1024 * 1024  # a zip "bomb" expands far beyond its file size


class HistoryFileTooLargeError(LotoflowError):
    """A history file beyond the limits: refused before it is read."""


class HistoryFileMissingError(LotoflowError):
    """The path names no readable regular file (missing, a directory, a FIFO, not readable by this user)."""


SPREADSHEETS = {".xlsx", ".xlsm"}


def check_history_file(path: Path) -> None:
    """Refuse, naming the file and why, what cannot be imported: no such file, not a regular file, not
    readable, another type, beyond the size limit, or columns of neither layout (only the header is read).
    `lotto import-history` calls it before anything starts; `read_draw_file` makes the same checks."""
    _check_file(path)
    header = _spreadsheet_header(path) if path.suffix.lower() in SPREADSHEETS else list(_read_csv(path, 0).columns)
    _layout(path, header)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise HistoryFileMissingError(f"{path}: no such file; give the path of a .csv or .xlsx history file")
    if not path.is_file():
        raise HistoryFileMissingError(f"{path} is not a regular file (a directory or a pipe?); give a .csv or .xlsx")
    if not os.access(path, os.R_OK):
        raise HistoryFileMissingError(f"{path}: this user may not read it; check its permissions")
    if path.suffix.lower() not in SPREADSHEETS | {".csv"}:
        raise UnknownFileLayoutError(f"{path.name}: expected a .csv or .xlsx file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise HistoryFileTooLargeError(f"{path.name}: {size} bytes; history files are refused above {MAX_FILE_BYTES}")


def _layout(path: Path, header: list[object]) -> tuple[list[str], str]:
    """The layout's columns and date format that `header` has; refused naming both layouts when neither."""
    columns = {str(c).strip() for c in header}
    if set(OURS) <= columns:
        return OURS, ISO_DATE
    if set(OFFICIAL) <= columns:
        return OFFICIAL, OFFICIAL_DATE
    found = ", ".join(str(c).strip() for c in header[:8]) + (", …" if len(header) > 8 else "")
    raise UnknownFileLayoutError(
        f"{path.name}: its columns ({found or 'none'}) are neither lotoflow's ({', '.join(OURS[:3])}, …, d15) "
        f"nor the official spreadsheet's ({', '.join(OFFICIAL[:3])}, …, Bola15)"
    )


def read_draw_file(path: Path) -> list[FileRow]:
    """Every row of a history file, each with its candidate draw or the reason it is not one."""
    _check_file(path)
    frame = _read_spreadsheet(path) if path.suffix.lower() in SPREADSHEETS else _read_csv(path)
    if len(frame) > MAX_ROWS:
        raise HistoryFileTooLargeError(f"{path.name}: more than {MAX_ROWS} rows; the real history has about 3,700")
    frame.columns = [str(c).strip() for c in frame.columns]
    columns, date_format = _layout(path, list(frame.columns))
    frame = frame[columns].fillna("")
    return [
        _row(line, dict(zip(columns, values, strict=True)), date_format)
        for line, values in enumerate(frame.itertuples(index=False, name=None), start=2)
    ]


def _read_csv(path: Path, rows: int = MAX_ROWS + 1) -> pd.DataFrame:
    """The first `rows` rows of a `,` or `;` separated file; an unreadable one is refused naming the file and why."""
    try:
        return pd.read_csv(path, dtype=str, sep=None, engine="python", nrows=rows)
    except (ValueError, UnicodeDecodeError, csv.Error, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise UnknownFileLayoutError(
            f"{path.name}: not a readable CSV file ({type(error).__name__}: {error})"
        ) from error


def _spreadsheet_header(path: Path) -> list[object]:
    """The first row of the first sheet."""
    workbook = _open_spreadsheet(path)
    try:
        return list(next(workbook.worksheets[0].iter_rows(values_only=True), None) or ())
    finally:
        workbook.close()


def _open_spreadsheet(path: Path):  # -> openpyxl.Workbook (untyped)
    """The workbook, opened read-only, after checking what the archive expands to."""
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile as error:
        raise UnknownFileLayoutError(f"{path.name}: not a readable .xlsx file ({error})") from error
    if expanded > MAX_SPREADSHEET_EXPANDED_BYTES:
        raise HistoryFileTooLargeError(
            f"{path.name}: expands to {expanded} bytes; spreadsheets are refused above {MAX_SPREADSHEET_EXPANDED_BYTES}"
        )
    return openpyxl.load_workbook(path, read_only=True, data_only=True)


def _read_spreadsheet(path: Path) -> pd.DataFrame:
    """The first sheet, opened read-only."""
    workbook = _open_spreadsheet(path)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None) or ()
        body: list[list[str]] = []
        for values in rows:
            if len(body) >= MAX_ROWS:
                raise HistoryFileTooLargeError(
                    f"{path.name}: more than {MAX_ROWS} rows; the real history has about 3,700"
                )
            body.append(["" if v is None else str(v) for v in values])
    finally:
        workbook.close()
    return (
        pd.DataFrame(body, columns=[str(h) for h in header]) if body else pd.DataFrame(columns=[str(h) for h in header])
    )


def candidate_from_record(record: Mapping[str, object]) -> DrawCandidate:
    """The candidate draw of one file row as kept in the quarantine (either layout), read like any file row.

    Raises `InvalidDrawError` naming the line and why it is not a draw at all; the suite judges the rest.
    """
    for columns, date_format in ((OURS, ISO_DATE), (OFFICIAL, OFFICIAL_DATE)):
        if set(columns) <= set(record):
            row = _row(_int_or_none(record.get("line")) or 0, {c: str(record[c]) for c in columns}, date_format)
            if row.candidate is None:
                raise InvalidDrawError(row.concurso, row.error or "unreadable row")
            return row.candidate
    raise InvalidDrawError(None, f"a row needs the columns {OURS[:3]}... or {OFFICIAL[:3]}..., got {list(record)[:5]}")


def _row(line: int, raw: dict[str, str], date_format: str) -> FileRow:
    values = [str(v).strip() for v in raw.values()]
    raw = dict(zip(raw, values, strict=True))
    concurso = _int_or_none(values[0])
    try:
        if concurso is None:
            raise InvalidDrawError(None, f"concurso {values[0]!r} is not a whole number")
        date = _date(values[1], date_format, concurso)
        numbers = []
        for column, value in list(raw.items())[2:]:
            if not value:
                continue  # a blank cell: a missing number, for the suite to judge
            number = _whole_number_or_none(value)
            if number is None:
                raise InvalidDrawError(concurso, f"{column} is {value!r}, expected a whole number")
            numbers.append(number)
        return FileRow(line, raw, DrawCandidate(concurso, date, tuple(numbers)), None)
    except InvalidDrawError as error:
        return FileRow(line, raw, None, f"line {line}: {error}")


def _date(text: str, date_format: str, concurso: int) -> dt.date:
    text = text.split(" ")[0]  # spreadsheets may add a time of day
    date = parse_date(text, (date_format, ISO_DATE, OFFICIAL_DATE))
    if date is not None:
        return date
    raise InvalidDrawError(concurso, f"date {text!r} is not {date_format.replace('%', '')}")


def _whole_number_or_none(value: str) -> int | None:
    """A drawn number as written, sign and all: whether it is in range is for the validation suite."""
    negative = value.startswith("-")
    number = _int_or_none(value[1:] if negative else value)
    return -number if negative and number is not None else number


def _int_or_none(value: object) -> int | None:
    text = str(value).strip()
    if text.endswith(".0"):  # spreadsheets read as text may render integers as floats
        text = text[:-2]
    return int(text) if text.isdigit() else None
