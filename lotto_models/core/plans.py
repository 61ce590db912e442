"""The plans of each game: which champions each one combines, and whether its guess keeps the usual odd count.

Lotofácil keeps its plans Free, Silver, Gold, Platinum and R&D (`PLANS`). Every other game of the catalog gets
`DEFAULT_PLANS`: `basic` (the frequency model and one network) and `full` (every public model); no research
model trains for them (a long window or a wide convolution over a pool of 80 or 100 numbers costs several
LSTMs), and none keeps an odd count: `odd_even` stays Lotofácil's, where it was chosen (it takes a draw's odd
count for a guess's, which Lotomania's 50 and Timemania's 10 of a 20 or 7 drawn are not, and it is a habit of
the history with no more edge than any member). Every guess is the game's default bet size (`core.games`);
a game's extras (trevos, month, team) are guessed by frequency (`serving.extras`). Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from lotto_models.core.errors import LotoflowError
from lotto_models.core.games import GAMES, LOTOFACIL, Game


@dataclass(frozen=True)
class Plan:
    name: str
    members: tuple[str, ...]
    odd_even: bool = False
    public: bool = True


PLANS: dict[str, Plan] = {
    "free": Plan("free", ("ls14", "stat")),
    "silver": Plan("silver", ("ls14pp", "stat"), odd_even=True),
    "gold": Plan("gold", ("ls15pp", "ls14pp", "stat"), odd_even=True),
    "platinum": Plan("platinum", ("ls16", "ls15pp", "ls14pp", "stat"), odd_even=True),
    "rnd": Plan("rnd", ("ls17", "ls18"), public=False),  # research; never shown to customers
}

DEFAULT_PLANS: dict[str, Plan] = {
    "basic": Plan("basic", ("ls15pp", "stat")),
    "full": Plan("full", ("ls16", "ls15pp", "ls14pp", "ls15", "ls14", "stat")),
}

# Each game's plans by its catalog id; Lotofácil's is `PLANS` itself (the same dict).
PLAN_SETS: dict[str, dict[str, Plan]] = {
    game_id: PLANS if game_id == LOTOFACIL.id else DEFAULT_PLANS for game_id in GAMES
}


class UnknownPlanError(LotoflowError, KeyError):
    """A plan name the game does not have."""

    def __str__(self) -> str:  # KeyError's would quote the message
        return str(self.args[0])


def plans_of(game: Game = LOTOFACIL) -> dict[str, Plan]:
    """`game`'s plans by name, in the order they are published."""
    return PLAN_SETS[game.id]


def plan_of(game: Game, name: str) -> Plan:
    """`game`'s plan `name`; raises `UnknownPlanError` naming the game's plans."""
    plans = plans_of(game)
    if name not in plans:
        raise UnknownPlanError(f"{game.name} has no plan {name!r}; its plans are {', '.join(plans)}")
    return plans[name]
