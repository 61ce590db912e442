"""`lotto repair-draw`: the draw given by hand (numbers, date and the extras the game draws) or taken from a held
quarantine entry, then repaired through `ingest.draw_repair` (audited, validated, rescored)."""

from __future__ import annotations

import argparse

from lotto_models.core.draws import DrawExtras
from lotto_models.core.games import Game
from lotto_models.workspace import Workspace


def repair_draw_command(args: argparse.Namespace, usage: argparse.ArgumentParser, game: Game, ws: Workspace) -> int:
    """`lotto repair-draw`: replace a wrong stored draw, by hand (with the game's extras) or from the quarantine."""
    import getpass

    from lotto_models.ingest.draw_repair import (
        describe,
        repair_draw,
        replacement_by_hand,
        replacement_from_quarantine,
    )

    if args.from_quarantine is not None:
        replacement = replacement_from_quarantine(ws, args.concurso, args.from_quarantine)
    else:
        replacement = replacement_by_hand(args.concurso, args.date, args.numbers, _extras_by_hand(args, usage, game))
    print(describe(repair_draw(ws, args.concurso, replacement, args.note, args.by or getpass.getuser())))
    return 0


def _extras_by_hand(args: argparse.Namespace, usage: argparse.ArgumentParser, game: Game) -> DrawExtras:
    """The extras `repair-draw` was given; a usage error naming the game for a part it does not draw."""
    given = {
        "--second-draw": (args.second_draw, game.second_draw),
        "--trevos": (args.trevos, game.trevos),
        "--month": (args.month, game.month),
        "--team": (args.team, game.team),
    }
    foreign = [flag for flag, (value, part) in given.items() if value is not None and part is None]
    if foreign:
        usage.error(f"{game.name} draws no {', '.join(f[2:].replace('-', ' ') for f in foreign)} ({' '.join(foreign)})")
    missing = [flag for flag, (value, part) in given.items() if value is None and part is not None]
    if missing:
        usage.error(f"a {game.name} draw needs {' and '.join(missing)} too")
    return DrawExtras(
        second_draw=tuple(args.second_draw or ()),
        trevos=tuple(args.trevos or ()),
        month=args.month,
        team=args.team.strip() if args.team is not None else None,
    )
