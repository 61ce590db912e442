"""Shared by the flow tests: a trained home made once per session and copied per test, and `lotto run` as a
separate process (to kill it, or to start two at once). Process workers are in
`deployments.loopback.process_workers`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from prefect.settings import PREFECT_API_URL

from flows.after_draw import after_draw
from lotto_models.ingest.service import seed_store
from lotto_models.modeling.catalog import MODELS
from lotto_models.modeling.features import Dataset, FeatureSet
from lotto_models.modeling.fitting import load_predictor
from lotto_models.registry.versions import CHAMPION, PREVIOUS
from lotto_models.storage import schema
from lotto_models.training.challengers import build_feature_dataset
from lotto_models.workspace import close_workspaces, open_workspace
from tests.conftest import use_lotto_env


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


@pytest.fixture(scope="session")
def first_run(prefect_api, tmp_path_factory):
    """A fresh SQLite home whose first run finds the source down and `ls14`'s training diverging (NaN): the
    shared starting point of the fallback tests, copied per test. Whole cycles on PostgreSQL are the
    after-draw test's; per-store behaviour is the storage tests'."""
    home = tmp_path_factory.mktemp("first") / "home"
    with pytest.MonkeyPatch.context() as env:
        use_lotto_env(env, home, "http://127.0.0.1:9/portaldeloterias/api", None)
        seed_store(open_workspace())
        poison_with_nan("ls14")
        state = after_draw(return_state=True)
        close_workspaces()
    return home, state


@pytest.fixture
def home_copy(first_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caixa_server) -> Path:
    """A copy of the first run's home and store, with the loopback server as the official API."""
    home, _ = first_run
    shutil.copytree(home, tmp_path / "home")
    close_workspaces()
    return use_lotto_env(monkeypatch, tmp_path / "home", caixa_server.base_url, None)


def start_run(
    home: Path, *args: str, env: dict[str, str] | None = None, log_name: str = "killed-run.log"
) -> tuple[subprocess.Popen[bytes], Path]:
    """`lotto run` in its own process group, its output in `<home>/<log_name>`."""
    log = home / log_name
    process = subprocess.Popen(
        [sys.executable, "-m", "deployments.cli", "run", *args],
        env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), **(env or {})},
        start_new_session=True,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    return process, log


def network_inside_fit(models: Path) -> Path | None:
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
