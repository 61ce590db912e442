"""DrawStore on SQLite and (with LOTTO_TEST_DATABASE_URL) PostgreSQL."""

import json

import sqlalchemy as sa

from lotto_models.core.draws import Draw
from lotto_models.storage import schema
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.workspace import Workspace


def test_seed_fills_an_empty_store_once(workspace: Workspace, history: list[Draw]) -> None:
    assert workspace.draws.seed(history, "bundled-history") == len(history)
    assert workspace.draws.seed(history, "bundled-history") == 0
    assert workspace.draws.count() == 3700
    assert workspace.draws.last_draw() == history[-1]
    frame = workspace.draws.frame()
    assert frame["concurso"].tolist() == list(range(1, 3701))


def test_inserts_are_idempotent_and_keep_the_raw_payload_without_nul(workspace: Workspace, history) -> None:
    workspace.draws.seed(history[:-1], "bundled-history")
    payload = {"numero": history[-1].concurso, "nomeTimeCoracaoMesSorte": "\x00" * 17}
    first = workspace.draws.add([IncomingDraw(history[-1], "caixa", payload)])
    again = workspace.draws.add([IncomingDraw(history[-1], "caixa", payload)])
    assert first.new == [3700] and again.new == [] and again.identical == [3700]
    with workspace.engine.connect() as connection:
        stored = connection.execute(sa.select(schema.raw_payloads.c.payload)).scalars().all()
    assert len(stored) == 1 and json.loads(stored[0])["nomeTimeCoracaoMesSorte"] == ""


def test_a_stored_concurso_with_other_numbers_is_quarantined_never_overwritten(workspace: Workspace, history) -> None:
    workspace.draws.seed(history, "bundled-history")
    original = history[-1]
    tampered = Draw.checked(original.concurso, original.date, range(1, 16))
    result = workspace.draws.add([IncomingDraw(tampered, "caixa", {"numero": original.concurso})])
    assert result.new == [] and len(result.conflicts) == 1
    assert "is stored as" in result.conflicts[0].reason
    assert workspace.draws.last_draw() == original
    assert workspace.draws.quarantine_count() == 1
