"""The validation suite's rules per game: their names, severities, frames and Great Expectations
expectations, from the catalog (`core.games`). `validation` runs them.

Lotofácil's rules keep the names they always had (stored quarantine reasons quote them: "15 numbers per
draw", "numbers in 1..25"); every other game's rule names the game first ("Mega-Sena: 6 numbers per draw",
"Lotomania: numbers in 0..99", "+Milionária: trevos distinct within a draw"). A rule may tolerate one kind of
known anomaly of the catalog: broken at a concurso the catalog lists with it, it warns instead of rejecting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lotto_models.core.game_ids import legacy_form
from lotto_models.core.games import LOTOFACIL, AnomalyKind, Game, NumberSet
from lotto_models.ingest.candidates import DrawCandidate
from lotto_models.ingest.usual_bands import Band, possible_bands, usual_bands

REJECT = "reject"
WARN = "warn"

DRAWS = "draws"  # the frame with one row per draw
NUMBERS_FRAME = "numbers"  # the frame with one row per number of a draw
SECOND_DRAW_FRAME = "second_draw"  # one row per number of Dupla Sena's second draw
TREVOS_FRAME = "trevos"  # one row per trevo of a +Milionária draw


@dataclass(frozen=True)
class NumberedPart:
    """A numbered part of a game's draw as the suite sees it: its rule, its frame, its count column."""

    numbers: NumberSet
    noun: str  # how rule names call its values
    frame: str
    count_column: str
    values: Callable[[DrawCandidate], tuple[int, ...]]


def numbered_parts(game: Game = LOTOFACIL) -> list[NumberedPart]:
    """The game's main numbers, then its second draw and its trevos if it has them."""
    parts = [NumberedPart(game.numbers, "numbers", NUMBERS_FRAME, "number_count", lambda c: c.numbers)]
    if game.second_draw is not None:
        parts.append(
            NumberedPart(
                game.second_draw,
                "second-draw numbers",
                SECOND_DRAW_FRAME,
                "second_draw_count",
                lambda c: c.extras.second_draw,
            )
        )
    if game.trevos is not None:
        parts.append(NumberedPart(game.trevos, "trevos", TREVOS_FRAME, "trevo_count", lambda c: c.extras.trevos))
    return parts


def rule_name(rule: str, game: Game = LOTOFACIL) -> str:
    """The name of a rule for `game`: Lotofácil's as it always was (stored quarantine reasons quote it), the
    game's name first for the others ("Quina: concurso unique")."""
    return rule if legacy_form(game.id) else f"{game.name}: {rule}"


def count_rule(part: NumberedPart, game: Game = LOTOFACIL) -> str:
    return rule_name(f"{part.numbers.drawn} {part.noun} per draw", game)


def range_rule(part: NumberedPart, game: Game = LOTOFACIL) -> str:
    return rule_name(f"{part.noun} in {part.numbers.lowest}..{part.numbers.highest}", game)


def distinct_rule(part: NumberedPart, game: Game = LOTOFACIL) -> str:
    return rule_name(f"{part.noun} distinct within a draw", game)


def overlap_rule(band: Band, game: Game = LOTOFACIL) -> str:
    return rule_name(f"overlap with the previous draw in {band.lowest}..{band.highest}", game)


def sum_rule(band: Band, game: Game = LOTOFACIL) -> str:
    return rule_name(f"sum of numbers in {band.lowest}..{band.highest}", game)


def odd_rule(band: Band, game: Game = LOTOFACIL) -> str:
    return rule_name(f"odd numbers in {band.lowest}..{band.highest}", game)


_LOTOFACIL_NUMBERS = numbered_parts()[0]
_LOTOFACIL_BANDS = usual_bands()

# The rules that reject a draw, by the name of their expectation (quarantine reasons name them).
FIFTEEN_NUMBERS = count_rule(_LOTOFACIL_NUMBERS)  # "15 numbers per draw"
NUMBERS_IN_RANGE = range_rule(_LOTOFACIL_NUMBERS)  # "numbers in 1..25"
NUMBERS_DISTINCT = distinct_rule(_LOTOFACIL_NUMBERS)  # "numbers distinct within a draw"
MONTH_GIVEN = "a month per draw"
MONTH_IN_RANGE = "month in 1..12"
TEAM_GIVEN = "a team per draw"
CONCURSO_UNIQUE = "concurso unique"
CONCURSO_FOLLOWS = "concurso follows the previous one"
DATE_IN_ORDER = "date not before the previous draw"
DATE_NOT_FUTURE = "date not after tomorrow"  # tomorrow: time zones, and a result published after midnight
# The rules that only warn.
OVERLAP_USUAL = overlap_rule(_LOTOFACIL_BANDS.overlap)  # "overlap with the previous draw in 6..13"
SUM_USUAL = sum_rule(_LOTOFACIL_BANDS.sum)  # "sum of numbers in 140..250"
ODD_USUAL = odd_rule(_LOTOFACIL_BANDS.odd)  # "odd numbers in 4..12"
PAUSE_USUAL = "at most 21 days since the previous draw"
KNOWN_ANOMALY = "broken at a known anomaly of the catalog, accepted"  # after the rule's name


