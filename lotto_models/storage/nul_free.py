"""Payloads the store accepts: PostgreSQL rejects the NUL character (`\\u0000`) in text and JSON."""

from __future__ import annotations

from typing import Any


def strip_nul(value: Any) -> Any:
    """The payload with every NUL character removed from its strings (PostgreSQL rejects `\\u0000`)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [strip_nul(item) for item in value]
    if isinstance(value, dict):
        return {strip_nul(key): strip_nul(item) for key, item in value.items()}
    return value
