"""A hostile upstream cannot exhaust the machine, hold a run forever or stop ingestion: every answer that is
not a draw is that source's fault, and the next source (a mirror) is asked. Each case against a real
loopback server (`deployments.loopback.caixa_server`)."""

from __future__ import annotations

import datetime as dt
import gzip
import time
import tracemalloc

import httpx
import pytest

from deployments.loopback.caixa_server import CaixaTestServer, Fault
from deployments.loopback.synthetic_draws import synthetic_draws
from lotto_models.core.errors import SourceError
from lotto_models.ingest.service import new_draws_allowed
from lotto_models.ingest.sources import BROWSER_HEADERS, CaixaSource, FetchBudget, fetch_missing_draws

INFLATED = 64 * 1024 * 1024  # a bomb of zeros; the real ones (4 GiB) only take longer to build


@pytest.fixture
def servers(history):
    """The official API and a mirror, both holding two draws after the bundled history."""
    new = synthetic_draws(history[-1], 2)
    official, mirror = CaixaTestServer(history + new).start(), CaixaTestServer(history + new).start()
    yield official, mirror
    official.stop()
    mirror.stop()


def sources(official, mirror, client, deadline_s: float = 30.0, budget_s: float = 60.0) -> list[CaixaSource]:
    budget = FetchBudget.of(budget_s)
    return [
        CaixaSource(
            name, server.base_url, client, attempts=2, backoff_s=0, request_deadline_s=deadline_s, budget=budget
        )
        for name, server in (("caixa", official), ("mirror1", mirror))
    ]


def client() -> httpx.Client:
    return httpx.Client(headers=BROWSER_HEADERS, timeout=httpx.Timeout(2.0), follow_redirects=True)


def test_a_gzip_bomb_is_refused_without_inflating_it(servers) -> None:
    official, _ = servers
    bomb = gzip.compress(b"\0" * INFLATED, compresslevel=9)
    assert len(bomb) < 100_000
    official.inject("3701", Fault(raw=bomb, headers={"Content-Encoding": "gzip"}))
    official.inject("3702", Fault(raw=gzip.compress(bomb), headers={"Content-Encoding": "gzip, gzip"}))
    with client() as http:
        source = CaixaSource("caixa", official.base_url, http, attempts=1, backoff_s=0)
        tracemalloc.start()
        try:
            with pytest.raises(SourceError, match="larger than allowed once decompressed"):
                source.fetch(3701)
            with pytest.raises(SourceError, match="stacked content encodings gzip, gzip refused"):
                source.fetch(3702)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 5 * 1024 * 1024  # a few chunks and the 256 KiB cap, never the 64 MiB


def test_a_gzipped_answer_within_the_cap_is_read(servers, history) -> None:
    official, _ = servers
    import json

    from deployments.loopback.caixa_server import official_payload

    body = gzip.compress(json.dumps(official_payload(history[-1])).encode())
    official.inject("3700", Fault(raw=body, headers={"Content-Encoding": "gzip"}))
    with client() as http:
        fetched = CaixaSource("caixa", official.base_url, http, attempts=1, backoff_s=0).fetch(3700)
    assert fetched.candidate.as_draw() == history[-1]


def test_a_trickled_answer_ends_at_its_deadline_and_the_mirror_serves(servers) -> None:
    official, mirror = servers
    official.inject("latest", Fault(trickle_s=0.05), Fault(trickle_s=0.05))  # 3 KB at 20 bytes a second
    started = time.monotonic()
    with client() as http:
        report = fetch_missing_draws(sources(official, mirror, http, deadline_s=1.0), 3700)
    assert time.monotonic() - started < 6  # two attempts of one second, then the mirror
    assert [f.candidate.concurso for f in report.fetched] == [3701, 3702]
    assert {f.source for f in report.fetched} == {"mirror1"}
    assert "still incomplete at its deadline" in report.unreachable["caixa"]


def test_the_runs_fetch_budget_ends_a_stuck_fetch_in_the_named_fallback(servers) -> None:
    official, mirror = servers
    for server in servers:
        server.inject("latest", *[Fault(trickle_s=0.05)] * 4)
    started = time.monotonic()
    with client() as http:
        report = fetch_missing_draws(sources(official, mirror, http, deadline_s=10.0, budget_s=2.0), 3700)
    assert time.monotonic() - started < 5
    assert not report.source_reached and report.fetched == []
    assert any("fetch budget of 2 s is spent" in problem for problem in report.unreachable.values())


NOT_A_RESULT = {
    "nested-10000-deep": ('{"a": ' + "[" * 10_000 + "]" * 10_000 + "}", "RecursionError"),
    "5000-digit-number": ('{"numero": 1' + "0" * 5000 + "}", "ValueError"),
}


@pytest.mark.parametrize(("body", "error"), NOT_A_RESULT.values(), ids=list(NOT_A_RESULT))
def test_an_answer_that_is_not_a_result_hands_over_to_the_mirror(servers, body: str, error: str) -> None:
    official, mirror = servers
    official.inject("latest", Fault(body=body))
    with client() as http:
        report = fetch_missing_draws(sources(official, mirror, http), 3700)
    assert [f.candidate.concurso for f in report.fetched] == [3701, 3702]
    assert report.fetched[-1].source == "mirror1"
    assert f"answer is not a result: {error}" in report.unreachable["caixa"]
    assert official.request_count("latest") == 1  # the same answer again would not be a result either


def test_a_redirect_loop_hands_over_to_the_mirror(servers) -> None:
    official, mirror = servers
    official.inject("latest", *[Fault(redirect_to_self=True)] * 25)
    with client() as http:
        report = fetch_missing_draws(sources(official, mirror, http), 3700)
    assert report.fetched[-1].source == "mirror1" and "TooManyRedirects" in report.unreachable["caixa"]


def test_a_concurso_beyond_any_real_one_is_rejected_before_the_store(servers) -> None:
    official, mirror = servers
    official.inject("latest", Fault(payload_edit={"numero": 10**20}))
    with client() as http:
        report = fetch_missing_draws(sources(official, mirror, http), 3700)
    [rejected] = report.rejected
    assert rejected.source == "caixa" and "numero 100000000000000000000 is not a concurso" in rejected.reason
    assert [f.candidate.concurso for f in report.fetched] == [3701, 3702]


def test_a_latest_claiming_the_future_is_fetched_no_further_than_the_cap(servers) -> None:
    official, mirror = servers
    official.inject("latest", Fault(concurso=3702, payload_edit={"numero": 99999}))
    with client() as http:
        report = fetch_missing_draws(sources(official, mirror, http)[:1], 3700, max_new=5)
    assert report.latest == 99999 and report.deferred_from == 3706
    assert [f.candidate.concurso for f in report.fetched] == [3701, 3702]  # 3703 does not exist (yet)
    asked = [int(p.rsplit("/", 1)[1]) for p in official.requests if p.rsplit("/", 1)[1].isdigit()]
    assert max(asked) <= 3705 and len(asked) <= 5 * 2
    assert "concursos 3706..99999 are for the next runs" in report.deferred_sentence


def test_the_draw_calendar_sizes_the_cap(workspace, history) -> None:
    workspace.draws.seed(history, "bundled-history")  # newest: concurso 3700 of Monday 2026-06-01
    # Tue 06-02 and Wed 06-03 are due, Thu 06-04 may already be published somewhere east: 3, plus 3 extra
    assert new_draws_allowed(workspace, dt.date(2026, 6, 3)) == 6
    assert new_draws_allowed(workspace, dt.date(2030, 1, 1)) == workspace.settings.max_new_draws_per_run
