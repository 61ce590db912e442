"""The `lotto` command: runs the flows and the library functions from the shell."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from prefect.states import State

    from lotto_models.core.settings import Settings
    from lotto_models.workspace import ArtifactBlockReader, Workspace

from deployments.cli_arguments import build_parser, check_arguments, command_parser
from deployments.cli_mlflow import mirror_after_command, mlflow_sync_command
from deployments.cli_printing import bet_size_words, guess_line, print_status, unranked_guess_words
from lotto_models.core.errors import LotoflowError
from lotto_models.core.game_ids import GameId
from lotto_models.core.games import GAMES, Game
from lotto_models.core.guess_ranking import guess_of_size
from lotto_models.core.plans import plan_of, plans_of
from lotto_models.reporting.baseline import chance_words


def quiet_tensorflow() -> None:
    """Keep TensorFlow's start-up notices (oneDNN, CPU features, absl) off the console; set before TF loads."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")


def console() -> NoReturn:
    """The `lotto` command: `main`, then the end of the process (`end_process`)."""
    end_process(main())


def end_process(code: int) -> NoReturn:
    """Exit with `code` at once, once everything that must outlive the process is out: Prefect's queued logs
    and events sent, the stores' connections closed, the console flushed.

    Skipped is only the interpreter's teardown of the modules a run loaded (Prefect, pandas, Great
    Expectations, SQLAlchemy): about 1 s after every `lotto run`, and it writes nothing. The one thing it
    would remove, multiprocessing's directory, goes here with the run's scratch space."""
    if "prefect" in sys.modules:
        from prefect.events.worker import EventsWorker

        from deployments.temporary_server import drain_logs

        drain_logs()
        EventsWorker.drain_all(timeout=5)
    if "lotto_models.workspace" in sys.modules:
        from lotto_models.workspace import close_workspaces

        close_workspaces()
    if "deployments.scratch_space" in sys.modules:
        from deployments.scratch_space import remove_kept_scratch_spaces

        remove_kept_scratch_spaces()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `lotto` command. An error a person can fix (an argument, a file, a setting, the store) ends in
    one or two lines naming it and what to do, exit code 2 for a usage error and 1 for the others; the
    traceback only with `--debug` (or LOTTO_DEBUG=1). Errors are specific `LotoflowError`s, caught here."""
    quiet_tensorflow()
    parser = build_parser()
    args = parser.parse_args(argv)
    usage = command_parser(parser, args.command)
    debug = getattr(args, "debug", False) or os.environ.get("LOTTO_DEBUG", "").lower() in {"1", "true", "yes"}
    try:
        check_arguments(args, usage)
        code = _command(args, usage, _game_of(args))
        sys.stdout.flush()  # a reader that went away (`lotto status | head`) shows here, not at exit
        return code
    except LotoflowError as error:
        if debug:
            raise
        print(f"lotto {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Ctrl-C: every write is a transaction, so what was stored stays and nothing is half-written.
        print(f"lotto {args.command}: interrupted; what it had stored is kept, nothing half-written", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:
        # The reader stopped reading: nothing more to say to it, and no traceback. The exit code is that of a
        # program ended by SIGPIPE, as `head`'s other writers end.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


def _game_of(args: argparse.Namespace) -> Game:
    """The game of `--game`, else of LOTTO_GAME (Lotofácil by default); commands of no game get the latter."""
    from lotto_models.core.settings import get_settings

    return GAMES[getattr(args, "game", None) or get_settings().game]


def _command(args: argparse.Namespace, usage: argparse.ArgumentParser, game: Game) -> int:
    if args.command in {"run", "retrain", "backfill", "import-history"}:
        if args.command == "import-history":
            from pathlib import Path

            from lotto_models.ingest.history_files import check_history_file

            check_history_file(Path(args.path), game=game)
        _open_store(game, creates=True)  # the flow opens the same one again, from this process's cache
        return _run_flow(args, game)
    if args.command == "predict":
        return _predict(game, args.plan, args.recompute, args.bet_size)
    if args.command == "web":
        return _web(args)
    if args.command == "rollback":
        from lotto_models.training.rollback import rollback_model

        done = rollback_model(ws := _open_store(game), args.model, args.version)
        print(
            f"{done.model}: champion {done.from_version} -> {done.to_version}"
            + (f" ({done.note})" if done.note else "")
        )
        mirror_after_command(ws, [done.model])
        return 0
    if args.command == "mlflow-sync":
        return mlflow_sync_command(_open_store(game))
    if args.command == "review-challengers":
        _open_store(game, read_only=not args.approve and not args.reject)  # there, and readable; then reviewed
        return _review(args, game)
    if args.command == "quarantine":
        return _quarantine(args, game)
    if args.command == "repair-draw":
        from deployments.cli_repair import repair_draw_command

        return repair_draw_command(args, usage, game, _open_store(game))
    if args.command == "backtest":
        from lotto_models.reporting.backtest import write_backtest_report

        report = write_backtest_report(_open_store(game))
        print(report.markdown())
        print(f"Report: {report.markdown_path}\nChart: {report.chart_path}")
        return 0
    if args.command == "convert":
        from pathlib import Path

        from lotto_models.modeling.fitting import convert_to_saved_model

        keras_file = Path(args.keras_file)
        target = Path(args.output_dir) if args.output_dir else keras_file.with_name(keras_file.stem + "_saved_model")
        print(convert_to_saved_model(keras_file, target))
        return 0
    if args.command == "status":
        from lotto_models.reporting.status import status_report

        report_json = status_report(_open_store(game, read_only=True))
        if args.json:
            json.dump(report_json, sys.stdout, default=str)
            sys.stdout.write("\n")
        else:
            print_status(report_json, game)
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


def _open_store(game: Game, read_only: bool = False, creates: bool = False) -> Workspace:
    """The store the settings name, for `game`. Only the flows' commands (`creates`) make a new one where there is none,
    and say so; the others refuse to, naming where they looked. `read_only`: the command only reads, and
    works on a store this user cannot write."""
    from lotto_models.core.errors import StoreUnavailableError
    from lotto_models.core.settings import get_settings
    from lotto_models.storage.engine import store_name
    from lotto_models.workspace import open_workspace, store_exists

    settings = get_settings()
    block_reader = _artifact_block_reader(settings)
    if store_exists(settings):
        return open_workspace(settings, read_only=read_only, block_reader=block_reader, game=game)
    where = store_name(settings.sqlalchemy_url)
    if not creates:
        raise StoreUnavailableError(
            f"no store at {where} (LOTTO_HOME={settings.home})\n"
            "`lotto run` creates one and fills it; or point LOTTO_HOME (LOTTO_DATABASE_URL) at an existing one"
        )
    ws = open_workspace(settings, block_reader=block_reader, game=game)
    print(f"lotto: there was no store at {where}: created a new one there", file=sys.stderr, flush=True)
    return ws


def _artifact_block_reader(settings: Settings) -> ArtifactBlockReader | None:
    """Prefect's reader of `LOTTO_ARTIFACTS_BLOCK` when the settings name a block (only then is Prefect
    imported: the commands that only read start without it)."""
    if not settings.artifacts_block:
        return None
    from tasks.artifact_block import read_artifact_block

    return read_artifact_block


def _run_flow(args: argparse.Namespace, game: Game) -> int:
    """Run a flow once, locally. The CLI is an entry point like `deployments`: it may start flows."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from deployments.backfill_bar import backfill_bar
    from deployments.scratch_space import scratch_space
    from deployments.temporary_server import prefect_api

    # The temporary files of the run (its helper processes' too) in one directory, removed when it ends; a
    # backfill's progress bar on a terminal.
    with scratch_space(), backfill_bar(), prefect_api(while_starting=lambda: _flow_call(args, game.id)) as start:
        state = start()
    if not state.is_completed():
        print(f"{args.command}: {state.name}: {state.message}", file=sys.stderr)
        return 1
    return 0


