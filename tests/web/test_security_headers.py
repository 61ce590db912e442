"""Pages are not sniffed, framed or allowed to load anything from elsewhere; cached answers included."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

PAGES = ["/", "/models", "/draws"]


@pytest.mark.parametrize("path", PAGES)
def test_html_pages_send_a_self_only_policy_and_refuse_framing(client: TestClient, path: str) -> None:
    for attempt in ("fresh", "cached"):  # the second answer comes from the response cache
        answer = client.get(path)
        assert answer.status_code == 200, attempt
        policy = answer.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "script-src 'none'" in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"


def test_api_answers_are_not_sniffed_or_framed_either(client: TestClient) -> None:
    answer = client.get("/api/v1/plans")
    assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" not in answer.headers  # JSON is not rendered


def test_the_api_docs_run_their_own_inline_script_and_nothing_from_elsewhere(client: TestClient) -> None:
    policy = client.get("/docs").headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no other origin
