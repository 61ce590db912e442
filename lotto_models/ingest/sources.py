"""Where new draws come from: the official CAIXA API and mirrors with the same schema, for any game of the catalog
(`<base>/<game id>` for the latest result, `<base>/<game id>/<concurso>` for one concurso)."""

from __future__ import annotations

import functools
import json
import logging
import random
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from lotto_models.core.digits import ascii_digits
from lotto_models.core.errors import InvalidDrawError, SourceError, SourceUnavailableError
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.core.redaction import hide_secrets_in_logs, redacted_text, redacted_url
from lotto_models.core.settings import Settings
from lotto_models.ingest.bounded_answer import AnswerRefusedError, AnswerTooSlowError, read_bounded
from lotto_models.ingest.fetch_reports import FetchedDraw, FetchReport, RejectedPayload, StaleLatest
from lotto_models.ingest.payloads import candidate_from_payload
from lotto_models.storage.nul_free import strip_nul

log = logging.getLogger(__name__)

# The API sits behind a bot manager; a browser-like request is answered more often.
BROWSER_HEADERS = {
    "User-Agent": ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"),
    "Accept": "application/json, text/plain, */*",
    "Accept-Language": "pt-BR,pt;q=0.9,en;q=0.8",
    "Origin": "https://loterias.caixa.gov.br",
    "Referer": "https://loterias.caixa.gov.br/",
    "X-Requested-With": "XMLHttpRequest",
    "Accept-Encoding": "gzip, deflate",  # what `bounded_answer` inflates (with a bound); nothing else
}
RETRY_STATUSES = {403, 429} | set(range(500, 600))
# Answers whose Retry-After header is honoured: a refusal (403 of the bot manager, 429) or a server busy (503)
RETRY_AFTER_STATUSES = {403, 429, 503}


