"""`MODEL:VERSION`, the way a person names one model version (review, the command line): read once, here."""

from __future__ import annotations

from lotto_models.core.digits import ascii_digits
from lotto_models.core.errors import LotoflowError
from lotto_models.modeling.catalog import MODELS


class VersionRefError(LotoflowError, ValueError):
    """Text that does not name a model version: it says the form expected."""


def parse_version_ref(text: str) -> tuple[str, int]:
    """`MODEL:VERSION` (e.g. `ls14:3` or `ls14:v3`) as (model, version number)."""
    model, colon, version = text.strip().partition(":")
    number = version.strip().removeprefix("v")
    if not colon or not model or not ascii_digits(number) or int(number) < 1:
        raise VersionRefError(f"{text!r} is not of the form MODEL:VERSION (e.g. ls14:3)")
    if model not in MODELS:
        raise VersionRefError(f"{text!r}: unknown model {model!r}; known: {', '.join(MODELS)}")
    return model, int(number)
