"""Pages of a long answer (draws, guesses, quarantine entries): their size limits and the page itself."""

from __future__ import annotations

import math
from typing import Generic, TypeVar

from pydantic import BaseModel

from lotto_models.core.errors import LotoflowError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")


class InvalidQueryError(LotoflowError):
    """The query parameters contradict each other (e.g. a range whose start is after its end)."""


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    pages: int


def check_page(page: int, page_size: int) -> None:
    if page < 1:
        raise InvalidQueryError(f"page must be 1 or more, got {page}")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidQueryError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")


def offset_of(page: int, page_size: int) -> int:
    return (page - 1) * page_size


def page_of(items: list[T], total: int, page: int, page_size: int) -> Page[T]:
    return Page(items=items, total=total, page=page, page_size=page_size, pages=math.ceil(total / page_size))
