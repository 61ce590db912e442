"""A real HTTP server on 127.0.0.1 that answers like the official CAIXA API, with injectable faults.

Payloads follow the recorded official schema (`lotofacil_3480.json` beside this module, a real response), with
the draw's own numero, date and numbers, including the 17 NUL characters the real API sends.
"""

from __future__ import annotations

import copy
import json
import random
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lotto_models.core.draws import Draw

RECORDED_PAYLOAD = Path(__file__).with_name("lotofacil_3480.json")
TEMPLATE = json.loads(RECORDED_PAYLOAD.read_text())
API_PREFIX = "/portaldeloterias/api"


def official_payload(draw: Draw) -> dict:
    """The draw as the official API serves it."""
    payload = copy.deepcopy(TEMPLATE)
    numbers = [f"{n:02d}" for n in draw.numbers]
    in_draw_order = numbers[:]
    random.Random(draw.concurso).shuffle(in_draw_order)
    payload.update(
        numero=draw.concurso,
        dataApuracao=draw.date.strftime("%d/%m/%Y"),
        listaDezenas=numbers,
        dezenasSorteadasOrdemSorteio=in_draw_order,
        numeroConcursoAnterior=draw.concurso - 1,
        numeroConcursoProximo=draw.concurso + 1,
        indicadorConcursoEspecial=1,
    )
    return payload


def numbers_edit(numbers: list[int]) -> dict:
    """A `payload_edit` giving a draw these numbers, in both lists the payload holds them in (kept consistent,
    so that parsing accepts the payload and the validation suite judges the numbers)."""
    listed = [f"{n:02d}" for n in numbers]
    return {"listaDezenas": listed, "dezenasSorteadasOrdemSorteio": listed[::-1]}


@dataclass
class Fault:
    """One scripted answer served instead of the real one."""

    status: int = 200
    body: str | None = None  # None: the real payload
    content_type: str = "application/json"
    delay_s: float = 0.0
    payload_edit: dict | None = None  # fields replaced in the real payload
    concurso: int | None = None  # serve this concurso's real payload instead (e.g. a stale "latest")
    raw: bytes | None = None  # these exact bytes as the body (e.g. compressed), with `headers`
    headers: dict[str, str] | None = None  # extra response headers (e.g. Content-Encoding)
    trickle_s: float = 0.0  # send the body one byte every this many seconds (a stuck upstream)
    redirect_to_self: bool = False  # answer 302 pointing at the same path, forever


class CaixaTestServer:
    def __init__(self, draws: list[Draw]) -> None:
        self.draws = {d.concurso: d for d in draws}
        self.latest = max(self.draws)
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.requests: list[str] = []
        self.served: list[Fault] = []  # injected faults, as they were served
        self.stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{API_PREFIX}"

    def add_draws(self, draws: list[Draw]) -> None:
        self.draws.update({d.concurso: d for d in draws})
        self.latest = max(self.draws)

    def request_count(self, target: str) -> int:
        """How many requests reached `target` ("latest" or a concurso number)."""
        path = f"{API_PREFIX}/lotofacil" + ("" if target == "latest" else f"/{target}")
        return self.requests.count(path)

    def inject(self, target: str, *faults: Fault) -> None:
        """Serve `faults` in order for `target` ("latest" or a concurso number), then real answers."""
        self.faults[str(target)].extend(faults)

    def start(self) -> CaixaTestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # ends any trickling answer
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, path: str) -> tuple[int, str, str, float]:
        status, content_type, body, delay, _ = self._answer_with_fault(path)
        return status, content_type, body, delay

    def _answer_with_fault(self, path: str) -> tuple[int, str, str, float, Fault]:
        self.requests.append(path)
        parts = path.split("?")[0].rstrip("/").split("/")
        if path.startswith(f"{API_PREFIX}/lotofacil") and parts[-1] == "lotofacil":
            target, concurso = "latest", self.latest
        elif path.startswith(f"{API_PREFIX}/lotofacil/") and parts[-1].isdigit():
            target, concurso = parts[-1], int(parts[-1])
        else:
            return 404, "application/json", '{"message": "not found"}', 0.0, Fault()
        fault = Fault()
        if self.faults[target]:
            fault = self.faults[target].popleft()
            self.served.append(fault)
        if fault.body is not None:
            return fault.status, fault.content_type, fault.body, fault.delay_s, fault
        draw = self.draws.get(fault.concurso if fault.concurso is not None else concurso)
        if draw is None:
            return 404, "application/json", '{"message": "concurso não encontrado"}', fault.delay_s, fault
        payload = official_payload(draw)
        payload.update(fault.payload_edit or {})
        return fault.status, fault.content_type, json.dumps(payload, ensure_ascii=False), fault.delay_s, fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                status, content_type, body, delay, fault = server._answer_with_fault(self.path)
                if delay:
                    threading.Event().wait(delay)
                data = fault.raw if fault.raw is not None else body.encode()
                try:
                    if fault.redirect_to_self:
                        self.send_response(302)
                        self.send_header("Location", self.path)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    for name, value in (fault.headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if not fault.trickle_s:
                        self.wfile.write(data)
                        return
                    for i in range(min(len(data), int(120 / fault.trickle_s))):  # bounded: two minutes at most
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                        if server.stopping.wait(fault.trickle_s):
                            return
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a read timeout under test)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
