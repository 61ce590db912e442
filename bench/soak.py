"""`make soak`: consecutive after-draw cycles with mixed faults and kills, checking every promise after each.

A loopback server in the official schema (and a mirror) publishes the real history one draw per cycle,
starting `--behind` draws before the end of the bundled history. A seeded generator gives each cycle
faults from the whole catalogue, and about one cycle in ten kills with SIGKILL, at a failpoint of a random
phase (fetching, storing, training, promoting, publishing), either the run's process group or its main
process alone (as the OOM killer would: its workers must end with it). Each cycle is a real
`lotto run` process against one Prefect server, protected with Prefect's basic authentication as `make
stack` runs it (a new `user:password` each time the soak starts), on a fast training profile: it tests
the orchestration, not the models. After every cycle the invariants are checked, the first being that no
process of the run (killed or not) is left 10 s after its end; the first violation
stops the soak with everything needed to reproduce it (seed, cycle, faults, kill point, the run's log).

State lives under `--work` (default `bench/.soak/<store>/`): run again with the same arguments to resume.
To end a long soak cleanly, create the file `stop` there: the soak ends after the cycle under way and
writes its results (the file is removed, so the next run resumes).
Results go to `bench/soak.json`, one object per store.

`--through-deployment N` then runs cycles as production does, until N are done: each cycle is a run of the `after-draw`
deployment (from `prefect.yaml`, schedules off) on a real `prefect server` and a process worker, with
heartbeats every 30 s (the minimum) and the zombie-run automation of `deployments.zombie_runs` (window
30 + 15 s). About one cycle in three SIGKILLs, at a failpoint, either the run's process group (the worker
sees it die and reports Crashed) or the run together with its worker (nothing is left to report: only the
missing heartbeats tell). After each kill the next run is created at once, as the schedule would; the
soak waits until the dead run is Crashed and checks that the next run then gets the concurrency slot of
one and completes. Figures go under the store's entry, as `"deployment"`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.run import PYTHON, PrefectServer  # noqa: E402
from deployments.local_stack import stack_auth_string  # noqa: E402
from lotto_models.core import failpoints  # noqa: E402
from lotto_models.core.draws import Draw  # noqa: E402
from lotto_models.core.plans import PLANS  # noqa: E402
from lotto_models.core.settings import Settings  # noqa: E402
from lotto_models.ingest.bundled_history import bundled_history  # noqa: E402
from lotto_models.modeling.catalog import MODELS  # noqa: E402
from lotto_models.registry.versions import CHAMPION, PREVIOUS  # noqa: E402
from lotto_models.storage import schema  # noqa: E402
from lotto_models.workspace import close_workspaces, open_workspace  # noqa: E402
from tests.caixa_server import CaixaTestServer, Fault, numbers_edit  # noqa: E402
from tests.process_workers import deploy_on_process_pool, start_worker, stop_worker  # noqa: E402
from tests.run_processes import wait_until_gone  # noqa: E402

READ_TIMEOUT_S = 1.0
ATTEMPTS = 3
FAULT_KINDS = [
    "waf-403",
    "429",
    "500-burst",
    "read-timeout",
    "html-200",
    "invalid-json",
    "nul-characters",
    "not-final",
    "stored-other-numbers",
    "14-numbers",
    "repeated-number",
    "primary-down-mirror-up",
    "everything-down",
]
KILL_POINTS = {
    "fetching": failpoints.INGEST_AFTER_FETCH,
    "storing": failpoints.INGEST_BEFORE_COMMIT,
    "training": failpoints.TRAINING_AFTER_EPOCH,
    "promoting": failpoints.PROMOTION_BEFORE_SWAP,
    "publishing": failpoints.PUBLISHING_BEFORE_STORE,
}
# What a kill kills: the run's process group (the run and its workers), or its main process alone.
KILL_ACTIONS = ["kill-group", "kill-leader"]
PROCESSES_GONE_S = 10.0  # after a run's end (a kill included), none of its processes may be left longer


@dataclass
class Cycle:
    number: int
    concurso: int
    faults: list[str]
    kill: str | None
    kill_action: str = KILL_ACTIONS[0]
    exit_code: int = 0
    seconds: float = 0.0
    log: str = ""
    pid: int = 0  # of the run's main process, which leads its own session


@dataclass
class SoakState:
    store: str
    seed: int
    cycles: int = 0
    kills: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    violations: list[dict[str, Any]] = field(default_factory=list)
    wall_s: float = 0.0
    bytes_after_cycle: list[int] = field(default_factory=list)
    file_bytes_after_cycle: list[int] = field(default_factory=list)  # all but the database
    corrupt_quarantined: int = 0  # corrupt answers served, each found in the quarantine and not stored
    seconds_kill_to_no_process: list[float] = field(default_factory=list)  # after each kill that fired


class Violation(AssertionError):
    pass


@dataclass(frozen=True)
class Corrupt:
    """A corrupt answer a cycle's fault serves: the concurso it claims and its numbers."""

    concurso: int
    numbers: list[int]
    fault: Fault


