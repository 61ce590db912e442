"""The sentences `lotto_models.reporting` builds (in English, for the API, the CLI and the artifacts), as a page
of each language shows them.

English pages show the library's own sentence, unchanged (one source for the English). Portuguese pages get
the same sentence written here from the same figures, with Babel's decimal commas; what the library does not
build from figures (a stored decision's reason, an exception's message) is shown as stored.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from lotto_models.core.games import Game
from lotto_models.modeling.evaluation import LEAKAGE_STANDARD_ERRORS
from lotto_models.reporting.baseline import chance_words, hits_text, prize_hits_text, share_text
from lotto_models.reporting.guess_bets import GuessBetsView
from lotto_models.reporting.model_views import Holdout
from lotto_models.reporting.number_stats import COVERAGE, expected_outside
from lotto_models.reporting.plan_notes import PlanGuess, same_numbers_notes
from lotto_models.reporting.plan_views import LiveRecord, PlanPage, PlanView
from lotto_models.reporting.player_views import (
    BetsView,
    CheckView,
    NumbersView,
    RandomnessTestView,
    RandomnessView,
)
from lotto_models.reporting.randomness import MIN_DRAWS
from lotto_models.reporting.svg_charts import ENGLISH as ENGLISH_CHARTS
from lotto_models.reporting.svg_charts import ChartWords
from web.i18n import Figures, Language, translations

TEST_NAMES = {
    "number frequencies": "frequência dos números",
    "overlap with the previous draw": "repetição de números do sorteio anterior",
    "runs of high and low sums": "sequências de somas altas e baixas",
}


def of_game(game: Game | str) -> str:
    """`da Lotofácil`, `do Dia de Sorte`: a game's name after "de", with its article."""
    name = game if isinstance(game, str) else game.name
    return f"do {name}" if name.startswith("Dia de Sorte") else f"da {name}"


