"""Reading draw history files of a game of the catalog: lotoflow's CSV layout and, for Lotofácil, the
official spreadsheet layout (.xlsx or .csv).

- lotoflow: the game's `Game.csv_columns` with ISO dates: `concurso,data,d1..d15` for Lotofácil, and
  `d1..dN` plus `s1..s6` (Dupla Sena's second draw), `t1,t2` (+Milionária's trevos), `mes` (Dia de Sorte's
  month, a number or a Portuguese name) or `time` (Timemania's team) for the others;
- official (Lotofácil): `Concurso, Data Sorteio, Bola1..Bola15` (more columns may follow) with dd/mm/yyyy
  dates. SOURCE.md describes no official spreadsheet of the other games, so none is read for them.

A lotoflow file holding a column of another game's layout (`d16`, `s1`, `mes`, ...) is refused: it is
another game's file, and reading part of its numbers would make draws that never happened.
Every row is read on its own into a `DrawCandidate`; a row that is not a draw at all (a concurso, a date,
a number or a month that cannot be read) is reported with its line and reason, never guessed at. A blank
number cell is a missing number. Whether the numbers make a possible draw is for the validation suite.
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

from lotto_models.core.digits import ascii_digits
from lotto_models.core.draws import ISO_DATE, NUMBER_COLUMNS, OFFICIAL_DATE, DrawExtras, parse_date
from lotto_models.core.errors import InvalidDrawError, LotoflowError
from lotto_models.core.game_ids import legacy_form
from lotto_models.core.games import GAMES, LOTOFACIL, Game, NumberSet
from lotto_models.ingest.candidates import DrawCandidate, month_as_written, team_as_written

OURS = ["concurso", "data", *NUMBER_COLUMNS]  # Lotofácil's; `Game.csv_columns` is every game's
OFFICIAL = ["Concurso", "Data Sorteio", *[f"Bola{i}" for i in range(1, 16)]]
# Every column of a lotoflow history file of any game: one a game lacks marks another game's file.
GAME_COLUMNS = frozenset(column for g in GAMES.values() for column in g.csv_columns)


@dataclass(frozen=True)
class FileLayout:
    """One layout of a game's history file: its columns, which part of the draw each holds, its dates."""

    date_format: str
    concurso: str
    date: str
    numbers: tuple[str, ...]
    second_draw: tuple[str, ...] = ()
    trevos: tuple[str, ...] = ()
    month: str | None = None
    team: str | None = None
    exclusive: bool = False  # lotoflow's: a column of another game's layout is refused

    @property
    def columns(self) -> list[str]:
        named = [c for c in (self.month, self.team) if c is not None]
        return [self.concurso, self.date, *self.numbers, *self.second_draw, *self.trevos, *named]


OFFICIAL_LAYOUT = FileLayout(OFFICIAL_DATE, OFFICIAL[0], OFFICIAL[1], tuple(OFFICIAL[2:]))
# CAIXA's results spreadsheets name the date "Data Sorteio" (Lotofácil's, Quina's) or "Data do Sorteio"
# (Mega-Sena's), then one "BolaN" column per number drawn. Seen for Lotofácil (shared/data/SOURCE.md) and for
# Mega-Sena and Quina in the spreadsheets aretw0/loterias-caixa-db converted to CSV (data/megasena.csv and
# data/quina.csv @ 015dffc; shared/data/games/SOURCE.md, "aretw0"). The other games' spreadsheets were not seen
# (nor their extras' columns): their files are read in lotoflow's layout only.
OFFICIAL_DATE_COLUMNS = ("Data Sorteio", "Data do Sorteio")
OFFICIAL_SEEN = frozenset({"lotofacil", "megasena", "quina"})


def official_layouts(game: Game) -> tuple[FileLayout, ...]:
    """The official results spreadsheet's layouts of `game` (none for a game whose spreadsheet was not seen)."""
    if game.id not in OFFICIAL_SEEN:
        return ()
    if legacy_form(game.id):
        return (OFFICIAL_LAYOUT,)
    balls = tuple(f"Bola{i}" for i in range(1, game.numbers.drawn + 1))
    return tuple(FileLayout(OFFICIAL_DATE, "Concurso", date, balls) for date in OFFICIAL_DATE_COLUMNS)