def plan_cycle(seed: int, number: int, concurso: int, kill_rate: float) -> Cycle:
    """The faults and kill point of one cycle, from the seed alone (so a cycle can be replayed)."""
    rng = random.Random(seed * 1_000_003 + number)
    count = rng.choice([0, 0, 1, 1, 2, 3])
    faults = rng.sample(FAULT_KINDS, count)
    kill = rng.choice(sorted(KILL_POINTS)) if rng.random() < kill_rate else None
    return Cycle(number, concurso, faults, kill, rng.choice(KILL_ACTIONS))


def inject(primary: CaixaTestServer, mirror: CaixaTestServer, kind: str, truth: Draw, stored: Draw) -> Corrupt | None:
    """Arm the fault `kind` for the cycle publishing `truth`, while `stored` is the newest stored draw; the
    corrupt answer it serves, if it is one of those."""
    concurso = truth.concurso
    target = str(concurso)
    html = "<html><body>Em manutenção</body></html>"
    if kind == "waf-403":
        primary.inject("latest", Fault(status=403, body="<html>Access denied</html>", content_type="text/html"))
    elif kind == "429":
        primary.inject(target, Fault(status=429, body="slow down"))
    elif kind == "500-burst":
        primary.inject("latest", *[Fault(status=500, body="Internal Server Error")] * 2)
    elif kind == "read-timeout":
        primary.inject(target, Fault(delay_s=READ_TIMEOUT_S + 0.5))
    elif kind == "html-200":
        primary.inject(target, Fault(body=html, content_type="text/html"))
    elif kind == "invalid-json":
        primary.inject(target, Fault(body=f'{{"numero": {concurso}, "listaDezenas": ['))
    elif kind == "nul-characters":
        primary.inject(
            target,
            Fault(
                payload_edit={"localSorteio": "ESPAÇO\x00 DA\x00 SORTE", "nomeMunicipioUFSorteio": "SÃO PAULO\x00, SP"}
            ),
        )
    elif kind == "not-final":
        primary.inject("latest", Fault(payload_edit={"listaRateioPremio": []}))
    elif kind == "stored-other-numbers":  # the newest stored concurso, as `latest`, with 10 numbers changed
        other = sorted(sorted(set(range(1, 26)) - set(stored.numbers))[:10] + list(stored.numbers[:5]))
        fault = Fault(concurso=stored.concurso, payload_edit=numbers_edit(other))
        primary.inject("latest", fault)
        return Corrupt(stored.concurso, other, fault)
    elif kind in ("14-numbers", "repeated-number"):
        numbers = list(truth.numbers[:14]) + ([truth.numbers[0]] if kind == "repeated-number" else [])
        fault = Fault(payload_edit=numbers_edit(numbers))
        primary.inject(target, fault)
        return Corrupt(concurso, numbers, fault)
    elif kind == "primary-down-mirror-up":
        for where in ("latest", target):
            primary.inject(where, *[Fault(status=503, body="down")] * ATTEMPTS)
    elif kind == "everything-down":
        for server in (primary, mirror):
            for where in ("latest", target):
                server.inject(where, *[Fault(status=503, body="down")] * ATTEMPTS)
    else:  # pragma: no cover - the catalogue above is the list
        raise ValueError(kind)
    return None


