"""The answers of the players' pages and API (`/numbers`, `/randomness`, `/bets`, `/check`): the figures of
`number_stats`, `randomness` and `bets` over the stored draws, as typed views with their words."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, Field

from lotto_models.core.games import Game
from lotto_models.reporting.bets import bet_options, check_ticket
from lotto_models.reporting.guess_bets import SAME_ODDS_WORDS, GuessBetsView, TierChanceView
from lotto_models.reporting.number_stats import COVERAGE, number_figures
from lotto_models.reporting.randomness import ALPHA, MIN_DRAWS, randomness_report


class BandView(BaseModel):
    value: float
    low: float = Field(description=f"lower end of the range chance gives {COVERAGE:.0%} of the time")
    high: float
    inside: bool


class NumberView(BaseModel):
    number: int
    count: BandView = Field(description="times drawn over every stored draw (binomial band)")
    recent_count: BandView = Field(description="times drawn over the newest draws (binomial band)")
    delay: BandView = Field(description="draws since last drawn, the atraso (geometric band, one-sided)")
    longest_delay: BandView = Field(description="the longest run of draws without it (band of the longest gap)")


class NumbersView(BaseModel):
    game: str
    draws: int
    recent_draws: int
    probability: float = Field(description="chance of each number in one draw")
    numbers: list[NumberView]
    outside: list[int] = Field(description="numbers with a figure outside its band")
    words: str


class RandomnessTestView(BaseModel):
    name: str
    statistic: float
    p_value: float
    holm_p_value: float = Field(description="after Holm's correction for the tests run together")
    outside_chance: bool
    words: str


class RandomnessView(BaseModel):
    game: str
    draws: int
    alpha: float
    tests: list[RandomnessTestView]
    outside_chance: bool
    words: str


class BetView(BaseModel):
    numbers: int
    price: Decimal | None = Field(description="R$; null where the catalog's sources give no price")
    tiers: list[TierChanceView]
    any_prize: float


class BetsView(BaseModel):
    game: str
    price_source: str
    bets: list[BetView]
    words: str
    guesses: list[GuessBetsView] = Field(description="each shown plan's newest guess at every bet size the game allows")
    guesses_words: str = Field(description="why a guess's odds are any bet's odds")


class TierRecordView(BaseModel):
    description: str
    hits: int
    times: int = Field(description="draws on which these numbers would have won the tier")
    expected: float = Field(description="what chance gives over as many draws")


class CheckView(BaseModel):
    game: str
    numbers: list[int]
    draws: int
    hits_histogram: list[int]
    mean_hits: float
    expected_mean_hits: float
    tiers: list[TierRecordView]
    words: str


def numbers_view(game: Game, draws: Sequence[Sequence[int]]) -> NumbersView:
    report = number_figures(game, draws)

    def band(b) -> BandView:  # noqa: ANN001 - number_stats.Band
        return BandView(value=b.value, low=b.low, high=b.high, inside=b.inside)

    outside = report.outside
    words = (
        f"{len(outside)} of {len(report.numbers)} numbers have a figure outside the range chance gives it "
        f"{COVERAGE:.0%} of the time; with four figures per number, up to {report.expected_outside:.0f} would be "
        "outside by chance alone. A number outside its band is not due, hot or cold: the next draw does not "
        "remember the last."
    )
    return NumbersView(
        game=game.name,
        draws=report.draws,
        recent_draws=report.recent_draws,
        probability=report.probability,
        numbers=[
            NumberView(
                number=f.number,
                count=band(f.count_band),
                recent_count=band(f.recent_band),
                delay=band(f.delay_band),
                longest_delay=band(f.longest_delay_band),
            )
            for f in report.numbers
        ],
        outside=outside,
        words=words,
    )


def randomness_view(game: Game, draws: Sequence[Sequence[int]]) -> RandomnessView:
    """The tests of `draws`; none below `MIN_DRAWS`, and the words say how many more are needed."""
    if len(draws) < MIN_DRAWS:
        words = f"Too few {game.name} draws to test: the tests need at least {MIN_DRAWS}, and {len(draws)} are stored."
        return RandomnessView(
            game=game.name, draws=len(draws), alpha=ALPHA, tests=[], outside_chance=False, words=words
        )
    report = randomness_report(game, draws)
    return RandomnessView(
        game=game.name,
        draws=report.draws,
        alpha=report.alpha,
        tests=[RandomnessTestView(**vars(t)) for t in report.tests],
        outside_chance=bool(report.outside_chance),
        words=report.summary(),
    )


def bets_view(game: Game, guesses: Sequence[GuessBetsView] = ()) -> BetsView:
    """Every bet size of `game` with its price and exact chances, and `guesses` (`reporting.guess_bets`)."""
    current = game.prices.current
    return BetsView(
        game=game.name,
        price_source=(
            f"{current.source} (from concurso {current.first_concurso}, {current.since}; as of {game.prices.as_of})"
        ),
        bets=[
            BetView(
                numbers=o.numbers,
                price=o.price,
                tiers=[TierChanceView(**vars(t)) for t in o.tiers],
                any_prize=o.any_prize,
            )
            for o in bet_options(game)
        ],
        words=(
            "Exact chances of one bet in one draw. More numbers cost more and win more often, in exactly the "
            "proportion the price grows: no bet size beats another in expectation."
        ),
        guesses=list(guesses),
        guesses_words=SAME_ODDS_WORDS,
    )


def check_view(game: Game, numbers: Sequence[int], draws: Sequence[Sequence[int]]) -> CheckView:
    check = check_ticket(game, numbers, draws)
    return CheckView(
        game=game.name,
        numbers=check.numbers,
        draws=check.draws,
        hits_histogram=check.hits_histogram,
        mean_hits=check.mean_hits,
        expected_mean_hits=check.expected_mean_hits,
        tiers=[TierRecordView(**vars(t)) for t in check.tiers],
        words=(
            f"Over {check.draws} stored draws these numbers averaged {check.mean_hits:.2f} hits; any "
            f"{len(check.numbers)} numbers average {check.expected_mean_hits:.2f}. Past draws say nothing about "
            "the next one."
        ),
    )
