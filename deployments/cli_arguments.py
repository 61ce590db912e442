"""The `lotto` command's arguments: its parser, the types of its values, and the checks argparse cannot make."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from lotto_models.core.digits import ascii_digits
from lotto_models.core.games import GAMES, UnknownGameError, game
from lotto_models.core.plans import PLANS, plans_of
from lotto_models.modeling.catalog import MODELS
from lotto_models.registry.version_refs import VersionRefError, parse_version_ref


def build_parser() -> argparse.ArgumentParser:
    debug = argparse.ArgumentParser(add_help=False)  # accepted before or after the command
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of an error")
    parser = argparse.ArgumentParser(
        prog="lotto", description="lotoflow: Lotofácil models kept up to date.", parents=[debug]
    )
    commands = parser.add_subparsers(dest="command", required=True)

    playing = argparse.ArgumentParser(add_help=False)  # the commands that work on one game's draws and models
    playing.add_argument(
        "--game",
        type=_game_id,
        default=None,
        metavar="GAME",
        help=f"one of: {', '.join(GAMES)} (default LOTTO_GAME, lotofacil)",
    )

    def command(name: str, help: str, one_game: bool = True) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, parents=[debug, playing] if one_game else [debug])

    run = command("run", help="run the after-draw flow once, locally")
    run.add_argument("--from-scratch", action="store_true", help="train every model from scratch")
    retrain = command(
        "retrain", help="retrain MODEL... (default all) and the models that depend on them; gate; publish"
    )
    retrain.add_argument("models", nargs="*", metavar="MODEL", help=f"one of: {', '.join(MODELS)}")
    retrain.add_argument("--from-scratch", action="store_true", help="do not warm start from the champions")
    backfill = command("backfill", help="fetch concursos FIRST..LAST by number (manual flow)")
    backfill.add_argument("first", type=_concurso, metavar="FIRST")
    backfill.add_argument("last", type=_concurso, metavar="LAST")
    importing = command("import-history", help="merge a history file (.csv or .xlsx) into the store")
    importing.add_argument("path", help="lotoflow CSV layout or the official spreadsheet layout")
    command("backtest", help="write the report of every champion against the random baseline")
    predict = command("predict", help="each plan's stored guess for the next concurso")
    plans = f"Lotofácil's {', '.join(PLANS)}; another game's {', '.join(plans_of(game('megasena')))}"
    predict.add_argument("--plan", default="all", help=f"a plan of the game ({plans}), or all (the default)")
    predict.add_argument(
        "--recompute", action="store_true", help="compute it now from the current champions (loads the models)"
    )
    predict.add_argument(
        "--bet-size",
        type=_at_least_one,
        metavar="N",
        help="the guess at a bet of N numbers: the published ones plus those ranked next (a size the game allows)",
    )
    rollback = command("rollback", help="make the previous (or a named) version the champion again")
    rollback.add_argument("model")
    rollback.add_argument(
        "--to", type=_at_least_one, dest="version", help="version number (default: the previous champion)"
    )
    review = command(
        "review-challengers", help="list challengers awaiting review, or approve/reject them (MODEL:VERSION)"
    )
    review.add_argument("--approve", action="append", default=[], type=_version_ref, metavar="MODEL:VERSION")
    review.add_argument("--reject", action="append", default=[], type=_version_ref, metavar="MODEL:VERSION")
    review.add_argument("--note", default="")
    command("mlflow-sync", help="mirror into MLflow every version and alias it is missing (LOTTO_MLFLOW_TRACKING_URI)")
    convert = command("convert", help="export a .keras model file as a TensorFlow SavedModel", one_game=False)
    convert.add_argument("keras_file")
    convert.add_argument("output_dir", nargs="?", help="default: next to the file, <name>_saved_model")
    held = command("quarantine", help="list held payloads; `show ID`; --accept ID or --discard ID --note TEXT")
    held.add_argument("show", nargs="*", metavar="show ID", help="print one entry's payload (and the stored draw)")
    decision = held.add_mutually_exclusive_group()
    decision.add_argument("--accept", type=int, metavar="ID", help="validate the held draw again and store it")
    decision.add_argument("--discard", type=int, metavar="ID", help="close the entry without storing anything")
    held.add_argument("--note", default="", help="why (required to discard)")
    held.add_argument("--by", default=None, help="who decides (default: the login name)")
    held.add_argument("--all", action="store_true", help="list decided entries too")
    repair = command("repair-draw", help="replace a wrong stored draw (audited), given by hand or from the quarantine")
    repair.add_argument("concurso", type=_concurso, metavar="CONCURSO")
    repair.add_argument("--numbers", type=_numbers, metavar="N,N,...", help="the numbers drawn, comma-separated")
    repair.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="the date of the draw")
    repair.add_argument("--second-draw", type=_numbers, metavar="N,N,...", help="Dupla Sena: the second draw's numbers")
    repair.add_argument("--trevos", type=_numbers, metavar="N,N", help="+Milionária: the two trevos")
    repair.add_argument("--month", type=_whole_number(1, 12, "a month"), metavar="1-12", help="Dia de Sorte: the month")
    repair.add_argument("--team", metavar="NAME", help="Timemania: the team, as CAIXA writes it")
    repair.add_argument("--from-quarantine", type=_at_least_one, metavar="ID", help="take the draw from a held entry")
    repair.add_argument("--note", default="", help="why (required; kept in the audit trail)")
    repair.add_argument("--by", default=None, help="who repairs (default: the login name)")
    status = command("status", help="the store, its draws, champions and the latest guesses")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    web = command("web", help="serve the read-only pages and JSON API (LOTTO_WEB_HOST:LOTTO_WEB_PORT)", one_game=False)
    web.add_argument("--host", help="default LOTTO_WEB_HOST, 127.0.0.1")
    web.add_argument("--port", type=_port, help="default LOTTO_WEB_PORT, 8000")
    web.add_argument("--workers", type=_at_least_one, help="processes serving requests; default LOTTO_WEB_WORKERS, 2")
    web.add_argument("--access-log", action="store_true", help="log every request (costs throughput)")
    return parser


def _whole_number(low: int, high: int | None, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        number = int(text) if ascii_digits(text.strip()) else None
        if number is None or number < low or (high is not None and number > high):
            allowed = f"from {low} to {high}" if high is not None else f"of {low} or more"
            raise argparse.ArgumentTypeError(f"{what} must be a whole number {allowed}, not {text!r}")
        return number

    return parse


_concurso = _whole_number(1, None, "a concurso")
_at_least_one = _whole_number(1, None, "it")


def _game_id(text: str) -> str:
    """The catalog's API id of the game `text` names (its id, name or tipoJogo)."""
    try:
        return game(text).id
    except UnknownGameError as error:  # out of scope (Super Sete, Federal, Loteca) or unknown: says why
        raise argparse.ArgumentTypeError(str(error)) from error