@dataclass(frozen=True)
class PageWords:
    """The library's sentences in `language` (the templates' global `words`)."""

    language: Language

    @property
    def english(self) -> bool:
        return self.language is Language.EN

    @property
    def figures(self) -> Figures:
        return Figures(self.language)

    @functools.cached_property
    def charts(self) -> ChartWords:
        """The charts' words in this language."""
        if self.english:
            return ENGLISH_CHARTS
        _ = translations(self.language).gettext
        return ChartWords(
            concurso=_("concurso {concurso}"),
            no_score=(_("no scored guess yet:"), _("the first is scored when its draw arrives")),
            scored_guess=_("concurso {concurso}: {hits} hits"),
            random_band=_("one random guess hits {low}–{high} about 95% of the time"),
            mean_band=_("95% band of the mean of this many random guesses"),
            running_mean=_("running mean of this plan's hits"),
            chance_mean=_("{mean}: what a random guess averages"),
            hits_axis=_("hits of the {bet}-number guess"),
            random_guess=_("random guess"),
            random_line=_("a random guess (hypergeometric)"),
            bar=_("{label}: {share} of holdout draws with {k} hits"),
            hits=self.hits,
            share=lambda share: self.figures.pct(share, 1),
            percent=self.figures.pct,
        )

    # -- the figures the sentences quote -------------------------------------------------------------------------
    def hits(self, value: float) -> str:
        """Mean hits as the library quotes them (`reporting.baseline.hits_text`'s digits): `9,0`, `0,31`."""
        english = hits_text(value)
        return english if self.english else self.figures.num(value, len(english.partition(".")[2]))

    def share(self, value: float) -> str:
        """A share of draws as the library quotes it (`share_text`'s digits): `10,6%`, `0,043%`."""
        english = share_text(value)
        return english if self.english else english.replace(".", ",")

    def prize_hits(self, prize_hits: tuple[int, ...]) -> str:
        """`11 or more` / `11 ou mais`; `15 or more, or 0` / `15 ou mais, ou 0`."""
        english = prize_hits_text(prize_hits)
        return english if self.english else english.replace(" or more", " ou mais").replace(", or 0", ", ou 0")

    # -- the banner and the footer --------------------------------------------------------------------------------
    def what_random_means(self, game: Game) -> str:
        words = chance_words(game)
        if self.english:
            return words.what_random_means
        b = words.baseline
        twice = ", e de novo num segundo sorteio, independente do primeiro" if game.second_draw is not None else ""
        return (
            f"Cada concurso sorteia {b.drawn} dos {b.pool} números ao acaso{twice}. Quaisquer que sejam os {b.bet} "
            f"números que você escolha, acerta em média {self.hits(b.hits)} deles, e "
            f"{self.prize_hits(words.prize_hits)} em {self.share(b.share_any_prize)} dos sorteios, só pelo acaso. "
            "Nenhum modelo, sorteio passado ou "
            "padrão muda isso: um modelo aqui só é honesto se o seu histórico fica dentro da faixa que o acaso dá, e "
            "um que pareça ir melhor por pouco tempo é sorte ou um erro."
        )

    def honest_note(self, game: Game) -> str:
        words = chance_words(game)
        if self.english:
            return words.honest_note
        b = words.baseline
        return (
            f"Os sorteios {of_game(game)} são aleatórios: qualquer palpite de {b.bet} números acerta em média "
            f"{self.hits(b.hits)} (desvio-padrão {self.figures.num(b.hits_sd, 2)}), e nenhum modelo supera isso na "
            "média. Estes palpites não são exceção."
        )

    # -- a plan's record -----------------------------------------------------------------------------------------
    def verdict(self, record: LiveRecord) -> str:
        if self.english:
            return record.verdict
        if record.mean_hits is None or record.chance_ci95_low is None or record.chance_ci95_high is None:
            return f"{record.plan}: nenhum palpite publicado foi conferido ainda."
        low, high = record.chance_ci95_low, record.chance_ci95_high
        inside = low <= record.mean_hits <= high
        n, num = record.scored, self.figures.num
        guesses = "palpite conferido" if n == 1 else "palpites conferidos"
        random = "palpite ao acaso ficaria" if n == 1 else "palpites ao acaso ficariam"
        return (
            f"{record.plan}: média de {num(record.mean_hits, 2)} acertos em {n} {guesses}; {n} {random} com média "
            f"entre {num(low, 2)} e {num(high, 2)} em 95% das vezes, então este histórico "
            + (
                "é o que o acaso sozinho dá."
                if inside
                else "está fora dessa faixa: com sorteios aleatórios, é sorte, não habilidade."
            )
        )

    def same_numbers(self, plan: PlanView, plans: Sequence[PlanPage]) -> str | None:
        """`plan`'s note when another plan publishes the same numbers (`reporting.plan_notes`)."""
        if self.english or plan.same_numbers_note is None:
            return plan.same_numbers_note
        guesses = [
            PlanGuess(p.plan.plan, g.concurso, tuple(g.numbers), g.weights) for p in plans if (g := p.plan.guess)
        ]
        return same_numbers_notes(guesses, self._same_numbers_sentence).get(plan.plan)

    def _same_numbers_sentence(self, same: list[PlanGuess]) -> str:
        names = [g.plan for g in same]
        makeup = "; ".join(
            f"{g.plan}: "
            + ", ".join(f"{m} {self.figures.num(w, 2)}" for m, w in sorted(g.weights.items(), key=lambda kv: -kv[1]))
            for g in same
        )
        return (
            f"{', '.join(names[:-1])} e {names[-1]} publicam os mesmos {len(same[0].numbers)} números para o concurso "
            f"{same[0].concurso}: cada um ordena os números pelas probabilidades ponderadas dos seus membros "
            f"({makeup}), e as previsões dos membros diferem pouco demais (dentro do ruído dos sorteios) para mudar "
            "quais vêm primeiro."
        )

    # -- a model's holdout ---------------------------------------------------------------------------------------
    def holdout(self, h: Holdout) -> str:
        """`modeling.evaluation.HoldoutMetrics.verdict`, from the same figures."""
        if self.english:
            return h.verdict
        num = self.figures.num
        chance = num(h.baseline_hits, 1)
        if h.leakage_suspected:
            return (
                f"média de acertos {num(h.mean_hits, 2)} está mais de {num(LEAKAGE_STANDARD_ERRORS)} erros-padrão "
                f"acima dos {chance} do acaso: suspeita de vazamento, não habilidade"
            )
        measured = (
            f"média de acertos {num(h.mean_hits, 2)} (IC 95% {num(h.hits_ci95_low, 2)}–{num(h.hits_ci95_high, 2)}) "
            f"em {num(h.draws)} sorteios de validação"
        )
        if h.hits_ci95_low <= h.baseline_hits <= h.hits_ci95_high:
            return f"{measured}, compatível com os {chance} do acaso"
        side = "abaixo" if h.mean_hits < h.baseline_hits else "acima"
        return (
            f"{measured}: o intervalo fica logo {side} dos {chance} do acaso, como um intervalo de 95% em cada 20 "
            "fica por acaso; os sorteios são aleatórios, então é sorte, não habilidade"
        )

    # -- the players' pages --------------------------------------------------------------------------------------
    def numbers(self, view: NumbersView) -> str:
        if self.english:
            return view.words
        expected = self.figures.num(expected_outside(len(view.numbers)))
        return (
            f"{len(view.outside)} de {len(view.numbers)} números têm um valor fora da faixa que o acaso lhe dá "
            f"{self.figures.pct(COVERAGE)} das vezes; com quatro valores por número, até {expected} ficariam fora só "
            "pelo acaso. Um número fora da sua faixa não está atrasado, quente ou frio: o próximo sorteio não se "
            "lembra do anterior."
        )

    def randomness(self, view: RandomnessView) -> str:
        if self.english:
            return view.words
        if not view.tests:
            return (
                f"Poucos sorteios {of_game(view.game)} para testar: os testes precisam de pelo menos {MIN_DRAWS}, e há "
                f"{view.draws} guardados."
            )
        outside = [t for t in view.tests if t.outside_chance]
        if outside:
            names = ", ".join(self.test_name(t.name) for t in outside)
            return (
                f"{names}: fora do que um sorteio justo dá, mesmo depois de corrigir por fazer {len(view.tests)} "
                "testes. Isso seria notícia sobre os sorteios ou o histórico guardado, não um jeito de ganhar."
            )
        return (
            f"Os {len(view.tests)} testes estão dentro do que um sorteio justo dá em {view.draws} sorteios: nada "
            "aqui distingue um número de outro."
        )

    def test_name(self, name: str) -> str:
        return name if self.english else TEST_NAMES.get(name, name)

    def test_words(self, test: RandomnessTestView, alpha: float, tests: int) -> str:
        if self.english:
            return test.words
        if test.outside_chance:
            p = format(test.holm_p_value, ".3g").replace(".", ",")
            return (
                f"fora do acaso (p = {p} após a correção): um sorteio justo daria isso menos de "
                f"{self.figures.pct(alpha)} das vezes"
            )
        p = self.figures.num(test.holm_p_value, 2)
        return f"como um sorteio justo dá (p = {p} após a correção para {tests} testes)"

    def bets(self, view: BetsView) -> str:
        if self.english:
            return view.words
        return (
            "Chances exatas de uma aposta num sorteio. Mais números custam mais e ganham mais vezes, exatamente na "
            "proporção em que o preço cresce: nenhum tamanho de aposta supera outro na média."
        )

    def price_source(self, game: Game, view: BetsView) -> str:
        if self.english:
            return view.price_source
        current = game.prices.current
        return (
            f"{current.source} (desde o concurso {current.first_concurso}, {self.figures.day(current.since)}; "
            f"conferido em {self.figures.day(game.prices.as_of)})"
        )

    def guesses(self, view: BetsView) -> str:
        if self.english:
            return view.guesses_words
        return (
            "O palpite de um plano em cada tamanho custa o mesmo e ganha com as mesmas chances que quaisquer outros "
            "números desse tamanho: o sorteio é aleatório, então nenhuma escolha de números muda as chances acima. "
            "Os tamanhos maiores acrescentam os números que o conjunto de modelos do plano classificou a seguir."
        )

    def guess_sizes(self, game: Game, guess: GuessBetsView) -> str:
        """Which sizes `guess` is offered at, or why only its published one."""
        if self.english:
            return guess.words
        published = len(guess.published)
        if not guess.ranked:
            return (
                f"Este palpite foi guardado antes de os palpites guardarem a ordem dos números, então só se conhecem "
                f"os seus {published} números publicados; os próximos palpites são oferecidos em todos os tamanhos."
            )
        if game.bet.minimum == game.bet.maximum:
            return (
                f"Uma aposta {of_game(game)} tem exatamente {game.bet.minimum} números: o palpite é oferecido só "
                "nesse tamanho."
            )
        return (
            f"Os {published} números publicados e, em cada tamanho maior, os números classificados a seguir "
            f"(até {game.bet.maximum})."
        )

    def check(self, view: CheckView) -> str:
        if self.english:
            return view.words
        num = self.figures.num
        return (
            f"Em {num(view.draws)} sorteios guardados estes números acertaram em média {num(view.mean_hits, 2)}; "
            f"quaisquer {len(view.numbers)} números acertam em média {num(view.expected_mean_hits, 2)}. Sorteios "
            "passados nada dizem sobre o próximo."
        )
