"""The soak through the `after-draw` deployment, as production runs it: each cycle a deployment run on a real
`prefect server` and a process worker, with heartbeats and the zombie-run automation; about one cycle in
three SIGKILLs the run's process group or the run with its worker, and the soak checks that the dead run is
marked Crashed and that the next run then gets the concurrency slot and completes."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deployments.local_stack import stack_auth_string
from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.prefect_server import PrefectServer
from deployments.loopback.process_workers import deploy_on_process_pool, start_worker, stop_worker
from deployments.soak.cycles import (
    KILL_POINTS,
    Cycle,
    SoakState,
    cycle_environment,
    fresh_postgres,
    plan_cycle,
    soak_database_url,
)
from deployments.soak.faults import arm_faults, disarm_faults
from deployments.soak.invariants import check_invariants, leftover_processes
from flows.names import AFTER_DRAW, deployment_path
from lotto_models.core import failpoints
from lotto_models.core.games import LOTOFACIL
from lotto_models.core.settings import Settings
from lotto_models.ingest.bundled_history import bundled_history
from lotto_models.workspace import close_workspaces, open_workspace

DEPLOYMENT_POOL = "lotoflow-soak"
HEARTBEAT_S = 30  # Prefect's minimum
GRACE_S = 15  # window = heartbeat + grace: shorter would crash live runs between two heartbeats
SLOT_RETRY_S = 30  # a run held by a deployment concurrency limit asks again this often
DEPLOYMENT_KILLS = ["run", "worker"]
LEFTOVER_GRACE_S = 30.0


@dataclass
class DeploymentState:
    cycles: int = 0
    kills: dict[str, int] = field(default_factory=dict)
    crashed_marked: int = 0
    seconds_to_crashed: list[float] = field(default_factory=list)
    next_run_waited_s: list[float] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    wall_s: float = 0.0


def plan_deployment_kill(seed: int, number: int) -> tuple[str | None, str | None]:
    """(kill kind, failpoint phase) of a deployment cycle, from the seed alone: a kill every third cycle or so,
    half of them with the worker; `--through-deployment 2` always has one of each kind."""
    rng = random.Random(seed * 7_000_003 + number)
    if number < 2:  # (these two cycles get no fault: the new draw arrives, so every phase is reached)
        return DEPLOYMENT_KILLS[(number + 1) % 2], rng.choice(["storing", "publishing"])
    if rng.random() >= 0.35:
        return None, None
    return rng.choice(DEPLOYMENT_KILLS), rng.choice(sorted(KILL_POINTS))


class DeploymentRig:
    """A work pool, the after-draw deployment of `prefect.yaml` (schedules off), the zombie-run automation
    and a process worker (restarted after it is killed), against one Prefect server."""

    def __init__(self, env: dict[str, str], work: Path) -> None:
        self.env = env
        self.work = work
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_starts = 0
        deploy_on_process_pool(DEPLOYMENT_POOL, AFTER_DRAW, env, pool_may_exist=True)  # a resumed soak
        from prefect import get_client

        from deployments.zombie_runs import ensure_zombie_run_automation

        ensure_zombie_run_automation(HEARTBEAT_S, GRACE_S)
        with get_client(sync_client=True) as client:
            deployment = client.read_deployment_by_name(deployment_path(AFTER_DRAW))
            self.deployment_id = deployment.id
            for schedule in client.read_deployment_schedules(deployment.id):
                client.update_deployment_schedule(deployment.id, schedule.id, active=False)
        self.start_worker()

    def start_worker(self) -> None:
        self.worker_starts += 1
        self.worker = start_worker(DEPLOYMENT_POOL, self.env, self.work / f"worker-{self.worker_starts}.log", "2")

    def worker_dead(self) -> bool:
        return self.worker is None or self.worker.poll() is not None

    def create_run(self, failpoints_armed: str | None) -> Any:
        from prefect import get_client

        job_env = {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_S)}
        if failpoints_armed:
            job_env[failpoints.ENVIRONMENT_VARIABLE] = failpoints_armed
        with get_client(sync_client=True) as client:
            return client.create_flow_run_from_deployment(self.deployment_id, job_variables={"env": job_env}).id

    def state(self, run_id: Any) -> Any:
        from prefect import get_client

        with get_client(sync_client=True) as client:
            return client.read_flow_run(run_id).state

    def stop(self) -> None:
        if self.worker is not None:
            stop_worker(self.worker, timeout_s=30)


def wait_for(predicate: Any, timeout: float, every: float = 0.5) -> float | None:
    """Seconds until `predicate()` held, or None after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(every)
    return None