def arm_faults(primary: CaixaTestServer, mirror: CaixaTestServer, kinds: list[str], truth: Draw) -> list[Corrupt]:
    """Arm a cycle's faults (on top of the newest stored draw); the corrupt answers among them."""
    close_workspaces()
    last = open_workspace().draws.last_draw()
    close_workspaces()
    stored = bundled_history()[last.concurso - 1] if last else truth  # the truth: the invariants hold
    armed = [inject(primary, mirror, kind, truth, stored) for kind in kinds]
    return [corrupt for corrupt in armed if corrupt is not None]


def disarm_faults(primary: CaixaTestServer, mirror: CaixaTestServer, armed: list[Corrupt]) -> list[Corrupt]:
    """Clear what a cycle did not consume; the corrupt answers that were served."""
    served = [corrupt for corrupt in armed if any(corrupt.fault is fault for fault in primary.served)]
    for server in (primary, mirror):
        server.faults.clear()
        server.served.clear()
    return served


def home_bytes(home: Path) -> tuple[int, int]:
    """Bytes under `home`: all of them, and those of files that are not the SQLite database (datasets, model
    versions, backups, reports), which must stop growing once retention has reached them."""
    sizes = {p: p.stat().st_size for p in home.rglob("*") if p.is_file()}
    return sum(sizes.values()), sum(size for p, size in sizes.items() if not p.name.startswith("lotoflow.db"))


def leftover_processes(home: Path, own: set[int]) -> list[str]:
    """Processes a run left behind: its temporary Prefect server, its fork server or its workers (spawned or
    forked from it), still alive after it ended."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) in own:
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        helper = any(name in command for name in ("uvicorn", "spawn_main", "multiprocessing.forkserver"))
        if f"LOTTO_HOME={home}".encode() in environ and helper:
            found.append(f"{proc.name}: {command[:120]}")
    return found


def check_invariants(
    state: SoakState, cycle: Cycle, history: list[Draw], home: Path, completed: bool, corrupt: list[Corrupt]
) -> list[str]:
    """Every promise after a cycle; the broken ones, each in a sentence. `corrupt`: the corrupt answers the
    cycle's run was served and lived to judge."""
    broken: list[str] = []
    close_workspaces()
    ws = open_workspace()
    held = [(entry.concurso, _numbers(entry.payload)) for entry in ws.quarantine.entries(include_decided=True)]
    for answer in corrupt:
        state.corrupt_quarantined += 1
        if (answer.concurso, answer.numbers) not in held:
            broken.append(f"a corrupt answer for {answer.concurso} ({answer.numbers}) is not in the quarantine")
    frame = ws.draws.frame()
    last = int(frame["concurso"].iloc[-1])
    truth = {d.concurso: d for d in history}
    if frame["concurso"].tolist() != list(range(1, last + 1)):
        broken.append(f"stored concursos are not exactly 1..{last}")
    stored = ws.draws.get_many(range(max(1, last - 40), last + 1))
    wrong = [c for c, d in stored.items() if d != truth[c]]
    if wrong:
        broken.append(f"stored draws differ from the true ones: {wrong}")
    with ws.engine.connect() as connection:
        if ws.engine.dialect.name == "sqlite":
            check = connection.scalar(sa.text("PRAGMA integrity_check"))
            if check != "ok":
                broken.append(f"SQLite integrity check: {check}")
        rows = connection.execute(sa.select(schema.model_versions)).all()
    on_disk = {f"{p.parent.name}/{p.name}" for p in ws.settings.models_dir.glob("*/v*") if p.is_dir()}
    live = {row.artifact_path for row in rows if row.artifacts_pruned_at is None}
    if on_disk - live:
        broken.append(f"version directories without a row: {sorted(on_disk - live)}")
    if live - on_disk:
        broken.append(f"version rows without a directory: {sorted(live - on_disk)}")
    for model in MODELS:
        for alias in (CHAMPION, PREVIOUS):
            version = ws.versions.alias(model, alias)
            if version is None:
                continue
            try:
                from lotto_models.modeling.training import load_predictor

                load_predictor(MODELS[model], ws.artifacts.checked_path(version))
            except Exception as error:  # any failure to verify or load is the violation itself
                broken.append(f"{model} {alias} {version.label} does not verify and load: {error}")
    if completed:
        missing = [plan for plan in PLANS if not ws.predictions.has_prediction(plan, last + 1)]
        if missing:
            broken.append(f"a completed cycle left no guess for concurso {last + 1} for {missing}")
        if not cycle.faults and cycle.kill is None and "Completed with fallback" in cycle.log:
            broken.append("a cycle with no fault and no kill used a fallback")
    leftovers = leftover_processes(home, {os.getpid()})
    if leftovers:
        broken.append(f"processes left behind: {leftovers}")
    total, files = home_bytes(home)
    state.bytes_after_cycle.append(total)
    state.file_bytes_after_cycle.append(files)
    if len(state.file_bytes_after_cycle) > 40:
        cycles = len(state.file_bytes_after_cycle) - 31
        grown = total - state.bytes_after_cycle[30]
        if grown > 100_000 * cycles + 5_000_000:  # the database: a draw's rows are a few kB
            broken.append(f"LOTTO_HOME grew {grown / 1e6:.1f} MB in {cycles} cycles since cycle 30")
        files_grown = files - state.file_bytes_after_cycle[30]
        if files_grown > 5_000_000:  # datasets, versions, backups and reports have retentions: no trend
            broken.append(f"files besides the database grew {files_grown / 1e6:.1f} MB since cycle 30")
    close_workspaces()
    return broken


