"""What `lotto status` and `lotto predict` print, line by line."""

from __future__ import annotations

from lotto_models.core.games import Game
from lotto_models.reporting.baseline import chance_words


def guess_line(
    plan: str, concurso: int, numbers: list[int], members: dict[str, str], degraded: bool, note: str | None
) -> str:
    state = f"  DEGRADED: {note}" if degraded else ""
    return (
        f"{plan}: concurso {concurso}: {' '.join(f'{n:02d}' for n in numbers)}  [{', '.join(members.values())}]{state}"
    )


def print_status(report: dict, game: Game) -> None:
    print(f"store: {report['store']['database']} (LOTTO_HOME {report['store']['home']})")
    draws = report["draws"]
    print(f"draws: {draws['count']} stored, last concurso {draws['last_concurso']} on {draws['last_date']}")
    print(f"quarantine: {report['quarantine']} held")
    for name, model in report["models"].items():
        flag = " (degraded)" if model["degraded"] else ""
        hits = model["holdout"].get("mean_hits")
        extra = f", {chance_words(game).versus_random(hits)}" if hits is not None else ""
        print(f"model {name}: champion {model['champion']}{flag}{extra}")
    for guess in report["predictions"]:
        print(f"plan {guess['plan']}: concurso {guess['concurso']} -> {guess['numbers']}")
    for sentence in report["live"].values():
        print(sentence)
