"""The plans as the web service shows them: each plan's newest guess, its published guesses and its live record
against chance. Figures come from the stores' readers (`storage.prediction_book`, `storage.live_record`);
this module only maps them to answers.

Baseline figures are `lotto_models.modeling.random_baseline`'s (`RandomBaseline.of(game)`), and their words
`reporting.baseline`'s (`chance_words(game)`); nothing here re-types them.
"""

from __future__ import annotations

import datetime as dt
import functools

from pydantic import BaseModel, Field

from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.core.plans import Plan
from lotto_models.modeling.random_baseline import BASELINE_SHARE_11_PLUS
from lotto_models.reporting.baseline import chance_words
from lotto_models.reporting.plan_notes import PlanGuess, same_numbers_notes
from lotto_models.storage import live_record as stored
from lotto_models.storage.prediction_book import NewestGuess, RecordedGuess


class Baseline(BaseModel):
    """What a random guess of the game's default size does (Lotofácil: 15 numbers): the yardstick every figure
    is shown against."""

    mean_hits: float = Field(description="expected hits of a random guess (hypergeometric)")
    hits_sd: float = Field(description="standard deviation of a random guess's hits")
    share_11_plus: float = Field(
        description="probability that a random guess wins a prize tier (Lotofácil: hits 11 or more)"
    )
    per_guess_low: int = Field(description="lower end of the central 95% range of one random guess's hits")
    per_guess_high: int = Field(description="upper end of the central 95% range of one random guess's hits")
    honest_note: str
    what_random_means: str


class Guess(BaseModel):
    concurso: int
    numbers: list[int]
    member_versions: dict[str, str]
    weights: dict[str, float]
    built_at: dt.datetime
    degraded: bool
    degraded_reason: str | None
    flow_run_id: str | None = Field(description="the Prefect flow run that published this guess")


class PlanView(BaseModel):
    plan: str
    public: bool
    members: list[str]
    odd_even: bool
    next_concurso: int = Field(description="the concurso after the newest stored draw")
    guess: Guess | None = Field(description="the plan's newest published guess")
    guess_is_for_next_concurso: bool
    same_numbers_note: str | None = Field(
        None, description="when another plan publishes the same numbers: which, and why (its members' weights)"
    )


class PredictionView(BaseModel):
    concurso: int
    numbers: list[int]
    member_versions: dict[str, str]
    published_at: dt.datetime
    flow_run_id: str | None
    drawn: list[int] | None = Field(description="the numbers drawn in that concurso, once stored")
    hits: int | None = Field(description="how many of the guess's numbers were drawn, once scored")


class ScorePoint(BaseModel):
    concurso: int
    hits: int
    flow_run_id: str | None = Field(description="the flow run that published the scored guess")


class LiveRecord(BaseModel):
    plan: str
    scored: int = Field(description="published guesses whose draw is known")
    mean_hits: float | None
    ci95_low: float | None = Field(description="95% interval of the mean hits: null below two scored guesses")
    ci95_high: float | None
    share_11_plus: float | None
    share_11_plus_ci95: list[float] | None = Field(
        None, description="Wilson 95% interval of the share of 11+ (one guess is one guess: a wide interval)"
    )
    chance_ci95_low: float | None = Field(
        description="95% range of the mean of this many random guesses (for one guess, one random guess's range)"
    )
    chance_ci95_high: float | None
    baseline: Baseline
    verdict: str


class PlanPage(BaseModel):
    """What the home page shows for one plan."""

    plan: PlanView
    record: LiveRecord
    recent_scores: list[ScorePoint]