def _numbers(payload: str) -> list[int] | None:
    try:
        return [int(n) for n in json.loads(payload)["listaDezenas"]]
    except (ValueError, KeyError, TypeError):
        return None


def run_cycle(cycle: Cycle, env: dict[str, str], work: Path) -> None:
    run_env = dict(env)
    if cycle.kill:
        run_env[failpoints.ENVIRONMENT_VARIABLE] = f"{KILL_POINTS[cycle.kill]}={cycle.kill_action}"
    log = work / "cycle.log"
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [PYTHON, "-m", "deployments.cli", "run"],
            env=run_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
        cycle.pid = process.pid
        try:
            cycle.exit_code = process.wait(timeout=900)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            cycle.exit_code = process.wait()
    cycle.seconds = time.monotonic() - started
    cycle.log = log.read_text(errors="replace")


def soak_database_url(store: str) -> str | None:
    """The soak's own PostgreSQL database (LOTTO_SOAK_DATABASE_URL), or None for SQLite under the home."""
    if store != "postgresql":
        return None
    return os.environ.get("LOTTO_SOAK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/lotto_soak")


def cycle_environment(
    server: PrefectServer, home: Path, primary: CaixaTestServer, mirror: CaixaTestServer, database_url: str | None
) -> dict[str, str]:
    """What every cycle's run sees: the soak's Prefect server, home and store, the two loopback sources, the
    smoke training profile, and HTTP retries short enough for a fault to cost seconds."""
    env = {
        **server.env,
        "LOTTO_HOME": str(home),
        "LOTTO_PROFILE": "smoke",
        "LOTTO_CAIXA_BASE_URL": primary.base_url,
        "LOTTO_MIRROR_URLS": mirror.base_url,
        "LOTTO_HTTP_ATTEMPTS": str(ATTEMPTS),
        "LOTTO_HTTP_BACKOFF_S": "0.01",
        "LOTTO_HTTP_READ_TIMEOUT_S": str(READ_TIMEOUT_S),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    if database_url:
        env["LOTTO_DATABASE_URL"] = database_url
    return env


def soak(store: str, cycles: int, seed: int, behind: int, kill_rate: float, work: Path) -> SoakState:
    history = bundled_history()
    state_file = work / "state.json"
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    resumed = state_file.exists()
    state = SoakState(**json.loads(state_file.read_text())) if resumed else SoakState(store, seed)
    database_url = soak_database_url(store)
    first = len(history) - behind
    primary = CaixaTestServer(history[: first + state.cycles]).start()
    mirror = CaixaTestServer(history[: first + state.cycles]).start()
    server = PrefectServer(work / "prefect", stack_auth_string({}))
    env = cycle_environment(server, home, primary, mirror, database_url)
    os.environ.update({k: v for k, v in env.items() if k.startswith("LOTTO_")})
    try:
        if state.cycles == 0:
            if database_url:
                _fresh_postgres(database_url)
            shutil.rmtree(home, ignore_errors=True)
            close_workspaces()
            open_workspace(Settings()).draws.seed(history[:first], "bundled-history")
        started = time.monotonic()
        stop = work / "stop"
        while state.cycles < cycles and first + state.cycles < len(history):
            if stop.exists():
                stop.unlink()
                print(f"stopped by {stop} after {state.cycles} cycles", flush=True)
                break
            truth = history[first + state.cycles]
            cycle = plan_cycle(seed, state.cycles, truth.concurso, kill_rate)
            primary.add_draws([truth])
            mirror.add_draws([truth])
            armed = arm_faults(primary, mirror, cycle.faults, truth)
            for kind in cycle.faults:
                state.faults[kind] = state.faults.get(kind, 0) + 1
            run_cycle(cycle, env, work)
            killed = cycle.exit_code == -signal.SIGKILL
            seconds, left = wait_until_gone(set(), cycle.pid, PROCESSES_GONE_S)  # (the run's session)
            if cycle.kill and killed:
                state.kills[cycle.kill] = state.kills.get(cycle.kill, 0) + 1
                state.seconds_kill_to_no_process.append(round(seconds, 2))
            served = disarm_faults(primary, mirror, armed)
            if killed and cycle.kill in ("fetching", "storing"):
                served = []  # killed before its verdicts were stored: the next cycle fetches the truth
            broken = check_invariants(state, cycle, history, home, completed=cycle.exit_code == 0, corrupt=served)
            if left:  # the first promise: nothing of a run outlives it, however it ended
                ended, names = "was killed" if killed else "ended", sorted(map(str, left))
                broken.insert(0, f"processes of the run alive {PROCESSES_GONE_S:.0f} s after it {ended}: {names}")
            state.cycles += 1
            print(
                f"cycle {cycle.number} concurso {cycle.concurso}: faults {cycle.faults or '-'}, "
                f"kill {cycle.kill or '-'}{f' ({cycle.kill_action}, fired)' if killed else ''}, "
                f"exit {cycle.exit_code}, {cycle.seconds:.1f} s",
                flush=True,
            )
            if broken:
                violation = {
                    "seed": seed,
                    "cycle": cycle.number,
                    "concurso": cycle.concurso,
                    "faults": cycle.faults,
                    "kill": cycle.kill,
                    "kill_action": cycle.kill_action if cycle.kill else None,
                    "broken": broken,
                    "log_tail": cycle.log[-4000:],
                }
                state.violations.append(violation)
                print(json.dumps(violation, indent=2), flush=True)
                break
        state.wall_s = round(state.wall_s + time.monotonic() - started, 1)
    finally:
        state_file.write_text(json.dumps(state.__dict__, indent=2))
        server.stop()
        primary.stop()
        mirror.stop()
    return state


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
        deploy_on_process_pool(DEPLOYMENT_POOL, "after-draw", env, pool_may_exist=True)  # a resumed soak
        from prefect import get_client

        from deployments.zombie_runs import ensure_zombie_run_automation

        ensure_zombie_run_automation(HEARTBEAT_S, GRACE_S)
        with get_client(sync_client=True) as client:
            deployment = client.read_deployment_by_name("after-draw/after-draw")
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
                _fresh_postgres(env["LOTTO_DATABASE_URL"])
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
            armed = arm_faults(primary, mirror, cycle.faults, truth)
            completed, broken = deployment_cycle(rig, state, cycle, kind)
            served = disarm_faults(primary, mirror, armed) if phase not in ("fetching", "storing") else []
            # A run's final state is reported before its process (and its training workers) exit: give them
            # the time to, then anything still there was left behind.
            wait_for(lambda: not leftover_processes(home, {os.getpid()}), LEFTOVER_GRACE_S)
            broken += check_invariants(soak_state, cycle, history, home, completed=completed, corrupt=served)
            state.cycles += 1
            print(
                f"deployment cycle {state.cycles} concurso {cycle.concurso}: faults {cycle.faults or '-'}, "
                f"kill {kind or '-'}{f' at {phase}' if kind else ''}, {cycle.log[:80]}, {cycle.seconds:.1f} s",
                flush=True,
            )
            if broken:
                violation = {"seed": seed, "deployment_cycle": state.cycles, "kill": kind, "at": phase}
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


def _fresh_postgres(url: str) -> None:
    base = sa.engine.make_url(url)
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{base.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{base.database}"'))
    admin.dispose()


def write_results(state: SoakState, out: Path, deployment: DeploymentState | None = None) -> None:
    from bench.run import provenance

    results = json.loads(out.read_text()) if out.exists() else {"stores": {}}
    earlier_commit = results.get("commit")
    commit = results["commit"] = provenance(0)["commit"]  # the newest writer; each entry names its own
    previous = results["stores"].get(state.store, {})
    results["stores"][state.store] = {
        "commit": commit,
        "cycles": state.cycles,
        "kills": state.kills,
        "faults": state.faults,
        "violations": state.violations,
        "wall_s": state.wall_s,
        "corrupt_quarantined": state.corrupt_quarantined,
        "max_seconds_kill_to_no_process": max(state.seconds_kill_to_no_process, default=None),
        "home_bytes_first_last": [state.bytes_after_cycle[0], state.bytes_after_cycle[-1]]
        if state.bytes_after_cycle
        else [],
        "file_bytes_cycle_30_last": [state.file_bytes_after_cycle[30], state.file_bytes_after_cycle[-1]]
        if len(state.file_bytes_after_cycle) > 30
        else [],
    }
    if deployment is not None:
        results["stores"][state.store]["deployment"] = {
            "commit": commit,
            "cycles": deployment.cycles,
            "kills": deployment.kills,
            "crashed_marked": deployment.crashed_marked,
            "max_seconds_to_crashed": max(deployment.seconds_to_crashed, default=None),
            "seconds_to_crashed": deployment.seconds_to_crashed,
            "next_run_waited_s_after_crashed": deployment.next_run_waited_s,
            "heartbeat_s": HEARTBEAT_S,
            "automation_window_s": HEARTBEAT_S + GRACE_S,
            "violations": deployment.violations,
            "wall_s": deployment.wall_s,
        }
    elif "deployment" in previous:  # measured earlier, on the commit it names
        results["stores"][state.store]["deployment"] = {
            "commit": previous.get("commit", earlier_commit),
            **previous["deployment"],
        }
    out.write_text(json.dumps(results, indent=2) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--cycles", type=int, default=300, help="total cycles to reach (a resumed soak goes on)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--behind", type=int, default=1000, help="start this many draws before the end")
    parser.add_argument("--kill-rate", type=float, default=0.1)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "soak.json")
    parser.add_argument(
        "--through-deployment",
        type=int,
        default=0,
        metavar="N",
        help="then deployment cycles on a real server and process worker, with kills, until N are done",
    )
    args = parser.parse_args()
    work = args.work or ROOT / "bench" / ".soak" / args.store
    state = soak(args.store, args.cycles, args.seed, args.behind, args.kill_rate, work)
    print(json.dumps({k: v for k, v in state.__dict__.items() if k != "bytes_after_cycle"}, indent=2))
    deployment = None
    if args.through_deployment and not state.violations:
        deployment = soak_through_deployment(args.store, args.through_deployment, args.seed, args.behind, work, state)
        print(json.dumps({"deployment": deployment.__dict__}, indent=2))
    write_results(state, args.out, deployment)
    return 1 if state.violations or (deployment and deployment.violations) else 0


if __name__ == "__main__":
    sys.exit(main())
