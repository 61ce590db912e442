"""What a CAIXA number game is, as data types: its parts, bet sizes, prize tiers and calendar, and the
arithmetic on them. The catalog of the eight games is `core.games`, which re-exports these names.

A `Game` says what a draw holds (main numbers, and per game a second draw, trevos, a month or a team), where
each part lives in the API payload and in lotoflow's history files, what a bet is, which hits win, what a bet
costs (`core.game_prices`) and when draws are held. Its helpers give chance's figures (the hypergeometric
expected hits and the exact probability of each prize tier) and the problems of a draw in words naming the
game and the rule. Standard library only: the command line imports it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from lotto_models.core.errors import LotoflowError
from lotto_models.core.game_ids import GameId
from lotto_models.core.game_prices import GamePrices, LargerBets, PricePeriod

TIME_ZONE = "America/Sao_Paulo"
PAYLOAD_MONTH_OR_TEAM = "nomeTimeCoracaoMesSorte"  # one API field: Dia de Sorte's month, Timemania's team
MONTH_NAMES = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
               "outubro", "novembro", "dezembro")  # fmt: skip


class InvalidBetError(LotoflowError):
    """A bet size the game does not allow."""


@dataclass(frozen=True)
class NumberSet:
    """Distinct integers drawn from lowest..highest: a game's numbers, Dupla Sena's second draw, the trevos."""

    label: str  # how problems name it
    lowest: int
    highest: int
    drawn: int
    api_field: str
    csv_prefix: str  # history-file columns <prefix>1..<prefix><drawn>, ascending values

    @property
    def pool(self) -> int:
        return self.highest - self.lowest + 1

    @property
    def csv_columns(self) -> tuple[str, ...]:
        return tuple(f"{self.csv_prefix}{i}" for i in range(1, self.drawn + 1))

    @property
    def rule(self) -> str:
        return f"{self.drawn} distinct numbers of {self.lowest}..{self.highest}"

    def hits_distribution(self, bet: int) -> tuple[Fraction, ...]:
        """P(hits = k), k = 0..min(bet, drawn), for a bet of `bet` of the pool (hypergeometric, exact)."""
        total = math.comb(self.pool, bet)
        return tuple(
            Fraction(math.comb(self.drawn, k) * math.comb(self.pool - self.drawn, bet - k), total)
            for k in range(min(bet, self.drawn) + 1)
        )

    def expected_hits(self, bet: int) -> float:
        return bet * self.drawn / self.pool

    def problems(self, game_name: str, values: Sequence[object]) -> list[str]:
        """What breaks the rule in `values`, in words naming the game, the part and the rule; [] if none."""
        where = f"{game_name} {self.label}"
        if any(not isinstance(v, int) or isinstance(v, bool) for v in values):
            return [f"{where}: not all integers: {list(values)!r} (rule: {self.rule})"]
        numbers = [v for v in values if isinstance(v, int)]
        found = []
        if len(numbers) != self.drawn:
            found.append(f"{where}: {len(numbers)} numbers, expected {self.drawn}: {numbers} (rule: {self.rule})")
        outside = [n for n in numbers if not self.lowest <= n <= self.highest]
        if outside:
            found.append(f"{where}: outside {self.lowest}..{self.highest}: {outside} (rule: {self.rule})")
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            found.append(f"{where}: repeated: {repeated} (rule: {self.rule})")
        return found


def month_number(value: object) -> int | None:
    """1..12 for a month as CAIXA gives it (`"2"`, `"12"` up to concurso 207, `"Março"` after), else None."""
    text = str(value).strip()
    if text.isascii() and text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    folded = [fold_name(name) for name in MONTH_NAMES]
    return folded.index(fold_name(text)) + 1 if fold_name(text) in folded else None


@dataclass(frozen=True)
class MonthPart:
    """Dia de Sorte's month: one of 12 (a bet picks one); stored as given, compared as 1..12."""

    api_field: str = PAYLOAD_MONTH_OR_TEAM
    csv_column: str = "mes"

    def problems(self, game_name: str, value: object) -> list[str]:
        if month_number(value) is None:
            return [f"{game_name} month: {value!r} is neither a month number 1..12 nor a Portuguese month name"]
        return []


@dataclass(frozen=True)
class TeamPart:
    """Timemania's team: free text as CAIXA gives it, NUL characters removed. Names are padded, abbreviated,
    renamed over the years and may carry leftover letters (SOURCE.md, Timemania): compare with whitespace
    collapsed and prefer the `/UF` suffix."""

    api_field: str = PAYLOAD_MONTH_OR_TEAM
    csv_column: str = "time"
    teams: int | None = None  # how many clubs a bet picks from: not in SOURCE.md

    def problems(self, game_name: str, value: object) -> list[str]:
        if not isinstance(value, str) or not value.replace("\x00", "").strip():
            return [f"{game_name} team: {value!r} is not a team name (rule: free text, not empty)"]
        return []


@dataclass(frozen=True)
class BetSizes:
    minimum: int
    default: int  # what lotoflow guesses: the cheapest bet
    maximum: int

    def __contains__(self, size: object) -> bool:
        return isinstance(size, int) and self.minimum <= size <= self.maximum


