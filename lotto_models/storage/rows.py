"""Stored rows decoded by column name into the typed values the stores return."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, TypeVar

import sqlalchemy as sa

T = TypeVar("T")


def from_row(cls: type[T], row: sa.Row[Any], **converted: Any) -> T:
    """The dataclass `cls` whose fields are the columns of `row` with the same names, except the fields given
    in `converted` (a column renamed, a JSON value copied, a flag derived)."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    columns = row._mapping
    values = {field.name: columns[field.name] for field in dataclasses.fields(cls) if field.name not in converted}
    return cls(**values, **converted)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment in UTC: SQLite gives back naive datetimes for what was stored in UTC, PostgreSQL gives
    them with their zone."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
