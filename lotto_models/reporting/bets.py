"""What a bet costs and what it can win, and how a player's own numbers would have done: exact chances from
the game catalog (hypergeometric over the bet's numbers), never a promise.

Only the tiers of hits on the main numbers are covered here (the first draw's, for Dupla Sena); extras
(trevos, month, team) are priced and tiered by the catalog when the pages for those games come.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from lotto_models.core.errors import LotoflowError
from lotto_models.core.game_rules import TierKind
from lotto_models.core.games import Game


class InvalidTicketError(LotoflowError, ValueError):
    """A player's numbers that are not a valid bet: out of range, repeated, or the wrong count."""


@dataclass(frozen=True)
class TierChance:
    description: str
    hits: int
    probability: float
    one_in: float  # 1 / probability: "one bet in N wins it"


@dataclass(frozen=True)
class BetOption:
    numbers: int
    price: Decimal | None  # None: the catalog's sources give no price for this size
    tiers: list[TierChance]
    any_prize: float


@dataclass(frozen=True)
class TierRecord:
    description: str
    hits: int
    times: int  # draws on which the ticket would have won this tier
    expected: float  # what chance gives over as many draws


@dataclass(frozen=True)
class TicketCheck:
    numbers: list[int]
    draws: int
    hits_histogram: list[int]  # draws with k hits, k = 0..drawn
    mean_hits: float
    expected_mean_hits: float
    tiers: list[TierRecord]


def hits_tiers(game: Game, with_trevos: bool = False) -> list:
    """Today's tiers paid for hits on the main numbers (the first draw's, for Dupla Sena), most hits first;
    `with_trevos`: +Milionária's tiers of numbers and trevos too (for a bet whose trevos are known)."""
    newest = max(t.since_concurso for t in game.tiers)
    return [
        t
        for t in game.tiers_at(newest)
        if t.kind is TierKind.HITS and t.draw == 1 and (t.trevo_hits is None or with_trevos) and t.hits is not None
    ]


def bet_option(game: Game, size: int, trevos: int | None = None) -> BetOption:
    """A bet of `size` numbers (and, for +Milionária, `trevos` trevos): its price and the exact chance of each
    hits tier and of any of them. Without `trevos`, +Milionária's price and trevo tiers are left out."""
    chances = [(t, game.tier_probability(t, size, trevos)) for t in hits_tiers(game, trevos is not None)]
    tiers = [
        TierChance(t.description, int(t.hits or 0), float(p), float(1 / p) if p else float("inf"))
        for t, p in chances
        if p is not None
    ]
    any_prize = float(sum((p for _, p in chances if p is not None), Fraction(0)))
    price = game.price(size, trevos) if game.trevos is None or trevos is not None else None
    return BetOption(size, price, tiers, any_prize)


def bet_options(game: Game) -> list[BetOption]:
    """Every bet size of `game`: its price and the exact chance of each hits tier and of any of them."""
    return [bet_option(game, size) for size in range(game.bet.minimum, game.bet.maximum + 1)]


def checked_ticket(game: Game, numbers: Sequence[int]) -> list[int]:
    """The player's numbers, sorted, or `InvalidTicketError` naming what is wrong."""
    pool = range(game.numbers.lowest, game.numbers.highest + 1)
    problems = []
    if len(numbers) not in game.bet:
        problems.append(f"{len(numbers)} numbers given; a {game.name} bet has {game.bet.minimum} to {game.bet.maximum}")
    outside = sorted({n for n in numbers if n not in pool})
    if outside:
        problems.append(f"outside {pool.start}..{pool.stop - 1}: {outside}")
    repeated = sorted({n for n in numbers if list(numbers).count(n) > 1})
    if repeated:
        problems.append(f"repeated: {repeated}")
    if problems:
        raise InvalidTicketError("; ".join(problems))
    return sorted(numbers)


def check_ticket(game: Game, numbers: Sequence[int], draws: Sequence[Sequence[int]]) -> TicketCheck:
    """How `numbers` would have done on every draw in `draws` (the main numbers drawn), against chance."""
    ticket = set(checked_ticket(game, numbers))
    hits = [len(ticket & set(drawn)) for drawn in draws]
    histogram = [0] * (game.numbers.drawn + 1)
    for h in hits:
        histogram[h] += 1
    distribution = game.hits_distribution(len(ticket))
    tiers = [
        TierRecord(
            t.description, int(t.hits or 0), histogram[t.hits or 0], float(distribution[t.hits or 0]) * len(draws)
        )
        for t in hits_tiers(game)
        if (t.hits or 0) < len(distribution)
    ]
    return TicketCheck(
        numbers=sorted(ticket),
        draws=len(draws),
        hits_histogram=histogram,
        mean_hits=sum(hits) / len(hits) if hits else 0.0,
        expected_mean_hits=game.baseline_hits(len(ticket)),
        tiers=tiers,
    )