def file_layouts(game: Game = LOTOFACIL) -> tuple[FileLayout, ...]:
    """The layouts a history file of `game` may have: lotoflow's, then the official spreadsheet's."""

    def columns(part: NumberSet | None) -> tuple[str, ...]:
        return part.csv_columns if part is not None else ()

    ours = FileLayout(
        ISO_DATE,
        "concurso",
        "data",
        game.numbers.csv_columns,
        columns(game.second_draw),
        columns(game.trevos),
        game.month.csv_column if game.month else None,
        game.team.csv_column if game.team else None,
        exclusive=True,
    )
    return (ours, *official_layouts(game))


def describe_columns(game: Game) -> str:
    """The header of `game`'s lotoflow history file in short: `concurso, data, d1..d6, s1..s6`."""
    sets = [s for s in (game.numbers, game.second_draw, game.trevos) if s is not None]
    named = [p.csv_column for p in (game.month, game.team) if p is not None]
    return ", ".join(["concurso", "data", *(f"{s.csv_columns[0]}..{s.csv_columns[-1]}" for s in sets), *named])


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


def check_history_file(path: Path, game: Game = LOTOFACIL) -> None:
    """Refuse, naming the file and why, what cannot be imported: no such file, not a regular file (a directory,
    a FIFO), not readable, another type, beyond the size limits, columns of none of `game`'s layouts, one of
    them twice or a column of another game's, or a number too long to be a concurso or a drawn number. The
    whole file is read (about 2 s for 100,000 rows). `lotto import-history` calls it before anything starts;
    `read_draw_file` makes the same checks."""
    _read_frame(path, game)


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


def _layout(path: Path, header: list[object], game: Game) -> FileLayout:
    """The layout of `game` that `header` has; refused naming the expected columns when none fits, when a
    column the layout reads is there twice (which of the two holds the draw cannot be known), and when
    lotoflow's layout comes with a column of another game's (the file is another game's)."""
    names = [str(c).strip() for c in header]
    columns = set(names)
    for layout in file_layouts(game):
        if set(layout.columns) <= columns:
            twice = [name for name in layout.columns if names.count(name) > 1]
            if twice:
                positions = [i + 1 for i, name in enumerate(names) if name == twice[0]]
                raise UnknownFileLayoutError(
                    f"{path.name}: its header has the column {twice[0]!r} twice (columns "
                    f"{', '.join(map(str, positions))}); which one holds the draw is unclear: keep one"
                )
            balls = [name for name in names if not layout.exclusive and _is_ball(name) and name not in layout.numbers]
            if balls:
                raise UnknownFileLayoutError(
                    f"{path.name}: its columns Bola1..{balls[-1]} hold more numbers than a {game.name} draw's "
                    f"{game.numbers.drawn}: is it another game's results spreadsheet?"
                )
            foreign = [name for name in names if layout.exclusive and name in GAME_COLUMNS - set(layout.columns)]
            if foreign:
                listed = ", ".join(foreign[:6]) + (", …" if len(foreign) > 6 else "")
                raise UnknownFileLayoutError(
                    f"{path.name}: the columns {listed} belong to no "
                    f"{game.name} history file: is it another game's? A {game.name} history file has the columns "
                    f"{describe_columns(game)}"
                )
            return layout
    found = ", ".join(str(c).strip() for c in header[:8]) + (", …" if len(header) > 8 else "")
    if game.id == LOTOFACIL.id:
        raise UnknownFileLayoutError(
            f"{path.name}: its columns ({found or 'none'}) are neither lotoflow's ({', '.join(OURS[:3])}, …, d15) "
            f"nor the official spreadsheet's ({', '.join(OFFICIAL[:3])}, …, Bola15)"
        )
    official = official_layouts(game)
    spreadsheet = (
        f", or the official spreadsheet's Concurso, Data Sorteio, Bola1..{official[0].numbers[-1]}" if official else ""
    )
    raise UnknownFileLayoutError(
        f"{path.name}: its columns ({found or 'none'}) are not lotoflow's {game.name} history layout: expected "
        f"{describe_columns(game)}{spreadsheet}"
    )


def _is_ball(name: str) -> bool:
    return name.startswith("Bola") and ascii_digits(name[4:])


