"""`GameId`: the API id of a game of the catalog, as a type (a flow parameter's choices in the Prefect UI, a
command's `--game`). A test holds it equal to the catalog's keys (`core.games.GAMES`)."""

from __future__ import annotations

from typing import Literal

GameId = Literal[
    "lotofacil", "megasena", "quina", "lotomania", "duplasena", "diadesorte", "timemania", "maismilionaria"
]
