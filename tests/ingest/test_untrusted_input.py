"""Input from outside cannot hurt: oversized answers and files are refused with the reason, spreadsheets are
read read-only after checking what they expand to, and random or mutated payloads and files either become
candidates judged by the suite or are refused with lotoflow's own error — never a crash."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deployments.loopback.caixa_server import TEMPLATE, CaixaTestServer, Fault
from lotto_models.core.errors import LotoflowError
from lotto_models.ingest import history_files
from lotto_models.ingest.history_files import HistoryFileTooLargeError, read_draw_file
from lotto_models.ingest.payloads import candidate_from_payload
from lotto_models.ingest.sources import MAX_ANSWER_BYTES, CaixaSource

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def test_an_answer_larger_than_the_cap_is_refused_with_the_reason(history) -> None:
    server = CaixaTestServer(history).start()
    try:
        server.inject("3700", Fault(body='{"numero": 3700, "pad": "' + "x" * (MAX_ANSWER_BYTES + 10) + '"}'))
        with httpx.Client() as client:
            source = CaixaSource("caixa", server.base_url, client, attempts=1, backoff_s=0)
            with pytest.raises(LotoflowError, match="refused.*KiB"):
                source.fetch(3700)
    finally:
        server.stop()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(TEMPLATE)), value=JSON_VALUES)
def test_a_mutated_payload_is_a_candidate_or_refused_with_our_error(field: str, value: object) -> None:
    payload = copy.deepcopy(TEMPLATE)
    payload[field] = value
    try:
        candidate = candidate_from_payload(payload, TEMPLATE["numero"])
    except LotoflowError:
        return
    assert candidate.concurso == TEMPLATE["numero"]
    if field not in {"listaDezenas", "dezenasSorteadasOrdemSorteio"}:  # the numbers are read as given
        assert sorted(candidate.numbers) == sorted(int(n) for n in TEMPLATE["listaDezenas"])


@settings(max_examples=100, deadline=None)
@given(payload=JSON_VALUES)
def test_any_json_value_as_a_payload_is_a_candidate_or_refused_with_our_error(payload: object) -> None:
    try:
        candidate = candidate_from_payload(payload, 3480)
    except LotoflowError:
        return
    assert candidate.concurso == 3480  # nothing else is ever taken for the concurso asked for


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_any_csv_content_is_read_as_rows_or_refused_with_our_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "history.csv"
    path.write_bytes(content)
    try:
        rows = read_draw_file(path)
    except LotoflowError:
        return
    except (ValueError, UnicodeDecodeError) as error:  # pandas' own words for an unreadable CSV
        pytest.fail(f"a CSV was refused without lotoflow's error: {type(error).__name__}: {error}")
    assert all(row.line >= 2 for row in rows)


def test_a_file_beyond_the_size_cap_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(history_files, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text("concurso,data," + ",".join(f"d{i}" for i in range(1, 16)) + "\n" + "1,2003-09-29\n" * 200)
    with pytest.raises(HistoryFileTooLargeError, match="big.csv: .* bytes"):
        read_draw_file(path)


def test_a_spreadsheet_that_expands_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (history_files.MAX_SPREADSHEET_EXPANDED_BYTES + 1))
    assert path.stat().st_size < history_files.MAX_FILE_BYTES  # small on disk, huge once expanded
    with pytest.raises(HistoryFileTooLargeError, match="expands to"):
        read_draw_file(path)


def test_a_spreadsheet_is_opened_read_only(tmp_path: Path, monkeypatch, history) -> None:
    import openpyxl

    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(k) or real(*a, **k))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["concurso", "data", *[f"d{i}" for i in range(1, 16)]])
    sheet.append([history[0].concurso, history[0].date.isoformat(), *history[0].numbers])
    book.save(tmp_path / "one.xlsx")
    [row] = read_draw_file(tmp_path / "one.xlsx")
    assert row.candidate is not None and row.candidate.concurso == 1
    assert opened == [{"read_only": True, "data_only": True}]
