"""The catalog of CAIXA number games lotoflow knows: `GAMES` by API id, and `game(name)` to look one up.

Each entry cites where its facts come from. "SOURCE.md" is `shared/data/games/SOURCE.md` (sections: Files;
Facts in the history that validation must accept; Official CAIXA API examples; Prize tiers; Bet prices).
`tipoJogo` and `numeroJogo` are read from the recorded answers in `shared/data/games/caixa_api_examples/`
(Lotofácil's in `shared/data/caixa_api_examples/`). A fact no source gives is None, and says so.

Rules every game's validation must keep (SOURCE.md, Facts ... General): dates never decrease except the
listed `DATE_OUT_OF_ORDER` typos; two concursos may share a date; weekdays changed over the years and
off-schedule draws happen, so the calendar is today's habit, not a rule; special draws are marked by
`indicadorConcursoEspecial`, never inferred from the date. The types are in `core.game_rules`.
Standard library only: the command line imports it.
"""

from __future__ import annotations

import datetime as dt
from calendar import FRIDAY, MONDAY, SATURDAY, THURSDAY, TUESDAY, WEDNESDAY

from lotto_models.core.errors import LotoflowError
from lotto_models.core.game_prices import PRICES
from lotto_models.core.game_rules import (
    AnomalyKind,
    BetSizes,
    DrawCalendar,
    Game,
    InvalidBetError,
    KnownAnomaly,
    MonthPart,
    NumberSet,
    PrizeTier,
    TeamPart,
    TierKind,
    fold_name,
    month_number,
)

MAIN = "listaDezenas"  # every game's main numbers in the payload, sorted, zero-padded ("00" is 0)


class UnknownGameError(LotoflowError):
    """A game name the catalog does not hold."""


class GameOutOfScopeError(UnknownGameError):
    """A real CAIXA game that lotoflow does not cover, and why."""


def _hit_tiers(
    *hits: int, since: dict[int, int] | None = None, draw: int = 1, first_faixa: int = 1
) -> tuple[PrizeTier, ...]:
    """Tiers 'k acertos' numbered from `first_faixa`; `since` maps hits to the concurso that tier started at."""
    since = since or {}
    return tuple(
        PrizeTier(first_faixa + i, f"{k} acertos", hits=k, draw=draw, since_concurso=since.get(k, 1))
        for i, k in enumerate(hits)
    )


def _numbers(lowest: int, highest: int, drawn: int) -> NumberSet:
    return NumberSet("numbers", lowest, highest, drawn, MAIN, "d")


LOTOFACIL = Game(
    # shared/data/SOURCE.md (history: 15 distinct of 1..25 from 2003-09-29, Mon-Sat since 2020); agrees with
    # core/draws.py (NUMBERS=25, PER_DRAW=15) and ingest/draw_calendar.py (about 20:00). SOURCE.md's Prize
    # tiers (15..11, "for reference") and Bet prices (minimum only). Bet sizes 15-20: issue 26, not SOURCE.md.
    id="lotofacil", name="Lotofácil", tipo_jogo="LOTOFACIL", numero_jogo=8, first_draw=dt.date(2003, 9, 29),
    numbers=_numbers(1, 25, 15), bet=BetSizes(15, 15, 20),
    tiers=_hit_tiers(15, 14, 13, 12, 11),
    prices=PRICES["lotofacil"],
    calendar=DrawCalendar((MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY), dt.time(20, 0), "2020"),
)  # fmt: skip

MEGASENA = Game(
    # SOURCE.md: Files (d1..d6, from 1996-03-11); Facts, Mega-Sena (6 of 1-60) and General (Tue/Thu/Sat
    # from 2024); Prize tiers (6, 5, 4); Bet prices (6-20 numbers [P], min × C(n,6)).
    id="megasena", name="Mega-Sena", tipo_jogo="MEGA_SENA", numero_jogo=2, first_draw=dt.date(1996, 3, 11),
    numbers=_numbers(1, 60, 6), bet=BetSizes(6, 6, 20),
    tiers=_hit_tiers(6, 5, 4),
    prices=PRICES["megasena"],
    calendar=DrawCalendar((TUESDAY, THURSDAY, SATURDAY), None, "2024"),
)  # fmt: skip

QUINA = Game(
    # SOURCE.md: Files (d1..d5, from 1994-03-13); Facts, Quina (5 of 1-80; prizes of 1-28 in cruzeiros
    # reais; 2-hit tier from 3677) and General (380's year typo; Mon-Sat from late 2009; 13 shared dates);
    # Prize tiers; Bet prices (5-15 numbers [P]).
    id="quina", name="Quina", tipo_jogo="QUINA", numero_jogo=3, first_draw=dt.date(1994, 3, 13),
    numbers=_numbers(1, 80, 5), bet=BetSizes(5, 5, 15),
    tiers=_hit_tiers(5, 4, 3, 2, since={2: 3677}),
    prices=PRICES["quina"],
    calendar=DrawCalendar((MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY), None, "late 2009"),
    anomalies=(
        KnownAnomaly(AnomalyKind.DATE_OUT_OF_ORDER, 380, 380, "dated 1997-03-12 between 1998-03-08 and 1998-03-15"),
        KnownAnomaly(AnomalyKind.OLD_CURRENCY, 1, 28, "13/03/1994-26/06/1994; reais start with 29"),
    ),
)  # fmt: skip

