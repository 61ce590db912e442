"""Secrets never leave the process: what `lotto_models.core.redaction` makes of URLs, sentences and log lines."""

from __future__ import annotations

import logging

import pytest

from lotto_models.core.redaction import (
    hide_secrets_in_logs,
    link_url,
    redacted_text,
    redacted_url,
    store_kind,
)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://ops:s3cr3t@mirror.example/api?token=abc&game=lf", "https://***@mirror.example/api?token=***&game=lf"),
        ("https://mirror.example/api?apiKey=abc", "https://mirror.example/api?apiKey=***"),
        (
            "postgresql+psycopg://lotto:pw@db.internal:5432/lotoflow",
            "postgresql+psycopg://***@db.internal:5432/lotoflow",
        ),
        ("http://127.0.0.1:4200/api", "http://127.0.0.1:4200/api"),
    ],
)
def test_a_url_is_shown_without_its_user_information_and_secret_query_values(url: str, shown: str) -> None:
    assert redacted_url(url) == shown


def test_a_link_keeps_no_user_information_at_all_so_it_still_opens() -> None:
    assert link_url("https://ui:pw@prefect.example/runs/flow-run/1") == "https://prefect.example/runs/flow-run/1"


def test_a_sentence_quoting_a_url_or_its_query_keeps_neither_password_nor_token() -> None:
    sentence = (
        "mirror2 (http://ops:s3cr3t@127.0.0.1:8080/api/lotofacil?token=abc): ConnectError; "
        "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /alerts?-token=xyz&x=1"
    )
    hidden = redacted_text(sentence)
    for secret in ("ops", "s3cr3t", "abc", "xyz"):
        assert secret not in hidden
    assert "http://***@127.0.0.1:8080/api/lotofacil?token=***" in hidden and "x=1" in hidden


def test_a_store_is_named_by_its_kind() -> None:
    assert store_kind("sqlite:////srv/lotto/lotoflow.db") == "SQLite"
    assert store_kind("postgresql+psycopg://lotto:pw@db/lotoflow") == "PostgreSQL"
    assert store_kind("postgres://db/lotoflow") == "PostgreSQL"


def test_the_http_libraries_log_urls_without_their_secrets(caplog: pytest.LogCaptureFixture) -> None:
    hide_secrets_in_logs()
    hide_secrets_in_logs()  # idempotent: one filter per logger
    assert len(logging.getLogger("httpx").filters) == len(set(map(id, logging.getLogger("httpx").filters)))
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("httpx").info('HTTP Request: GET %s "%s"', "http://u:pw@h/api?token=abc", "HTTP/1.1 200 OK")
        logging.getLogger("apprise").debug("Socket Exception: ... with url: /alerts?token=abc (Caused by ...)")
    assert "pw" not in caplog.text and "abc" not in caplog.text
    assert "http://***@h/api?token=***" in caplog.text


def test_a_telegram_bot_token_in_a_logged_url_is_hidden(caplog: pytest.LogCaptureFixture) -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # the shape of a Bot API token (issue 27: deliveries)
    hide_secrets_in_logs()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("apprise").debug(f"Telegram POST URL: https://api.telegram.org/bot{token}/sendMessage")
        logging.getLogger("urllib3.connectionpool").debug(f'https://api.telegram.org:443 "POST /bot{token}/getUpdates')
    assert token.split(":")[1] not in caplog.text and "https://api.telegram.org/bot***/sendMessage" in caplog.text
    assert redacted_text(f"tgram://{token}/-1001234567/") == "tgram://***/-1001234567/"
    assert (
        redacted_text("at 2026-12-04 13:48:15, concurso 3701: 11 hits")
        == "at 2026-12-04 13:48:15, concurso 3701: 11 hits"
    )