def deployment_cycle(
    rig: DeploymentRig, state: DeploymentState, cycle: Cycle, kind: str | None
) -> tuple[bool, list[str]]:
    """One after-draw cycle through the deployment; (completed, broken promises)."""
    broken: list[str] = []
    armed = None
    if kind == "run":
        armed = f"{KILL_POINTS[cycle.kill or 'fetching']}=kill-group"
    elif kind == "worker":
        assert rig.worker is not None
        armed = f"{KILL_POINTS[cycle.kill or 'fetching']}=kill-with({rig.worker.pid})"
    started = time.monotonic()
    run_id = rig.create_run(armed)
    final_timeout = 900.0
    if kind is None:
        if wait_for(lambda: rig.state(run_id).is_final(), final_timeout, every=1) is None:
            return False, [f"run {run_id} not final after {final_timeout:.0f} s"]
        final = rig.state(run_id)
        cycle.log = f"{final.name}: {final.message or ''}"
        cycle.seconds = time.monotonic() - started
        if final.type.value == "CRASHED":
            broken.append(f"run {run_id} with no kill was marked Crashed: {final.message}")
        return final.is_completed(), broken

    # A killed run: wait for the kill (the worker gone, or the run final), then create the next run at once.
    def killed() -> bool:
        return (kind == "worker" and rig.worker_dead()) or rig.state(run_id).is_final()

    if wait_for(killed, final_timeout) is None:
        return False, [f"run {run_id}: the {kind} kill at {cycle.kill} never happened"]
    killed_at = time.monotonic()
    landed = rig.state(run_id)
    if landed.is_final() and landed.type.value != "CRASHED":  # the failpoint was never reached: no kill
        cycle.log = f"{landed.name}: {landed.message or ''}"
        return landed.is_completed(), broken
    state.kills[kind] = state.kills.get(kind, 0) + 1
    if rig.worker_dead():
        rig.start_worker()  # as systemd would
    follower = rig.create_run(None)  # the next scheduled run, while the dead one may still look Running
    crash_bound = HEARTBEAT_S + GRACE_S + 30.0
    to_crashed = wait_for(lambda: rig.state(run_id).is_final(), crash_bound + 60)
    dead = rig.state(run_id)
    if to_crashed is None or dead.type.value != "CRASHED":
        broken.append(f"run {run_id} killed with its {kind} is {dead.name}, not Crashed, {crash_bound + 60:.0f} s on")
    else:
        state.crashed_marked += 1
        seconds = round(time.monotonic() - killed_at, 1)
        if kind == "worker":  # (a run killed alone is reported Crashed by its worker at once)
            state.seconds_to_crashed.append(seconds)
        if seconds > crash_bound:
            broken.append(f"run {run_id} killed with its {kind} took {seconds} s to be Crashed (bound {crash_bound} s)")
    crashed_at = time.monotonic()
    started_running = wait_for(
        lambda: rig.state(follower).type.value in ("RUNNING", "COMPLETED", "FAILED", "CRASHED"),
        SLOT_RETRY_S + 60,
    )
    if started_running is None:
        broken.append(f"the next run {follower} was still waiting {SLOT_RETRY_S + 60} s after {run_id} was Crashed")
        return False, broken
    state.next_run_waited_s.append(round(time.monotonic() - crashed_at, 1))
    if wait_for(lambda: rig.state(follower).is_final(), final_timeout, every=1) is None:
        return False, [*broken, f"the next run {follower} not final after {final_timeout:.0f} s"]
    final = rig.state(follower)
    cycle.log = f"{final.name}: {final.message or ''}"
    cycle.seconds = time.monotonic() - started
    if final.type.value == "CRASHED":
        broken.append(f"the next run {follower} (no kill) was marked Crashed: {final.message}")
    return final.is_completed(), broken