@functools.cache
def baseline(game: Game = LOTOFACIL) -> Baseline:
    """What chance gives a guess of `game`'s default size (Mega-Sena: 0.6 hits), with its words."""
    words = chance_words(game)
    chance = words.baseline
    low, high = chance.central_hits_range()
    # Lotofácil's answers keep quoting P(hits >= 11) as they always summed it (its prize tiers are 11..15: the
    # same share, to the last bit or two); every other game quotes its share of a prize
    share = BASELINE_SHARE_11_PLUS if game.id == LOTOFACIL.id else chance.share_any_prize
    return Baseline(
        mean_hits=chance.hits,
        hits_sd=chance.hits_sd,
        share_11_plus=share,
        per_guess_low=low,
        per_guess_high=high,
        honest_note=words.honest_note,
        what_random_means=words.what_random_means,
    )


def record_verdict(record: stored.LiveRecord) -> str:
    """One sentence on how a live record compares with what chance gives that many guesses."""
    if record.mean_hits is None or record.chance_ci95 is None:
        return f"{record.plan}: no published guess has been scored yet."
    chance_low, chance_high = record.chance_ci95
    return (
        f"{record.plan}: mean {record.mean_hits:.2f} hits over {record.scored} scored guess(es); {record.scored} "
        f"random guess(es) would average between {chance_low:.2f} and {chance_high:.2f} 95% of the time, so this "
        "record is "
        + (
            "what chance alone gives."
            if record.inside_chance
            else "outside that band: with random draws, luck, not skill."
        )
    )


def live_record_view(record: stored.LiveRecord, game: Game = LOTOFACIL) -> LiveRecord:
    low, high = record.ci95 if record.ci95 is not None else (None, None)
    chance_low, chance_high = record.chance_ci95 if record.chance_ci95 is not None else (None, None)
    return LiveRecord(
        plan=record.plan,
        scored=record.scored,
        mean_hits=record.mean_hits,
        ci95_low=low,
        ci95_high=high,
        share_11_plus=record.share_11_plus,
        share_11_plus_ci95=list(record.share_11_plus_ci95) if record.share_11_plus_ci95 is not None else None,
        chance_ci95_low=chance_low,
        chance_ci95_high=chance_high,
        baseline=baseline(game),
        verdict=record_verdict(record),
    )


def score_points(points: list[stored.ScorePoint]) -> list[ScorePoint]:
    return [ScorePoint(concurso=p.concurso, hits=p.hits, flow_run_id=p.flow_run_id) for p in points]


def plan_views(plans: dict[str, Plan], newest: list[NewestGuess], last_concurso: int) -> list[PlanView]:
    """Each of `plans` with its newest guess, and a note where two of them publish the same numbers."""
    guesses = {guess.plan: guess for guess in newest if guess.plan in plans}
    notes = same_numbers_notes(PlanGuess(g.plan, g.concurso, g.numbers, g.weights) for g in guesses.values())
    views = []
    for name, plan in plans.items():
        stored_guess = guesses.get(name)
        guess = _guess_view(stored_guess) if stored_guess is not None else None
        views.append(
            PlanView(
                plan=name,
                public=plan.public,
                members=[*plan.members, *(["odd_even"] if plan.odd_even else [])],
                odd_even=plan.odd_even,
                next_concurso=last_concurso + 1,
                guess=guess,
                guess_is_for_next_concurso=guess is not None and guess.concurso == last_concurso + 1,
                same_numbers_note=notes.get(name),
            )
        )
    return views


def _guess_view(guess: NewestGuess) -> Guess:
    return Guess(
        concurso=guess.concurso,
        numbers=list(guess.numbers),
        member_versions=guess.member_versions,
        weights=guess.weights,
        built_at=guess.built_at,
        degraded=guess.degraded,
        degraded_reason=guess.note,
        flow_run_id=guess.flow_run_id,
    )


def prediction_view(guess: RecordedGuess) -> PredictionView:
    return PredictionView(
        concurso=guess.concurso,
        numbers=list(guess.numbers),
        member_versions=guess.member_versions,
        published_at=guess.published_at,
        flow_run_id=guess.flow_run_id,
        drawn=list(guess.drawn) if guess.drawn is not None else None,
        hits=guess.hits,
    )
