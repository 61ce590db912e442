"""Every fallback of the design, injected into real after-draw runs; and a run killed with SIGKILL.

One run on a fresh home (with `ls14`'s inputs poisoned) is shared: later tests copy its LOTTO_HOME.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from prefect.settings import PREFECT_API_URL

from flows.after_draw import after_draw
from lotto_models.ingest.service import seed_store
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.features import Dataset, FeatureSet
from lotto_models.registry.challengers import build_feature_dataset
from lotto_models.registry.versions import CHAMPION
from lotto_models.storage import schema
from lotto_models.workspace import close_workspaces, open_workspace
from tests.conftest import synthetic_draws

pytestmark = pytest.mark.slow  # real training, worker processes or kills


def poison_with_nan(feature_set: str) -> None:
    """Inputs full of NaN under the right fingerprint: bad numbers that reach training."""
    path = build_feature_dataset(open_workspace(), FeatureSet(feature_set)).path
    good = Dataset.load(path)
    inputs = np.full_like(good.inputs, np.nan)
    Dataset(
        good.feature_set,
        inputs,
        good.targets,
        good.target_concursos,
        good.next_inputs,
        good.next_concurso,
        good.fingerprint,
    ).save(path)


@pytest.fixture(scope="module")
def first_run(prefect_api, tmp_path_factory):
    """A fresh home whose first run finds the source down and `ls14`'s training diverging (NaN): the
    shared starting point of this module."""
    home = tmp_path_factory.mktemp("first") / "home"
    with pytest.MonkeyPatch.context() as env:
        for name in [n for n in os.environ if n.startswith("LOTTO_")]:
            env.delenv(name)
        env.setenv("LOTTO_HOME", str(home))
        env.setenv("LOTTO_PROFILE", "quick")
        env.setenv("LOTTO_CAIXA_BASE_URL", "http://127.0.0.1:9/portaldeloterias/api")
        env.setenv("LOTTO_HTTP_BACKOFF_S", "0.01")
        close_workspaces()
        seed_store(open_workspace())
        poison_with_nan("ls14")
        state = after_draw(return_state=True)
        close_workspaces()
    return home, state


@pytest.fixture
def home_copy(first_run, lotto_env: Path) -> Path:
    shutil.copytree(first_run[0], lotto_env)
    close_workspaces()
    return lotto_env


def test_a_source_down_no_champion_and_a_diverging_training_leave_stat_serving(first_run, monkeypatch) -> None:
    home, state = first_run
    monkeypatch.setenv("LOTTO_HOME", str(home))
    close_workspaces()
    ws = open_workspace()
    assert state.is_completed()
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


def test_a_run_killed_during_training_leaves_a_consistent_store_and_the_next_run_completes(
    home_copy, caixa_server, history
) -> None:
    caixa_server.add_draws(synthetic_draws(history[-1], 1))
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    run = subprocess.Popen(
        [sys.executable, "-m", "deployments.cli", "run"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    models = home_copy / "models"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and run.poll() is None and not any(models.glob("*/.staging-*/*")):
        time.sleep(0.02)
    assert any(models.glob("*/.staging-*/*")), (home_copy / "killed-run.log").read_text()[-3000:]
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=30)

    ws = open_workspace()
    with ws.engine.connect() as connection:
        assert connection.scalar(sa.text("PRAGMA integrity_check")) == "ok"
        versions = connection.execute(sa.select(schema.model_versions)).all()
        aliases = connection.execute(sa.select(schema.model_aliases)).all()
    assert {a.version_id for a in aliases} <= {v.id for v in versions}
    for model in MODELS:
        champion = ws.versions.alias(model, CHAMPION)
        if champion is not None:
            ws.artifacts.verify(champion)
    assert ws.draws.last_concurso() in (3700, 3701)

    state = after_draw(return_state=True)
    assert state.is_completed()
    assert ws.draws.last_concurso() == 3701
    assert {g["concurso"] for g in ws.predictions.latest()} == {3702}
    for model in MODELS:
        champion = ws.versions.alias(model, CHAMPION)
        if champion is not None:
            ws.artifacts.verify(champion)


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