def read_draw_file(path: Path, game: Game = LOTOFACIL) -> list[FileRow]:
    """Every row of a history file of `game`, each with its candidate draw or the reason it is not one."""
    frame, layout = _read_frame(path, game)
    return [
        _row(line, dict(zip(layout.columns, values, strict=True)), layout)
        for line, values in enumerate(frame.itertuples(index=False, name=None), start=2)
    ]


def _read_frame(path: Path, game: Game = LOTOFACIL) -> tuple[pd.DataFrame, FileLayout]:
    """The layout's columns of every row, as text ("" for a blank cell), with the layout, after every check
    of `check_history_file`."""
    _check_file(path)
    if path.suffix.lower() in SPREADSHEETS:
        header, frame = _read_spreadsheet(path)
    else:
        header, frame = _csv_header(path), _read_csv(path)
    layout = _layout(path, header, game)
    if len(frame) > MAX_ROWS:
        raise HistoryFileTooLargeError(f"{path.name}: more than {MAX_ROWS} rows; the real history has about 3,700")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame[layout.columns].fillna("").astype(str)
    numbered = [layout.concurso, *layout.numbers, *layout.second_draw, *layout.trevos]
    _refuse_long_numbers(path, frame[numbered])  # the concurso and the numbers
    return frame, layout


def _refuse_long_numbers(path: Path, frame: pd.DataFrame) -> None:
    """Refuse a file with a whole number of more than `MAX_DIGITS` digits in one of `frame`'s columns (leading
    zeros and a spreadsheet's `.0` aside), naming its line and column: no draw has one, and the store could
    not hold it."""
    for column in frame.columns:
        cells = frame[column]
        for position in (cells.str.len() > MAX_DIGITS).to_numpy().nonzero()[0]:  # only a long cell can be one
            digits = cells.iloc[position].strip().removesuffix(".0").removeprefix("-")
            number = digits.lstrip("0")
            if ascii_digits(digits) and len(number) > MAX_DIGITS:
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


def candidate_from_record(record: Mapping[str, object], game: Game = LOTOFACIL) -> DrawCandidate:
    """The candidate draw of one file row of `game` as kept in the quarantine (any of its layouts), read like
    any file row.

    Raises `InvalidDrawError` naming the line and why it is not a draw at all; the suite judges the rest.
    """
    layouts = file_layouts(game)
    for layout in layouts:
        if set(layout.columns) <= set(record):
            raw = {c: str(record[c]) for c in layout.columns}
            row = _row(_int_or_none(record.get("line")) or 0, raw, layout)
            if row.candidate is None:
                raise InvalidDrawError(row.concurso, row.error or "unreadable row")
            return row.candidate
    expected = " or ".join(f"{list(layout.columns[:3])}..." for layout in layouts)
    raise InvalidDrawError(None, f"a row needs the columns {expected}, got {list(record)[:5]}")


def _row(line: int, raw: dict[str, str], layout: FileLayout) -> FileRow:
    raw = {column: str(value).strip() for column, value in raw.items()}
    concurso = _int_or_none(raw[layout.concurso])
    try:
        if concurso is None:
            raise InvalidDrawError(None, f"concurso {raw[layout.concurso]!r} is not a whole number")
        date = _date(raw[layout.date], layout.date_format, concurso)
        extras = DrawExtras(
            second_draw=_numbers(raw, layout.second_draw, concurso),
            trevos=_numbers(raw, layout.trevos, concurso),
            month=month_as_written(raw[layout.month], concurso, layout.month) if layout.month else None,
            team=team_as_written(raw[layout.team]) if layout.team else None,
        )
        candidate = DrawCandidate(concurso, date, _numbers(raw, layout.numbers, concurso), extras)
        return FileRow(line, raw, candidate, None)
    except InvalidDrawError as error:
        return FileRow(line, raw, None, f"line {line}: {error}")


def _numbers(raw: dict[str, str], columns: tuple[str, ...], concurso: int) -> tuple[int, ...]:
    """The numbers of `columns`, as written; a blank cell is a missing number, for the suite to judge."""
    numbers = []
    for column in columns:
        value = raw[column]
        if not value:
            continue
        number = _whole_number_or_none(value)
        if number is None:
            raise InvalidDrawError(concurso, f"{column} is {value!r}, expected a whole number")
        numbers.append(number)
    return tuple(numbers)


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
    return int(text) if ascii_digits(text) else None
