"""What every report and page says about chance, built from the baseline constants (never re-typed)."""

from __future__ import annotations

from lotto_models.modeling.evaluation import BASELINE_HITS, BASELINE_HITS_SD, BASELINE_SHARE_11_PLUS

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
