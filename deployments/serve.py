"""`python -m deployments.serve`: serve every deployment of `prefect.yaml` from this process, without a worker.

`prefect.yaml` is the one declaration of the deployments (entrypoints, schedules, parameters, concurrency,
triggers); this module reads it and builds the same deployments for `prefect.serve`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import yaml
from prefect import Flow, serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.events import DeploymentEventTrigger
from prefect.flows import load_flow_from_entrypoint
from prefect.schedules import Schedule

from deployments.zombie_runs import HEARTBEAT_VARIABLE, declared_heartbeat_s

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"


def declared_deployments(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """The `deployments:` entries of `prefect.yaml`, as written."""
    return list(yaml.safe_load(path.read_text())["deployments"])


def _schedule(declared: dict[str, Any]) -> Schedule:
    fields = dict(declared)
    if "interval" in fields:
        fields["interval"] = dt.timedelta(seconds=float(fields["interval"]))
    return Schedule(**fields)


def _concurrency(declared: dict[str, Any] | None) -> ConcurrencyLimitConfig | None:
    if declared is None:
        return None
    strategy = ConcurrencyLimitStrategy(declared.get("collision_strategy", ConcurrencyLimitStrategy.ENQUEUE))
    return ConcurrencyLimitConfig(limit=declared["limit"], collision_strategy=strategy)


def build_deployment(declared: dict[str, Any], root: Path = PREFECT_YAML.parent) -> RunnerDeployment:
    """One `prefect.yaml` deployment entry as a deployment `serve` can run."""
    cwd = Path.cwd()
    os.chdir(root)  # entrypoints are relative to the project root
    try:
        flow: Flow[..., Any] = load_flow_from_entrypoint(declared["entrypoint"], use_placeholder_flow=False)
    finally:
        os.chdir(cwd)
    deployment = flow.to_deployment(
        name=declared["name"],
        description=declared.get("description"),
        tags=declared.get("tags"),
        parameters=declared.get("parameters") or {},
        schedules=[_schedule(s) for s in declared.get("schedules") or []],
        concurrency_limit=_concurrency(declared.get("concurrency_limit")),
        triggers=[DeploymentEventTrigger(**t) for t in declared.get("triggers") or []],
    )
    if not isinstance(deployment, RunnerDeployment):  # `to_deployment` is sync here: this is not a coroutine
        raise TypeError(f"{declared['name']}: expected a RunnerDeployment, got {type(deployment).__name__}")
    return deployment


def build_deployments(path: Path = PREFECT_YAML) -> list[RunnerDeployment]:
    return [build_deployment(declared, path.parent) for declared in declared_deployments(path)]


def main() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The runs served from here send heartbeats as often as a worker's do (`prefect.yaml`), so the
    # zombie-run automation judges them by the same window.
    os.environ[HEARTBEAT_VARIABLE] = str(declared_heartbeat_s())
    serve(*build_deployments())


if __name__ == "__main__":
    main()
