"""Which game a request reads: `Reading`, the dependency every route of `web.game_routes` and `web.players`
takes, gives the game of the `{game}` path parameter (`/api/v1/games/megasena/...`, `/games/megasena/...`), or
Lotofácil at today's URLs, which have none. An unknown or out-of-scope game is a 404 naming the known games.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from lotto_models.core.games import GAMES, Game, UnknownGameError, game
from lotto_models.modeling.game_shape import GameShape
from lotto_models.reporting.baseline import prize_hits_text
from lotto_models.reporting.plan_views import Baseline, baseline
from lotto_models.reporting.read_model import NotFoundError, ReadModel

JsonAnswer = Callable[[Request, Callable[[], BaseModel | Sequence[BaseModel]]], Response]
PageAnswer = Callable[[Request, str, Callable[[], dict[str, Any]]], HTMLResponse]
Responses = dict[int | str, dict[str, Any]]

# Any text reaches the route (an unknown name is a 404 naming the known games, not a 422); the schema lists the
# ids, so clients and the property-based test ask for real games.
GameName = Annotated[
    str,
    PathParam(
        description=f"the game's id: {', '.join(GAMES)}",
        max_length=40,
        json_schema_extra={"enum": list(GAMES)},
    ),
]


@dataclass(frozen=True)
class Shown:
    """The game a request reads, and where its pages are ("" for today's Lotofácil URLs, else /games/<id>)."""

    model: ReadModel
    prefix: str

    @property
    def game(self) -> Game:
        return self.model.game

    @property
    def baseline(self) -> Baseline:
        return baseline(self.game)

    def page_context(self) -> dict[str, Any]:
        """What every page of this game shows: the switcher, the banner and the footer's figures, and which hits
        win a prize ("11 or more" for Lotofácil)."""
        return {
            "game": self.game,
            "games": list(GAMES.values()),
            "prefix": self.prefix,
            "baseline": self.baseline,
            "prize_words": prize_hits_text(GameShape.of(self.game).prize_hits),
            "prize_hits": GameShape.of(self.game).prize_hits,
        }


def game_of(name: str) -> Game:
    """The catalog's game with API id `name`; `NotFoundError` naming the known games for any other name
    (out-of-scope games say why they are out)."""
    if name in GAMES:
        return GAMES[name]
    try:
        found = game(name)
    except UnknownGameError as error:
        raise NotFoundError(str(error)) from error
    raise NotFoundError(f"unknown game {name!r}: {found.name}'s id is {found.id}; known games: {', '.join(GAMES)}")


def known_game(game: GameName) -> None:
    """The `{game}` path parameter of the routes under /api/v1/games/{game} and /games/{game} (a dependency of
    those routers, so the schema declares it on each): a 404 for a game the catalog does not hold."""
    game_of(game)


def shown_game(request: Request) -> Shown:
    """The game of the `{game}` path parameter, or Lotofácil at today's URLs (which have none)."""
    root: ReadModel = request.app.state.read_model
    name = request.path_params.get("game")
    if name is None:
        return Shown(root, "")
    chosen = game_of(name)
    return Shown(root.of(chosen), f"/games/{chosen.id}")


Reading = Annotated[Shown, Depends(shown_game)]
