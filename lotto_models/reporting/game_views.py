"""The games as the web service lists them: each game of the catalog (`core.games`) with its numbers, its
default bet and what chance gives it (`RandomBaseline.of(game)`), and what the store holds of it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from lotto_models.core.games import Game
from lotto_models.modeling.random_baseline import RandomBaseline
from lotto_models.storage.draw_history import DrawSpan


class GameView(BaseModel):
    game: str = Field(description="the game's id, as in /api/v1/games/{game}/...")
    name: str
    numbers_drawn: int = Field(description="numbers drawn per concurso (Dupla Sena: per each of its two draws)")
    pool: int = Field(description="how many numbers there are to draw from")
    lowest: int = Field(description="the lowest number (Lotomania: 0)")
    highest: int
    default_bet: int = Field(description="numbers in the bet every plan guesses")
    random_mean_hits: float = Field(description="mean hits of a random bet of the default size: the baseline")
    draws_stored: int
    newest_concurso: int | None = Field(description="the newest stored concurso; null when none is stored")
    plans: list[str] = Field(description="the game's plans, once a guess of it is stored (else empty)")


def game_view(game: Game, span: DrawSpan, plans: list[str]) -> GameView:
    numbers = game.numbers
    return GameView(
        game=game.id,
        name=game.name,
        numbers_drawn=numbers.drawn,
        pool=numbers.pool,
        lowest=numbers.lowest,
        highest=numbers.highest,
        default_bet=game.bet.default,
        random_mean_hits=RandomBaseline.of(game).hits,
        draws_stored=span.count,
        newest_concurso=span.last_concurso,
        plans=plans,
    )
