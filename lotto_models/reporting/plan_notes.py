"""Why two plans publish the same numbers: said wherever their guesses are shown, so that a customer paying
for a richer plan is not left to think its members made a difference they did not."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanGuess:
    plan: str
    concurso: int
    numbers: tuple[int, ...]
    weights: Mapping[str, float]  # the scoring members' shares


def weights_words(weights: Mapping[str, float]) -> str:
    """`ls14 0.50, stat 0.50`: each scoring member's share, heaviest first."""
    return ", ".join(f"{member} {share:.2f}" for member, share in sorted(weights.items(), key=lambda kv: -kv[1]))


def same_numbers_sentence(same: list[PlanGuess]) -> str:
    """Why the plans of `same` (one concurso, the same numbers) publish the same guess, in English."""
    names = [g.plan for g in same]
    makeup = "; ".join(f"{g.plan}: {weights_words(g.weights)}" for g in same)
    return (
        f"{', '.join(names[:-1])} and {names[-1]} publish the same 15 numbers for concurso {same[0].concurso}: each "
        f"ranks the numbers by its members' weighted probabilities ({makeup}), and their members' forecasts "
        "differ too little (within the noise of the draws) to change which 15 come first."
    )


def same_numbers_notes(
    guesses: Iterable[PlanGuess], sentence: Callable[[list[PlanGuess]], str] = same_numbers_sentence
) -> dict[str, str]:
    """For each plan whose guess equals another plan's for the same concurso, the sentence that says so and
    why (the plans it matches and what each is made of; `sentence` writes it); plans with a guess of their own
    are absent."""
    groups: dict[tuple[int, tuple[int, ...]], list[PlanGuess]] = defaultdict(list)
    for guess in guesses:
        groups[(guess.concurso, tuple(sorted(guess.numbers)))].append(guess)
    notes = {}
    for same in groups.values():
        if len(same) < 2:
            continue
        said = sentence(same)
        for guess in same:
            notes[guess.plan] = said
    return notes
