"""`GameId`: the API id of a game of the catalog, as a type (a flow parameter's choices in the Prefect UI, a
command's `--game`). A test holds it equal to the catalog's keys (`core.games.GAMES`)."""

from __future__ import annotations

from typing import Literal

GameId = Literal[
    "lotofacil", "megasena", "quina", "lotomania", "duplasena", "diadesorte", "timemania", "maismilionaria"
]

# Lotofácil is the game lotoflow served alone before the others came (revision 0007): what it had keeps its
# old form so that nothing stored, sent or scheduled before changes — its versions under `<model>/vN`, its run
# lock and advisory key, its alert ledger keys, its messages' wording and its `after-draw` deployment.
# `legacy_form(game)` is that rule, asked in one place.
FIRST_GAME: GameId = "lotofacil"


def legacy_form(game: str) -> bool:
    """Whether `game`'s names, keys and words keep the form they had before the other games came."""
    return game == FIRST_GAME
