"""The soak's after-draw cycles as whole `lotto run` processes against one Prefect server (protected as `make
stack` runs it), each with its seeded faults and maybe a kill, every promise checked after each (resumable)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

from deployments.local_stack import stack_auth_string
from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.prefect_server import PrefectServer
from deployments.loopback.run_processes import wait_until_gone
from deployments.soak.cycles import (
    SoakState,
    cycle_environment,
    fresh_postgres,
    plan_cycle,
    run_cycle,
    soak_database_url,
)
from deployments.soak.faults import arm_faults, disarm_faults
from deployments.soak.histories import soak_history
from deployments.soak.invariants import check_invariants
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.core.settings import Settings
from lotto_models.workspace import close_workspaces, open_workspace

PROCESSES_GONE_S = 10.0  # after a run's end (a kill included), none of its processes may be left longer


def soak(
    store: str, cycles: int, seed: int, behind: int, kill_rate: float, work: Path, game: Game = LOTOFACIL
) -> SoakState:
    history = soak_history(game)
    state_file = work / "state.json"
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    resumed = state_file.exists()
    state = SoakState(**json.loads(state_file.read_text())) if resumed else SoakState(store, seed, game.id)
    if state.game != game.id:
        raise SystemExit(f"{work} holds a soak of {state.game}, not of {game.id}: give it another --work")
    database_url = soak_database_url(store)
    first = len(history) - behind
    primary = CaixaTestServer(history[: first + state.cycles], game).start()
    mirror = CaixaTestServer(history[: first + state.cycles], game).start()
    server = PrefectServer(work / "prefect", stack_auth_string({}))
    env = cycle_environment(server, home, primary, mirror, database_url)
    os.environ.update({k: v for k, v in env.items() if k.startswith("LOTTO_")})
    try:
        if state.cycles == 0:
            if database_url:
                fresh_postgres(database_url)
            shutil.rmtree(home, ignore_errors=True)
            close_workspaces()
            source = "bundled-history" if game is LOTOFACIL else "history-file"
            open_workspace(Settings(), game=game).draws.seed(history[:first], source)
        started = time.monotonic()
        stop = work / "stop"
        while state.cycles < cycles and first + state.cycles < len(history):
            if stop.exists():
                stop.unlink()
                print(f"stopped by {stop} after {state.cycles} cycles", flush=True)
                break
            truth = history[first + state.cycles]
            cycle = plan_cycle(seed, state.cycles, truth.concurso, kill_rate)
            primary.add_draws([truth], game)
            mirror.add_draws([truth], game)
            armed = arm_faults(primary, mirror, cycle.faults, truth, history, game)
            for kind in cycle.faults:
                state.faults[kind] = state.faults.get(kind, 0) + 1
            run_cycle(cycle, env, work, game.id)
            killed = cycle.exit_code == -signal.SIGKILL
            seconds, left = wait_until_gone(set(), cycle.pid, PROCESSES_GONE_S)  # (the run's session)
            if cycle.kill and killed:
                state.kills[cycle.kill] = state.kills.get(cycle.kill, 0) + 1
                state.seconds_kill_to_no_process.append(round(seconds, 2))
            served = disarm_faults(primary, mirror, armed)
            if killed and cycle.kill in ("fetching", "storing"):
                served = []  # killed before its verdicts were stored: the next cycle fetches the truth
            broken = check_invariants(
                state, cycle, history, home, completed=cycle.exit_code == 0, corrupt=served, game=game
            )
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
