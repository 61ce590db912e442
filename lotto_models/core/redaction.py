"""Secrets never leave the process: URLs are shown, logged, stored and alerted without their credentials.

A mirror, an alert destination or a database URL may carry a user and password (`https://user:pw@host`)
or a token in its query (`?token=…`, `?key=…`); everything lotoflow writes anywhere shows such a URL as
`https://***@host/...?token=***`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HIDDEN = "***"
SECRET_QUERY_KEYS = re.compile(r"(token|key|secret|password|passwd|pwd|auth|signature|sig|credential)", re.I)
# a URL with credentials anywhere in a sentence: scheme://user[:password]@host
CREDENTIALS_IN_TEXT = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")


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


def redacted_text(text: str) -> str:
    """`text` with the credentials of every URL in it hidden (for error messages that quote a URL)."""
    return CREDENTIALS_IN_TEXT.sub(lambda m: f"{m.group('scheme')}{HIDDEN}@", text)