class _Retryable(Exception):
    """An answer that may get better if asked again (`retry_after_s`: not before this many seconds, as the
    source's Retry-After header asked)."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class FetchBudget:
    """How long one run may spend fetching, shared by its sources (a `time.monotonic()` deadline)."""

    seconds: float
    deadline: float

    @classmethod
    def of(cls, seconds: float) -> FetchBudget:
        return cls(seconds, time.monotonic() + seconds)

    @property
    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    @property
    def spent(self) -> bool:
        return self.left <= 0


class CaixaSource:
    """One base URL serving the official schema of `game` at `<base>/<game.id>` and `<base>/<game.id>/{concurso}`
    (a query in the base URL, e.g. a mirror's `?token=…`, stays at the end). The URL may hold credentials:
    messages name the source by `name` and `redacted_url`, never by the URL itself.

    `pause_s`: the least time between two requests to this source (a backfill's courtesy; 0 after a draw).
    A refusal or a busy answer with a Retry-After header is asked again no sooner than it says (within the
    fetch budget)."""

    def __init__(
        self,
        name: str,
        base_url: str,
        client: httpx.Client,
        attempts: int = 3,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        request_deadline_s: float = 30.0,
        budget: FetchBudget | None = None,
        game: Game = LOTOFACIL,
        pause_s: float = 0.0,
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.client = client
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self.sleep = sleep
        self.request_deadline_s = request_deadline_s
        self.budget = budget or FetchBudget.of(3600.0)
        self.game = game
        self.pause_s = pause_s
        self._last_request: float | None = None  # time.monotonic() of the last request sent

    def latest(self) -> FetchedDraw:
        return self._fetch(self._url(self.game.id), None)

    def fetch(self, concurso: int) -> FetchedDraw:
        return self._fetch(self._url(f"{self.game.id}/{concurso}"), concurso)

    def _url(self, path: str) -> str:
        """`path` under the base URL's path, before its query."""
        parts = urlsplit(self.base_url)
        return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{path}"))

    def _fetch(self, url: str, concurso: int | None) -> FetchedDraw:
        payload = self._get_json(url, require_final=True)
        try:
            candidate = candidate_from_payload(payload, concurso, self.game)
        except InvalidDrawError as error:
            claimed = concurso if concurso is not None else _claimed_concurso(payload)
            raise _InvalidPayload(claimed, json.dumps(strip_nul(payload), ensure_ascii=False), str(error)) from error
        return FetchedDraw(candidate, strip_nul(payload), self.name)

    def _get_json(self, url: str, require_final: bool = False) -> Any:
        last_problem = "no attempt made"
        for attempt in range(1, self.attempts + 1):
            if self.budget.spent:
                last_problem = f"the run's fetch budget of {self.budget.seconds:.0f} s is spent"
                break
            retry_after_s = None
            try:
                self._wait_for_turn()
                payload = self._get_once(url)
                if require_final:
                    _require_final(payload, self.game)
                return payload
            except _Retryable as problem:
                last_problem, retry_after_s = str(problem), problem.retry_after_s
            log.info("%s: %s (attempt %d of %d)", self.name, last_problem, attempt, self.attempts)
            if attempt < self.attempts:
                pause = self.backoff_s * 2 ** (attempt - 1) * (1 + random.random() / 2)
                self.sleep(min(max(pause, retry_after_s or 0.0), self.budget.left))
        host = httpx.URL(url).host
        raise SourceUnavailableError(f"{self.name} at {host}: {last_problem} after {attempt} attempt(s)")

    def _wait_for_turn(self) -> None:
        """Sleep until `pause_s` has passed since the last request to this source (within the fetch budget)."""
        now = time.monotonic()
        if self.pause_s and self._last_request is not None:
            wait = self._last_request + self.pause_s - now
            if wait > 0:
                self.sleep(min(wait, self.budget.left))
        self._last_request = time.monotonic()

    def _get_once(self, url: str) -> Any:
        what = f"{self.name} ({redacted_url(url)})"
        try:
            with self.client.stream("GET", url) as response:
                declared = int(response.headers.get("content-length") or 0)
                if declared > MAX_ANSWER_BYTES:
                    raise SourceError(f"{what}: answer of {declared} bytes refused ({_cap()})")
                deadline = min(time.monotonic() + self.request_deadline_s, self.budget.deadline)
                content = read_bounded(response, MAX_ANSWER_BYTES, deadline, what)
                text = content.decode(response.encoding or "utf-8", errors="replace")
        except AnswerRefusedError as error:
            raise SourceError(f"{error} ({_cap()})") from error
        except AnswerTooSlowError as error:
            raise _Retryable(str(error)) from error
        except (httpx.TimeoutException, httpx.TransportError) as error:
            raise _Retryable(redacted_text(f"{type(error).__name__}: {error}")) from error
        except httpx.HTTPError as error:  # e.g. a redirect loop: the same again next time
            raise SourceError(redacted_text(f"{what}: {type(error).__name__}: {error}")) from error
        if response.status_code in RETRY_STATUSES:
            retry_after_s = None
            if response.status_code in RETRY_AFTER_STATUSES:
                retry_after_s = retry_after_seconds(response.headers.get("retry-after"))
            asked = f" (Retry-After {retry_after_s:.0f} s)" if retry_after_s is not None else ""
            raise _Retryable(f"HTTP {response.status_code}{asked}", retry_after_s)
        if response.status_code != 200:
            raise SourceError(f"{what}: HTTP {response.status_code}, which retrying cannot fix")
        body = text.lstrip()
        if not body.startswith("{"):
            raise _Retryable(f"body is not JSON (Content-Type {response.headers.get('content-type')!r}): {body[:80]!r}")
        try:
            return json.loads(body)
        except json.JSONDecodeError as error:
            raise _Retryable(f"invalid JSON: {error}") from error
        except (RecursionError, ValueError) as error:  # nested beyond reason, or an integer of thousands of digits
            raise SourceError(f"{what}: answer is not a result: {type(error).__name__}: {error}"[:300]) from error


# A real answer is a few KB; anything near this is not a CAIXA result, and reading it whole could hurt.
MAX_ANSWER_BYTES = 256 * 1024


def _cap() -> str:
    return f"a result answer is a few KB; the cap is {MAX_ANSWER_BYTES // 1024} KiB"


def retry_after_seconds(value: str | None) -> float | None:
    """The wait a Retry-After header asks for (seconds, or an HTTP date), or None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if ascii_digits(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _require_final(payload: Any, game: Game) -> None:
    """A result still being processed lacks its prize tiers: ask again rather than store half a result. The
    tiers expected are those the catalog lists for the game at that concurso (Lotofácil's five)."""
    if isinstance(payload, dict) and payload.get("tipoJogo") == game.tipo_jogo:
        numero = payload.get("numero")
        concurso = numero if isinstance(numero, int) and not isinstance(numero, bool) and numero >= 1 else None
        expected = len(game.tiers if concurso is None else game.tiers_at(concurso))
        tiers = payload.get("listaRateioPremio")
        if not isinstance(tiers, list) or len(tiers) < expected:
            raise _Retryable(f"result for numero {numero} is not final yet (prize tiers missing)")


def _claimed_concurso(payload: Any) -> int | None:
    """The concurso a rejected "latest" answer says it is (its `numero`, when that is a whole number), so that its
    quarantine entry and the run's message name it rather than "None"."""
    numero = payload.get("numero") if isinstance(payload, dict) else None
    if isinstance(numero, int) and not isinstance(numero, bool) and numero >= 1:
        return numero
    return None


class _InvalidPayload(Exception):
    def __init__(self, concurso: int | None, payload: str, reason: str) -> None:
        super().__init__(reason)
        self.rejected = (concurso, payload, reason)


def http_client(settings: Settings) -> httpx.Client:
    """A cookie-keeping client with the browser-like headers and the configured timeouts (httpx logs the URL
    of every request: without its credentials)."""
    hide_secrets_in_logs()
    timeout = httpx.Timeout(settings.http_read_timeout_s, connect=settings.http_connect_timeout_s)
    return httpx.Client(headers=BROWSER_HEADERS, timeout=timeout, follow_redirects=True, verify=_tls_context())


@functools.cache  # loading the CA certificates costs about 50 ms; one context serves every client
def _tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()  # as httpx makes it: certifi, or SSL_CERT_FILE / SSL_CERT_DIR


def sources_from_settings(
    settings: Settings, client: httpx.Client, game: Game = LOTOFACIL, pause_s: float = 0.0
) -> list[CaixaSource]:
    """The configured sources of `game` in fallback order, sharing one fetch budget (LOTTO_FETCH_BUDGET_S),
    each pausing `pause_s` between two of its requests."""
    budget = FetchBudget.of(settings.fetch_budget_s)
    return [
        CaixaSource(
            name,
            url,
            client,
            settings.http_attempts,
            settings.http_backoff_s,
            request_deadline_s=settings.http_request_deadline_s,
            budget=budget,
            game=game,
            pause_s=pause_s,
        )
        for name, url in settings.source_urls()
    ]


def fetch_missing_draws(sources: Sequence[CaixaSource], last_stored: int, max_new: int | None = None) -> FetchReport:
    """Every concurso after `last_stored` up to the latest, fetched by number, in order; at most `max_new` of
    them (a latest answer can claim any concurso: the rest is left for the next runs, `deferred_from`).

    Sources are tried in order; one that cannot be reached (or answers with an error retrying cannot fix)
    hands over to the next, and the source that answered is asked first from then on. A payload that is
    not a draw at all is rejected with its reason, and fetching stops there so that no gap is left behind
    the stored history. A latest answer for a stored concurso is kept for comparison with the stored
    draw, and one older than `last_stored` is reported as stale.
    """
    report = FetchReport()
    order = list(sources)
    latest = _first_answer(order, None, report)
    if latest is None:
        return report
    newest = latest.candidate.concurso
    report.latest = newest
    if newest <= last_stored:
        report.latest_already_stored = latest
        if newest < last_stored:
            report.stale = StaleLatest(latest.source, newest, last_stored)
        return report
    if max_new is not None and newest - last_stored > max_new:
        report.deferred_from = last_stored + max_new + 1
        _fetch_numbers(order, range(last_stored + 1, report.deferred_from), report)
        return report
    _fetch_numbers(order, range(last_stored + 1, newest), report)
    if report.incomplete_reason is None:
        report.fetched.append(latest)
    return report


def fetch_range(sources: Sequence[CaixaSource], first: int, last: int) -> FetchReport:
    """Concursos `first`..`last` fetched by number (a backfill), stopping at the first that fails."""
    if first < 1 or last < first:
        raise ValueError(f"backfill range must satisfy 1 <= first <= last, got {first}..{last}")
    report = FetchReport()
    _fetch_numbers(list(sources), range(first, last + 1), report)
    if report.fetched:
        report.latest = report.fetched[-1].candidate.concurso
    return report


def _fetch_numbers(order: list[CaixaSource], concursos: range, report: FetchReport) -> None:
    for concurso in concursos:
        fetched = _first_answer(order, concurso, report)
        if fetched is None:
            report.incomplete_reason = f"concurso {concurso} could not be fetched from any source"
            return
        report.fetched.append(fetched)


def _first_answer(order: list[CaixaSource], concurso: int | None, report: FetchReport) -> FetchedDraw | None:
    """The first valid answer for `concurso` (None: the latest); moves the answering source to the front."""
    for source in list(order):
        try:
            fetched = source.latest() if concurso is None else source.fetch(concurso)
        except (SourceUnavailableError, SourceError) as error:
            report.unreachable[source.name] = str(error)
            continue
        except _InvalidPayload as invalid:
            asked, payload, reason = invalid.rejected
            report.rejected.append(RejectedPayload(asked, source.name, payload, reason))
            continue
        order.remove(source)
        order.insert(0, source)
        return fetched
    return None
