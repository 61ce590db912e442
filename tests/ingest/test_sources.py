"""The source client against the loopback CAIXA server."""

import httpx
import pytest

from deployments.loopback.caixa_server import CaixaTestServer, Fault, numbers_edit
from deployments.loopback.synthetic_draws import synthetic_draws
from lotto_models.core.settings import Settings
from lotto_models.ingest.fetch_reports import StaleLatest
from lotto_models.ingest.sources import CaixaSource, fetch_missing_draws, http_client, sources_from_settings


def make_sources(*base_urls: str) -> list[CaixaSource]:
    settings = Settings(
        caixa_base_url=base_urls[0],
        mirror_urls=list(base_urls[1:]),
        http_backoff_s=0.01,
        http_read_timeout_s=1.0,
    )
    return sources_from_settings(settings, http_client(settings))


def test_every_missing_concurso_is_fetched_by_number_in_order(caixa_server: CaixaTestServer, history) -> None:
    new = synthetic_draws(history[-1], 5)
    caixa_server.add_draws(new)
    report = fetch_missing_draws(make_sources(caixa_server.base_url), history[-1].concurso)
    assert [f.candidate.as_draw() for f in report.fetched] == new
    assert report.latest == new[-1].concurso
    by_number = [p for p in caixa_server.requests if p.rstrip("/").split("/")[-1].isdigit()]
    assert [int(p.split("/")[-1]) for p in by_number] == [d.concurso for d in new[:-1]]
    assert all("\x00" not in str(f.payload) for f in report.fetched)


def test_a_403_then_200_is_retried(caixa_server: CaixaTestServer, history) -> None:
    caixa_server.inject("latest", Fault(status=403, body="<html>blocked</html>", content_type="text/html"))
    report = fetch_missing_draws(make_sources(caixa_server.base_url), history[-2].concurso)
    assert [f.candidate.concurso for f in report.fetched] == [history[-1].concurso]
    assert caixa_server.request_count("latest") == 2


def test_an_html_page_with_status_200_is_retried_not_parsed(caixa_server: CaixaTestServer, history) -> None:
    caixa_server.inject("latest", Fault(body="<html>Manutenção</html>", content_type="text/html"))
    report = fetch_missing_draws(make_sources(caixa_server.base_url), history[-2].concurso)
    assert caixa_server.request_count("latest") == 2  # the HTML page, then the real answer
    assert [f.candidate.as_draw() for f in report.fetched] == [history[-1]] and report.rejected == []


def test_a_primary_failing_500_hands_over_to_the_mirror(history) -> None:
    primary = CaixaTestServer(history).start()
    mirror = CaixaTestServer(history).start()
    try:
        new = synthetic_draws(history[-1], 2)
        primary.add_draws(new)
        mirror.add_draws(new)
        primary.inject("latest", *[Fault(status=500, body="oops") for _ in range(3)])
        report = fetch_missing_draws(make_sources(primary.base_url, mirror.base_url), history[-1].concurso)
        assert [f.candidate.as_draw() for f in report.fetched] == new
        assert "caixa" in report.unreachable and "HTTP 500" in report.unreachable["caixa"]
        assert {f.source for f in report.fetched} == {"mirror1"}
    finally:
        primary.stop()
        mirror.stop()


def test_unreachable_source_is_reported_not_raised() -> None:
    report = fetch_missing_draws(make_sources("http://127.0.0.1:9/portaldeloterias/api"), 3700)
    assert not report.source_reached
    assert "caixa" in report.unreachable and "ConnectError" in report.unreachable["caixa"]


def test_a_payload_that_is_not_a_draw_is_rejected_and_fetching_stops_there(
    caixa_server: CaixaTestServer, history
) -> None:
    new = synthetic_draws(history[-1], 3)
    caixa_server.add_draws(new)
    caixa_server.inject(str(new[0].concurso), Fault(payload_edit={"tipoJogo": "QUINA"}))
    report = fetch_missing_draws(make_sources(caixa_server.base_url), history[-1].concurso)
    assert report.fetched == []
    assert [r.concurso for r in report.rejected] == [new[0].concurso]
    assert "tipoJogo is 'QUINA', expected 'LOTOFACIL'" in report.rejected[0].reason
    assert report.incomplete_reason and str(new[0].concurso) in report.incomplete_reason
    assert caixa_server.request_count(str(new[1].concurso)) == 0


def test_a_draw_of_14_numbers_is_returned_for_the_suite_to_judge(caixa_server: CaixaTestServer, history) -> None:
    new = synthetic_draws(history[-1], 2)
    caixa_server.add_draws(new)
    caixa_server.inject(str(new[0].concurso), Fault(payload_edit=numbers_edit(list(range(1, 15)))))
    report = fetch_missing_draws(make_sources(caixa_server.base_url), history[-1].concurso)
    assert report.rejected == [] and caixa_server.request_count(str(new[0].concurso)) == 1  # not retried
    assert [f.candidate.numbers for f in report.fetched] == [tuple(range(1, 15)), new[1].numbers]


def test_a_latest_answer_for_a_stored_concurso_is_kept_for_comparison(caixa_server: CaixaTestServer, history) -> None:
    caixa_server.inject("latest", Fault(payload_edit=numbers_edit(list(range(11, 26)))))
    report = fetch_missing_draws(make_sources(caixa_server.base_url), history[-1].concurso)
    assert report.fetched == [] and report.stale is None
    assert report.latest_already_stored is not None
    assert report.latest_already_stored.candidate.numbers == tuple(range(11, 26))


def test_a_latest_answer_older_than_the_stored_history_is_reported_stale(
    caixa_server: CaixaTestServer, history
) -> None:
    caixa_server.inject("latest", Fault(concurso=3650))
    report = fetch_missing_draws(make_sources(caixa_server.base_url), history[-1].concurso)
    assert report.stale == StaleLatest("caixa", 3650, 3700)
    assert report.latest == 3650 and report.fetched == []
    assert report.latest_already_stored is not None and report.latest_already_stored.candidate.concurso == 3650


def test_a_read_timeout_is_retried(caixa_server: CaixaTestServer, history) -> None:
    caixa_server.inject("latest", Fault(delay_s=1.5))
    source = CaixaSource("caixa", caixa_server.base_url, httpx.Client(timeout=0.5), attempts=2, backoff_s=0.01)
    assert source.latest().candidate.as_draw() == history[-1]
    assert caixa_server.request_count("latest") == 2


@pytest.mark.parametrize("status", [404, 400])
def test_answers_that_cannot_get_better_are_not_retried(caixa_server: CaixaTestServer, status: int) -> None:
    caixa_server.inject("latest", Fault(status=status, body="{}"))
    report = fetch_missing_draws(make_sources(caixa_server.base_url), 3700)
    assert f"HTTP {status}" in report.unreachable["caixa"]
    assert caixa_server.request_count("latest") == 1