LOTOMANIA = Game(
    # SOURCE.md: Files (d1..d20, ball "00" stored as 0, range 0..99, from 1999-10-02); Facts, Lotomania
    # (50 marked per bet; tiers 20-16 and 0, 15 from 1653) and General (Mon/Wed/Fri from 2021-22); Bet
    # prices (exactly 50 [P]). Bet slips number "00" as 100 ([P] prognosticoMaximo 100, SOURCE.md's
    # inference): a bet checker should read 100 as 0; a draw never holds 100.
    id="lotomania", name="Lotomania", tipo_jogo="LOTOMANIA", numero_jogo=16, first_draw=dt.date(1999, 10, 2),
    numbers=_numbers(0, 99, 20), bet=BetSizes(50, 50, 50),
    tiers=_hit_tiers(20, 19, 18, 17, 16, 15, 0, since={15: 1653}),
    prices=PRICES["lotomania"],
    calendar=DrawCalendar((MONDAY, WEDNESDAY, FRIDAY), None, "2021-22"),
)  # fmt: skip

DUPLASENA = Game(
    # SOURCE.md: Files (d1..d6 and s1..s6, from 2001-11-06); Facts, Dupla Sena (two independent draws of 6
    # of 1-50, which often share numbers; tiers 6 first draw + 6/5/4 second to 865 (that split is read from
    # the faixas 1,5,6,7 of duplasena_0001.json), 6/5/4 per draw from 866, 6/5/4/3 from 1508, faixas 1-4
    # first draw and 5-8 second) and General (828's year typo; Mon/Wed/Fri from 2023); Bet prices (6-15 [P]).
    id="duplasena", name="Dupla Sena", tipo_jogo="DUPLA_SENA", numero_jogo=18, first_draw=dt.date(2001, 11, 6),
    numbers=_numbers(1, 50, 6), bet=BetSizes(6, 6, 15),
    second_draw=NumberSet("second draw", 1, 50, 6, "listaDezenasSegundoSorteio", "s"),
    tiers=_hit_tiers(6, 5, 4, 3, since={5: 866, 4: 866, 3: 1508})
    + _hit_tiers(6, 5, 4, 3, since={3: 1508}, draw=2, first_faixa=5),
    prices=PRICES["duplasena"],
    calendar=DrawCalendar((MONDAY, WEDNESDAY, FRIDAY), None, "2023"),
    anomalies=(
        KnownAnomaly(AnomalyKind.DATE_OUT_OF_ORDER, 828, 828, "dated 2009-01-12 between 2010-01-09 and 2010-01-15"),
    ),
)  # fmt: skip

DIADESORTE = Game(
    # SOURCE.md: Files (d1..d7 and mes, from 2018-05-19; the month a number to 207, a Portuguese name
    # from 208); Facts, Dia de Sorte; Prize tiers (7-4 and Mês da Sorte); Bet prices (7-15 numbers [P],
    # "7 of 31 + month"). Weekdays: SOURCE.md gives none for this game; Tue/Thu/Sat is what
    # diadesorte_draws.csv shows every year 2019-2026.
    id="diadesorte", name="Dia de Sorte", tipo_jogo="DIA_DE_SORTE", numero_jogo=11, first_draw=dt.date(2018, 5, 19),
    numbers=_numbers(1, 31, 7), bet=BetSizes(7, 7, 15), month=MonthPart(),
    tiers=_hit_tiers(7, 6, 5, 4) + (PrizeTier(5, "Mês da Sorte", TierKind.MONTH),),
    prices=PRICES["diadesorte"],
    calendar=DrawCalendar((TUESDAY, THURSDAY, SATURDAY), None, "2019 or earlier (history file)"),
)  # fmt: skip

TIMEMANIA = Game(
    # SOURCE.md: Files (d1..d7 and time, from 2008-03-01, NULs removed); Facts, Timemania (7 of 1-80, 10
    # marked per bet; 1307 with 8 numbers in today's API; team text quirks) and General (Tue/Thu/Sat from
    # 2013); Prize tiers (7-3 and Time do Coração); Bet prices (exactly 10 numbers + 1 team [P]). How many
    # teams a bet picks from is not in SOURCE.md (TeamPart.teams None).
    id="timemania", name="Timemania", tipo_jogo="TIMEMANIA", numero_jogo=20, first_draw=dt.date(2008, 3, 1),
    numbers=_numbers(1, 80, 7), bet=BetSizes(10, 10, 10), team=TeamPart(),
    tiers=_hit_tiers(7, 6, 5, 4, 3) + (PrizeTier(6, "Time do Coração", TierKind.TEAM),),
    prices=PRICES["timemania"],
    calendar=DrawCalendar((TUESDAY, THURSDAY, SATURDAY), None, "2013"),
    anomalies=(
        KnownAnomaly(AnomalyKind.EXTRA_NUMBER, 1307, 1307, "today's API adds 54 to 11,17,26,29,32,40,70; every "
                     "other source and timemania_draws.csv have the 7 without 54"),
    ),
)  # fmt: skip


