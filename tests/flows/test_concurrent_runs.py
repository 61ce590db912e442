"""Two after-draw runs started together on one store do the work once: the second waits for the first."""

from __future__ import annotations

import pytest

from deployments.loopback.synthetic_draws import synthetic_draws
from lotto_models.modeling.catalog import MODELS
from lotto_models.workspace import close_workspaces, open_workspace
from tests.flows.conftest import assert_consistent_and_serving, start_run

pytestmark = pytest.mark.slow  # two real runs in their own processes


def test_two_runs_started_together_train_each_model_once_and_the_second_says_it_waited(
    home_copy, caixa_server, history
) -> None:
    caixa_server.add_draws(synthetic_draws(history[-1], 1))
    ws = open_workspace()
    before = {model: len(ws.versions.versions(model)) for model in MODELS}
    runs = [start_run(home_copy, log_name=f"run-{i}.log") for i in (1, 2)]
    logs = {log.name: (process.wait(timeout=600), log) for process, log in runs}
    for name, (code, log) in logs.items():
        assert code == 0, f"{name}:\n{log.read_text()[-3000:]}"

    close_workspaces()
    ws = open_workspace()
    after = {model: len(ws.versions.versions(model)) for model in MODELS}
    assert after == {model: count + 1 for model, count in before.items()}  # one new version each, not two
    assert all(ws.versions.versions(model)[-1].trained_through == 3701 for model in MODELS)
    waited = [name for name, (_, log) in logs.items() if "for another after-draw run on this store" in log.read_text()]
    assert len(waited) == 1, {name: log.read_text()[-1500:] for name, (_, log) in logs.items()}
    assert {g["concurso"] for g in ws.predictions.latest()} == {3702}
    assert_consistent_and_serving(logs["run-1.log"][1])