def soak_through_deployment(
    store: str, cycles: int, seed: int, behind: int, work: Path, soak_state: SoakState
) -> DeploymentState:
    """After-draw cycles as deployment runs on a worker until `cycles` of them are done (a resumed soak goes
    on), continuing the store and the draws of the plain soak."""
    history = bundled_history()
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    state_file = work / "deployment-state.json"
    state = DeploymentState(**json.loads(state_file.read_text())) if state_file.exists() else DeploymentState()
    first = len(history) - behind
    done = soak_state.cycles + state.cycles
    primary = CaixaTestServer(history[: first + done]).start()
    mirror = CaixaTestServer(history[: first + done]).start()
    for name in [n for n in os.environ if n.startswith("LOTTO_")]:
        del os.environ[name]  # the server must not look like a process a run left behind (same LOTTO_HOME)
    server = PrefectServer(work / "prefect-deployment", stack_auth_string({}))
    env = cycle_environment(server, home, primary, mirror, soak_database_url(store))
    os.environ.update({k: v for k, v in env.items() if k.startswith("LOTTO_") or k.startswith("PREFECT_")})
    from prefect.context import refresh_global_settings_context

    refresh_global_settings_context()  # this process's client talks to the new server
    rig: DeploymentRig | None = None
    try:
        if done == 0:
            if store == "postgresql":
                fresh_postgres(env["LOTTO_DATABASE_URL"])
            shutil.rmtree(home, ignore_errors=True)
            close_workspaces()
            open_workspace(Settings()).draws.seed(history[:first], "bundled-history")
        rig = DeploymentRig(env, work)
        started = time.monotonic()
        stop = work / "stop"
        while state.cycles < cycles and first + soak_state.cycles + state.cycles < len(history):
            if stop.exists():
                stop.unlink()
                print(f"stopped by {stop} after {state.cycles} deployment cycles", flush=True)
                break
            number = soak_state.cycles + state.cycles
            truth = history[first + number]
            kind, phase = plan_deployment_kill(seed, state.cycles)
            faults = plan_cycle(seed, number, truth.concurso, 0.0).faults if state.cycles >= 2 else []
            cycle = Cycle(number, truth.concurso, faults, phase)
            primary.add_draws([truth])
            mirror.add_draws([truth])
            armed = arm_faults(primary, mirror, cycle.faults, truth, history)
            completed, broken = deployment_cycle(rig, state, cycle, kind)
            served = disarm_faults(primary, mirror, armed) if phase not in ("fetching", "storing") else []
            # A run's final state is reported before its process (and its training workers) exit: give them
            # the time to, then anything still there was left behind.
            wait_for(lambda: not leftover_processes(home, {os.getpid()}), LEFTOVER_GRACE_S)
            broken += check_invariants(
                soak_state, cycle, history, home, completed=completed, corrupt=served, game=LOTOFACIL
            )
            state.cycles += 1
            print(
                f"deployment cycle {state.cycles} concurso {cycle.concurso}: faults {cycle.faults or '-'}, "
                f"kill {kind or '-'}{f' at {phase}' if kind else ''}, {cycle.log[:80]}, {cycle.seconds:.1f} s",
                flush=True,
            )
            if broken:
                violation: dict[str, Any] = {"seed": seed, "deployment_cycle": state.cycles, "kill": kind, "at": phase}
                violation |= {"faults": cycle.faults, "broken": broken}
                state.violations.append(violation)
                print(json.dumps(violation, indent=2), flush=True)
                break
        state.wall_s = round(state.wall_s + time.monotonic() - started, 1)
    finally:
        state_file.write_text(json.dumps(state.__dict__, indent=2))
        if rig is not None:
            rig.stop()
        server.stop()
        primary.stop()
        mirror.stop()
    return state
