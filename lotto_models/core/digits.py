"""Whole numbers written in text a person or a source gave: ASCII digits only.

`str.isdigit` is true for '²' or '٣' too, which `int` then refuses (or reads as another digit): every parse of
untrusted text asks `ascii_digits` instead, so such a value is refused by name rather than crashing a parse.
"""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """Whether `text` is one or more of the digits 0-9 and nothing else."""
    return text.isascii() and text.isdigit()
