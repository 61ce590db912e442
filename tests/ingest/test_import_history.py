"""The import-history flow: our CSV layout and the official spreadsheet layout, good rows and bad."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.client.schemas.sorting import ArtifactSort

from deployments.cli import main as lotto
from deployments.loopback.synthetic_draws import synthetic_draws
from flows.import_history import import_history
from lotto_models.core.draws import Draw
from lotto_models.ingest.quarantine import accept_entry, discard_entry
from lotto_models.ingest.validation import (
    CONCURSO_FOLLOWS,
    CONCURSO_UNIQUE,
    DATE_IN_ORDER,
    DATE_NOT_FUTURE,
    FIFTEEN_NUMBERS,
    NUMBERS_DISTINCT,
    NUMBERS_IN_RANGE,
    REJECTING_RULES,
)
from lotto_models.storage import schema
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.workspace import open_workspace
from tests.conftest import matrix

pytestmark = pytest.mark.slow  # each import is a flow run on the session's Prefect API: the fast subset starts none


@pytest.fixture(autouse=True)
def _env(prefect_api, seeded_env) -> None:
    pass


def ours(draw: Draw) -> dict:
    return {
        "concurso": draw.concurso,
        "data": draw.date.isoformat(),
        **{f"d{i + 1}": n for i, n in enumerate(draw.numbers)},
    }


def official(draw: Draw) -> dict:
    return {
        "Concurso": draw.concurso,
        "Data Sorteio": draw.date.strftime("%d/%m/%Y"),
        **{f"Bola{i + 1}": n for i, n in enumerate(draw.numbers)},
        "Ganhadores 15 acertos": 3,
        "Cidade / UF": "SÃO PAULO/SP",
    }


def quarantined() -> list[sa.Row]:
    with open_workspace().engine.connect() as connection:
        return connection.execute(sa.select(schema.quarantine).order_by(schema.quarantine.c.id)).all()


def test_a_file_with_good_duplicate_conflicting_and_invalid_rows(tmp_path: Path, history: list[Draw]) -> None:
    new = synthetic_draws(history[-1], 2)
    stored, other = history[-1], history[-2]
    rows = [
        ours(new[0]),
        ours(stored),  # identical to the stored draw
        {**ours(other), "d15": min(set(range(1, 26)) - set(other.numbers))},  # conflicts with the stored draw
        {**ours(new[1]), "d1": 26},  # invalid: 26
        ours(new[0]),  # repeated in the file, identical
        {**ours(new[1]), "data": "yesterday"},  # invalid date
    ]
    path = tmp_path / "mixed.csv"
    pd.DataFrame(rows).to_csv(path, index=False)

    state = import_history(str(path), return_state=True)

    assert state.is_completed()
    assert state.message == (
        "1 new, 2 identical, 1 conflicting, 2 invalid, 0 held back; 3 row(s) quarantined "
        "(`lotto quarantine` lists them)"
    )
    ws = open_workspace()
    assert ws.draws.last_draw() == new[0]
    assert ws.draws.get_many([other.concurso])[other.concurso] == other
    reasons = [row.reason for row in quarantined()]
    assert any(f'line 5: concurso 3702 failed the validation suite: "{NUMBERS_IN_RANGE}"' in r for r in reasons)
    assert any("line 7: concurso 3702: date 'yesterday'" in r for r in reasons)
    assert any(f"concurso {other.concurso} is stored as" in r for r in reasons)
    with get_client(sync_client=True) as client:
        [artifact] = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["history-import"])),
            limit=1,
            sort=ArtifactSort.CREATED_DESC,
        )
    assert "1 new, 2 identical, 1 conflicting, 2 invalid" in artifact.data


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_official_spreadsheet_layout_is_read(tmp_path: Path, history: list[Draw], suffix: str) -> None:
    new = synthetic_draws(history[-1], 3)
    frame = pd.DataFrame([official(d) for d in history[-5:] + new])
    path = tmp_path / f"Lotofacil{suffix}"
    if suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, sep=";")
    assert lotto(["import-history", str(path)]) == 0
    ws = open_workspace()
    assert ws.draws.last_draw() == new[-1]
    assert quarantined() == []


# Numbers usual in every way after concurso 3700 but for the one rule each case breaks.
USUAL = [1, 2, 4, 5, 7, 9, 10, 12, 14, 16, 18, 20, 21, 23, 25]
OTHER = [2, 3, 4, 6, 7, 9, 11, 12, 15, 16, 17, 19, 21, 22, 24]


def row(concurso: int, date: str, numbers: list) -> dict:
    return {"concurso": concurso, "data": date, **{f"d{i + 1}": n for i, n in enumerate(numbers)}}


BROKEN_RULES = {
    "blank-d15": (FIFTEEN_NUMBERS, [row(3701, "2026-06-02", [*USUAL[:14], ""])], "found 14"),
    "number-26": (NUMBERS_IN_RANGE, [row(3701, "2026-06-02", [*USUAL[:14], 26])], "found 26"),
    "number-minus-1": (NUMBERS_IN_RANGE, [row(3701, "2026-06-02", [-1, *USUAL[1:]])], "found -1"),
    "repeated-number": (NUMBERS_DISTINCT, [row(3701, "2026-06-02", [1, 1, *USUAL[2:]])], "found 1"),
    "same-concurso-twice": (
        CONCURSO_UNIQUE,
        [row(3701, "2026-06-02", USUAL), row(3701, "2026-06-02", OTHER)],
        "found 3701",
    ),
    "gap": (CONCURSO_FOLLOWS, [row(3702, "2026-06-02", USUAL)], "found 2"),
    "date-before-previous": (DATE_IN_ORDER, [row(3701, "2026-05-30", USUAL)], "found -2"),
    "date-in-the-future": (DATE_NOT_FUTURE, [row(3701, "2099-01-01", USUAL)], "days_after_today: expected 1 or"),
}


@pytest.mark.parametrize(("rule", "file_rows", "detail"), matrix(BROKEN_RULES))
def test_a_row_breaking_one_rule_is_quarantined_naming_its_expectation(
    tmp_path: Path, rule: str, file_rows: list[dict], detail: str
) -> None:
    path = tmp_path / "broken.csv"
    pd.DataFrame(file_rows).to_csv(path, index=False)
    state = import_history(str(path), return_state=True)
    assert state.is_completed() and f"0 new, 0 identical, 0 conflicting, {len(file_rows)} invalid" in state.message
    assert open_workspace().draws.last_concurso() == 3700
    reasons = [r.reason for r in quarantined()]
    assert len(reasons) == len(file_rows)
    for line, reason in enumerate(reasons, start=2):
        assert reason.startswith(f"line {line}: concurso {file_rows[line - 2]['concurso']} failed the validation suite")
        assert [name for name in REJECTING_RULES if f'"{name}"' in reason] == [rule]
        assert detail in reason


def test_an_import_that_would_leave_a_gap_stores_nothing_after_it(tmp_path: Path, history: list[Draw]) -> None:
    later = synthetic_draws(history[-1], 3)[1:]  # 3702 and 3703, without 3701
    path = tmp_path / "gap.csv"
    pd.DataFrame([ours(d) for d in later]).to_csv(path, index=False)
    state = import_history(str(path), return_state=True)
    assert state.is_completed()
    assert state.message.startswith("0 new, 0 identical, 0 conflicting, 1 invalid, 1 held back")
    assert open_workspace().draws.last_concurso() == 3700
    [gap, behind] = [r.reason for r in quarantined()]
    assert gap.startswith(f'line 2: concurso 3702 failed the validation suite: "{CONCURSO_FOLLOWS}"')
    assert behind.startswith("line 3: concurso 3703 held back behind the rejected concurso 3702")


def test_an_import_accounts_for_every_row_in_its_counts_its_log_and_the_quarantine(
    tmp_path: Path, history: list[Draw]
) -> None:
    """An invalid 3701 holds back a valid 3702: both are in the quarantine with their reasons, the counts
    printed, logged and shown agree, and the held-back row is stored once 3701 is."""
    good = synthetic_draws(history[-1], 2)
    path = tmp_path / "two.csv"
    pd.DataFrame([{**ours(good[0]), "d15": 26}, ours(good[1])]).to_csv(path, index=False)

    state = import_history(str(path), return_state=True)

    report = state.result()
    assert report.counts() == {"new": 0, "identical": 0, "conflicting": 0, "invalid": 1, "held back": 1}
    assert state.message == report.summary()
    assert report.summary() == (
        "0 new, 0 identical, 0 conflicting, 1 invalid, 1 held back; 2 row(s) quarantined "
        "(`lotto quarantine` lists them)"
    )
    entries = open_workspace().quarantine.entries()
    assert [(e.concurso, e.source) for e in entries] == [(3701, "import:two.csv"), (3702, "import:two.csv")]
    assert f'"{NUMBERS_IN_RANGE}"' in entries[0].reason
    assert entries[1].reason.startswith("line 3: concurso 3702 held back behind the rejected concurso 3701")
    with open_workspace().engine.connect() as connection:
        logged = connection.execute(sa.select(schema.ingest_runs).order_by(schema.ingest_runs.c.id.desc())).first()
    assert (logged.source, logged.new_draws, logged.quarantined) == ("import:two.csv", 0, 2)
    assert logged.note == report.summary()
    assert report.text().splitlines()[1:] == [f"- invalid: {entries[0].reason}", f"- held back: {entries[1].reason}"]

    ws = open_workspace()
    discard_entry(ws, entries[0].id, "26 is a typo for 25", "ana")
    ws.draws.add([IncomingDraw(good[0], "import:fixed.csv", None)])
    accept_entry(ws, entries[1].id, "3701 is stored now", "ana")
    assert ws.draws.last_draw() == good[1] and ws.draws.quarantine_count() == 0


def test_a_file_of_unknown_layout_fails_the_run_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b,c\n1,2,3\n")
    state = import_history(str(path), return_state=True)
    assert state.is_failed() and "other.csv: its columns (a, b, c) are neither lotoflow's" in state.message
