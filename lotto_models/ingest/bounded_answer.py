"""Reading one HTTP answer within bounds: its size after decoding, and an overall deadline.

httpx inflates a compressed body a whole network chunk at a time through every layer it is told of, so a
6.8 KB answer labelled `Content-Encoding: gzip, gzip` (a gzip of a 4 GiB gzip bomb) grew the process to
8.5 GB before a cap on the decoded bytes could look. Here the raw bytes are read and inflated by lotoflow
itself, never more than the cap allows: one layer of gzip or deflate is decoded with a bound on its output;
stacked or unknown encodings are refused outright (no result answer needs them). A read timeout bounds the
wait between two bytes only, so a body trickled one byte a second would never time out: the deadline
bounds the whole answer.
"""

from __future__ import annotations

import time
import zlib

import httpx

from lotto_models.core.errors import SourceError

INFLATABLE = {"gzip", "x-gzip", "deflate"}
AUTO_HEADER = 32 + zlib.MAX_WBITS  # zlib detects a gzip or a zlib header


class AnswerRefusedError(SourceError):
    """An answer lotoflow will not read: too large once decoded, or encoded in a way no result needs."""


class AnswerTooSlowError(Exception):
    """An answer still incomplete at its deadline (asking again may go better)."""


def content_codings(response: httpx.Response) -> list[str]:
    """The content codings applied to the body, outermost last, `identity` left out."""
    header = response.headers.get("content-encoding", "")
    return [c for c in (part.strip().lower() for part in header.split(",")) if c and c != "identity"]


def read_bounded(response: httpx.Response, max_bytes: int, deadline: float, what: str) -> bytes:
    """The body of a streamed `response`, decoded, refused past `max_bytes` of decoded content or, when
    still incomplete at `deadline` (a `time.monotonic()` value), given up on. `what` names the answer."""
    codings = content_codings(response)
    if len(codings) > 1:
        raise AnswerRefusedError(f"{what}: stacked content encodings {', '.join(codings)} refused")
    if codings and codings[0] not in INFLATABLE:
        raise AnswerRefusedError(f"{what}: content encoding {codings[0]!r} refused (gzip and deflate are read)")
    inflater = zlib.decompressobj(AUTO_HEADER) if codings else None
    body = bytearray()
    for chunk in response.iter_raw():
        if time.monotonic() > deadline:
            raise AnswerTooSlowError(f"{what}: answer still incomplete at its deadline ({len(body)} bytes so far)")
        body += _inflate(inflater, chunk, max_bytes - len(body), what) if inflater else chunk
        if len(body) > max_bytes:
            raise AnswerRefusedError(f"{what}: answer larger than {max_bytes // 1024} KiB refused")
    return bytes(body)


def _inflate(inflater: zlib._Decompress, data: bytes, room: int, what: str) -> bytes:
    """At most `room` + 1 bytes of output: one byte more than fits says the answer is too large (and then
    nothing more is inflated, so no input is left waiting in the inflater)."""
    try:
        out = inflater.decompress(data, max(room, 0) + 1)
    except zlib.error as error:
        raise AnswerRefusedError(f"{what}: compressed body cannot be decoded ({error})") from error
    if len(out) > room:
        raise AnswerRefusedError(f"{what}: answer larger than allowed once decompressed, refused")
    return out