@dataclass(frozen=True)
class Rule:
    """One expectation of the suite: its name, what it does to a draw that fails it, and where it looks."""

    name: str
    severity: str
    frame: str
    column: str
    expected: str
    expectation: Any  # the Great Expectations expectation, described by `name`
    tolerates: AnomalyKind | None = None  # broken at a concurso with this known anomaly: a warning, not a rejection
    measured_from_previous: bool = False  # after a rejected draw it measured against that draw, not history


def suite_rules(game: Game = LOTOFACIL) -> list[Rule]:
    """The suite of `game`, one expectation per rule, in the order its checks are reported."""
    import great_expectations.expectations as gxe

    def rule(name: str, severity: str, frame: str, column: str, expected: str, expectation: Any, **more: Any) -> Rule:
        expectation.description = name
        return Rule(name, severity, frame, column, expected, expectation, **more)

    between = gxe.ExpectColumnValuesToBeBetween
    rules = []
    for part in numbered_parts(game):
        drawn, lowest, highest = part.numbers.drawn, part.numbers.lowest, part.numbers.highest
        rules += [
            rule(
                count_rule(part, game),
                REJECT,
                DRAWS,
                part.count_column,
                f"exactly {drawn}",
                between(column=part.count_column, min_value=drawn, max_value=drawn),
                tolerates=AnomalyKind.EXTRA_NUMBER if part.frame == NUMBERS_FRAME else None,
            ),
            rule(
                range_rule(part, game),
                REJECT,
                part.frame,
                "number",
                f"between {lowest} and {highest}",
                between(column="number", min_value=lowest, max_value=highest),
            ),
            rule(
                distinct_rule(part, game),
                REJECT,
                part.frame,
                "number",
                f"no {part.noun.removesuffix('s')} twice in one draw",
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["draw_row", "number"]),
            ),
        ]
    if game.month is not None:
        rules += [
            rule(
                rule_name(MONTH_GIVEN, game),
                REJECT,
                DRAWS,
                "month",
                "a month (a number or a Portuguese month name)",
                gxe.ExpectColumnValuesToNotBeNull(column="month"),
            ),
            rule(
                rule_name(MONTH_IN_RANGE, game),
                REJECT,
                DRAWS,
                "month",
                "between 1 and 12",
                between(column="month", min_value=1, max_value=12),
            ),
        ]
    if game.team is not None:
        rules.append(
            rule(
                rule_name(TEAM_GIVEN, game),
                REJECT,
                DRAWS,
                "team",
                "a team's name, not blank",
                gxe.ExpectColumnValuesToNotBeNull(column="team"),
            )
        )
    rules += [
        rule(
            rule_name(CONCURSO_UNIQUE, game),
            REJECT,
            DRAWS,
            "concurso",
            "one draw per concurso",
            gxe.ExpectColumnValuesToBeUnique(column="concurso"),
        ),
        rule(
            rule_name(CONCURSO_FOLLOWS, game),
            REJECT,
            DRAWS,
            "concurso_step",
            "1 (the concurso right after the previous one)",
            between(column="concurso_step", min_value=1, max_value=1),
        ),
        rule(
            rule_name(DATE_IN_ORDER, game),
            REJECT,
            DRAWS,
            "days_since_previous",
            "0 or more",
            between(column="days_since_previous", min_value=0),
            tolerates=AnomalyKind.DATE_OUT_OF_ORDER,
            measured_from_previous=True,
        ),
        rule(
            rule_name(DATE_NOT_FUTURE, game),
            REJECT,
            DRAWS,
            "days_after_today",
            "1 or fewer (no later than tomorrow in São Paulo)",
            between(column="days_after_today", max_value=1),
        ),
    ]
    bands, possible = usual_bands(game), possible_bands(game.numbers)
    for name, column, band, widest in (
        (overlap_rule(bands.overlap, game), "overlap_with_previous", bands.overlap, possible.overlap),
        (sum_rule(bands.sum, game), "number_sum", bands.sum, possible.sum),
        (odd_rule(bands.odd, game), "odd_count", bands.odd, possible.odd),
    ):
        if band != widest:  # a band as wide as what can happen never warns: no rule
            expected = f"{band.lowest} to {band.highest}"
            rules.append(
                rule(
                    name,
                    WARN,
                    DRAWS,
                    column,
                    expected,
                    between(column=column, min_value=band.lowest, max_value=band.highest),
                )
            )
    rules.append(
        rule(
            rule_name(PAUSE_USUAL, game),
            WARN,
            DRAWS,
            "days_since_previous",
            "21 or fewer",
            between(column="days_since_previous", max_value=21),
        )
    )
    return rules


REJECTING_RULES = (  # Lotofácil's; `suite_rules(game)` has every game's
    FIFTEEN_NUMBERS,
    NUMBERS_IN_RANGE,
    NUMBERS_DISTINCT,
    CONCURSO_UNIQUE,
    CONCURSO_FOLLOWS,
    DATE_IN_ORDER,
    DATE_NOT_FUTURE,
)
