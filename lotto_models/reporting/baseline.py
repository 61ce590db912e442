"""The comparison with the random baseline, rendered in one place.

Every page, artifact and console line that compares a model or a plan with chance takes its words and
figures from here, and the figures themselves only from `modeling.random_baseline` (`RandomBaseline.of(game)`).
The module constants are Lotofácil's; `chance_words(game)` gives any game's (Mega-Sena: a 6-number guess
averages 0.6 hits; Lotomania: 50 numbers, 10.0 hits).
"""

from __future__ import annotations

from dataclasses import dataclass

from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.modeling.game_shape import GameShape
from lotto_models.modeling.random_baseline import RandomBaseline


def hits_text(hits: float) -> str:
    """Mean hits as the sentences quote them: one decimal (9.0, 0.6, 10.0), two where one would round a figure
    away (Quina's 0.31, Timemania's 0.88)."""
    return f"{hits:.1f}" if round(hits, 1) == round(hits, 2) else f"{hits:.2f}"


def share_text(share: float) -> str:
    """A share of draws as the sentences quote it: 10.6%, or two significant digits where a tenth of a percent
    would show 0.0% (Mega-Sena's 0.043%)."""
    return f"{share:.1%}" if share >= 0.01 else f"{share * 100:.2g}%"


def prize_hits_text(prize_hits: tuple[int, ...]) -> str:
    """Which hits win a prize tier, in words: "11 or more" (Lotofácil), "15 or more, or 0" (Lotomania)."""
    ordered = sorted(prize_hits)
    top = [k for k in ordered if k > 0]
    words = f"{top[0]} or more" if top and top == list(range(top[0], top[-1] + 1)) else ", ".join(map(str, top))
    return f"{words}, or 0" if 0 in ordered else words


@dataclass(frozen=True)
class ChanceWords:
    """A game's comparison with chance in words: the sentences above, with its own figures."""

    game: Game
    baseline: RandomBaseline
    prize_hits: tuple[int, ...]

    @property
    def hits(self) -> str:
        return hits_text(self.baseline.hits)

    @property
    def honest_note(self) -> str:
        b = self.baseline
        return (
            f"{self.game.name} draws are random: any {b.bet}-number guess averages {self.hits} hits "
            f"(sd {b.hits_sd:.2f}), and no model beats that in expectation. These guesses are no exception."
        )

    @property
    def what_random_means(self) -> str:
        b = self.baseline
        return (
            f"Each concurso draws {b.drawn} of the {b.pool} numbers at random{self._twice}. Whatever {b.bet} "
            f"numbers you pick, you match {self.hits} of them on average, and {prize_hits_text(self.prize_hits)} "
            f"in {share_text(b.share_any_prize)} of draws, by chance alone. No model, past draw or pattern changes "
            "that: a "
            "model here is only honest if its record stays inside the band chance gives, and one that seems to do "
            "better over a short stretch is luck or a bug."
        )

    @property
    def _twice(self) -> str:
        return ", and again in a second draw apart from the first" if self.game.second_draw is not None else ""

    @property
    def predict_note(self) -> str:
        return (
            f"A random {self.baseline.bet}-number guess averages {self.hits} hits; these guesses are not expected "
            "to do better."
        )

    def versus_random(self, mean_hits: float) -> str:
        return f"holdout mean hits {mean_hits:.2f} vs {self.hits} random"

    def score_line(self, plan: str, hits: int, concurso: int) -> str:
        return f"Plan {plan} guessed {hits} of concurso {concurso} (random: {self.hits})"

    @property
    def columns(self) -> dict[str, float]:
        return {
            "baseline_hits": self.baseline.hits,
            "baseline_share_11_plus": round(self.baseline.share_any_prize, 3),
        }

    @property
    def model_table_title(self) -> str:
        return f"Champions against the {self.hits} baseline"

    @property
    def live_record_title(self) -> str:
        return f"Each plan's published guesses, scored as their draws arrived, against the {self.hits} of chance"


def chance_words(game: Game = LOTOFACIL) -> ChanceWords:
    """`game`'s comparison with chance in words, for its default bet."""
    shape = GameShape.of(game)
    return ChanceWords(game, shape.baseline, shape.prize_hits)


LOTOFACIL_WORDS = chance_words(LOTOFACIL)
HONEST_NOTE = LOTOFACIL_WORDS.honest_note
WHAT_RANDOM_MEANS = LOTOFACIL_WORDS.what_random_means
PREDICT_NOTE = LOTOFACIL_WORDS.predict_note
BASELINE_COLUMNS = LOTOFACIL_WORDS.columns
MODEL_TABLE_TITLE = LOTOFACIL_WORDS.model_table_title
LIVE_RECORD_TITLE = LOTOFACIL_WORDS.live_record_title


def versus_random(mean_hits: float) -> str:
    """`holdout mean hits 9.02 vs 9.0 random` — the short form for console lines (Lotofácil's)."""
    return LOTOFACIL_WORDS.versus_random(mean_hits)


def score_line(plan: str, hits: int, concurso: int) -> str:
    return LOTOFACIL_WORDS.score_line(plan, hits, concurso)
