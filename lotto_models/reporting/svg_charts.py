"""Charts as inline SVG strings: drawn on the server, shown with no script and no internet.

`hits_chart`: a plan's hits per concurso against the mean of chance (Lotofácil 9.0, Mega-Sena 0.6), the band
one random guess falls in 95% of the time, and the running mean with the band chance gives a mean of that many
guesses. `backtest_chart`: each champion's holdout hit distribution against the hypergeometric one of chance.
Both span the hits that matter for the game: from three below the random band (at least 0) to the most a guess
can hit (Lotofácil 4..15, Mega-Sena 0..6). Their words are `ChartWords` (English unless a page passes its
language's); the text a reader must read carries a class (`tick`, `axis`, `note`) so a narrow screen's style
sheet can enlarge it as the chart shrinks. The backtest's legend is an HTML list after the chart, so it wraps
however many champions there are instead of overlapping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.modeling.game_shape import GameShape
from lotto_models.reporting.baseline import hits_text
from lotto_models.reporting.model_views import ModelView
from lotto_models.reporting.plan_views import Baseline, ScorePoint
from lotto_models.storage.live_record import chance_interval

RunUrl = Callable[[str | None], str | None]
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True)
class ChartWords:
    """What the charts say, as `str.format` templates, and how they write a mean of hits and a share."""

    concurso: str = "concurso {concurso}"
    no_score: tuple[str, str] = ("no scored guess yet:", "the first is scored when its draw arrives")
    scored_guess: str = "concurso {concurso}: {hits} hits"
    random_band: str = "one random guess hits {low}–{high} about 95% of the time"
    mean_band: str = "95% band of the mean of this many random guesses"
    running_mean: str = "running mean of this plan's hits"
    chance_mean: str = "{mean}: what a random guess averages"
    hits_axis: str = "hits of the {bet}-number guess"
    random_guess: str = "random guess"
    random_line: str = "a random guess (hypergeometric)"
    bar: str = "{label}: {share} of holdout draws with {k} hits"
    hits: Callable[[float], str] = hits_text
    share: Callable[[float], str] = lambda share: f"{share:.1%}"  # noqa: E731 - a default of a frozen field
    percent: Callable[[float], str] = lambda share: f"{share:.0%}"  # noqa: E731


ENGLISH = ChartWords()


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
    words: ChartWords = ENGLISH,
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
        f"<title>{escape(words.random_band.format(low=baseline.per_guess_low, high=baseline.per_guess_high))}"
        "</title></rect>",
    ]
    for k in range(low_k, high_k + 1, 2):
        parts.append(
            f'<text class="tick" x="{left - 6}" y="{_fmt(y(k) + 4)}" text-anchor="end" font-size="11" fill="#555">'
            f"{k}</text>"
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
            f"<title>{escape(words.mean_band)}</title></polygon>"
        )
        parts.append(
            f'<polyline points="{" ".join(mean_path)}" fill="none" stroke="#08519c" stroke-width="2">'
            f"<title>{escape(words.running_mean)}</title></polyline>"
        )
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(y(baseline.mean_hits))}" '
        f'y2="{_fmt(y(baseline.mean_hits))}" stroke="#000" stroke-dasharray="5,3">'
        f"<title>{escape(words.chance_mean.format(mean=words.hits(baseline.mean_hits)))}</title></line>"
    )
    for i, point in enumerate(points):
        dot = (
            f'<circle cx="{_fmt(x(i))}" cy="{_fmt(y(point.hits))}" r="3.5" fill="#d62728">'
            f"<title>{escape(words.scored_guess.format(concurso=point.concurso, hits=point.hits))}</title></circle>"
        )
        url = run_url(point.flow_run_id)
        parts.append(f'<a href="{escape(url)}">{dot}</a>' if url else dot)
    if n:
        first, last = (escape(words.concurso.format(concurso=p.concurso)) for p in (points[0], points[-1]))
        parts.append(
            f'<text class="tick" x="{left}" y="{height - 8}" font-size="11" fill="#555">{first}</text>'
            f'<text class="tick" x="{left + plot_w}" y="{height - 8}" font-size="11" fill="#555" text-anchor="end">'
            f"{last}</text>"
        )
    else:
        for line, text in enumerate(words.no_score):
            parts.append(
                f'<text class="note" x="{left + plot_w / 2}" y="{_fmt(top + plot_h / 2 + 18 * (line - 0.5))}" '
                f'text-anchor="middle" font-size="13" fill="#555">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def backtest_chart(
    models: Sequence[ModelView],
    random_pmf: Sequence[float],
    game: Game = LOTOFACIL,
    width: int = 720,
    height: int = 240,
    words: ChartWords = ENGLISH,
) -> str:
    """Share of holdout draws with k hits for each champion of `game`, against the random guess's distribution,
    followed by its legend (an HTML list)."""
    rows = [
        (m.champion.label, m.champion.holdout.hits_histogram)
        for m in models
        if m.champion and m.champion.holdout and sum(m.champion.holdout.hits_histogram)
    ]
    left, right, top, bottom = 44, 12, 12, 42
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
                f'<text class="tick" x="{left - 6}" y="{_fmt(y(share) + 4)}" text-anchor="end" font-size="11" '
                f'fill="#555">{escape(words.percent(share))}</text>'
            )
    for j, k in enumerate(ks):
        parts.append(
            f'<text class="tick" x="{_fmt(left + slot * (j + 0.5))}" y="{top + plot_h + 14}" text-anchor="middle" '
            f'font-size="11" fill="#555">{k}</text>'
        )
        for i, (label, histogram) in enumerate(rows):
            share = histogram[k] / sum(histogram)
            x = left + slot * j + slot * 0.1 + bar * i
            parts.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y(share))}" width="{_fmt(bar)}" height="{_fmt(y(0) - y(share))}" '
                f'fill="{PALETTE[i % len(PALETTE)]}" fill-opacity="0.85">'
                f"<title>{escape(words.bar.format(label=label, share=words.share(share), k=k))}</title></rect>"
            )
    line = " ".join(f"{_fmt(left + slot * (j + 0.5))},{_fmt(y(random_pmf[k]))}" for j, k in enumerate(ks))
    parts.append(
        f'<polyline points="{line}" fill="none" stroke="#000" stroke-width="2">'
        f"<title>{escape(words.random_line)}</title></polyline>"
    )
    parts.append(
        f'<text class="axis" x="{left + plot_w / 2}" y="{top + plot_h + 32}" text-anchor="middle" font-size="11" '
        f'fill="#555">{escape(words.hits_axis.format(bet=GameShape.of(game).bet))}</text>'
    )
    parts.append("</svg>")
    legend = [(words.random_guess, "#000"), *((label, PALETTE[i % len(PALETTE)]) for i, (label, _) in enumerate(rows))]
    parts.append('<ul class="legend">')
    for label, colour in legend:
        swatch = f'<svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{colour}"/></svg>'
        parts.append(f"<li>{swatch} {escape(label)}</li>")
    parts.append("</ul>")
    return "".join(parts)
