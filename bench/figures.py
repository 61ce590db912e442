"""Each figure of `make bench` is the median of its samples; their spread is kept beside it."""

from __future__ import annotations

import statistics


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


SPREAD: dict[str, list[float]] = {}  # figure -> [min, median, max] of its samples


def figure(name: str, samples: list[float]) -> float:
    """The median of `samples`, with their spread recorded under `name`."""
    SPREAD[name] = [round(min(samples), 3), median(samples), round(max(samples), 3)]
    return median(samples)