def _web(args: argparse.Namespace) -> int:
    """Serve `web.app` with uvicorn; it reads the store named by the settings and never writes to it."""
    import uvicorn

    from lotto_models.core.redaction import redacted_url
    from lotto_models.core.settings import get_settings

    settings = get_settings()
    host = args.host or settings.web_host
    port = args.port if args.port is not None else settings.web_port
    workers = args.workers if args.workers is not None else settings.web_workers
    store = redacted_url(settings.sqlalchemy_url)  # a service's console ends up in logs: no user, no password
    print(f"lotoflow web: http://{host}:{port}/ (API under /api/v1, schema at /docs), store {store}", flush=True)
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=args.access_log,
        log_level="info",
    )
    return 0


def _flow_call(args: argparse.Namespace, game: GameId) -> Callable[[], State[Any]]:
    """The flow run the command asks for, imported and ready to start."""
    if args.command == "retrain" or (args.command == "run" and args.from_scratch):
        from runtime.fork_server import start_fork_server

        start_fork_server()  # sure to train: the workers' imports start now, beside this process's own
    if args.command == "run":
        from flows.after_draw import after_draw

        return lambda: after_draw(from_scratch=args.from_scratch, game=game, return_state=True)
    if args.command == "retrain":
        from flows.retrain import retrain

        return lambda: retrain(models=args.models or None, from_scratch=args.from_scratch, game=game, return_state=True)
    if args.command == "backfill":
        from flows.ingest_draws import backfill

        return lambda: backfill(args.first, args.last, game=game, return_state=True)
    from pathlib import Path

    from flows.import_history import import_history

    path = str(Path(args.path).resolve())
    return lambda: _print_import(import_history(path, game=game, return_state=True))


