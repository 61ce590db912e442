"""The quarantine an operator works with: list, show, accept after validation, discard; nothing deleted."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from deployments.cli import main as lotto
from deployments.loopback.caixa_server import official_payload
from deployments.loopback.synthetic_draws import synthetic_draws
from lotto_models.core.draws import Draw
from lotto_models.ingest.candidates import DrawCandidate
from lotto_models.ingest.quarantine import (
    QuarantineError,
    QuarantineStatus,
    accept_entry,
    discard_entry,
    list_entries,
    show_entry,
)
from lotto_models.ingest.validation import validate_batch
from lotto_models.storage import schema
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.workspace import Workspace


@pytest.fixture
def store(workspace: Workspace, history: list[Draw]) -> Workspace:
    workspace.draws.seed(history, "bundled-history")
    return workspace


@pytest.fixture
def cli_env(store: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """`lotto` in this process reads the same store as the fixture."""
    monkeypatch.setenv("LOTTO_HOME", str(store.settings.home))
    if store.settings.database_url:
        monkeypatch.setenv("LOTTO_DATABASE_URL", store.settings.database_url.get_secret_value())
    else:
        monkeypatch.delenv("LOTTO_DATABASE_URL", raising=False)
    return store


def conflict_entry(ws: Workspace, history: list[Draw]) -> int:
    original = history[-1]
    tampered = Draw.checked(original.concurso, original.date, range(1, 16))
    ws.draws.add([IncomingDraw(tampered, "caixa", official_payload(tampered))])
    [entry] = list_entries(ws)
    return entry.id


def out_of_sequence_entry(ws: Workspace, history: list[Draw]) -> tuple[int, Draw, Draw]:
    """3702 arrives while 3701 is missing: rejected by ingestion's validation, held."""
    first, second = synthetic_draws(history[-1], 2)
    report = validate_batch([DrawCandidate.of(second)], ws.draws.last_before(second.concurso))
    reason = "; ".join(rejection.reason for rejection in report.rejected)
    ws.draws.quarantine(second.concurso, "caixa", json.dumps(official_payload(second)), reason)
    [entry] = list_entries(ws)
    return entry.id, first, second


def test_the_same_payload_rejected_again_is_counted_on_its_entry(store: Workspace, history) -> None:
    entry_id, _, second = out_of_sequence_entry(store, history)
    store.draws.quarantine(
        second.concurso, "caixa", json.dumps(official_payload(second)), list_entries(store)[0].reason
    )
    [entry] = list_entries(store)
    assert entry.id == entry_id and entry.times_seen == 2 and entry.last_seen >= entry.first_seen
    assert entry.concurso == 3702 and entry.source == "caixa" and "concurso follows the previous one" in entry.reason
    assert store.draws.quarantine_count() == 1


def test_a_conflict_shows_the_stored_draw_and_can_never_be_accepted(store: Workspace, history) -> None:
    entry_id = conflict_entry(store, history)
    detail = show_entry(store, entry_id)
    assert detail.conflicts_with_stored and detail.stored_draw == history[-1]
    assert detail.held_draw.numbers == tuple(range(1, 16))
    with pytest.raises(QuarantineError, match="never overwritten"):
        accept_entry(store, entry_id, "looks right to me", "ana")
    assert store.draws.last_draw() == history[-1]
    assert show_entry(store, entry_id).entry.status is QuarantineStatus.HELD


def test_discard_records_who_when_and_why_and_deletes_nothing(store: Workspace, history) -> None:
    entry_id = conflict_entry(store, history)
    with pytest.raises(QuarantineError, match="needs a note"):
        discard_entry(store, entry_id, " ", "ana")
    entry = discard_entry(store, entry_id, "CAIXA typo, corrected upstream", "ana")
    assert entry.status is QuarantineStatus.DISCARDED
    assert (entry.decided_by, entry.decision_note) == ("ana", "CAIXA typo, corrected upstream")
    assert entry.decided_at is not None
    assert list_entries(store) == [] and [e.id for e in list_entries(store, include_decided=True)] == [entry_id]
    with pytest.raises(QuarantineError, match="discarded already, by ana"):
        accept_entry(store, entry_id, "", "bob")
    assert store.draws.quarantine_count() == 0


