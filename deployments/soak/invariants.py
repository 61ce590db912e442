"""The soak's promises, checked after every cycle: the store holds exactly the true draws, corrupt answers are
in the quarantine, every version row has its verified directory, a completed cycle left every plan's guess
(but that of a plan none of whose members may serve, which the run names as skipped),
no process of the run is left, and LOTTO_HOME stops growing once its retentions have reached it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import sqlalchemy as sa

from deployments.soak.cycles import Cycle, SoakState
from deployments.soak.faults import Corrupt
from lotto_models.core.draws import Draw
from lotto_models.core.fallbacks import COMPLETED_WITH_FALLBACK
from lotto_models.core.game_ids import legacy_form
from lotto_models.core.games import Game
from lotto_models.core.plans import plans_of
from lotto_models.modeling.catalog import MODELS, models_of
from lotto_models.registry.model_status import model_status
from lotto_models.registry.versions import CHAMPION, PREVIOUS
from lotto_models.storage import schema
from lotto_models.workspace import Workspace, close_workspaces, open_workspace


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


def plans_without_a_member(ws: Workspace, game: Game) -> set[str]:
    """`game`'s plans none of whose members may serve: each has no champion or one below the baseline."""
    can_serve = {
        m for m in models_of(game) if (status := model_status(ws.versions, m)).champion and not status.below_baseline
    }
    return {name for name, plan in plans_of(game).items() if not can_serve & set(plan.members)}


def _skip_of(plan: str) -> str:
    """How the after-draw run names the skip of `plan` (flows/after_draw.py's fallback detail)."""
    return f"plan {plan} serves nothing this time"


def _said_skipped(plan: str, log: str) -> bool:
    return f"Fallback: {_skip_of(plan)}" in log


def _fallbacks_besides(skipped: set[str], log: str) -> list[str]:
    """The fallbacks the run's log names, but for the skips of the plans in `skipped`; a run that ended
    "Completed with fallback" without naming one in its log counts as one (the log's form changed)."""
    named = [
        line.split("Fallback: ", 1)[1] for line in log.splitlines() if "| WARNING |" in line and "Fallback: " in line
    ]
    if COMPLETED_WITH_FALLBACK in log and not named:
        return ["a fallback the log does not name"]
    return [f for f in named if not any(f.startswith(_skip_of(plan)) for plan in skipped)]


def check_invariants(
    state: SoakState,
    cycle: Cycle,
    history: list[Draw],
    home: Path,
    completed: bool,
    corrupt: list[Corrupt],
    game: Game,
) -> list[str]:
    """Every promise after a cycle of `game`; the broken ones, each in a sentence. `corrupt`: the corrupt answers
    the cycle's run was served and lived to judge."""
    broken: list[str] = []
    close_workspaces()
    ws = open_workspace(game=game)
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
        rows = connection.execute(sa.select(schema.model_versions).where(schema.model_versions.c.game == game.id)).all()
    models = models_of(game)
    games_dir = ws.settings.models_dir if legacy_form(game.id) else ws.settings.models_dir / game.id
    on_disk = {
        str(p.relative_to(ws.settings.models_dir)) for m in models for p in (games_dir / m).glob("v*") if p.is_dir()
    }
    live = {row.artifact_path for row in rows if row.artifacts_pruned_at is None}
    if on_disk - live:
        broken.append(f"version directories without a row: {sorted(on_disk - live)}")
    if live - on_disk:
        broken.append(f"version rows without a directory: {sorted(live - on_disk)}")
    for model in models:
        for alias in (CHAMPION, PREVIOUS):
            version = ws.versions.alias(model, alias)
            if version is None:
                continue
            try:
                from lotto_models.modeling.fitting import load_predictor

                load_predictor(MODELS[model], ws.artifacts.checked_path(version))
            except Exception as error:  # any failure to verify or load is the violation itself
                broken.append(f"{model} {alias} {version.label} does not verify and load: {error}")
    if completed:
        # A plan none of whose members has a champion the gate lets serve (below the constant forecast beyond
        # noise, or none at all) publishes nothing, by design, and the run says so: that is a decision, not a loss.
        skipped = {plan for plan in plans_without_a_member(ws, game) if _said_skipped(plan, cycle.log)}
        missing = [plan for plan in plans_of(game) if not ws.predictions.has_prediction(plan, last + 1)]
        unexplained = [plan for plan in missing if plan not in skipped]
        if unexplained:
            broken.append(f"a completed cycle left no guess for concurso {last + 1} for {unexplained}")
        if not cycle.faults and cycle.kill is None and _fallbacks_besides(skipped, cycle.log):
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
