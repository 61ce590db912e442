"""What `lotto status` and `lotto predict` print, line by line."""

from __future__ import annotations

from lotto_models.core.game_rules import MONTH_NAMES
from lotto_models.core.games import Game
from lotto_models.core.guess_extras import GuessExtras
from lotto_models.reporting.baseline import chance_words
from lotto_models.reporting.bets import bet_option


def guess_line(
    plan: str,
    concurso: int,
    numbers: list[int],
    members: dict[str, str],
    degraded: bool,
    note: str | None,
    extras: GuessExtras | None = None,
) -> str:
    """One plan's guess: its numbers, then what the game also asks for (+Milionária's trevos, Dia de Sorte's
    month, Timemania's team), its members, and why it is degraded."""
    state = f"  DEGRADED: {note}" if degraded else ""
    extras = extras or GuessExtras()
    parts = [
        *([f"trevos {' '.join(map(str, extras.trevos))}"] if extras.trevos else []),
        *([f"month {extras.month} ({MONTH_NAMES[extras.month - 1]})"] if extras.month is not None else []),
        *([f"team {extras.team}"] if extras.team is not None else []),
    ]
    guessed = " + " + ", ".join(parts) if parts else ""
    return (
        f"{plan}: concurso {concurso}: {' '.join(f'{n:02d}' for n in numbers)}{guessed}  "
        f"[{', '.join(members.values())}]{state}"
    )


def unranked_guess_words(plan: str, concurso: int, published: int, size: int) -> str:
    """Why a guess stored without its ranking cannot be given at another size, and what to run instead."""
    return (
        f"lotto predict: {plan}'s guess for concurso {concurso} was stored before rankings were kept with guesses "
        f"(revision 0009): only its {published} numbers are known; `lotto predict --recompute --bet-size {size}` "
        "computes it now from the current champions"
    )


def bet_size_words(game: Game, size: int) -> str:
    """What a bet of `size` numbers costs and its chance of any prize: the same for any numbers of that size."""
    option = bet_option(game, size, game.trevo_bet.default if game.trevo_bet else None)  # the guess's 2 trevos
    price = f"R$ {option.price}" if option.price is not None else "a price our sources do not give"
    return (
        f"A {game.name} bet of {size} numbers costs {price} and wins a prize with probability "
        f"{option.any_prize:.1%} per draw, the same as any {size} numbers: the draw is random."
    )


def print_status(report: dict, game: Game) -> None:
    print(f"store: {report['store']['database']} (LOTTO_HOME {report['store']['home']})")
    draws = report["draws"]
    print(f"draws: {draws['count']} stored, last concurso {draws['last_concurso']} on {draws['last_date']}")
    print(f"quarantine: {report['quarantine']} held")
    for name, model in report["models"].items():
        flag = " (degraded)" if model["degraded"] else ""
        hits = model["holdout"].get("mean_hits")
        extra = f", {chance_words(game).versus_random(hits)}" if hits is not None else ""
        print(f"model {name}: champion {model['champion']}{flag}{extra}")
    for guess in report["predictions"]:
        print(f"plan {guess['plan']}: concurso {guess['concurso']} -> {guess['numbers']}")
    for sentence in report["live"].values():
        print(sentence)
