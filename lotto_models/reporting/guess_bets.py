"""Each shown plan's newest guess offered at every bet size the game allows: the ranking's first `size` numbers
(the published guess plus the next-ranked ones), with the price and exact chances of a bet of that size.

The chances of a bet do not depend on which numbers it holds (every draw is random): the guess at a size costs
the same and wins with the same odds as any other numbers of that size, and the views say so. +Milionária's
trevos stay as guessed at every size (their count sets the price and the trevo tiers). A guess stored before
revision 0009 has no ranking: it is offered at its published size alone, and its words say why.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from pydantic import BaseModel, Field

from lotto_models.core.game_rules import Game
from lotto_models.core.guess_ranking import guess_of_size
from lotto_models.reporting.bets import BetOption, bet_option
from lotto_models.storage.ranked_guesses import RankedGuess

SAME_ODDS_WORDS = (
    "A plan's guess at each size costs the same and wins with the same odds as any other numbers of that size: "
    "the draw is random, so no choice of numbers changes the chances above. The larger sizes add the numbers "
    "the plan's ensemble ranked next."
)


class TierChanceView(BaseModel):  # a tier's chance, in the bets table and at each size of a guess
    description: str
    hits: int
    probability: float
    one_in: float


class GuessBetView(BaseModel):
    size: int = Field(description="numbers in the bet")
    numbers: list[int] = Field(description="the bet's numbers, ascending: the published guess and the next-ranked")
    added: list[int] = Field(description="the numbers beyond the published guess, in the ensemble's order")
    price: Decimal | None = Field(description="R$; null where the catalog's sources give no price")
    tiers: list[TierChanceView] = Field(description="the exact chance of each prize tier, as any bet of this size")
    any_prize: float


class GuessBetsView(BaseModel):
    plan: str
    concurso: int = Field(description="the concurso the guess was published for")
    published: list[int] = Field(description="the guess as published (the game's default bet)")
    trevos: list[int] = Field(description="+Milionária: the guessed trevos, the same at every size; else empty")
    ranked: bool = Field(description="false for a guess stored without its ranking: only its published size")
    bets: list[GuessBetView]
    words: str


def guess_bets_view(game: Game, guess: RankedGuess) -> GuessBetsView:
    """`guess` at every bet size of `game` (at its published size alone when it has no ranking)."""
    trevos = len(guess.extras.trevos) if game.trevos is not None and guess.extras.trevos else None
    published = list(guess.numbers)
    if guess.ranking is None:
        bets = [_bet_view(bet_option(game, len(published), trevos), published, [])]
        words = (
            f"This guess was stored before rankings were kept with guesses, so only its {len(published)} "
            "published numbers are known; the next guesses are offered at every size."
        )
    else:
        bets = [
            _bet_view(bet_option(game, size, trevos), guess_of_size(guess.ranking, size), _added(guess, size))
            for size in range(game.bet.minimum, game.bet.maximum + 1)
        ]
        words = _sizes_words(game, len(published))
    return GuessBetsView(
        plan=guess.plan,
        concurso=guess.concurso,
        published=published,
        trevos=list(guess.extras.trevos),
        ranked=guess.ranking is not None,
        bets=bets,
        words=words,
    )


def guess_bets_views(game: Game, guesses: Sequence[RankedGuess], shown: Collection[str]) -> list[GuessBetsView]:
    """The views of the guesses of the plans in `shown` (the public ones, and research where an operator
    shows it), in the order given."""
    return [guess_bets_view(game, guess) for guess in guesses if guess.plan in shown]


def _added(guess: RankedGuess, size: int) -> list[int]:
    assert guess.ranking is not None
    published = set(guess.numbers)
    return [int(n) for n in guess.ranking[:size] if n not in published]


def _bet_view(option: BetOption, numbers: list[int], added: list[int]) -> GuessBetView:
    return GuessBetView(
        size=option.numbers,
        numbers=numbers,
        added=added,
        price=option.price,
        tiers=[TierChanceView(**vars(t)) for t in option.tiers],
        any_prize=option.any_prize,
    )


def _sizes_words(game: Game, published: int) -> str:
    if game.bet.minimum == game.bet.maximum:
        return f"A {game.name} bet has exactly {game.bet.minimum} numbers: the guess is offered at that size alone."
    return (
        f"The published {published} numbers, and at each larger size the numbers ranked next "
        f"(up to {game.bet.maximum})."
    )
