"""Every mistake a person can make with `lotto` ends in a message naming it and what to do, not a traceback.

Each case is a real `lotto` process (as a person runs it): its exit code is 2 for a usage error (with the
command's own usage) and 1 for the others, nothing prints a traceback, and the message names the file, the
value or the setting at fault. None of these starts a Prefect server or loads TensorFlow: each is refused
before anything runs, so the table costs about a second a case.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import migrated_sqlite_store
from tests.lotto_cli import LOTTO, run_lotto

pytestmark = pytest.mark.slow  # a real `lotto` process per case (about 0.4 s each, 40-odd cases)

SECRET = "s3cret-pw"


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Case:
    args: list[str]
    code: int
    says: list[str]  # fragments of the message (stderr), with {home}, {files} and {port} filled in
    home: str = "none"  # none (no store yet), empty (a migrated store, no draw), seeded (the bundled history)
    # or garbage (a file that is not a database)
    env: dict[str, str] = field(default_factory=dict)
    read_only_home: bool = False  # run as a user who cannot write LOTTO_HOME
    prints: list[str] = field(default_factory=list)  # fragments of stdout, for the cases that succeed


NO_STORE = ["no store at {home}/lotoflow.db", "`lotto run` creates one"]
CASES: dict[str, Case] = {
    # arguments: the command's own usage, exit code 2
    "backfill-backwards": Case(
        ["backfill", "3700", "3650"], 2, ["usage: lotto backfill", "LAST (3650) is before FIRST (3700)"]
    ),
    "backfill-zero": Case(["backfill", "0", "5"], 2, ["usage: lotto backfill", "a concurso must be", "not '0'"]),
    "backfill-superscript": Case(["backfill", "²", "5"], 2, ["usage: lotto backfill", "a concurso must be", "not '²'"]),
    "retrain-unknown-model": Case(["retrain", "lstm"], 2, ["usage: lotto retrain", "unknown model(s) ['lstm']"]),
    "quarantine-show-no-id": Case(["quarantine", "show", "x"], 2, ["usage: lotto quarantine", "'show x'"]),
    "rollback-to-zero": Case(["rollback", "stat", "--to", "0"], 2, ["usage: lotto rollback", "not '0'"]),
    "web-port-out-of-range": Case(["web", "--port", "99999"], 2, ["usage: lotto web", "from 1 to 65535", "'99999'"]),
    "game-out-of-scope": Case(
        ["status", "--game", "supersete"], 2, ["usage: lotto status", "Super Sete is out of lotoflow's scope"]
    ),
    "game-unknown": Case(["run", "--game", "bingo"], 2, ["usage: lotto run", "unknown game 'bingo'", "megasena"]),
    "game-setting-unknown": Case(
        ["status"], 1, ["LOTTO_GAME=keno", "known games: lotofacil"], env={"LOTTO_GAME": "keno"}
    ),
    # files
    "import-missing-file": Case(["import-history", "{files}/missing.csv"], 1, ["{files}/missing.csv: no such file"]),
    "import-a-directory": Case(["import-history", "{files}"], 1, ["{files} is not a regular file"]),
    "import-unknown-layout": Case(
        ["import-history", "{files}/other.csv"], 1, ["other.csv: its columns (a, b, c) are neither lotoflow's"]
    ),
    "import-not-csv-or-xlsx": Case(["import-history", "{files}/model.keras"], 1, ["expected a .csv or .xlsx file"]),
    "convert-missing-file": Case(["convert", "{files}/none.keras"], 1, ["{files}/none.keras: no such file"]),
    "convert-not-keras": Case(["convert", "{files}/other.csv"], 1, ["{files}/other.csv is not a .keras model file"]),
    "convert-keras-not-zip": Case(["convert", "{files}/model.keras"], 1, ["model.keras is not a .keras model file"]),
    # the store: missing, empty, read-only, unreachable
    "status-no-store": Case(["status"], 1, NO_STORE),
    "mlflow-sync-not-configured": Case(
        ["mlflow-sync"], 1, ["LOTTO_MLFLOW_TRACKING_URI is not set", "`make mlflow` starts one"], home="empty"
    ),
    "predict-recompute-no-store": Case(["predict", "--recompute"], 1, NO_STORE),
    "backtest-no-store": Case(["backtest"], 1, NO_STORE),
    "quarantine-no-store": Case(["quarantine"], 1, NO_STORE),
    "backtest-no-champion": Case(
        ["backtest"], 1, ["no model has a champion yet (0 draws stored)", "no report was written"], home="empty"
    ),
    "predict-recompute-no-champion": Case(
        ["predict", "--recompute", "--plan", "free"], 1, ["plan free: no member can serve", "`lotto run`"], "seeded"
    ),
    "rollback-no-previous": Case(["rollback", "stat"], 1, ["stat has no previous champion to roll back to"], "seeded"),
    "status-not-a-database": Case(
        ["status"], 1, ["{home}/lotoflow.db cannot be opened: file is not a database", "restore it"], "garbage"
    ),
    "run-home-is-a-file": Case(
        ["run"], 1, ["LOTTO_HOME {files}/other.csv cannot be created"], env={"LOTTO_HOME": "{files}/other.csv"}
    ),
    "quarantine-unknown-entry": Case(
        ["quarantine", "--accept", "7"], 1, ["quarantine entry 7 does not exist"], home="seeded"
    ),
    "status-read-only-home": Case(
        ["status"], 0, [], "seeded", read_only_home=True, prints=["store: sqlite:///{home}/lotoflow.db"]
    ),
    "backtest-read-only-home": Case(
        ["backtest"], 1, ["LOTTO_HOME {home} is not writable", "`lotto status` only reads it"], "seeded", {}, True
    ),
    "run-read-only-home": Case(["run"], 1, ["LOTTO_HOME {home} is not writable"], "seeded", read_only_home=True),
    "status-unreachable-postgresql": Case(
        ["status"],
        1,
        ["the store postgresql+psycopg://lotto:***@127.0.0.1:{port}/lotoflow cannot be opened", "Connection refused"],
        env={"LOTTO_DATABASE_URL": f"postgresql://lotto:{SECRET}@127.0.0.1:{{port}}/lotoflow"},
    ),
    "run-unreachable-postgresql": Case(
        ["run"],
        1,
        ["127.0.0.1:{port}/lotoflow cannot be opened", "check that PostgreSQL runs there"],
        env={"LOTTO_DATABASE_URL": f"postgresql+psycopg://lotto:{SECRET}@127.0.0.1:{{port}}/lotoflow"},
    ),
    # settings: named with the value and the allowed range, before anything runs
    "database-url-of-another-kind": Case(
        ["status"],
        1,
        ["LOTTO_DATABASE_URL (value not shown", "the scheme 'mysql' is not supported"],
        env={"LOTTO_DATABASE_URL": f"mysql://lotto:{SECRET}@db.example/lotoflow"},
    ),
    "window-zero": Case(
        ["status"], 1, ["LOTTO_WINDOW=0: expected an integer from 1 to 500"], env={"LOTTO_WINDOW": "0"}
    ),
    "holdout-draws-huge": Case(
        ["run"],
        1,
        ["LOTTO_HOLDOUT_DRAWS=999999: expected an integer from 10 to 2000"],
        "seeded",
        {"LOTTO_HOLDOUT_DRAWS": "999999"},
    ),
    "backup-retention-negative": Case(
        ["rollback", "stat"],
        1,
        ["LOTTO_BACKUP_RETENTION=-1: expected an integer from 1 to 1000"],
        env={"LOTTO_BACKUP_RETENTION": "-1"},
    ),
    "connect-timeout-zero": Case(
        ["backfill", "1", "2"],
        1,
        ["LOTTO_HTTP_CONNECT_TIMEOUT_S=0: expected a number above 0, at most 300"],
        env={"LOTTO_HTTP_CONNECT_TIMEOUT_S": "0"},
    ),
    "backoff-negative": Case(
        ["run"], 1, ["LOTTO_HTTP_BACKOFF_S=-1: expected a number from 0 to 600"], env={"LOTTO_HTTP_BACKOFF_S": "-1"}
    ),
    "web-port-setting": Case(
        ["web"], 1, ["LOTTO_WEB_PORT=99999: expected an integer from 1 to 65535"], env={"LOTTO_WEB_PORT": "99999"}
    ),
    "profile-unknown": Case(
        ["predict"],
        1,
        ["LOTTO_PROFILE=fast: input should be 'smoke', 'quick' or 'full'"],
        env={"LOTTO_PROFILE": "fast"},
    ),
}


@pytest.mark.parametrize("case", [pytest.param(case, id=name) for name, case in CASES.items()])
def test_a_mistake_ends_in_a_message_naming_it_and_an_exit_code_not_a_traceback(
    case: Case, places: tuple[Path, Path]
) -> None:
    home, files = places
    if case.home == "garbage":
        home.mkdir()
        (home / "lotoflow.db").write_bytes(bytes(range(256)) * 20)
    elif case.home != "none":
        home.mkdir()
        shutil.copy(migrated_sqlite_store(seeded=case.home == "seeded"), home / "lotoflow.db")
        (home / "lotoflow.db").chmod(0o644)
    port = unused_port()

    def filled(text: str) -> str:
        return text.format(home=home, files=files, port=port)

    env = {"LOTTO_HOME": str(home)} | {name: filled(value) for name, value in case.env.items()}
    done = run_lotto([filled(a) for a in case.args], env, home if case.read_only_home else None)

    output = done.stdout + done.stderr
    assert done.returncode == case.code, output
    assert "Traceback" not in output and "Error:" not in done.stderr, output
    for fragment in map(filled, case.says):
        assert fragment in done.stderr, f"{fragment!r} not in:\n{done.stderr}"
    for fragment in map(filled, case.prints):
        assert fragment in done.stdout, f"{fragment!r} not in:\n{done.stdout}"
    if case.code == 1:
        assert 1 <= len(done.stderr.strip().splitlines()) <= 2, done.stderr  # one or two lines
    assert SECRET not in output
    assert "Beginning flow run" not in output  # refused before any flow (or Prefect server) started
    if case.home == "none":
        assert not home.exists()  # nothing was created where no store was


def test_a_traceback_is_shown_when_asked_for(places: tuple[Path, Path]) -> None:
    home, files = places
    for args, env in (
        (["import-history", str(files / "missing.csv"), "--debug"], {}),
        (["--debug", "import-history", str(files / "missing.csv")], {}),
        (["import-history", str(files / "missing.csv")], {"LOTTO_DEBUG": "1"}),
    ):
        done = run_lotto(args, {"LOTTO_HOME": str(home)} | env)
        assert done.returncode == 1 and "Traceback" in done.stderr
        assert "HistoryFileMissingError: " in done.stderr and "missing.csv: no such file" in done.stderr


def test_a_reader_that_stops_reading_ends_lotto_quietly(places: tuple[Path, Path]) -> None:
    """`lotto status | head`: the pipe closes before lotto writes; lotto stops without a word, as a program
    ended by SIGPIPE (141)."""
    home, _files = places
    home.mkdir()
    shutil.copy(migrated_sqlite_store(seeded=True), home / "lotoflow.db")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LOTTO_", "PREFECT_API_URL"))}
    for args in (["status"], ["status", "--json"], ["quarantine", "--all"]):
        reader, writer = os.pipe()
        process = subprocess.Popen(
            [LOTTO, *args], env=clean | {"LOTTO_HOME": str(home)}, stdout=writer, stderr=subprocess.PIPE, text=True
        )
        os.close(writer)
        os.close(reader)  # the reader is gone before lotto has written anything
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 141 and stderr == "", stderr


@pytest.mark.slow  # a real flow run on its own temporary Prefect server: about 12 s
def test_an_import_into_a_new_home_says_where_it_creates_the_store_counts_every_row_and_links_nowhere(
    places: tuple[Path, Path],
) -> None:
    """The store a command creates is named; every row of the file is accounted for in words, in the
    quarantine and in `lotto status`; and a run on a temporary server (gone with the run) prints no link."""
    home, files = places
    header = "concurso,data," + ",".join(f"d{i}" for i in range(1, 16))
    (files / "three.csv").write_text(
        f"{header}\n"
        "3701,2026-06-02,1,2,3,4,5,6,7,8,9,10,11,12,13,14,26\n"  # 26: invalid
        "3702,2026-06-03,1,2,4,5,7,9,10,12,14,16,18,20,21,23,25\n"  # valid, held back behind 3701
        "3703,2026-06-04,2,3,4,6,7,9,11,12,15,16,17,19,21,22,24\n"
    )
    env = {"LOTTO_HOME": str(home), "LOTTO_CAIXA_BASE_URL": f"http://127.0.0.1:{unused_port()}/api"}

    done = run_lotto(["import-history", str(files / "three.csv")], env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"lotto: there was no store at {home}/lotoflow.db: created a new one there" in done.stderr
    assert "no link to the run is shown" in done.stderr and "View at" not in done.stderr
    assert done.stdout.splitlines() == [
        "Imported three.csv: 0 new, 0 identical, 0 conflicting, 1 invalid, 2 held back; 3 row(s) quarantined "
        "(`lotto quarantine` lists them)",
        '- invalid: line 2: concurso 3701 failed the validation suite: "numbers in 1..25" (number: expected between '
        "1 and 25, found 26)",
        "- held back: line 3: concurso 3702 held back behind the rejected concurso 3701 (storing it would leave a "
        "gap); accept it once that one is stored",
        "- held back: line 4: concurso 3703 held back behind the rejected concurso 3701 (storing it would leave a "
        "gap); accept it once that one is stored",
    ]
    status = run_lotto(["status"], env).stdout.splitlines()
    assert status[:3] == [
        f"store: sqlite:///{home}/lotoflow.db (LOTTO_HOME {home})",
        "draws: 3700 stored, last concurso 3700 on 2026-06-01",
        "quarantine: 3 held",
    ]
    assert run_lotto(["quarantine"], env).stdout.splitlines()[-1] == "3 entries held"


def test_with_a_configured_prefect_server_links_lead_to_its_ui(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Against a server that outlives the run, the "View at" line and the alerts link to its UI address
    (PREFECT_UI_URL); only a temporary server (gone with the run) gets no link."""
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings
    from prefect.utilities.urls import url_for

    from deployments.temporary_server import NO_RUN_LINK, prefect_api
    from lotto_models.reporting.alerts import failed_run_alert

    api, ui = f"http://127.0.0.1:{unused_port()}/api", "https://prefect.example/ui"
    monkeypatch.setenv("PREFECT_API_URL", api)
    with temporary_settings({PREFECT_API_URL: api, PREFECT_UI_URL: ui}), prefect_api(while_starting=lambda: 7) as got:
        assert got == 7
        assert url_for("flow-run", obj_id="1234") == f"{ui}/runs/flow-run/1234"  # Prefect's "View at" line
        alert = failed_run_alert("after-draw", "brave-owl", "1234", "Failed", "why", PREFECT_UI_URL.value())
        assert alert.link == f"{ui}/runs/flow-run/1234"
    assert NO_RUN_LINK not in capsys.readouterr().err
