"""Every fallback of the design, injected into real after-draw runs; and a run killed with SIGKILL.

One run on a fresh home (with `ls14`'s inputs poisoned) is shared: later tests copy its LOTTO_HOME.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from deployments.loopback.synthetic_draws import synthetic_draws
from flows.after_draw import after_draw
from lotto_models.core.failpoints import ENVIRONMENT_VARIABLE, PROMOTION_BEFORE_SWAP
from lotto_models.core.fallbacks import FallbackKind
from lotto_models.ingest.service import seed_store
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.features import Dataset, FeatureSet
from lotto_models.registry.versions import CHAMPION
from lotto_models.training.challengers import build_feature_dataset
from lotto_models.workspace import close_workspaces, open_workspace
from tests.conftest import use_lotto_env
from tests.flows.conftest import assert_consistent_and_serving, network_inside_fit, poison_with_nan, start_run

pytestmark = pytest.mark.slow  # real training, worker processes or kills


def test_a_source_down_no_champion_and_a_diverging_training_leave_stat_serving(first_run, monkeypatch) -> None:
    home, state = first_run
    use_lotto_env(monkeypatch, home, "http://127.0.0.1:9/portaldeloterias/api", None)
    ws = open_workspace()
    assert state.is_completed()
    kinds = {(f.kind, f.subject) for f in state.result().fallbacks}
    assert {(FallbackKind.SOURCE_UNREACHABLE, "source"), (FallbackKind.TRAINING_FAILED, "ls14")} <= kinds
    assert "source unreachable" in state.message and "(last concurso 3700)" in state.message
    assert "ls14 training failed" in state.message and "non-finite" in state.message
    assert ws.versions.alias("ls14", CHAMPION) is None
    degraded, reason = ws.versions.status("ls14")
    assert degraded and "non-finite" in reason
    free = next(g for g in ws.predictions.latest() if g["plan"] == "free")
    assert free["concurso"] == 3701 and set(free["member_versions"]) == {"stat"}
    summary = state.result()
    free_guess = next(g for g in summary.guesses if g.plan == "free")
    assert free_guess.degraded and free_guess.note == "ls14 has no champion"
    assert all(ws.versions.alias(m, CHAMPION) is not None for m in MODELS if m != "ls14")


def test_timeouts_a_corrupt_cache_and_a_damaged_champion_are_named_and_survived(home_copy, monkeypatch) -> None:
    ws = open_workspace()
    champions = {m: ws.versions.alias(m, CHAMPION) for m in MODELS}
    cache = build_feature_dataset(ws, FeatureSet.LS15).path
    cache.write_bytes(b"\x00 not a dataset")
    stat = champions["stat"]
    (ws.artifacts.path(stat) / "stat_model.json").write_text('{"weights": [9, 9, 9, 9]}')
    monkeypatch.setenv("LOTTO_TRAINING_TIMEOUT_S", "0.5")

    state = after_draw(from_scratch=True, return_state=True)

    assert state.is_completed()
    assert "dataset cache ls15 was unreadable; rebuilt from the database" in state.message
    assert "stat/v1 failed its checksum; restored from its backup" in state.message
    assert "ls15: training exceeded its 0.5 s time limit and was stopped; its champion keeps serving" in state.message
    for model in ("ls15", "ls14pp", "ls15pp", "ls17"):
        assert ws.versions.alias(model, CHAMPION).id == champions[model].id
        assert ws.versions.status(model)[0] is True
    ws.artifacts.verify(ws.versions.alias("stat", CHAMPION))
    assert Dataset.load(cache).next_concurso == 3701


def test_a_run_killed_inside_a_keras_fit_leaves_a_consistent_store_and_the_next_run_completes(
    home_copy, caixa_server, history
) -> None:
    caixa_server.add_draws(synthetic_draws(history[-1], 1))
    run, run_log = start_run(home_copy, "--from-scratch", env={"LOTTO_PROFILE": "quick"})  # fits of several epochs
    deadline, inside = time.monotonic() + 240, None
    while time.monotonic() < deadline and run.poll() is None and inside is None:
        inside = network_inside_fit(home_copy / "models")
        time.sleep(0.02)
    assert inside is not None, f"no network reached an epoch before the run ended:\n{run_log.read_text()[-3000:]}"
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL, run_log.read_text()[-3000:]

    assert_consistent_and_serving(run_log)
    ws = open_workspace()
    assert ws.draws.last_concurso() in (3700, 3701)
    state = after_draw(return_state=True)
    assert state.is_completed(), state.message
    assert ws.draws.last_concurso() == 3701
    assert {g["concurso"] for g in ws.predictions.latest()} == {3702}
    assert_consistent_and_serving(run_log)


def test_a_run_killed_between_backup_and_swap_keeps_the_old_champion_and_the_next_run_completes(
    home_copy, caixa_server, history
) -> None:
    caixa_server.add_draws(synthetic_draws(history[-1], 1))
    ws = open_workspace()
    before = {m: ws.versions.alias(m, CHAMPION) for m in MODELS}
    # kill-group: the promotion runs in a worker process; the whole run (its process group) dies there.
    run, run_log = start_run(home_copy, env={ENVIRONMENT_VARIABLE: f"{PROMOTION_BEFORE_SWAP}=kill-group"})
    assert run.wait(timeout=300) == -signal.SIGKILL, run_log.read_text()[-3000:]

    # The kill came after a challenger's backup and before its swap: one model has a backup of a version
    # that is not its champion (whichever model got there first, `ls14` with no champion included), and
    # every champion is the one from before the run.
    close_workspaces()
    ws = open_workspace()
    assert {m: ws.versions.alias(m, CHAMPION) for m in MODELS} == before, run_log.read_text()[-3000:]
    champion_numbers = {m: version.version if version else None for m, version in before.items()}
    backed_up = {
        (m, n)
        for m in MODELS
        for n in (v.version for v in ws.artifacts.backed_up(ws.versions.versions(m)))
        if n != champion_numbers[m]
    }
    assert backed_up, run_log.read_text()[-3000:]
    assert_consistent_and_serving(run_log)

    state = after_draw(return_state=True)
    assert state.is_completed(), state.message
    assert {g["concurso"] for g in ws.predictions.latest()} == {3702}
    assert_consistent_and_serving(run_log)


def test_a_failed_base_leaves_its_stacked_model_untrained_degraded_and_its_champion_serving(home_copy) -> None:
    from flows.retrain import retrain

    ws = open_workspace()
    champion, versions = ws.versions.alias("ls16", CHAMPION), len(ws.versions.versions("ls16"))
    poison_with_nan("ls14pp")
    state = retrain(models=["ls14pp"], return_state=True)  # ls14pp, then ls16 over it
    assert state.is_completed(), state.message
    details = {(f.kind, f.subject): f.detail for f in state.result().fallbacks}
    assert (FallbackKind.TRAINING_FAILED, "ls14pp") in details
    assert details[(FallbackKind.DEPENDENCY_FAILED, "ls16")] == (
        "ls16 not trained: ls14pp failed; its champion keeps serving"
    )
    close_workspaces()
    ws = open_workspace()
    assert ws.versions.alias("ls16", CHAMPION) == champion and len(ws.versions.versions("ls16")) == versions
    degraded, reason = ws.versions.status("ls16")
    assert degraded and reason == "not trained: ls14pp failed"
    platinum = next(g for g in ws.predictions.latest() if g["plan"] == "platinum")
    assert platinum["member_versions"]["ls16"] == champion.label


def test_a_run_that_can_serve_no_plan_ends_failed(lotto_env, prefect_api, monkeypatch) -> None:
    """Nothing to fall back on: no champion anywhere and every training fails."""
    seed_store(open_workspace())
    poison_with_nan("stat")
    monkeypatch.setenv("LOTTO_TRAINING_TIMEOUT_S", "0.01")
    state = after_draw(return_state=True)
    assert state.is_failed()
    assert state.message.startswith("No plan could be served")
    assert "plan free serves nothing this time" in state.message and "no member can serve" in state.message
    ws = open_workspace()
    assert ws.predictions.latest() == []
    assert all(ws.versions.alias(model, CHAMPION) is None for model in MODELS)