def _trevo_tier(faixa: int, hits: int, trevo_hits: tuple[int, ...], description: str) -> PrizeTier:
    return PrizeTier(faixa, f"{hits} acertos + {description}", hits=hits, trevo_hits=trevo_hits)


MAISMILIONARIA = Game(
    # SOURCE.md: Files (d1..d6 and t1,t2, from 2022-05-28); Facts, +Milionária (6 of 1-50 + 2 trevos of
    # 1-6; trevosSorteados unpadded and sorted; 8-entry draw order) and General (Wed+Sat since mid-2023);
    # Prize tiers (10 faixas); Bet prices (6-12 numbers and 2-6 trevos [P], min × C(n,6) × C(t,2)).
    id="maismilionaria", name="+Milionária", tipo_jogo="MAIS_MILIONARIA", numero_jogo=9,
    first_draw=dt.date(2022, 5, 28),
    numbers=_numbers(1, 50, 6), bet=BetSizes(6, 6, 12),
    trevos=NumberSet("trevos", 1, 6, 2, "trevosSorteados", "t"), trevo_bet=BetSizes(2, 2, 6),
    tiers=(
        _trevo_tier(1, 6, (2,), "2 trevos"), _trevo_tier(2, 6, (0, 1), "1 ou nenhum trevo"),
        _trevo_tier(3, 5, (2,), "2 trevos"), _trevo_tier(4, 5, (0, 1), "1 ou nenhum trevo"),
        _trevo_tier(5, 4, (2,), "2 trevos"), _trevo_tier(6, 4, (0, 1), "1 ou nenhum trevo"),
        _trevo_tier(7, 3, (2,), "2 trevos"), _trevo_tier(8, 3, (1,), "1 trevo"),
        _trevo_tier(9, 2, (2,), "2 trevos"), _trevo_tier(10, 2, (1,), "1 trevo"),
    ),
    prices=PRICES["maismilionaria"],
    calendar=DrawCalendar((WEDNESDAY, SATURDAY), None, "mid-2023"),
)  # fmt: skip

GAMES: dict[str, Game] = {
    g.id: g for g in (LOTOFACIL, MEGASENA, QUINA, LOTOMANIA, DUPLASENA, DIADESORTE, TIMEMANIA, MAISMILIONARIA)
}

# API id -> (name, why lotoflow leaves it out); issue 26 puts these out of scope
OUT_OF_SCOPE: dict[str, tuple[str, str]] = {
    "supersete": ("Super Sete", "it draws one digit 0-9 in each of 7 columns, repeats allowed and order "
                  "meaningful, not distinct numbers from one pool"),
    "federal": ("Loteria Federal", "it draws ticket numbers, not picks of numbers"),
    "loteca": ("Loteca", "it bets on football match results, not on numbers"),
}  # fmt: skip

_GAME_KEYS = {fold_name(key): g for g in GAMES.values() for key in (g.id, g.name, g.tipo_jogo)}
_OUT_OF_SCOPE_KEYS = {fold_name(key): api_id for api_id, (name, _) in OUT_OF_SCOPE.items() for key in (api_id, name)}


def game(name: str) -> Game:
    """The game named by its API id, display name or `tipoJogo` (case, accents, spaces and '-' or '_' ignored;
    '+' reads 'mais'). Raises `GameOutOfScopeError` for Super Sete, Federal and Loteca, saying why, and
    `UnknownGameError` listing the known games for any other name."""
    key = fold_name(name)
    if key in _GAME_KEYS:
        return _GAME_KEYS[key]
    known = ", ".join(GAMES)
    if key in _OUT_OF_SCOPE_KEYS:
        label, reason = OUT_OF_SCOPE[_OUT_OF_SCOPE_KEYS[key]]
        raise GameOutOfScopeError(f"{label} is out of lotoflow's scope: {reason}. Known games: {known}")
    raise UnknownGameError(f"unknown game {name!r}; known games: {known}")


__all__ = [
    "GAMES",
    "OUT_OF_SCOPE",
    "AnomalyKind",
    "BetSizes",
    "DrawCalendar",
    "Game",
    "GameOutOfScopeError",
    "InvalidBetError",
    "KnownAnomaly",
    "MonthPart",
    "NumberSet",
    "PrizeTier",
    "TeamPart",
    "TierKind",
    "UnknownGameError",
    "game",
    "month_number",
]
