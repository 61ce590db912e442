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
from lotto_models.core.failpoints import ENVIRONMENT_VARIABLE, PROMOTION_BEFORE_SWAP
from lotto_models.core.fallbacks import FallbackKind
from lotto_models.ingest.service import seed_store
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.features import Dataset, FeatureSet
from lotto_models.modeling.training import load_predictor
from lotto_models.registry.challengers import build_feature_dataset
from lotto_models.registry.versions import CHAMPION, PREVIOUS
from lotto_models.storage import schema
from lotto_models.workspace import close_workspaces, open_workspace
from tests.conftest import DATABASES, database_name, postgres_database, synthetic_draws, use_lotto_env

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


@pytest.fixture(scope="module", params=DATABASES)
def first_run(request, prefect_api, tmp_path_factory):
    """A fresh home whose first run finds the source down and `ls14`'s training diverging (NaN): the
    shared starting point of this module, on SQLite and (with LOTTO_TEST_DATABASE_URL) PostgreSQL."""
    home = tmp_path_factory.mktemp("first") / "home"
    url = postgres_database(f"lotto_first_{os.getpid()}") if request.param == "postgresql" else None
    with pytest.MonkeyPatch.context() as env:
        use_lotto_env(env, home, "http://127.0.0.1:9/portaldeloterias/api", url)
        seed_store(open_workspace())
        poison_with_nan("ls14")
        state = after_draw(return_state=True)
        close_workspaces()
    return home, url, state


@pytest.fixture
def home_copy(first_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caixa_server) -> Path:
    """A copy of the first run's home and store, with the loopback server as the official API."""
    home, url, _ = first_run
    shutil.copytree(home, tmp_path / "home")
    close_workspaces()
    copy = postgres_database(f"lotto_copy_{os.getpid()}", template=database_name(url)) if url else None
    return use_lotto_env(monkeypatch, tmp_path / "home", caixa_server.base_url, copy)


def test_a_source_down_no_champion_and_a_diverging_training_leave_stat_serving(first_run, monkeypatch) -> None:
    home, url, state = first_run
    use_lotto_env(monkeypatch, home, "http://127.0.0.1:9/portaldeloterias/api", url)
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


def _start_run(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], Path]:
    """`lotto run` in its own process group, its output in `<home>/killed-run.log`."""
    log = home / "killed-run.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "deployments.cli", "run", *args],
        env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), **(env or {})},
        start_new_session=True,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return process, log


def _network_inside_fit(models: Path) -> Path | None:
    """The training log of a network model that has finished at least one epoch of a fit still going."""
    for log in models.glob("*/.staging-*/training_log.csv"):
        if log.parent.parent.name != "stat" and len(log.read_text().splitlines()) >= 2:
            return log
    return None


def assert_consistent_and_serving(run_log: Path) -> None:
    """The store passes its integrity check, every alias points at a version whose files verify and load,
    and no version row lacks its directory."""
    ws = open_workspace()
    with ws.engine.connect() as connection:
        if ws.engine.dialect.name == "sqlite":
            assert connection.scalar(sa.text("PRAGMA integrity_check")) == "ok", run_log.read_text()[-3000:]
        versions = connection.execute(sa.select(schema.model_versions)).all()
        aliases = connection.execute(sa.select(schema.model_aliases)).all()
    assert {a.version_id for a in aliases} <= {v.id for v in versions}, run_log.read_text()[-3000:]
    for model in MODELS:
        for alias in (CHAMPION, PREVIOUS):
            version = ws.versions.alias(model, alias)
            if version is not None:
                load_predictor(MODELS[model], ws.artifacts.checked_path(version))
    for row in versions:
        assert (ws.settings.models_dir / row.artifact_path).is_dir(), f"{row.model}/v{row.version} has no files"


def test_a_run_killed_inside_a_keras_fit_leaves_a_consistent_store_and_the_next_run_completes(
    home_copy, caixa_server, history
) -> None:
    caixa_server.add_draws(synthetic_draws(history[-1], 1))
    run, run_log = _start_run(home_copy, "--from-scratch")
    deadline, inside = time.monotonic() + 240, None
    while time.monotonic() < deadline and run.poll() is None and inside is None:
        inside = _network_inside_fit(home_copy / "models")
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
    run, run_log = _start_run(home_copy, env={ENVIRONMENT_VARIABLE: f"{PROMOTION_BEFORE_SWAP}=kill"})
    assert run.wait(timeout=300) == -signal.SIGKILL, run_log.read_text()[-3000:]

    # The kill came after a challenger's backup and before its swap: one model has a backup of a version
    # that is not its champion, and every champion is the one from before the run.
    close_workspaces()
    ws = open_workspace()
    assert {m: ws.versions.alias(m, CHAMPION) for m in MODELS} == before, run_log.read_text()[-3000:]
    backed_up = {
        (m, n) for m in MODELS for n in ws.artifacts.backed_up_numbers(m) if before[m] and n != before[m].version
    }
    assert backed_up, run_log.read_text()[-3000:]
    assert_consistent_and_serving(run_log)

    state = after_draw(return_state=True)
    assert state.is_completed(), state.message
    assert {g["concurso"] for g in ws.predictions.latest()} == {3702}
    assert_consistent_and_serving(run_log)


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
