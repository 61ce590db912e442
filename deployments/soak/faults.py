"""The soak's fault catalogue: what each kind of fault arms on the loopback CAIXA servers (the primary and its
mirror) for one cycle, and which of them serve a corrupt answer that must end in the quarantine."""

from __future__ import annotations

from dataclasses import dataclass

from deployments.loopback.caixa_server import CaixaTestServer, Fault, numbers_edit
from lotto_models.core.draws import Draw
from lotto_models.core.games import LOTOFACIL, Game
from lotto_models.workspace import close_workspaces, open_workspace

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
    "one-number-short",
    "repeated-number",
    "primary-down-mirror-up",
    "everything-down",
]


@dataclass(frozen=True)
class Corrupt:
    """A corrupt answer a cycle's fault serves: the concurso it claims and its numbers."""

    concurso: int
    numbers: list[int]
    fault: Fault


def inject(
    primary: CaixaTestServer, mirror: CaixaTestServer, kind: str, truth: Draw, stored: Draw, game: Game = LOTOFACIL
) -> Corrupt | None:
    """Arm the fault `kind` for the cycle publishing `truth` of `game`, while `stored` is the newest stored draw;
    the corrupt answer it serves, if it is one of those."""
    concurso = truth.concurso
    numbers = game.numbers
    target = str(concurso)
    html = "<html><body>Em manutenção</body></html>"
    if kind == "waf-403":
        primary.inject(
            "latest", Fault(status=403, body="<html>Access denied</html>", content_type="text/html"), game=game
        )
    elif kind == "429":
        primary.inject(target, Fault(status=429, body="slow down"), game=game)
    elif kind == "500-burst":
        primary.inject("latest", *[Fault(status=500, body="Internal Server Error")] * 2, game=game)
    elif kind == "read-timeout":
        primary.inject(target, Fault(delay_s=READ_TIMEOUT_S + 0.5), game=game)
    elif kind == "html-200":
        primary.inject(target, Fault(body=html, content_type="text/html"), game=game)
    elif kind == "invalid-json":
        primary.inject(target, Fault(body=f'{{"numero": {concurso}, "listaDezenas": ['), game=game)
    elif kind == "nul-characters":
        primary.inject(
            target,
            Fault(
                payload_edit={"localSorteio": "ESPAÇO\x00 DA\x00 SORTE", "nomeMunicipioUFSorteio": "SÃO PAULO\x00, SP"}
            ),
            game=game,
        )
    elif kind == "not-final":
        primary.inject("latest", Fault(payload_edit={"listaRateioPremio": []}), game=game)
    elif kind == "stored-other-numbers":  # the newest stored concurso, as `latest`, two thirds of it changed
        kept = numbers.drawn // 3  # Lotofácil: 5 kept, 10 changed
        unused = sorted(set(range(numbers.lowest, numbers.highest + 1)) - set(stored.numbers))
        other = sorted(unused[: numbers.drawn - kept] + list(stored.numbers[:kept]))
        fault = Fault(concurso=stored.concurso, payload_edit=numbers_edit(other))
        primary.inject("latest", fault, game=game)
        return Corrupt(stored.concurso, other, fault)
    elif kind in ("one-number-short", "repeated-number"):  # (Lotofácil: 14 numbers; or 14 and one again)
        short = list(truth.numbers[:-1]) + ([truth.numbers[0]] if kind == "repeated-number" else [])
        fault = Fault(payload_edit=numbers_edit(short))
        primary.inject(target, fault, game=game)
        return Corrupt(concurso, short, fault)
    elif kind == "primary-down-mirror-up":
        for where in ("latest", target):
            primary.inject(where, *[Fault(status=503, body="down")] * ATTEMPTS, game=game)
    elif kind == "everything-down":
        for server in (primary, mirror):
            for where in ("latest", target):
                server.inject(where, *[Fault(status=503, body="down")] * ATTEMPTS, game=game)
    else:  # pragma: no cover - the catalogue above is the list
        raise ValueError(kind)
    return None


def arm_faults(
    primary: CaixaTestServer,
    mirror: CaixaTestServer,
    kinds: list[str],
    truth: Draw,
    history: list[Draw],
    game: Game = LOTOFACIL,
) -> list[Corrupt]:
    """Arm a cycle's faults (on top of the newest stored draw); the corrupt answers among them."""
    close_workspaces()
    last = open_workspace(game=game).draws.last_concurso()
    close_workspaces()
    by_concurso = {draw.concurso: draw for draw in history}
    stored = by_concurso[last] if last else truth  # the true one: the invariants hold
    armed = [inject(primary, mirror, kind, truth, stored, game) for kind in kinds]
    return [corrupt for corrupt in armed if corrupt is not None]


def disarm_faults(primary: CaixaTestServer, mirror: CaixaTestServer, armed: list[Corrupt]) -> list[Corrupt]:
    """Clear what a cycle did not consume; the corrupt answers that were served."""
    served = [corrupt for corrupt in armed if any(corrupt.fault is fault for fault in primary.served)]
    for server in (primary, mirror):
        server.faults.clear()
        server.served.clear()
    return served
