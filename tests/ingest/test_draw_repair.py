"""A wrong stored draw is repaired by an operator through `lotto repair-draw`, audited (issue 30): a 3701 dated
2099, stored by a bad import of the past, held back every later draw ("date before the previous draw") and
`quarantine --accept` of the real one was refused, since a stored draw is never overwritten by ingestion."""

from __future__ import annotations

import datetime as dt
import getpass

import pytest
import sqlalchemy as sa

from deployments.cli import main as lotto
from deployments.loopback.caixa_server import CaixaTestServer, official_payload
from deployments.loopback.synthetic_draws import synthetic_draws
from lotto_models.core.draws import Draw, DrawExtras, hits
from lotto_models.core.games import DUPLASENA
from lotto_models.ingest.quarantine import list_entries, show_entry
from lotto_models.ingest.service import fetch_new_draws, store_validated_draws, validate_fetched
from lotto_models.modeling.feature_sets import FeatureSet
from lotto_models.modeling.features import FeatureParams, fingerprint
from lotto_models.reporting.read_model import ReadModel
from lotto_models.storage import schema
from lotto_models.storage.draw_store import IncomingDraw
from lotto_models.storage.quarantine_store import QuarantineStatus
from lotto_models.workspace import Workspace, close_workspaces, open_workspace
from tests.conftest import use_lotto_env
from tests.ingest.game_stores import real_draws
from tests.shared_data import needs_shared_data

WRONG_NUMBERS = (2, 3, 5, 6, 8, 9, 11, 13, 15, 17, 19, 20, 22, 24, 25)


def next_fetch(ws: Workspace):
    """What the after-draw flow does with the source: fetch what is missing, validate it, store it."""
    fetched = fetch_new_draws(ws)
    return store_validated_draws(ws, fetched, validate_fetched(ws, fetched))


def publish_guess(ws: Workspace, concurso: int, numbers: list[int]) -> None:
    build = ws.predictions.record_ensemble("free", {"stat": "stat/v1"}, {"stat": 1.0}, False, None)
    assert ws.predictions.publish("free", concurso, numbers, {"stat": "stat/v1"}, build)


def repair(*args: str) -> int:
    return lotto(["repair-draw", *args])


@pytest.fixture
def wedged(seeded_env, caixa_server: CaixaTestServer, history: list[Draw]) -> tuple[Workspace, Draw, Draw, Draw]:
    """The store of issue 30: a wrong 3701 dated 2099 (stored by a bad import before the suite refused future
    dates), a guess for 3701 scored against it, and the real 3702 quarantined behind it by the next fetch."""
    real_3701, real_3702 = synthetic_draws(history[-1], 2)
    caixa_server.add_draws([real_3701, real_3702])
    ws = open_workspace()
    wrong = Draw(3701, dt.date(2099, 1, 1), WRONG_NUMBERS)
    assert ws.draws.add([IncomingDraw(wrong, "import:old.csv", None)]).new == [3701]
    publish_guess(ws, 3701, list(real_3701.numbers))
    assert [s.hits for s in ws.predictions.score_pending(ws.draws)] == [hits(real_3701.numbers, wrong)]

    summary = next_fetch(ws)
    assert summary.stored == [] and 3702 in summary.quarantined  # wedged: every later draw is held back
    assert any("date not before the previous draw" in note for note in summary.notes)
    return ws, wrong, real_3701, real_3702


def test_a_future_dated_draw_is_repaired_from_the_quarantine_and_ingestion_goes_on(
    wedged, caixa_server: CaixaTestServer, capsys
) -> None:
    ws, wrong, real_3701, real_3702 = wedged
    # the real 3701 comes back (a backfill, a mirror) and is held as a conflict with the stored one
    ws.draws.add([IncomingDraw(real_3701, "caixa", official_payload(real_3701))])
    [conflict] = [e for e in list_entries(ws) if e.concurso == 3701]
    assert show_entry(ws, conflict.id).conflicts_with_stored
    assert lotto(["quarantine", "--accept", str(conflict.id), "--note", "the real one"]) == 1  # never overwritten
    features = FeatureParams.of(ws.settings)
    before = {fs: fingerprint(ws.draws.frame(), fs, features) for fs in FeatureSet}
    token = ReadModel(ws.settings).change_token()
    capsys.readouterr()

    assert repair("3701", "--from-quarantine", str(conflict.id), "--note", "2099 was a typo in an old import") == 0

    out = capsys.readouterr().out
    assert out.startswith(f"concurso 3701 repaired by {getpass.getuser()} (from quarantine entry {conflict.id}): ")
    assert "2099-01-01 02 03 05" in out and "1 guess(es) scored again" in out
    assert ws.draws.get_many([3701])[3701] == real_3701
    [audit] = ws.draws.repairs(3701)
    assert (audit.old, audit.new, audit.old_source) == (wrong, real_3701, "import:old.csv")
    assert audit.new_source == f"repair:quarantine:{conflict.id}"
    assert audit.audit.repaired_by == getpass.getuser() and audit.audit.note == "2099 was a typo in an old import"
    assert (audit.audit.quarantine_id, audit.audit.rescored_predictions) == (conflict.id, 1)
    assert audit.repaired_at is not None
    entry = show_entry(ws, conflict.id).entry
    assert entry.status is QuarantineStatus.ACCEPTED and "2099 was a typo" in (entry.decision_note or "")
    with ws.engine.connect() as connection:
        [score] = connection.execute(sa.select(schema.prediction_scores)).all()
        payloads = connection.execute(
            sa.select(schema.raw_payloads.c.source).where(schema.raw_payloads.c.concurso == 3701)
        ).all()
    assert score.hits == 15  # the guess was the real draw: scored again against it
    assert [p.source for p in payloads] == [f"repair:quarantine:{conflict.id}"]
    after = {fs: fingerprint(ws.draws.frame(), fs, features) for fs in FeatureSet}
    assert all(after[fs] != before[fs] for fs in FeatureSet)  # every cached dataset is rebuilt, every model stale
    assert ReadModel(ws.settings).change_token() != token  # the web service's cached answers are built again

    summary = next_fetch(ws)  # the real 3702 follows the repaired 3701
    assert summary.stored == [3702] and ws.draws.get_many([3702])[3702] == real_3702


