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

`--game G` replays another game's real history instead (from `shared/data/games/` beside the checkout: a
development input), with the same faults drawn to that game's rules, its own models and plans; its results go
under `<store>/<game>`, and the deployment cycles stay Lotofácil's.

The soak itself is `deployments.soak` (the short soak of the tests runs it too); this is its command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.provenance import provenance  # noqa: E402
from deployments.soak.cycles import SoakState  # noqa: E402
from deployments.soak.lotto_runs import soak  # noqa: E402
from deployments.soak.through_deployment import (  # noqa: E402
    GRACE_S,
    HEARTBEAT_S,
    DeploymentState,
    soak_through_deployment,
)
from lotto_models.core.game_ids import legacy_form  # noqa: E402
from lotto_models.core.games import GAMES, LOTOFACIL  # noqa: E402


def write_results(state: SoakState, out: Path, deployment: DeploymentState | None = None) -> None:
    results = json.loads(out.read_text()) if out.exists() else {"stores": {}}
    earlier_commit = results.get("commit")
    commit = results["commit"] = provenance(0)["commit"]  # the newest writer; each entry names its own
    key = state.store if legacy_form(state.game) else f"{state.store}/{state.game}"  # Lotofácil's, as before
    previous = results["stores"].get(key, {})
    results["stores"][key] = {
        "commit": commit,
        "game": state.game,
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
        results["stores"][key]["deployment"] = {
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
        results["stores"][key]["deployment"] = {
            "commit": previous.get("commit", earlier_commit),
            **previous["deployment"],
        }
    out.write_text(json.dumps(results, indent=2) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--game", choices=sorted(GAMES), default=LOTOFACIL.id, help="the game whose history it replays")
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
    game = GAMES[args.game]
    work = args.work or ROOT / "bench" / ".soak" / (args.store if legacy_form(game.id) else f"{args.store}-{game.id}")
    state = soak(args.store, args.cycles, args.seed, args.behind, args.kill_rate, work, game)
    print(json.dumps({k: v for k, v in state.__dict__.items() if k != "bytes_after_cycle"}, indent=2))
    deployment = None
    if args.through_deployment and not state.violations and legacy_form(game.id):  # after-draw: Lotofácil's
        deployment = soak_through_deployment(args.store, args.through_deployment, args.seed, args.behind, work, state)
        print(json.dumps({"deployment": deployment.__dict__}, indent=2))
    write_results(state, args.out, deployment)
    return 1 if state.violations or (deployment and deployment.violations) else 0


if __name__ == "__main__":
    sys.exit(main())