class TierKind(enum.Enum):
    HITS = "hits"  # main numbers matched (and, for +Milionária, trevos)
    MONTH = "month"  # Dia de Sorte's Mês da Sorte
    TEAM = "team"  # Timemania's Time do Coração


@dataclass(frozen=True)
class PrizeTier:
    faixa: int  # `listaRateioPremio.faixa` in today's layout (older layouts numbered some differently)
    description: str  # `descricaoFaixa` as the API writes it
    kind: TierKind = TierKind.HITS
    hits: int | None = None
    trevo_hits: tuple[int, ...] | None = None  # +Milionária: the trevo hits that qualify; None: trevos don't count
    draw: int = 1  # Dupla Sena: the first or second draw
    since_concurso: int = 1


class AnomalyKind(enum.Enum):
    DATE_OUT_OF_ORDER = "a year typo CAIXA publishes: dated before the previous draw (warn, don't reject)"
    EXTRA_NUMBER = "today's API lists more numbers than were drawn (flag it, don't crash)"
    OLD_CURRENCY = "prize amounts in cruzeiros reais, not reais"


@dataclass(frozen=True)
class KnownAnomaly:
    kind: AnomalyKind
    first: int
    last: int
    note: str


@dataclass(frozen=True)
class DrawCalendar:
    weekdays: tuple[int, ...]  # today's schedule, Monday = 0; off-schedule draws happen in every game
    time: dt.time | None  # None: no source here gives the hour
    since: str  # when this schedule started, as SOURCE.md puts it
    time_zone: str = TIME_ZONE


@dataclass(frozen=True)
class BetPrice:
    numbers: int
    trevos: int | None
    price: Decimal | None


