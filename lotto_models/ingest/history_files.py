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


class HistoryFileNumberError(LotoflowError):
    """A cell of the file holds a whole number far too long to be a concurso or a drawn number."""


# A drawn number has two digits and a concurso four; past nine digits a cell is no draw's (nor the store's INTEGER).
MAX_DIGITS = 9


SPREADSHEETS = {".xlsx", ".xlsm"}


def check_history_file(path: Path) -> None:
    """Refuse, naming the file and why, what cannot be imported: no such file, not a regular file (a directory,
    a FIFO), not readable, another type, beyond the size limits, columns of neither layout or one of them twice,
    or a number too long to be a concurso or a drawn number. The whole file is read (about 2 s for 100,000
    rows). `lotto import-history` calls it before anything starts; `read_draw_file` makes the same checks."""
    _read_frame(path)


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
    """The layout's columns and date format that `header` has; refused naming both layouts when neither, and
    when a column the layout reads is there twice (which of the two holds the draw cannot be known)."""
    names = [str(c).strip() for c in header]
    columns = set(names)
    for layout, date_format in ((OURS, ISO_DATE), (OFFICIAL, OFFICIAL_DATE)):
        if set(layout) <= columns:
            twice = [name for name in layout if names.count(name) > 1]
            if twice:
                positions = [i + 1 for i, name in enumerate(names) if name == twice[0]]
                raise UnknownFileLayoutError(
                    f"{path.name}: its header has the column {twice[0]!r} twice (columns "
                    f"{', '.join(map(str, positions))}); which one holds the draw is unclear: keep one"
                )
            return layout, date_format
    found = ", ".join(str(c).strip() for c in header[:8]) + (", …" if len(header) > 8 else "")
    raise UnknownFileLayoutError(
        f"{path.name}: its columns ({found or 'none'}) are neither lotoflow's ({', '.join(OURS[:3])}, …, d15) "
        f"nor the official spreadsheet's ({', '.join(OFFICIAL[:3])}, …, Bola15)"
    )


def read_draw_file(path: Path) -> list[FileRow]:
    """Every row of a history file, each with its candidate draw or the reason it is not one."""
    frame, columns, date_format = _read_frame(path)
    return [
        _row(line, dict(zip(columns, values, strict=True)), date_format)
        for line, values in enumerate(frame.itertuples(index=False, name=None), start=2)
    ]


def _read_frame(path: Path) -> tuple[pd.DataFrame, list[str], str]:
    """The layout's columns of every row, as text ("" for a blank cell), with the layout's columns and date
    format, after every check of `check_history_file`."""
    _check_file(path)
    if path.suffix.lower() in SPREADSHEETS:
        header, frame = _read_spreadsheet(path)
    else:
        header, frame = _csv_header(path), _read_csv(path)
    columns, date_format = _layout(path, header)
    if len(frame) > MAX_ROWS:
        raise HistoryFileTooLargeError(f"{path.name}: more than {MAX_ROWS} rows; the real history has about 3,700")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame[columns].fillna("").astype(str)
    _refuse_long_numbers(path, frame[[columns[0], *columns[2:]]])  # the concurso and the numbers
    return frame, columns, date_format


def _refuse_long_numbers(path: Path, frame: pd.DataFrame) -> None:
    """Refuse a file with a whole number of more than `MAX_DIGITS` digits in one of `frame`'s columns (leading
    zeros and a spreadsheet's `.0` aside), naming its line and column: no draw has one, and the store could
    not hold it."""
    for column in frame.columns:
        cells = frame[column]
        for position in (cells.str.len() > MAX_DIGITS).to_numpy().nonzero()[0]:  # only a long cell can be one
            digits = cells.iloc[position].strip().removesuffix(".0").removeprefix("-")
            number = digits.lstrip("0")
            if digits.isdigit() and len(number) > MAX_DIGITS:
                raise HistoryFileNumberError(
                    f"{path.name}: line {position + 2}, column {column}: a {len(number)}-digit number "
                    f"({number[:12]}…); no concurso or drawn number has more than {MAX_DIGITS} digits: fix the file"
                )


def _csv_header(path: Path) -> list[object]:
    """The cells of the first line, as written (as a header, pandas would rename a repeated name `d15.1`)."""
    first = _read_csv(path, 1, header=None)
    return list(first.iloc[0]) if len(first) else []


def _read_csv(path: Path, rows: int = MAX_ROWS + 1, header: int | None = 0) -> pd.DataFrame:
    """The first `rows` rows of a `,` or `;` separated UTF-8 file (a byte order mark is allowed); an unreadable
    one is refused naming the file and why."""
    try:
        return pd.read_csv(path, dtype=str, sep=None, engine="python", nrows=rows, header=header, encoding="utf-8-sig")
    except OSError as error:
        raise HistoryFileMissingError(f"{path}: cannot be read ({error.strerror or error})") from error
    except (ValueError, UnicodeDecodeError, csv.Error, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise UnknownFileLayoutError(
            f"{path.name}: not a readable CSV file ({type(error).__name__}: {error})"
        ) from error


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


def _read_spreadsheet(path: Path) -> tuple[list[object], pd.DataFrame]:
    """The header and the rows of the first sheet, opened read-only."""
    workbook = _open_spreadsheet(path)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = list(next(rows, None) or ())
        body: list[list[str]] = []
        for values in rows:
            if len(body) >= MAX_ROWS:
                raise HistoryFileTooLargeError(
                    f"{path.name}: more than {MAX_ROWS} rows; the real history has about 3,700"
                )
            body.append(["" if v is None else str(v) for v in values])
    finally:
        workbook.close()
    width = len(header)
    return header, pd.DataFrame([(row + [""] * width)[:width] for row in body], columns=[str(h) for h in header])


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
