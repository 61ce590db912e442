"""Whole numbers in untrusted text: ASCII digits only."""

import pytest

from lotto_models.core.digits import ascii_digits


@pytest.mark.parametrize("text", ["0", "15", "0003701"])
def test_ascii_digits_are_a_whole_number(text: str) -> None:
    assert ascii_digits(text)


@pytest.mark.parametrize("text", ["", "²", "٣", "1²", " 1", "-1", "1.0", "１"])
def test_other_digits_signs_and_blanks_are_not(text: str) -> None:
    assert not ascii_digits(text)
