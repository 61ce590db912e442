"""The comparison with the random baseline, rendered in one place.

Every page, artifact and console line that compares a model or a plan with chance takes its words and
figures from here, and the figures themselves only from `modeling.random_baseline`'s constants.
"""

from __future__ import annotations

from lotto_models.modeling.random_baseline import BASELINE_HITS, BASELINE_HITS_SD, BASELINE_SHARE_11_PLUS

HONEST_NOTE = (
    f"Lotofácil draws are random: any 15-number guess averages {BASELINE_HITS:.1f} hits "
    f"(sd {BASELINE_HITS_SD:.2f}), and no model beats that in expectation. These guesses are no exception."
)

WHAT_RANDOM_MEANS = (
    f"Each concurso draws 15 of the 25 numbers at random. Whatever 15 numbers you pick, you match "
    f"{BASELINE_HITS:.1f} of them on average, and 11 or more in {BASELINE_SHARE_11_PLUS:.1%} of draws, "
    "by chance alone. No model, past draw or pattern changes that: a model here is only honest if its record "
    "stays inside the band chance gives, and one that seems to do better over a short stretch is luck or a bug."
)

PREDICT_NOTE = (
    f"A random 15-number guess averages {BASELINE_HITS:.1f} hits; these guesses are not expected to do better."
)


def versus_random(mean_hits: float) -> str:
    """`mean hits 9.02 vs 9.0 random` — the short form for console lines."""
    return f"holdout mean hits {mean_hits:.2f} vs {BASELINE_HITS:.1f} random"


def score_line(plan: str, hits: int, concurso: int) -> str:
    return f"Plan {plan} guessed {hits} of concurso {concurso} (random: {BASELINE_HITS:.1f})"


BASELINE_COLUMNS = {"baseline_hits": BASELINE_HITS, "baseline_share_11_plus": round(BASELINE_SHARE_11_PLUS, 3)}
MODEL_TABLE_TITLE = f"Champions against the {BASELINE_HITS:.1f} baseline"
LIVE_RECORD_TITLE = (
    f"Each plan's published guesses, scored as their draws arrived, against the {BASELINE_HITS:.1f} of chance"
)
