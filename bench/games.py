"""Every game of the catalog in one store (issue 26): each game's no-op `lotto run --game G` and its incremental run
for one new draw, as whole processes against one running Prefect server, new draws from the loopback CAIXA server.

What grows with the number of games, and what does not:
- `games_store_rows` and `games_models_mb`: the store's rows (every table) and the models directory, per game as
  each game joins: they add up;
- `games_pair_sequential_s` / `games_pair_concurrent_s`: one after-draw of two games run one after the other,
  then two at once (concurrency is one per game, so two games may run together on 2 cores);
- `games_lotofacil_noop_alone_s` beside `games_lotofacil_noop_all_s`: Lotofácil's no-op with only its own draws
  in the store, then with all eight games there (a game's no-op reads its own rows only).

The seven other games' real histories are read from `shared/data/games/` beside the checkout (a dev tool may; the
package never does), or from `LOTTO_BENCH_SHARED_DATA`; without them this part stops with a message saying where it
looked. Lotofácil uses the bundled history, as the rest of `make bench`.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

from bench.figures import figure
from bench.lotto_process import run_lotto
from deployments.loopback.caixa_server import CaixaTestServer
from deployments.loopback.checkout import PYTHON
from deployments.loopback.prefect_server import PrefectServer
from deployments.loopback.synthetic_draws import synthetic_draws
from lotto_models.core.draws import Draw
from lotto_models.core.games import GAMES, LOTOFACIL, Game
from lotto_models.ingest.bundled_history import bundled_history
from lotto_models.ingest.history_files import read_draw_file

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LOTTO_BENCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
PAIR = ("megasena", "quina")  # the two games whose after-draws run one after the other, then at once
HELD_BACK = 2  # the newest draws of each history kept off the store: one incremental run, then the pair's


class MissingSharedData(RuntimeError):
    pass


def history_file(g: Game, shared: Path = SHARED) -> Path:
    path = shared / "games" / f"{g.id}_draws.csv"
    if not path.is_file():
        raise MissingSharedData(
            f"the games bench needs the real history of {g.name} at {path}: `shared/` beside the checkout, or set "
            "LOTTO_BENCH_SHARED_DATA to its data folder (or run `bench/run.py --skip games`)"
        )
    return path


def check_shared_data(names: list[str] | None = None) -> None:
    """Raises `MissingSharedData` naming the first history file of `names` (default: every game) not found."""
    for g in GAMES.values():
        if g is not LOTOFACIL and (names is None or g.id in names):
            history_file(g)


def real_history(g: Game, shared: Path = SHARED) -> list[Draw]:
    rows = read_draw_file(history_file(g, shared), g)
    return [row.candidate.as_draw() for row in rows if row.candidate is not None]


def store_rows(home: Path) -> int:
    """Rows of every table of the SQLite stores under `home`."""
    total = 0
    for db in home.rglob("*.db"):
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
            total += sum(conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables)
    return total


def dir_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 2) if path.exists() else 0.0


def import_history(g: Game, draws: list[Draw], env: dict[str, str], work: Path) -> None:
    """`lotto import-history --game G` of the real file without its newest `HELD_BACK` rows."""
    lines = history_file(g).read_text(encoding="utf-8").splitlines(keepends=True)
    path = work / f"{g.id}_draws.csv"
    path.write_text("".join(lines[:-HELD_BACK]), encoding="utf-8")
    proc = subprocess.run(
        [PYTHON, "-m", "deployments.cli", "import-history", "--game", g.id, str(path)],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"lotto import-history --game {g.id} failed:\n{proc.stderr[-4000:]}")


def run_pair(games: tuple[str, ...], env: dict[str, str]) -> float:
    """Wall time of `lotto run --game G` of each of `games`, all started at once."""
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [PYTHON, "-m", "deployments.cli", "run", "--game", g],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for g in games
    ]
    errors = [p.communicate()[1] for p in procs]
    wall = time.perf_counter() - started
    for g, proc, err in zip(games, procs, errors, strict=True):
        if proc.returncode != 0:
            raise RuntimeError(f"lotto run --game {g} (at once with the others) failed:\n{err.decode()[-4000:]}")
    return wall


def game_runs(work: Path, repeats: int, names: list[str] | None = None) -> dict:
    """The figures of the module's docstring; `names` limits the games (Lotofácil always comes first)."""
    games = [GAMES[n] for n in names or GAMES if n != LOTOFACIL.id]
    histories = {g.id: real_history(g) for g in games}  # stops early, with the message, without the data
    lotofacil = bundled_history()
    caixa = CaixaTestServer(lotofacil).start()
    server = PrefectServer(work / "prefect-games")
    home = work / "home-games"
    env = {**server.env, "LOTTO_HOME": str(home), "LOTTO_CAIXA_BASE_URL": caixa.base_url, "TF_CPP_MIN_LOG_LEVEL": "3"}
    results: dict = {}
    noop: dict[str, float] = {}
    incremental: dict[str, float] = {}
    setup: dict[str, float] = {}
    growth: list[dict] = []
    try:
        print("games: Lotofácil's first run...", flush=True)
        setup["lotofacil"] = round(run_lotto(["run", "--game", "lotofacil"], env)["wall_s"], 2)
        alone = [run_lotto(["run", "--game", "lotofacil"], env)["wall_s"] for _ in range(repeats)]
        results["games_lotofacil_noop_alone_s"] = figure("games_lotofacil_noop_alone_s", alone)
        growth.append({"games": 1, "store_rows": store_rows(home), "models_mb": dir_mb(home / "models")})
        for g in games:
            print(f"games: {g.name}: import, first run (trains every model from scratch)...", flush=True)
            started = time.perf_counter()
            import_history(g, histories[g.id], env, work)
            caixa.add_draws(histories[g.id][:-HELD_BACK], g)
            run_lotto(["run", "--game", g.id], env)
            setup[g.id] = round(time.perf_counter() - started, 2)
            rows, models = store_rows(home), dir_mb(home / "models")
            growth.append({"games": len(growth) + 1, "game": g.id, "store_rows": rows, "models_mb": models})
        for g in [LOTOFACIL, *games]:
            name = f"games_noop_{g.id}_s"
            noop[g.id] = figure(name, [run_lotto(["run", "--game", g.id], env)["wall_s"] for _ in range(repeats)])
            print(f"games: {g.name} no-op {noop[g.id]} s", flush=True)
        results["games_lotofacil_noop_all_s"] = noop[LOTOFACIL.id]
        for g in [LOTOFACIL, *games]:
            new = synthetic_draws(lotofacil[-1], 1, seed=200) if g is LOTOFACIL else [histories[g.id][-HELD_BACK]]
            caixa.add_draws(new, g)
            incremental[g.id] = round(run_lotto(["run", "--game", g.id], env)["wall_s"], 3)
            print(f"games: {g.name} incremental {incremental[g.id]} s", flush=True)
        pair = [n for n in PAIR if n in histories]
        if len(pair) == 2:
            for n in pair:
                caixa.add_draws([histories[n][-1]], GAMES[n])
            results["games_pair"] = pair
            results["games_pair_sequential_s"] = round(sum(incremental[n] for n in pair), 3)
            results["games_pair_concurrent_s"] = round(run_pair(tuple(pair), env), 3)
            print(
                f"games: {' + '.join(pair)} one after the other {results['games_pair_sequential_s']} s, "
                f"at once {results['games_pair_concurrent_s']} s",
                flush=True,
            )
    finally:
        server.stop()
        caixa.stop()
    results["games_noop_s"] = noop
    results["games_incremental_s"] = incremental
    results["games_first_run_s"] = setup
    results["games_growth"] = growth
    results["games_noop_max_s"] = max(noop.values())
    results["games_incremental_max_s"] = max(incremental.values())
    return results


def games_summary(results: dict) -> list[str]:
    """What grows with the number of games and what does not, in words, from the figures."""
    if "games_noop_s" not in results:
        return []
    growth = results["games_growth"]
    first, last = growth[0], growth[-1]
    lines = [
        f"With {last['games']} games in one store: {first['store_rows']} → {last['store_rows']} store rows and "
        f"{first['models_mb']} → {last['models_mb']} MB of models (each game adds its own; they add up).",
        f"Lotofácil's no-op alone {results['games_lotofacil_noop_alone_s']} s, with all the games "
        f"{results['games_lotofacil_noop_all_s']} s (it reads its own rows only: these should match within their "
        "spread). "
        f"No-ops range {min(results['games_noop_s'].values())}–{max(results['games_noop_s'].values())} s.",
    ]
    if "games_pair_concurrent_s" in results:
        lines.append(
            f"After-draws of {' and '.join(results['games_pair'])}: one after the other "
            f"{results['games_pair_sequential_s']} s, at once {results['games_pair_concurrent_s']} s "
            "(two games may run together; they share the 2 cores)."
        )
    return lines
