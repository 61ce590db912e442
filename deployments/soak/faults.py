"""The soak's fault catalogue: what each kind of fault arms on the loopback CAIXA servers (the primary and its
mirror) for one cycle, and which of them serve a corrupt answer that must end in the quarantine."""

from __future__ import annotations

from dataclasses import dataclass

from deployments.loopback.caixa_server import CaixaTestServer, Fault, numbers_edit
from lotto_models.core.draws import Draw
from lotto_models.ingest.bundled_history import bundled_history
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
    "14-numbers",
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


def inject(primary: CaixaTestServer, mirror: CaixaTestServer, kind: str, truth: Draw, stored: Draw) -> Corrupt | None:
    """Arm the fault `kind` for the cycle publishing `truth`, while `stored` is the newest stored draw; the
    corrupt answer it serves, if it is one of those."""
    concurso = truth.concurso
    target = str(concurso)
    html = "<html><body>Em manutenção</body></html>"
    if kind == "waf-403":
        primary.inject("latest", Fault(status=403, body="<html>Access denied</html>", content_type="text/html"))
    elif kind == "429":
        primary.inject(target, Fault(status=429, body="slow down"))
    elif kind == "500-burst":
        primary.inject("latest", *[Fault(status=500, body="Internal Server Error")] * 2)
    elif kind == "read-timeout":
        primary.inject(target, Fault(delay_s=READ_TIMEOUT_S + 0.5))
    elif kind == "html-200":
        primary.inject(target, Fault(body=html, content_type="text/html"))
    elif kind == "invalid-json":
        primary.inject(target, Fault(body=f'{{"numero": {concurso}, "listaDezenas": ['))
    elif kind == "nul-characters":
        primary.inject(
            target,
            Fault(
                payload_edit={"localSorteio": "ESPAÇO\x00 DA\x00 SORTE", "nomeMunicipioUFSorteio": "SÃO PAULO\x00, SP"}
            ),
        )
    elif kind == "not-final":
        primary.inject("latest", Fault(payload_edit={"listaRateioPremio": []}))
    elif kind == "stored-other-numbers":  # the newest stored concurso, as `latest`, with 10 numbers changed
        other = sorted(sorted(set(range(1, 26)) - set(stored.numbers))[:10] + list(stored.numbers[:5]))
        fault = Fault(concurso=stored.concurso, payload_edit=numbers_edit(other))
        primary.inject("latest", fault)
        return Corrupt(stored.concurso, other, fault)
    elif kind in ("14-numbers", "repeated-number"):
        numbers = list(truth.numbers[:14]) + ([truth.numbers[0]] if kind == "repeated-number" else [])
        fault = Fault(payload_edit=numbers_edit(numbers))
        primary.inject(target, fault)
        return Corrupt(concurso, numbers, fault)
    elif kind == "primary-down-mirror-up":
        for where in ("latest", target):
            primary.inject(where, *[Fault(status=503, body="down")] * ATTEMPTS)
    elif kind == "everything-down":
        for server in (primary, mirror):
            for where in ("latest", target):
                server.inject(where, *[Fault(status=503, body="down")] * ATTEMPTS)
    else:  # pragma: no cover - the catalogue above is the list
        raise ValueError(kind)
    return None


def arm_faults(primary: CaixaTestServer, mirror: CaixaTestServer, kinds: list[str], truth: Draw) -> list[Corrupt]:
    """Arm a cycle's faults (on top of the newest stored draw); the corrupt answers among them."""
    close_workspaces()
    last = open_workspace().draws.last_draw()
    close_workspaces()
    stored = bundled_history()[last.concurso - 1] if last else truth  # the truth: the invariants hold
    armed = [inject(primary, mirror, kind, truth, stored) for kind in kinds]
    return [corrupt for corrupt in armed if corrupt is not None]


def disarm_faults(primary: CaixaTestServer, mirror: CaixaTestServer, armed: list[Corrupt]) -> list[Corrupt]:
    """Clear what a cycle did not consume; the corrupt answers that were served."""
    served = [corrupt for corrupt in armed if any(corrupt.fault is fault for fault in primary.served)]
    for server in (primary, mirror):
        server.faults.clear()
        server.served.clear()
    return served