def test_a_repair_needs_a_note_and_a_valid_replacement_and_changes_nothing_otherwise(wedged, capsys) -> None:
    ws, wrong, real_3701, _ = wedged
    numbers = ",".join(map(str, real_3701.numbers))
    first_14 = ",".join(map(str, real_3701.numbers[:14]))
    with_26 = ",".join(map(str, [*real_3701.numbers[:14], 26]))
    cases = {
        "no note": (["--numbers", numbers, "--date", "2026-06-02"], "needs a note saying why (--note)"),
        "26": (["--numbers", with_26, "--date", "2026-06-02", "--note", "x"], '"numbers in 1..25"'),
        "14 numbers": (["--numbers", first_14, "--date", "2026-06-02", "--note", "x"], '"15 numbers per draw"'),
        "future": (["--numbers", numbers, "--date", "2098-12-31", "--note", "x"], '"date not after tomorrow"'),
        "before 3700": (["--numbers", numbers, "--date", "2026-05-01", "--note", "x"], '"date not before the previous'),
        "the same": (
            [f"--numbers={','.join(map(str, wrong.numbers))}", "--date", "2099-01-01", "--note", "x"],
            "already",
        ),
    }
    for name, (args, says) in cases.items():
        capsys.readouterr()
        assert repair("3701", *args) == 1, name
        err = capsys.readouterr().err
        assert err.startswith("lotto repair-draw: ") and says in err and len(err.strip().splitlines()) == 1, (name, err)
    assert repair("3702", "--numbers", numbers, "--date", "2026-06-03", "--note", "x") == 1
    assert "concurso 3702 is not stored (the store holds 1..3701)" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # the draw given twice, or not at all: usage errors
        repair("3701", "--from-quarantine", "1", "--numbers", numbers, "--date", "2026-06-02", "--note", "x")
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as usage:
        repair("3701", "--numbers", numbers, "--note", "x")
    assert usage.value.code == 2 and "--date YYYY-MM-DD" in capsys.readouterr().err
    assert ws.draws.get_many([3701])[3701] == wrong and ws.draws.repairs() == []


def test_a_repair_by_hand_is_judged_with_the_draw_after_it(seeded_env, history: list[Draw], capsys) -> None:
    """Repairing a draw in the middle: the replacement must follow the draw before it and be followed by the
    stored draw after it (3699 dated after 3700 is refused)."""
    ws = open_workspace()
    middle = history[-2]
    later = (history[-1].date + dt.timedelta(days=1)).isoformat()
    numbers = ",".join(map(str, WRONG_NUMBERS))
    assert repair(str(middle.concurso), "--numbers", numbers, "--date", later, "--note", "x") == 1
    err = capsys.readouterr().err
    assert "the stored draw after it would not follow it: concurso 3700" in err and '"date not before' in err
    assert (
        repair(str(middle.concurso), "--numbers", numbers, "--date", str(middle.date), "--note", "x", "--by", "ana")
        == 0
    )
    [audit] = ws.draws.repairs()
    assert (audit.old, audit.new.numbers, audit.audit.repaired_by) == (middle, WRONG_NUMBERS, "ana")
    assert audit.new_source == "repair" and audit.audit.quarantine_id is None


@needs_shared_data
def test_a_dupla_sena_draw_is_repaired_by_hand_with_its_second_draw(tmp_path, monkeypatch, capsys) -> None:
    real = real_draws(DUPLASENA)[:5]
    use_lotto_env(monkeypatch, tmp_path / "home", "http://127.0.0.1:9/unused", None)
    ws = open_workspace(game=DUPLASENA)
    wrong_second = tuple(n for n in range(1, 51) if n not in real[-1].extras.second_draw)[:6]
    wrong = Draw(real[-1].concurso, real[-1].date, real[-1].numbers, DrawExtras(second_draw=wrong_second))
    ws.draws.seed([*real[:-1], wrong], "test")
    given = ["--numbers", ",".join(map(str, real[-1].numbers)), "--date", real[-1].date.isoformat(), "--note", "x"]

    with pytest.raises(SystemExit) as usage:  # a second draw is part of a Dupla Sena draw: usage error
        repair(str(wrong.concurso), "--game", "duplasena", *given)
    assert usage.value.code == 2 and "a Dupla Sena draw needs --second-draw too" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        repair(str(wrong.concurso), "--game", "duplasena", *given, "--second-draw", "1,2,3,4,5,6", "--trevos", "1,2")
    assert usage.value.code == 2 and "Dupla Sena draws no trevos (--trevos)" in capsys.readouterr().err
    second = ",".join(map(str, real[-1].extras.second_draw))
    assert repair(str(wrong.concurso), "--game", "duplasena", *given, "--second-draw", second) == 0

    close_workspaces()
    assert open_workspace(game=DUPLASENA).draws.get_many([wrong.concurso])[wrong.concurso] == real[-1]
