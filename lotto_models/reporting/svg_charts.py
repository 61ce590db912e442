"""Charts as inline SVG strings: drawn on the server, shown with no script and no internet.

`hits_chart`: a plan's hits per concurso against the mean of chance (Lotofácil 9.0, Mega-Sena 0.6), the band
one random guess falls in 95% of the time, and the running mean with the band chance gives a mean of that many
guesses. `backtest_chart`: each champion's holdout hit distribution against the hypergeometric one of chance.
Both span the hits that matter for the game: from three below the random band (at least 0) to the most a guess
can hit (Lotofácil 4..15, Mega-Sena 0..6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.modeling.game_shape import GameShape
from lotto_models.reporting.baseline import hits_text
from lotto_models.reporting.model_views import ModelView
from lotto_models.reporting.plan_views import Baseline, ScorePoint
from lotto_models.storage.live_record import chance_interval

RunUrl = Callable[[str | None], str | None]
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def hits_span(game: Game) -> tuple[int, int]:
    """The hits a chart of `game` shows: three below the random band (at least 0) to the most a guess hits."""
    shape = GameShape.of(game)
    low, _ = shape.baseline.central_hits_range()
    return max(0, low - 3), min(shape.bet, shape.drawn)


def hits_chart(
    points: Sequence[ScorePoint],
    baseline: Baseline,
    run_url: RunUrl,
    game: Game = LOTOFACIL,
    width: int = 640,
    height: int = 220,
) -> str:
    """Hits of each scored guess of `game` (one dot per concurso, linked to the run that published the guess)."""
    left, right, top, bottom = 36, 12, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    low_k, high_k = hits_span(game)
    chance = GameShape.of(game).baseline

    def y(hits: float) -> float:
        return top + plot_h * (high_k - hits) / (high_k - low_k)

    n = len(points)

    def x(i: int) -> float:
        return left + plot_w * ((i + 0.5) / n if n else 0.5)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="hits per concurso against chance" class="chart">',
        f'<rect x="{left}" y="{_fmt(y(baseline.per_guess_high + 0.5))}" width="{plot_w}" '
        f'height="{_fmt(y(baseline.per_guess_low - 0.5) - y(baseline.per_guess_high + 0.5))}" fill="#e8e8e8">'
        f"<title>one random guess hits {baseline.per_guess_low}–{baseline.per_guess_high} about 95% of the time"
        "</title></rect>",
    ]
    for k in range(low_k, high_k + 1, 2):
        parts.append(
            f'<text x="{left - 6}" y="{_fmt(y(k) + 4)}" text-anchor="end" font-size="11" fill="#555">{k}</text>'
        )
    if n:
        # the running mean and the band chance gives a mean of that many guesses
        upper, lower, mean_path, total = [], [], [], 0
        for i, point in enumerate(points):
            total += point.hits
            low, high = chance_interval(i + 1, chance)
            upper.append(f"{_fmt(x(i))},{_fmt(y(min(high, high_k)))}")
            lower.append(f"{_fmt(x(i))},{_fmt(y(max(low, low_k)))}")
            mean_path.append(f"{_fmt(x(i))},{_fmt(y(total / (i + 1)))}")
        parts.append(
            f'<polygon points="{" ".join(upper + lower[::-1])}" fill="#9ecae1" fill-opacity="0.45">'
            "<title>95% band of the mean of this many random guesses</title></polygon>"
        )
        parts.append(
            f'<polyline points="{" ".join(mean_path)}" fill="none" stroke="#08519c" stroke-width="2">'
            "<title>running mean of this plan's hits</title></polyline>"
        )
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(y(baseline.mean_hits))}" '
        f'y2="{_fmt(y(baseline.mean_hits))}" stroke="#000" stroke-dasharray="5,3">'
        f"<title>{hits_text(baseline.mean_hits)}: what a random guess averages</title></line>"
    )
    for i, point in enumerate(points):
        dot = (
            f'<circle cx="{_fmt(x(i))}" cy="{_fmt(y(point.hits))}" r="3.5" fill="#d62728">'
            f"<title>concurso {point.concurso}: {point.hits} hits</title></circle>"
        )
        url = run_url(point.flow_run_id)
        parts.append(f'<a href="{escape(url)}">{dot}</a>' if url else dot)
    if n:
        parts.append(
            f'<text x="{left}" y="{height - 8}" font-size="11" fill="#555">concurso {points[0].concurso}</text>'
            f'<text x="{left + plot_w}" y="{height - 8}" font-size="11" fill="#555" text-anchor="end">'
            f"concurso {points[-1].concurso}</text>"
        )
    else:
        parts.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" font-size="13" '
            'fill="#555">no scored guess yet: the first is scored when its draw arrives</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def backtest_chart(
    models: Sequence[ModelView],
    random_pmf: Sequence[float],
    game: Game = LOTOFACIL,
    width: int = 720,
    height: int = 260,
) -> str:
    """Share of holdout draws with k hits for each champion of `game`, against the random guess's distribution."""
    rows = [
        (m.champion.label, m.champion.holdout.hits_histogram)
        for m in models
        if m.champion and m.champion.holdout and sum(m.champion.holdout.hits_histogram)
    ]
    left, right, top, bottom = 44, 12, 12, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    low_k, high_k = hits_span(game)
    ks = list(range(low_k, high_k + 1))
    peak = max(
        [max(random_pmf[k] for k in ks)] + [count / sum(histogram) for _, histogram in rows for count in histogram]
    )
    peak = max(peak * 1.1, 0.05)

    def y(share: float) -> float:
        return top + plot_h * (1 - share / peak)

    slot = plot_w / len(ks)
    bar = slot * 0.8 / max(len(rows), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-label="holdout hit distribution of each champion against chance" class="chart">'
    ]
    for share in (0.1, 0.2, 0.3, 0.4):
        if share < peak:
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(y(share))}" y2="{_fmt(y(share))}" stroke="#eee"/>'
                f'<text x="{left - 6}" y="{_fmt(y(share) + 4)}" text-anchor="end" font-size="11" fill="#555">'
                f"{share:.0%}</text>"
            )
    for j, k in enumerate(ks):
        parts.append(
            f'<text x="{_fmt(left + slot * (j + 0.5))}" y="{top + plot_h + 14}" text-anchor="middle" '
            f'font-size="11" fill="#555">{k}</text>'
        )
        for i, (label, histogram) in enumerate(rows):
            share = histogram[k] / sum(histogram)
            x = left + slot * j + slot * 0.1 + bar * i
            parts.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y(share))}" width="{_fmt(bar)}" height="{_fmt(y(0) - y(share))}" '
                f'fill="{PALETTE[i % len(PALETTE)]}" fill-opacity="0.85"><title>{escape(label)}: '
                f"{share:.1%} of holdout draws with {k} hits</title></rect>"
            )
    line = " ".join(f"{_fmt(left + slot * (j + 0.5))},{_fmt(y(random_pmf[k]))}" for j, k in enumerate(ks))
    parts.append(
        f'<polyline points="{line}" fill="none" stroke="#000" stroke-width="2">'
        "<title>a random guess (hypergeometric)</title></polyline>"
    )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{top + plot_h + 30}" text-anchor="middle" font-size="11" fill="#555">'
        f"hits of the {GameShape.of(game).bet}-number guess</text>"
    )
    legend = [("random guess", "#000"), *((label, PALETTE[i % len(PALETTE)]) for i, (label, _) in enumerate(rows))]
    for i, (label, colour) in enumerate(legend):
        lx = left + i * (plot_w / max(len(legend), 1))
        parts.append(
            f'<rect x="{_fmt(lx)}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{_fmt(lx + 14)}" y="{height - 5}" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