@dataclass(frozen=True)
class Game:
    id: GameId  # the API's path segment: .../portaldeloterias/api/<id>/<concurso>
    name: str
    tipo_jogo: str  # the payload's `tipoJogo`
    numero_jogo: int  # the payload's `numeroJogo` (recorded answers)
    first_draw: dt.date
    numbers: NumberSet
    bet: BetSizes
    tiers: tuple[PrizeTier, ...]
    prices: GamePrices
    calendar: DrawCalendar
    second_draw: NumberSet | None = None
    trevos: NumberSet | None = None
    trevo_bet: BetSizes | None = None
    month: MonthPart | None = None
    team: TeamPart | None = None
    anomalies: tuple[KnownAnomaly, ...] = ()

    @property
    def csv_columns(self) -> tuple[str, ...]:
        """The header of the game's history file."""
        sets = [s for s in (self.numbers, self.second_draw, self.trevos) if s is not None]
        parts = [column for s in sets for column in s.csv_columns]
        parts += [p.csv_column for p in (self.month, self.team) if p is not None]
        return ("concurso", "data", *parts)

    @property
    def draw_order_count(self) -> int:
        """How many values `dezenasSorteadasOrdemSorteio` holds: every number drawn, trevos included."""
        return sum(s.drawn for s in (self.numbers, self.second_draw, self.trevos) if s is not None)

    def baseline_hits(self, bet: int | None = None) -> float:
        """Hits a random bet of `bet` numbers (default: the default bet) scores on average, per draw."""
        return self.numbers.expected_hits(self._bet(bet))

    def baseline_hits_sd(self, bet: int | None = None) -> float:
        b, n, d = self._bet(bet), self.numbers.pool, self.numbers.drawn
        return math.sqrt(b * (d / n) * (1 - d / n) * (n - b) / (n - 1))

    def hits_distribution(self, bet: int | None = None) -> tuple[Fraction, ...]:
        return self.numbers.hits_distribution(self._bet(bet))

    def probability_at_least(self, hits: int, bet: int | None = None) -> Fraction:
        return sum(self.hits_distribution(bet)[hits:], Fraction(0))

    def anomalies_at(self, concurso: int) -> tuple[KnownAnomaly, ...]:
        """The known anomalies of a concurso, which validation must accept (or flag without crashing)."""
        return tuple(a for a in self.anomalies if a.first <= concurso <= a.last)

    def tiers_at(self, concurso: int) -> tuple[PrizeTier, ...]:
        """The tiers in force at a concurso, in faixa order (tiers were added over the years)."""
        return tuple(t for t in self.tiers if t.since_concurso <= concurso)

    def tier_probability(
        self, tier: PrizeTier, bet: int | None = None, trevo_bet: int | None = None
    ) -> Fraction | None:
        """The exact chance that one bet wins `tier` in one draw (Dupla Sena: in that tier's draw); None when
        a figure it needs is not in the sources (Timemania's number of teams)."""
        self._trevo_bet(trevo_bet)  # refuses a trevo bet the game does not allow, even for a tier without trevos
        if tier.kind is TierKind.MONTH:
            return Fraction(1, 12)
        if tier.kind is TierKind.TEAM:
            return Fraction(1, self.team.teams) if self.team and self.team.teams else None
        hits = self.hits_distribution(bet)
        chance = hits[tier.hits] if tier.hits is not None and tier.hits < len(hits) else Fraction(0)
        if tier.trevo_hits is not None:
            trevos = self._trevo_distribution(trevo_bet)
            chance *= sum((trevos[k] for k in tier.trevo_hits if k < len(trevos)), Fraction(0))
        return chance

    def tier_probabilities(
        self, bet: int | None = None, trevo_bet: int | None = None
    ) -> dict[PrizeTier, Fraction | None]:
        return {tier: self.tier_probability(tier, bet, trevo_bet) for tier in self.tiers}

    def no_prize_probability(self, bet: int | None = None, trevo_bet: int | None = None) -> Fraction:
        """The chance that one bet wins no hits tier in one draw (Dupla Sena: per draw; the month and team
        tiers are separate chances), summed over the outcomes no tier names."""
        tiers = [t for t in self.tiers if t.kind is TierKind.HITS and t.draw == 1]
        trevos = self._trevo_distribution(trevo_bet) if self.trevos else (Fraction(1),)
        return sum(
            (
                p_hits * p_trevos
                for h, p_hits in enumerate(self.hits_distribution(bet))
                for t, p_trevos in enumerate(trevos)
                if not any(x.hits == h and (x.trevo_hits is None or t in x.trevo_hits) for x in tiers)
            ),
            Fraction(0),
        )

    def price(
        self, numbers: int | None = None, trevos: int | None = None, period: PricePeriod | None = None
    ) -> Decimal | None:
        """R$ for a bet (default: the default bet) at `period`'s price (default: today's): the minimum × the
        simple bets it covers, CAIXA's rule [P]; None for a larger bet SOURCE.md gives no price for."""
        n, t = self._bet(numbers), self._trevo_bet(trevos)
        covered = math.comb(n, self.bet.minimum)
        if self.trevo_bet is not None and t is not None:
            covered *= math.comb(t, self.trevo_bet.minimum)
        if covered > 1 and self.prices.larger_bets is LargerBets.NOT_SOURCED:
            return None
        return (period or self.prices.current).minimum * covered

    def price_table(self, period: PricePeriod | None = None) -> tuple[BetPrice, ...]:
        trevo_sizes: list[int | None] = (
            list(range(self.trevo_bet.minimum, self.trevo_bet.maximum + 1)) if self.trevo_bet else [None]
        )
        return tuple(
            BetPrice(n, t, self.price(n, t, period))
            for n in range(self.bet.minimum, self.bet.maximum + 1)
            for t in trevo_sizes
        )

    def check_numbers(self, numbers: Sequence[object]) -> list[str]:
        """The problems of a draw's main numbers (count, range, distinct), in words; [] when it obeys."""
        return self.numbers.problems(self.name, numbers)

    def check_draw(
        self,
        numbers: Sequence[object],
        *,
        second_draw: Sequence[object] | None = None,
        trevos: Sequence[object] | None = None,
        month: object | None = None,
        team: object | None = None,
    ) -> list[str]:
        """The problems of a whole draw: every part the game has must be given and obey its rule, and no part
        it lacks may be given."""
        found = self.check_numbers(numbers)
        parts: list[tuple[str, object, object]] = [
            ("second draw", self.second_draw, second_draw),
            ("trevos", self.trevos, trevos),
            ("month", self.month, month),
            ("team", self.team, team),
        ]
        for label, rule, given in parts:
            if rule is None and given is not None:
                found.append(f"{self.name} has no {label}, got {given!r}")
            elif rule is not None and given is None:
                found.append(f"{self.name} {label}: missing")
        if self.second_draw is not None and second_draw is not None:
            found += self.second_draw.problems(self.name, second_draw)
        if self.trevos is not None and trevos is not None:
            found += self.trevos.problems(self.name, trevos)
        if self.month is not None and month is not None:
            found += self.month.problems(self.name, month)
        if self.team is not None and team is not None:
            found += self.team.problems(self.name, team)
        return found

    def _bet(self, bet: int | None) -> int:
        if bet is None:
            return self.bet.default
        if bet not in self.bet:
            raise InvalidBetError(f"{self.name}: a bet has {self.bet.minimum}..{self.bet.maximum} numbers, got {bet}")
        return bet

    def _trevo_bet(self, trevo_bet: int | None) -> int | None:
        if self.trevo_bet is None:
            if trevo_bet is not None:
                raise InvalidBetError(f"{self.name} has no trevos, got a bet of {trevo_bet}")
            return None
        if trevo_bet is None:
            return self.trevo_bet.default
        if trevo_bet not in self.trevo_bet:
            bounds = f"{self.trevo_bet.minimum}..{self.trevo_bet.maximum}"
            raise InvalidBetError(f"{self.name}: a bet has {bounds} trevos, got {trevo_bet}")
        return trevo_bet

    def _trevo_distribution(self, trevo_bet: int | None) -> tuple[Fraction, ...]:
        size = self._trevo_bet(trevo_bet)
        if self.trevos is None or size is None:
            raise InvalidBetError(f"{self.name} has no trevos")
        return self.trevos.hits_distribution(size)


def fold_name(text: str) -> str:
    """Lower case without accents, spaces or punctuation; '+' reads 'mais' (as in +Milionária)."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("+", "mais")).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())