def test_accept_stores_the_draw_only_once_it_passes_validation_again(store: Workspace, history) -> None:
    entry_id, first, second = out_of_sequence_entry(store, history)
    with pytest.raises(QuarantineError, match='still fails validation: .*"concurso follows the previous one"'):
        accept_entry(store, entry_id, "the gap is gone", "ana")
    assert store.draws.last_concurso() == 3700
    store.draws.add([IncomingDraw(first, "caixa", official_payload(first))])  # the missing concurso arrives
    entry = accept_entry(store, entry_id, "3701 is in now", "ana")
    assert entry.status is QuarantineStatus.ACCEPTED and entry.decided_by == "ana"
    assert store.draws.get_many([3702])[3702] == second
    with store.engine.connect() as connection:
        [raw] = connection.execute(sa.select(schema.raw_payloads).where(schema.raw_payloads.c.concurso == 3702))
        notes = connection.execute(sa.select(schema.ingest_runs.c.note)).scalars().all()
    assert json.loads(raw.payload)["numero"] == 3702
    assert "accepted by ana: 3701 is in now" in notes
    with pytest.raises(QuarantineError, match="accepted already"):
        accept_entry(store, entry_id, "", "ana")


def test_a_payload_that_is_no_draw_or_breaks_a_rule_cannot_be_accepted(store: Workspace) -> None:
    store.draws.quarantine(3701, "mirror1", "<html>Em manutenção</html>", "body is not JSON")
    store.draws.quarantine(
        3701,
        "mirror1",
        '{"tipoJogo": "LOTOFACIL", "numero": 3701, "listaDezenas": ["01"], "dataApuracao": "02/06/2026"}',
        "bad",
    )
    unreadable, one_number = list_entries(store)
    assert show_entry(store, unreadable.id).unreadable_reason == "concurso 3701: the held payload is not JSON"
    with pytest.raises(QuarantineError, match="cannot be accepted: .*not JSON"):
        accept_entry(store, unreadable.id, "", "ana")
    assert show_entry(store, one_number.id).held_draw.numbers == (1,)  # read as given; the suite judges it
    with pytest.raises(QuarantineError, match='still fails validation: .*"15 numbers per draw"'):
        accept_entry(store, one_number.id, "", "ana")
    assert store.draws.last_concurso() == 3700  # nothing stored beyond the seeded history


def test_the_lotto_quarantine_command(cli_env: Workspace, history, capsys) -> None:
    conflict_id = conflict_entry(cli_env, history)
    assert lotto(["quarantine"]) == 0
    listing = capsys.readouterr().out
    assert "3700" in listing and "caixa" in listing and "is stored as" in listing and "1 entry held" in listing
    assert lotto(["quarantine", "show", str(conflict_id)]) == 0
    shown = capsys.readouterr().out
    assert '"tipoJogo": "LOTOFACIL"' in shown and "stored draw: concurso 3700" in shown and "CONFLICT" in shown
    assert lotto(["quarantine", "--accept", str(conflict_id)]) == 1
    assert "never overwritten" in capsys.readouterr().err
    assert lotto(["quarantine", "--discard", str(conflict_id), "--note", "typo upstream", "--by", "ana"]) == 0
    assert "discarded by ana" in capsys.readouterr().out
    assert lotto(["quarantine"]) == 0 and "0 entries held" in capsys.readouterr().out
    assert lotto(["quarantine", "--all"]) == 0 and "discarded" in capsys.readouterr().out


def test_the_quarantine_flow_decides_like_the_command(prefect_api, lotto_env, history) -> None:
    from flows.quarantine import quarantine
    from lotto_models.workspace import open_workspace

    ws = open_workspace()
    ws.draws.seed(history, "bundled-history")
    entry_id = conflict_entry(ws, history)
    assert quarantine() == "1 quarantine entry"
    state = quarantine(action="accept", entry_id=entry_id, note="please", return_state=True)
    assert state.is_failed() and "never overwritten" in state.message
    shown = quarantine(action="discard", entry_id=entry_id, note="typo upstream")
    assert "discarded by prefect flow run " in shown and "typo upstream" in shown
    assert show_entry(ws, entry_id).entry.status is QuarantineStatus.DISCARDED
