"""The messages players receive: a plan's guess once published, and its hits once the draw is stored.

Each names the game, the concurso and the plan; a guess its numbers and extras and when it was published (a
guess sent late, after a destination was down, still says it was published before the draw); the hits which
numbers matched, the prize tier won if any, and what chance gives, in the words of `reporting.baseline`. Every
message carries its delivery key, the same on every attempt, so a receiver can drop a repeat.
"""

from __future__ import annotations

from dataclasses import dataclass

from lotto_models.core.game_rules import PrizeTier, TierKind
from lotto_models.core.games import Game
from lotto_models.core.guess_extras import GuessExtras
from lotto_models.reporting.baseline import chance_words, prize_hits_text, share_text
from lotto_models.storage.delivery_ledger import DeliveryKind, OwedDelivery


@dataclass(frozen=True)
class DeliveryMessage:
    key: str  # the delivery key: game/plan/concurso/kind, the same on every attempt
    title: str
    body: str


def delivery_key(game: Game, owed: OwedDelivery) -> str:
    return f"{game.id}/{owed.plan}/{owed.concurso}/{owed.kind.value}"


def message_for(game: Game, owed: OwedDelivery) -> DeliveryMessage:
    key = delivery_key(game, owed)
    if owed.kind is DeliveryKind.GUESS:
        title = f"{game.name} {owed.concurso}: plan {owed.plan}'s guess"
        lines = [
            f"{game.name}, concurso {owed.concurso}, plan {owed.plan}: {_numbers(owed.numbers)}",
            *_extras_lines(GuessExtras.from_dict(owed.extras)),
            f"Published {owed.published_at:%d/%m/%Y %H:%M} UTC, before the draw.",
            chance_words(game).predict_note,
        ]
    else:
        title = f"{game.name} {owed.concurso}: plan {owed.plan} hit {owed.hits}"
        lines = [f"{game.name}, concurso {owed.concurso}, plan {owed.plan}: {_hits_sentence(owed)}"]
        lines += _extra_hits_lines(game, owed)
        won = tiers_won(game, owed)
        tiers = [t.description + (" (second draw)" if t.draw == 2 else "") for t in won]
        lines.append("Prize tier: " + ", ".join(tiers) if tiers else "No prize tier this time.")
        lines.append(_chance_sentence(game))
    lines.append(f"Delivery key: {key}")
    return DeliveryMessage(key, f"lotoflow: {title}", "\n".join(lines))


def _numbers(numbers: tuple[int, ...]) -> str:
    return " ".join(f"{n:02d}" for n in sorted(numbers))


def _extras_lines(extras: GuessExtras) -> list[str]:
    lines = []
    if extras.trevos:
        lines.append(f"Trevos: {' '.join(str(t) for t in extras.trevos)}")
    if extras.month is not None:
        lines.append(f"Mês da Sorte: {extras.month}")
    if extras.team is not None:
        lines.append(f"Time do Coração: {extras.team}")
    return lines


def _hits_sentence(owed: OwedDelivery) -> str:
    matched = sorted(set(owed.numbers) & set(owed.drawn or ()))
    named = f" ({_numbers(tuple(matched))})" if matched else ""
    drawn = f"; drawn: {_numbers(owed.drawn)}" if owed.drawn else ""
    return f"{owed.hits} of the {len(owed.numbers)} numbers guessed were drawn{named}{drawn}."


def _extra_hits_lines(game: Game, owed: OwedDelivery) -> list[str]:
    lines = []
    if owed.second_draw_hits is not None:
        lines.append(f"Second draw: {owed.second_draw_hits} hits.")
    if owed.extra_hits is not None:
        if game.trevos is not None:
            lines.append(f"Trevos matched: {owed.extra_hits}.")
        elif game.month is not None:
            lines.append("Mês da Sorte: " + ("matched." if owed.extra_hits else "not matched."))
        elif game.team is not None:
            lines.append("Time do Coração: " + ("matched." if owed.extra_hits else "not matched."))
    return lines


def _chance_sentence(game: Game) -> str:
    words = chance_words(game)
    b = words.baseline
    return (
        f"By chance alone, any {b.bet} numbers match {words.hits} on average and win a prize tier "
        f"({prize_hits_text(words.prize_hits)} hits) in {share_text(b.share_any_prize)} of draws; these guesses are "
        "not expected to do better."
    )


def tiers_won(game: Game, owed: OwedDelivery) -> list[PrizeTier]:
    """The prize tiers in force at the concurso that the scored guess won (its numbers, trevos, Dupla Sena's
    second draw, the month or the team)."""
    won = []
    for tier in game.tiers_at(owed.concurso):
        if tier.kind is TierKind.MONTH or tier.kind is TierKind.TEAM:
            if owed.extra_hits:
                won.append(tier)
            continue
        hits = owed.second_draw_hits if tier.draw == 2 else owed.hits
        if hits is None or tier.hits != hits:
            continue
        if tier.trevo_hits is None or (owed.extra_hits is not None and owed.extra_hits in tier.trevo_hits):
            won.append(tier)
    return won
