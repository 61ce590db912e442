"""Secrets never leave the process: URLs are shown, logged, stored and alerted without their credentials.

A mirror, an alert destination, the Prefect API or a database URL may carry a user and password
(`https://user:pw@host`) or a token in its query (`?token=…`, `?key=…`); everything lotoflow writes anywhere
shows such a URL as `https://***@host/...?token=***`, a link as `https://host/...` (no user information: the
browser asks for it), and a store only as its kind on public pages (`store_kind`).

Each kind of URL is redacted where it is described (the source's name and URL, an alert destination, a run
link, the store); `hide_secrets_in_logs` covers what libraries log of the URLs they were handed (httpx logs
every request's URL, Apprise and urllib3 the query of a failed one, Prefect a run's UI link, "View at …").
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HIDDEN = "***"
SECRET_QUERY_KEYS = re.compile(r"(token|key|secret|password|passwd|pwd|auth|signature|sig|credential)", re.I)
# a URL with credentials anywhere in a sentence: scheme://user[:password]@host
CREDENTIALS_IN_TEXT = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")
# a secret-looking `key=value` anywhere in a sentence (a query quoted without its URL, e.g. `/alerts?token=…`)
SECRET_PAIR_IN_TEXT = re.compile(
    r"(?P<key>[\w.+-]*(?:token|key|secret|password|passwd|pwd|auth|signature|sig|credential)[\w.+-]*)=(?P<value>[^&\s'\"#<>),;]+)",
    re.I,
)
# a Telegram bot token (`123456789:AAH…`, 30+ characters after the colon) anywhere in a sentence: Apprise and
# urllib3 log the Bot API's URLs with it in the path (`https://api.telegram.org/bot<token>/sendMessage`)
TELEGRAM_TOKEN_IN_TEXT = re.compile(r"(?<![\w-])(?P<bot>bot)?\d{5,}:[\w-]{30,}")
# the loggers of the libraries lotoflow hands URLs to, which log them (or their query) as they are: the HTTP
# clients, and Prefect's run loggers (its "View at <PREFECT_UI_URL>/runs/…" line; lotoflow's own run log too)
REDACTED_LOGGERS = ("httpx", "apprise", "urllib3.connectionpool", "prefect.flow_runs", "prefect.task_runs")


def redacted_url(url: str) -> str:
    """`url` without its user information and with secret-looking query values hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redacted_text(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{HIDDEN}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, HIDDEN if SECRET_QUERY_KEYS.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def link_url(url: str) -> str:
    """`url` as a link people may follow: without user information at all (a `***@` would break it) and with
    secret-looking query values hidden."""
    redacted = redacted_url(url)
    parts = urlsplit(redacted)
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))


def redacted_text(text: str) -> str:
    """`text` with the credentials of every URL in it hidden, every Telegram bot token and every secret-looking
    `key=value` (for error messages and log lines that quote a URL or its query)."""
    text = CREDENTIALS_IN_TEXT.sub(lambda m: f"{m.group('scheme')}{HIDDEN}@", text)
    text = TELEGRAM_TOKEN_IN_TEXT.sub(lambda m: f"{m.group('bot') or ''}{HIDDEN}", text)
    return SECRET_PAIR_IN_TEXT.sub(lambda m: f"{m.group('key')}={HIDDEN}", text)


def store_kind(url: str) -> str:
    """The store as public pages name it: its kind ("SQLite", "PostgreSQL"), never where it is or who uses it."""
    scheme = url.partition(":")[0].partition("+")[0].lower()
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL", "postgres": "PostgreSQL"}.get(scheme, "database")


class _RedactingFilter(logging.Filter):
    """Rewrites each record's message with `redacted_text` before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = redacted_text(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


_FILTER = _RedactingFilter()


def hide_secrets_in_logs() -> None:
    """Make the loggers of `REDACTED_LOGGERS` log URLs without their secrets (idempotent)."""
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
