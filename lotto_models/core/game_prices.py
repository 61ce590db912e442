"""What a bet costs in each CAIXA number game: the simplest bet's price over time, and how sure we are of the
price of larger bets.

Every figure comes from `shared/data/games/SOURCE.md`, section "Bet prices"; its source keys are kept:
[P] CAIXA's betting-parameters payload (official, captured 2023-12-26), [N19] the Nov 2019 increase,
[N23] the April/May 2023 increase, [N25] the July 2025 increase. SOURCE.md found no change after [N25].
In CAIXA's table [P], a larger bet costs the minimum × the number of simple bets it covers (`Game.price`
does that arithmetic). Where SOURCE.md gives no date or no first concurso for a price, the field is None.
Standard library only (Decimal): the command line imports it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

PRICES_AS_OF = dt.date(2025, 7, 10)  # the newest source behind these tables ([N25], 2025-07-03/10)


class LargerBets(enum.Enum):
    """How the price of a bet larger than the minimum is known, at today's minimum price."""

    PUBLISHED = "a full table was published at today's price; it equals minimum × simple bets covered"
    OFFICIAL = "CAIXA's table [P] (2023-12-26) at a minimum price that has not changed since"
    DERIVED = "today's minimum × [P]'s multiplier: derived from the rule, not sourced at today's price"
    SINGLE_SIZE = "one bet size, one price"
    NOT_SOURCED = "SOURCE.md gives no price and no rule for larger bets of this game"


@dataclass(frozen=True)
class PricePeriod:
    """The price (R$) of the simplest bet from a given draw on, until the next period."""

    minimum: Decimal
    first_concurso: int | None  # the first concurso charged this price; None: SOURCE.md does not say
    since: dt.date | None  # that concurso's draw date (or the date SOURCE.md gives); None: not given
    source: str


@dataclass(frozen=True)
class GamePrices:
    history: tuple[PricePeriod, ...]  # oldest first; the last one is in force today
    larger_bets: LargerBets
    as_of: dt.date = PRICES_AS_OF

    @property
    def current(self) -> PricePeriod:
        return self.history[-1]


def _period(minimum: str, first_concurso: int | None, since: dt.date | None, source: str) -> PricePeriod:
    return PricePeriod(Decimal(minimum), first_concurso, since, source)


# The price the Nov 2019 list [N19] gives is all SOURCE.md says of those years: it dates only Mega-Sena's.
PRICES: dict[str, GamePrices] = {
    "lotofacil": GamePrices(
        (
            _period("2.50", None, None, "[N19]"),
            _period("3.00", 2801, dt.date(2023, 5, 2), "[N23]"),
            _period("3.50", 3439, dt.date(2025, 7, 10), "[N25]"),
        ),
        # SOURCE.md's larger-bet table has no Lotofácil row: 16-20 numbers are unpriced here
        LargerBets.NOT_SOURCED,
    ),
    "megasena": GamePrices(
        (
            _period("4.50", None, dt.date(2019, 11, 11), "[N19]"),
            _period("5.00", 2588, dt.date(2023, 5, 3), "[N23][P], sales from 30/04"),
            # dgabc.com.br prints 2.877; the other sources and the history say 2887 (SOURCE.md note d)
            _period("6.00", 2887, dt.date(2025, 7, 12), "[N25]"),
        ),
        LargerBets.PUBLISHED,  # [N25] itatiaia.com.br: 6 = 6 ... 20 = 232,560
    ),
    "quina": GamePrices(
        (
            _period("2.00", None, None, "[N19]"),
            _period("2.50", 6138, dt.date(2023, 5, 2), "[N23]"),
            _period("3.00", 6770, dt.date(2025, 7, 10), "[N25]"),
        ),
        LargerBets.DERIVED,
    ),
    "lotomania": GamePrices(
        (
            _period("2.50", None, None, "[N19]"),
            _period("3.00", 2462, dt.date(2023, 5, 2), "[N23]; not in the July 2025 list [N25]"),
        ),
        LargerBets.SINGLE_SIZE,  # exactly 50 numbers [P]
    ),
    "duplasena": GamePrices(
        (
            _period("2.50", None, None, "[N19]; unchanged in 2023 [P]"),
            _period("3.00", 2832, dt.date(2025, 7, 11), "[N25]"),
        ),
        LargerBets.DERIVED,
    ),
    "diadesorte": GamePrices(
        (
            _period("2.00", 1, dt.date(2018, 5, 19), "[N19][N23], since launch"),
            _period("2.50", 753, dt.date(2023, 5, 4), "[N23], sales from 03/05; unchanged in July 2025 [N25]"),
        ),
        LargerBets.OFFICIAL,
    ),
    "timemania": GamePrices(
        (
            _period("3.00", None, None, "[N19]"),
            _period("3.50", 1932, dt.date(2023, 5, 4), "[N23]; unchanged in July 2025 [N25]"),
        ),
        LargerBets.SINGLE_SIZE,  # exactly 10 numbers and 1 team [P]
    ),
    "maismilionaria": GamePrices(
        (_period("6.00", 1, dt.date(2022, 5, 28), "since launch; unchanged in 2023 [P] and July 2025 [N25]"),),
        LargerBets.OFFICIAL,  # minimum × C(numbers, 6) × C(trevos, 2) [P]
    ),
}