def _print_import(state: State[Any]) -> State[Any]:
    """What became of the file's rows, in words, once the import completed."""
    if state.is_completed():
        print(state.result().text())
    return state


def _predict(game: Game, plan: str, recompute: bool, bet_size: int | None = None) -> int:
    """The guess the flow stored for the next concurso (no model is loaded), or one computed now; at `bet_size`
    numbers, the published ones plus those its ensemble ranked next."""
    ws = _open_store(game, read_only=not recompute)  # recomputing may restore a damaged champion's files
    plans = list(plans_of(game)) if plan == "all" else [plan_of(game, plan).name]
    if bet_size is not None:
        game.hits_distribution(bet_size)  # refuses a size the game does not allow, naming its sizes
    if recompute:
        from lotto_models.serving.publishing import build_plan_datasets, predict_plan

        datasets = build_plan_datasets(ws, plans)
        guesses = [predict_plan(ws, name, datasets) for name in plans]
        # a champion restored from its backup (or rolled back) is said as `lotto run` says it, on stderr too
        for fallback in dict.fromkeys(f for g in guesses for f in g.fallbacks):
            print(f"Fallback: {fallback}", file=sys.stderr)
        shown: list[tuple[Any, ...]] = [
            (g.plan, g.concurso, g.numbers, g.ranking, g.member_versions, g.degraded, g.note, g.extras) for g in guesses
        ]
    else:
        next_concurso = ws.draws.last_concurso() + 1
        stored = {name: ws.predictions.published_for(name, next_concurso) for name in plans}
        missing = [name for name, guess in stored.items() if guess is None]
        if missing:
            print(
                f"lotto predict: no stored guess for concurso {next_concurso} for {', '.join(missing)}; "
                "run `lotto run` to publish one, or `lotto predict --recompute` to compute it now",
                file=sys.stderr,
            )
            return 1
        shown = [
            (g.plan, g.concurso, g.numbers, g.ranking, g.member_versions, g.degraded, g.note, g.extras)
            for g in stored.values()
            if g is not None
        ]
    lines = []
    for name, concurso, numbers, ranking, members, degraded, note, extras in shown:
        if bet_size is not None and bet_size != len(numbers):
            if not ranking:
                print(unranked_guess_words(name, concurso, len(numbers), bet_size), file=sys.stderr)
                return 1
            numbers = guess_of_size(ranking, bet_size)
        lines.append(guess_line(name, concurso, numbers, members, degraded, note, extras))
    print("\n".join(lines))
    if bet_size is not None:
        print(bet_size_words(game, bet_size))
    print(chance_words(game).predict_note)
    return 0


def _review(args: argparse.Namespace, game: Game) -> int:
    from lotto_models.core.settings import get_settings
    from lotto_models.training.review import apply_review, pending_challengers
    from lotto_models.workspace import open_workspace

    settings = get_settings()
    ws = open_workspace(settings, block_reader=_artifact_block_reader(settings), game=game)
    if not args.approve and not args.reject:
        pending = pending_challengers(ws)
        for item in pending:
            print(item.markdown() + "\n")
        print(f"{len(pending)} challenger(s) awaiting review." if pending else "No challenger awaits review.")
        return 0
    decisions = [(item, True) for item in args.approve] + [(item, False) for item in args.reject]
    for (model, version), approve in decisions:
        print(apply_review(ws, model, version, approve, args.note))  # a refusal ends here, named by `main`
    mirror_after_command(ws, sorted({model for (model, _), _ in decisions}))
    return 0


def _quarantine(args: argparse.Namespace, game: Game) -> int:
    import getpass

    from lotto_models.ingest.quarantine import (
        accept_entry,
        describe,
        discard_entry,
        entry_row,
        list_entries,
        show_entry,
    )

    deciding = args.accept is not None or args.discard is not None
    ws = _open_store(game, read_only=not deciding)
    who = args.by or f"{getpass.getuser()} (lotto cli)"
    if deciding:
        entry_id = args.accept if args.accept is not None else args.discard
        decide = accept_entry if args.accept is not None else discard_entry
        entry = decide(ws, entry_id, args.note, who)
        print(f"quarantine entry {entry.id} (concurso {entry.concurso}) {entry.status.value} by {who}")
        return 0
    if args.show:
        print(describe(show_entry(ws, int(args.show[1]))))
        return 0
    entries = list_entries(ws, include_decided=args.all)
    print(f"{'id':>5}  {'concurso':>8}  {'source':<22}  {'first seen':<16}  {'seen':>4}  {'status':<9}  reason")
    for entry in entries:
        row = entry_row(entry)
        print(
            f"{row['id']:>5}  {row['concurso'] if row['concurso'] is not None else '-':>8}  {row['source']:<22}  "
            f"{row['first_seen']:<16}  {row['times_seen']:>4}  {row['status']:<9}  {row['reason']}"
        )
    print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}" + ("" if args.all else " held"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    console()
