"""The pages in Brazilian Portuguese and in English: chosen from `?lang=` (then a cookie), the browser's
Accept-Language, else Portuguese; figures written each language's way; the API the same in both."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from deployments.loopback.filled_store import STORED, Filled
from web.app import create_app
from web.catalog import read_catalog, template_messages
from web.i18n import Figures, Language, choose_language, from_accept_language
from web.prefect_runs import PrefectLinks

PT = {"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture
def browser_like(filled: Filled) -> TestClient:
    """A client that sends what a browser says of its languages (per request) and keeps cookies."""
    return TestClient(create_app(filled.ws.settings, PrefectLinks(ui_url="http://prefect.example:4200")))


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)">', page)
    assert found, "the page names no language"
    return found.group(1)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7", Language.PT_BR),
        ("en-US,en;q=0.9,pt-BR;q=0.8", Language.EN),
        ("de-DE,de;q=0.9,en;q=0.5", Language.EN),  # the first language we have
        ("en;q=0.2, pt-PT;q=0.8", Language.PT_BR),  # weights, not order
        ("fr-FR", None),
        ("en;q=nonsense, pt", Language.PT_BR),
        ("", None),
    ],
)
def test_the_browsers_preferred_language_that_we_have_is_chosen(header: str, expected: Language | None) -> None:
    assert from_accept_language(header) is expected


def test_the_query_beats_the_cookie_which_beats_the_browser_and_portuguese_is_the_default() -> None:
    assert choose_language("en", "pt-BR", "pt-BR") is Language.EN
    assert choose_language(None, "en", "pt-BR") is Language.EN
    assert choose_language("klingon", None, "en") is Language.EN
    assert choose_language(None, None, "fr, de") is Language.PT_BR
    assert choose_language(None, None, None) is Language.PT_BR


def test_figures_have_decimal_commas_and_day_month_year_in_portuguese() -> None:
    pt, en = Figures(Language.PT_BR), Figures(Language.EN)
    assert (pt.num(9.0, 1), pt.num(3268760), pt.pct(0.106, 1), pt.signed(-0.0012, 4)) == (
        "9,0",
        "3.268.760",
        "10,6%",
        "-0,0012",
    )
    assert (en.num(9.0, 1), en.num(3268760), en.pct(0.106, 1)) == ("9.0", "3,268,760", "10.6%")
    assert pt.day(dt.date(2026, 12, 4)) == "04/12/2026" and en.day(dt.date(2026, 12, 4)) == "2026-12-04"
    assert pt.when(dt.datetime(2026, 12, 4, 9, 5, tzinfo=dt.UTC)) == "04/12/2026 09:05"


def test_a_brazilian_browser_reads_the_pages_in_portuguese_with_commas_and_brazilian_dates(
    browser_like: TestClient,
) -> None:
    newest = browser_like.get("/api/v1/draws/3690").json()
    with browser_like:
        home = browser_like.get("/", headers=PT)
        assert html_lang(home.text) == "pt-BR" and home.headers["content-language"] == "pt-BR"
        assert "Os sorteios são aleatórios." in home.text
        assert "acerta em média 9,0 deles, e 11 ou mais em 10,6% dos sorteios" in home.text  # the banner
        assert "qualquer palpite de 15 números acerta em média 9,0 (desvio-padrão 1,22)" in home.text  # the footer
        assert "palpites conferidos" in home.text and "Histórico ao vivo" in home.text  # the record, in words
        day = dt.date.fromisoformat(newest["date"]).strftime("%d/%m/%Y")
        assert f"concurso 3690 em {day}" in home.text
        draws = browser_like.get("/draws", headers=PT).text
        assert f'<td data-label="data">{day}</td>' in draws and "3.690 sorteios guardados" in draws
        models = browser_like.get("/models", headers=PT).text
        assert "acertos do palpite de 15 números" in models and "palpite ao acaso" in models  # the chart's words
        assert "Chances exatas" in browser_like.get("/bets", headers=PT).text
        assert "1 em 3.268.760" in browser_like.get("/bets", headers=PT).text
        numbers = browser_like.get("/numbers", headers=PT).text
        assert "Os sorteios são justos?" in numbers and "frequência dos números" in numbers
        missing = browser_like.get("/plans/nope", headers=PT)
        assert missing.status_code == 404 and "<h1>Não encontrado</h1>" in missing.text


def test_an_english_browser_reads_english_with_decimal_points_and_iso_dates(browser_like: TestClient) -> None:
    newest = browser_like.get("/api/v1/draws/3690").json()
    with browser_like:
        home = browser_like.get("/", headers=EN).text
        assert html_lang(home) == "en" and "The draws are random." in home
        assert "you match 9.0 of them on average, and 11 or more in 10.6% of draws" in home
        draws = browser_like.get("/draws", headers=EN).text
        assert f'<td data-label="date">{newest["date"]}</td>' in draws and "3,690 draws stored" in draws


def test_the_switch_sets_a_cookie_that_keeps_the_language_over_the_browsers(browser_like: TestClient) -> None:
    with browser_like:
        home = browser_like.get("/numbers", headers=PT).text
        switch = re.search(r'<a href="([^"]+)" hreflang="en"', home)
        assert switch and switch.group(1) == "/numbers?lang=en"
        chosen = browser_like.get(switch.group(1), headers=PT)
        assert html_lang(chosen.text) == "en" and "lang=en" in chosen.headers["set-cookie"]
        assert html_lang(browser_like.get("/draws", headers=PT).text) == "en"  # the cookie, not the browser
        assert html_lang(browser_like.get("/draws?lang=pt-BR&page=2", headers=EN).text) == "pt-BR"
        assert html_lang(browser_like.get("/", headers=EN).text) == "pt-BR"


def test_a_cached_page_is_never_served_in_the_other_language(browser_like: TestClient) -> None:
    with browser_like:
        for _ in range(2):  # the second round comes from the cache
            assert html_lang(browser_like.get("/models", headers=PT).text) == "pt-BR"
            assert html_lang(browser_like.get("/models", headers=EN).text) == "en"


def test_the_api_answers_the_same_english_whatever_the_browser_speaks(browser_like: TestClient) -> None:
    with browser_like:
        for route in ("/api/v1/plans/free/record", "/api/v1/numbers", "/api/v1/bets"):
            portuguese = browser_like.get(route, headers=PT)
            english = browser_like.get(route, headers=EN)
            assert portuguese.content == english.content and "content-language" not in portuguese.headers
        record = browser_like.get("/api/v1/plans/free/record?lang=pt-BR")
        assert "random guess(es) would average" in record.json()["verdict"] and "set-cookie" not in record.headers


def placeholders(message: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s|\{\w+\}", message))


def test_every_message_of_the_pages_has_portuguese_with_the_same_placeholders() -> None:
    portuguese = read_catalog(Language.PT_BR)
    for message in template_messages():
        if not message.id:
            continue
        translated = portuguese.get(message.id)
        assert translated is not None and translated.string, f"no Portuguese for {message.id!r}: python -m web.catalog"
        assert placeholders(str(translated.string)) == placeholders(str(message.id)), message.id
        assert "fuzzy" not in translated.flags, message.id


def test_the_library_sentences_read_in_portuguese_with_the_same_figures(
    browser_like: TestClient, filled: Filled
) -> None:
    ws = filled.ws
    free = ws.predictions.published_for("free", STORED + 1)
    assert free is not None
    ensemble = ws.predictions.record_ensemble("silver", {"stat": "stat/v2"}, {"stat": 1.0}, False, None)
    ws.predictions.publish("silver", STORED + 1, free.numbers, {"stat": "stat/v2"}, ensemble)
    with browser_like:
        home = browser_like.get("/", headers=PT).text
        assert f"free e silver publicam os mesmos 15 números para o concurso {STORED + 1}" in home
        assert "free: stat 0,60, ls14 0,40; silver: stat 1,00" in home
        models = browser_like.get("/models", headers=PT).text
        assert "stat/v2: média de acertos 9,00 (IC 95% 8,89–9,11) em 500 sorteios de validação, compatível" in models
        english = browser_like.get("/models", headers=EN).text
        holdout = browser_like.get("/api/v1/models").json()["models"][0]["champion"]["holdout"]["verdict"]
        assert f"stat/v2: {holdout}</li>" in english  # English pages show the library's own sentence
