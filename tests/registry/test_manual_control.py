"""Promotion, checksum restore, rollback and human review, on real stores with the `stat` model."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from deployments.cli import main as lotto
from lotto_models.core.failpoints import (
    ENVIRONMENT_VARIABLE,
    PROMOTION_BEFORE_SWAP,
    PROMOTION_MID_SWAP,
    FailpointError,
)
from lotto_models.modeling.stat_model import ARTIFACT
from lotto_models.registry.artifacts import directory_sha256
from lotto_models.registry.recovery import checked_champion
from lotto_models.registry.verdicts import Verdict
from lotto_models.registry.version_refs import VersionRefError, parse_version_ref
from lotto_models.registry.versions import CHAMPION, PREVIOUS
from lotto_models.training.challengers import promote_challenger, swap_champion
from lotto_models.training.review import ReviewError, apply_review, pending_challengers
from lotto_models.training.rollback import RollbackError, rollback_model
from lotto_models.workspace import Workspace
from tests.registry.stat_versions import new_stat_version


@pytest.fixture
def two_versions(workspace: Workspace, history):
    first, path = new_stat_version(workspace, history, 3690)
    assert promote_challenger(workspace, "stat", first.id, path).promote
    second, path = new_stat_version(workspace, history, 3700)
    return workspace, first, second, path


def test_promotion_records_the_reason_and_backs_up_both_versions(two_versions) -> None:
    ws, first, second, path = two_versions
    decision = promote_challenger(ws, "stat", second.id, path)
    assert decision.promote and decision.verdict is Verdict.NOT_WORSE
    assert "not worse than the champion beyond noise" in decision.reason
    assert ws.versions.alias("stat", CHAMPION).id == second.id
    assert ws.versions.alias("stat", PREVIOUS).id == first.id
    backups = sorted(p.name for p in (ws.settings.backups_dir / "stat").iterdir())
    assert backups == ["v1", "v2"]
    recorded = ws.versions.last_decision("stat")
    assert recorded.reason == decision.reason and recorded.verdict is Verdict.NOT_WORSE
    assert recorded.figures == decision.figures and recorded.figures.margin == ws.settings.promotion_margin_bce
    versus = recorded.figures.versus_champion
    assert versus.draws == recorded.figures.versus_baseline.draws > 1
    assert versus.low <= versus.mean_difference <= versus.high <= ws.settings.promotion_margin_bce


def test_both_versions_are_backed_up_before_the_swap_and_a_failure_there_keeps_the_old_champion(
    two_versions, monkeypatch
) -> None:
    ws, first, second, _ = two_versions
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, f"{PROMOTION_BEFORE_SWAP}=raise")
    with pytest.raises(FailpointError, match=PROMOTION_BEFORE_SWAP):
        swap_champion(ws, "stat", second, first)
    # The failpoint sits right before the alias swap: by then both backups are complete.
    for version in (first, second):
        backup = ws.settings.backups_dir / version.artifact_key
        assert backup.is_dir() and directory_sha256(backup) == version.sha256
    assert ws.versions.alias("stat", CHAMPION).id == first.id
    ws.artifacts.verify(ws.versions.alias("stat", CHAMPION))


def test_a_failure_inside_the_alias_swap_rolls_it_back_and_the_old_champion_serves(two_versions, monkeypatch) -> None:
    ws, first, second, _ = two_versions
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, f"{PROMOTION_MID_SWAP}=raise")
    with pytest.raises(FailpointError, match=PROMOTION_MID_SWAP):
        swap_champion(ws, "stat", second, first)
    assert ws.versions.alias("stat", CHAMPION).id == first.id  # the aliases' delete was rolled back
    assert ws.versions.alias("stat", PREVIOUS) is None
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    swap_champion(ws, "stat", second, first)
    assert ws.versions.alias("stat", CHAMPION).id == second.id
    assert ws.versions.alias("stat", PREVIOUS).id == first.id


def test_a_champion_failing_its_checksum_is_restored_from_its_backup(two_versions) -> None:
    ws, first, _, _ = two_versions
    (ws.artifacts.path(first) / ARTIFACT).write_text('{"weights": [0, 0, 0, 0]}')
    checked = checked_champion(ws.versions, ws.artifacts, "stat")
    champion, events = checked.version, [f.detail for f in checked.fallbacks]
    assert champion.id == first.id
    assert events == ["stat/v1 failed its checksum; restored from its backup"]
    ws.artifacts.verify(champion)


def test_without_its_own_backup_the_newest_good_backup_takes_over(two_versions) -> None:
    ws, first, second, path = two_versions
    promote_challenger(ws, "stat", second.id, path)
    (ws.artifacts.path(second) / ARTIFACT).unlink()
    shutil.rmtree(ws.settings.backups_dir / "stat" / "v2")
    checked = checked_champion(ws.versions, ws.artifacts, "stat")
    champion, events = checked.version, [f.detail for f in checked.fallbacks]
    assert champion.id == first.id and "rolled back to stat/v1" in events[0]
    assert ws.versions.alias("stat", CHAMPION).id == first.id
    assert ws.versions.last_decision("stat").decided_by == "rollback"


def test_rollback_to_previous_and_to_a_named_version(two_versions) -> None:
    ws, first, second, path = two_versions
    promote_challenger(ws, "stat", second.id, path)
    done = rollback_model(ws, "stat")
    assert (done.from_version, done.to_version) == ("stat/v2", "stat/v1")
    assert ws.versions.alias("stat", CHAMPION).id == first.id
    done = rollback_model(ws, "stat", 2)
    assert done.to_version == "stat/v2"
    with pytest.raises(RollbackError, match="stat/v2 is already the champion"):
        rollback_model(ws, "stat", 2)
    with pytest.raises(RollbackError, match="has no version v9"):
        rollback_model(ws, "stat", 9)


def test_the_rollback_command_names_what_it_did(two_versions, capsys, monkeypatch) -> None:
    ws, first, second, path = two_versions
    promote_challenger(ws, "stat", second.id, path)
    monkeypatch.setenv("LOTTO_HOME", str(ws.settings.home))
    if ws.settings.database_url:
        monkeypatch.setenv("LOTTO_DATABASE_URL", ws.settings.database_url.get_secret_value())
    assert lotto(["rollback", "stat"]) == 0
    assert "stat: champion stat/v2 -> stat/v1" in capsys.readouterr().out
    assert lotto(["rollback", "stat", "--to", "7"]) == 1
    assert "stat has no version v7" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["restored", "rolled-back"])
def test_predict_recompute_says_when_it_restored_or_rolled_back_a_damaged_champion_as_lotto_run_does(
    two_versions, capsys, monkeypatch, damage: str
) -> None:
    ws, first, second, path = two_versions
    if damage == "restored":  # the champion's file is damaged; its own backup is good
        (ws.artifacts.path(first) / ARTIFACT).write_text('{"weights": [0, 0, 0, 0]}')
        sentence = "Fallback: stat/v1 failed its checksum; restored from its backup"
    else:  # the champion's file and its backup are gone: the previous version takes over
        promote_challenger(ws, "stat", second.id, path)
        (ws.artifacts.path(second) / ARTIFACT).unlink()
        shutil.rmtree(ws.settings.backups_dir / "stat" / "v2")
        sentence = "Fallback: stat/v2: sha256 "
    monkeypatch.setenv("LOTTO_HOME", str(ws.settings.home))
    if ws.settings.database_url:
        monkeypatch.setenv("LOTTO_DATABASE_URL", ws.settings.database_url.get_secret_value())
    capsys.readouterr()
    assert lotto(["predict", "--plan", "free", "--recompute"]) == 0
    printed = capsys.readouterr()
    fallbacks = [line for line in printed.err.splitlines() if line.startswith("Fallback: ")]
    assert len(fallbacks) == 1 and fallbacks[0].startswith(sentence), printed.err
    if damage == "rolled-back":
        assert fallbacks[0].endswith("rolled back to stat/v1")
    assert printed.out.startswith("free: concurso 3701: ") and "Fallback" not in printed.out
    ws.artifacts.verify(ws.versions.alias("stat", CHAMPION))
    assert lotto(["predict", "--plan", "free", "--recompute"]) == 0  # nothing to restore any more
    assert "Fallback" not in capsys.readouterr().err


def test_reviewers_approve_or_reject_pending_challengers_once(two_versions) -> None:
    ws, first, second, _ = two_versions
    [pending] = pending_challengers(ws)
    assert pending.challenger.id == second.id and pending.champion.id == first.id
    assert "| mean_hits |" in pending.markdown() and "random baseline" in pending.markdown()
    assert (
        apply_review(ws, "stat", 2, approve=False, note="not convinced") == "stat/v2: reviewer rejected: not convinced"
    )
    assert ws.versions.alias("stat", CHAMPION).id == first.id
    assert pending_challengers(ws) == []
    with pytest.raises(ReviewError, match="already reviewed; no challenger awaits review"):
        apply_review(ws, "stat", 2, approve=True)


def test_a_version_that_does_not_await_review_is_refused_naming_the_pending_ones(two_versions, capsys, monkeypatch):
    ws, first, second, _ = two_versions
    # stat/v1 is the champion, not a challenger: approving it would change nothing a reviewer asked for
    with pytest.raises(ReviewError, match="stat/v1 does not await review; awaiting review: stat/v2"):
        apply_review(ws, "stat", 1, approve=True)
    assert ws.versions.last_decision("stat").decided_by == "gate"
    apply_review(ws, "stat", 2, approve=False)
    monkeypatch.setenv("LOTTO_HOME", str(ws.settings.home))
    if ws.settings.database_url:
        monkeypatch.setenv("LOTTO_DATABASE_URL", ws.settings.database_url.get_secret_value())
    assert lotto(["review-challengers", "--approve", "stat:1"]) == 1
    assert "stat/v1 does not await review; no challenger awaits review" in capsys.readouterr().err
    assert ws.versions.alias("stat", CHAMPION).id == first.id
    assert [d.decided_by for d in ws.versions.decisions_about(first.id)] == ["gate"]


@pytest.mark.parametrize("text", ["stat", "stat:", ":2", "stat:two", "stat:0", "stat 2"])
def test_a_malformed_review_answer_names_the_expected_form(text: str, capsys) -> None:
    with pytest.raises(VersionRefError, match="MODEL:VERSION"):
        parse_version_ref(text)
    with pytest.raises(SystemExit) as usage:  # the command line: a usage error, before anything is opened
        lotto(["review-challengers", "--approve", text])
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert "usage: lotto review-challengers" in err and "is not of the form MODEL:VERSION (e.g. ls14:3)" in err


def test_review_answers_read_model_and_version() -> None:
    assert parse_version_ref("ls14:3") == parse_version_ref(" ls14:v3 ") == ("ls14", 3)
    with pytest.raises(VersionRefError, match="unknown model 'ls99'"):
        parse_version_ref("ls99:1")


def test_the_review_flow_pauses_until_a_person_answers_in_prefect(prefect_api, lotto_env, history) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
    from prefect.flow_runs import resume_flow_run

    from flows.manual_control import review_challengers
    from lotto_models.workspace import open_workspace

    ws = open_workspace()
    first, path = new_stat_version(ws, history, 3690)
    promote_challenger(ws, "stat", first.id, path)
    second, _ = new_stat_version(ws, history, 3700)

    outcome: dict = {}
    runner = threading.Thread(
        target=lambda: outcome.update(state=review_challengers(timeout_s=120, poll_interval_s=1, return_state=True))
    )
    runner.start()
    with get_client(sync_client=True) as client:
        deadline = time.monotonic() + 60
        paused = None
        while paused is None and time.monotonic() < deadline:
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=None)))
            paused = next((r for r in runs if r.state and r.state.is_paused()), None)
            time.sleep(0.5)
        assert paused is not None, "the review flow never paused for input"
        assert ws.versions.alias("stat", CHAMPION).id == first.id  # nothing changes while it waits
        resume_flow_run(paused.id, run_input={"approve": True, "note": "looks fine"})
    runner.join(timeout=60)
    state = outcome["state"]
    assert state.is_completed()
    assert state.result() == ["stat/v2: reviewer approved: looks fine"]
    assert ws.versions.alias("stat", CHAMPION).id == second.id
    assert Path(ws.settings.backups_dir / "stat" / "v1").is_dir()