def _version_ref(text: str) -> tuple[str, int]:
    try:
        return parse_version_ref(text)
    except VersionRefError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


_port = _whole_number(1, 65535, "a port")


def _numbers(text: str) -> list[int]:
    numbers = [part.strip() for part in text.split(",")]
    if not all(ascii_digits(n) and len(n) <= 9 for n in numbers):
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas (1,2,4,...), not {text!r}")
    return [int(n) for n in numbers]


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}") from None


def command_parser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The command's own parser, so that its errors show its usage, not the top-level one."""
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
    return commands.choices[command]


def check_arguments(args: argparse.Namespace, usage: argparse.ArgumentParser) -> None:
    """What argparse cannot check alone; each refusal is a usage error (exit code 2) with the command's usage.
    Then the settings, read and validated once at start-up."""
    if args.command == "retrain":
        unknown = sorted(set(args.models) - set(MODELS))
        if unknown:
            usage.error(f"unknown model(s) {unknown}; known: {', '.join(MODELS)}")
    if args.command == "backfill" and args.last < args.first:
        usage.error(f"LAST ({args.last}) is before FIRST ({args.first}): give the range in order, e.g. 3650 3700")
    if args.command == "repair-draw":
        extras = [args.second_draw, args.trevos, args.month, args.team]
        by_hand = args.numbers is not None or args.date is not None or any(e is not None for e in extras)
        if args.from_quarantine is not None and by_hand:
            usage.error("give either --from-quarantine ID or --numbers and --date, not both")
        if args.from_quarantine is None and (args.numbers is None or args.date is None):
            usage.error("give the right draw: --numbers N,N,... and --date YYYY-MM-DD, or --from-quarantine ID")
    show = args.show if args.command == "quarantine" else []
    if show and (len(show) != 2 or show[0] != "show" or not ascii_digits(show[1])):
        usage.error(f"expected `show ID` (an entry number, see `lotto quarantine`), not {' '.join(args.show)!r}")
    from lotto_models.core.settings import get_settings

    get_settings()
