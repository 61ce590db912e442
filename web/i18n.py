"""Which language a page is in, and how its figures are written there: Brazilian Portuguese first, English too.

A page's language is `?lang=pt-BR|en` when given (and the `lang` cookie then remembers it for a year), else
the cookie, else the first of the browser's `Accept-Language` that we have, else Portuguese. Only the pages
change: the `/api/v1` answers are the same whatever the request says (they are English, and pinned).

The words of the templates are gettext messages (`_()` in the templates, `jinja2.ext.i18n`); their Portuguese
is `web/locales/pt_BR/LC_MESSAGES/messages.po`, read with Babel when the app starts (no compiled `.mo` to
keep in step). Figures are written with Babel's CLDR data: `9,0`, `10,6%`, `04/12/2026` in pt-BR; `9.0`,
`10.6%` in English, whose pages keep the ISO dates they always showed (`2026-12-04`).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from enum import StrEnum
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs

from babel.core import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


class Language(StrEnum):
    """The languages of the pages, as `<html lang>`, `?lang=` and the cookie write them."""

    PT_BR = "pt-BR"
    EN = "en"

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.value, sep="-")

    @property
    def other(self) -> Language:
        return Language.EN if self is Language.PT_BR else Language.PT_BR


DEFAULT = Language.PT_BR


def N_(message: str) -> str:  # noqa: N802 - gettext's name for a message marked here and translated where shown
    """Marks `message` for the catalog (Babel extracts `N_`); the page translates it when it shows it."""
    return message


def parse_language(text: str | None) -> Language | None:
    """`pt-BR`, `pt_br`, `pt`, `en`, `en-US`... as one of ours; None for any other (or none)."""
    if not text:
        return None
    primary = text.strip().replace("_", "-").split("-")[0].lower()
    return {"pt": Language.PT_BR, "en": Language.EN}.get(primary)


def from_accept_language(header: str | None) -> Language | None:
    """The browser's most preferred language that we have (`q` weights honoured, ties in the header's order)."""
    ranked: list[tuple[float, int, Language]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue  # a malformed weight: the entry is ignored, as browsers never send one
        found = parse_language(tag)
        if found is not None and quality > 0:
            ranked.append((-quality, position, found))
    return min(ranked)[2] if ranked else None


def choose_language(query_lang: str | None, cookie: str | None, accept_language: str | None) -> Language:
    """The page's language: the query's, else the cookie's, else the browser's, else Portuguese."""
    return parse_language(query_lang) or parse_language(cookie) or from_accept_language(accept_language) or DEFAULT


@dataclass(frozen=True)
class RequestLanguage:
    language: Language
    chosen_now: bool  # `?lang=` named it: the answer sets the cookie


def request_language(scope: Scope) -> RequestLanguage:
    """The language of an HTTP request's page, from its query string and headers."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
    query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [None])[0]
    cookies = SimpleCookie()
    try:
        cookies.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - http.cookies raises CookieError or others on garbage: then no cookie
        cookies = SimpleCookie()
    cookie = cookies[COOKIE].value if COOKIE in cookies else None
    chosen = parse_language(query)
    return RequestLanguage(choose_language(query, cookie, headers.get("accept-language")), chosen is not None)


class LanguageChoice:
    """ASGI middleware: puts each page request's language in `scope["state"]["language"]` (the cache keys
    and the templates read it there), sets the cookie when `?lang=` chose it, and says what the answer
    varies on. The API's answers are left alone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        chosen = request_language(scope)
        scope.setdefault("state", {})["language"] = chosen.language

        async def with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-language", chosen.language.value.encode()))
                headers.append((b"vary", b"Accept-Language, Cookie"))
                if chosen.chosen_now:
                    cookie = f"{COOKIE}={chosen.language.value}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_language)


def language_of(scope: Scope) -> Language:
    """The language `LanguageChoice` chose for this request (Portuguese for a request it did not see)."""
    return scope.get("state", {}).get("language", DEFAULT)


@functools.cache
def translations(language: Language) -> NullTranslations:
    """The gettext catalog of `language`, read from its `.po` file (English is the messages themselves)."""
    po = LOCALES_DIR / str(language.locale) / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language is Language.EN or not po.exists():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language.locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True)
class Figures:
    """How a page of one language writes its figures (the template filters `num`, `pct`, `day`, `when`)."""

    language: Language

    def num(self, value: float | int | None, digits: int = 0) -> str:
        """`9,0` / `9.0`; thousands grouped (`3.268.760` / `3,268,760`)."""
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.language.locale)

    def signed(self, value: float | None, digits: int = 0) -> str:
        """A difference with its sign: `+0,0012` / `-0.0012`."""
        if value is None:
            return "—"
        body = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=f"+{body};-{body}", locale=self.language.locale)

    def pct(self, share: float | None, digits: int = 0) -> str:
        """A share as a percentage: `10,6%` / `10.6%`."""
        if share is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(share, format=pattern, locale=self.language.locale)

    def day(self, value: dt.date | None) -> str:
        """A date: `04/12/2026` in Portuguese, `2026-12-04` in English (as the pages always wrote it)."""
        if value is None:
            return "—"
        if self.language is Language.EN:
            return value.isoformat()
        return format_date(value, format="dd/MM/yyyy", locale=self.language.locale)

    def when(self, value: dt.datetime | None) -> str:
        """A moment to the minute: `04/12/2026 13:05` / `2026-12-04 13:05`."""
        if value is None:
            return "—"
        if self.language is Language.EN:
            return value.strftime("%Y-%m-%d %H:%M")
        return format_datetime(value, format="dd/MM/yyyy HH:mm", locale=self.language.locale)
