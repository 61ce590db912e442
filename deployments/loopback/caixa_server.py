"""A real HTTP server on 127.0.0.1 that answers like the official CAIXA API for every game of the catalog, with
injectable faults.

It serves each game it holds draws of at `<prefix>/<game id>` (the latest) and `<prefix>/<game id>/<concurso>`.
Payloads follow a recorded official answer of the game (`lotofacil_3480.json` beside this module, and
`recorded_answers/<game>_<concurso>.json`, copied verbatim from `shared/data/games/caixa_api_examples/`, whose
SOURCE.md says where each was captured), with the draw's own numero, date, numbers and extras written as CAIXA
writes them ("00" for Lotomania's 0, unpadded trevos, Dia de Sorte's month as a number up to concurso 207 and
a Portuguese name after, Timemania's team), the prize tiers the game had at that concurso, and the NUL
characters the real API sends.
"""

from __future__ import annotations

import copy
import json
import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lotto_models.core.draws import Draw
from lotto_models.core.game_rules import MONTH_NAMES
from lotto_models.core.games import GAMES, LOTOFACIL, Game

RECORDED_PAYLOAD = Path(__file__).with_name("lotofacil_3480.json")
TEMPLATE = json.loads(RECORDED_PAYLOAD.read_text())
# One recorded answer per game, of a plain (not special) concurso with every prize tier of today
RECORDED_ANSWERS = Path(__file__).with_name("recorded_answers")
TEMPLATES = {LOTOFACIL.id: TEMPLATE} | {
    path.stem.split("_")[0]: json.loads(path.read_text(encoding="utf-8"))
    for path in sorted(RECORDED_ANSWERS.glob("*.json"))
}
API_PREFIX = "/portaldeloterias/api"
LAST_MONTH_AS_NUMBER = 207  # Dia de Sorte wrote the month as a number up to this concurso (SOURCE.md)


def official_payload(draw: Draw, game: Game = LOTOFACIL) -> dict:
    """The draw of `game` as the official API serves it."""
    payload = copy.deepcopy(TEMPLATES[game.id])
    numbers = [f"{n:02d}" for n in draw.numbers]
    in_draw_order = numbers[:]
    shuffle = random.Random(draw.concurso).shuffle
    shuffle(in_draw_order)
    payload.update(
        numero=draw.concurso,
        dataApuracao=draw.date.strftime("%d/%m/%Y"),
        listaDezenas=numbers,
        dezenasSorteadasOrdemSorteio=in_draw_order,
        numeroConcursoAnterior=draw.concurso - 1,
        numeroConcursoProximo=draw.concurso + 1,
        indicadorConcursoEspecial=1,
    )
    extras = draw.extras
    if game.second_draw is not None:
        second = [f"{n:02d}" for n in extras.second_draw]
        second_in_order = second[:]
        shuffle(second_in_order)
        payload[game.second_draw.api_field] = second
        payload["dezenasSorteadasOrdemSorteio"] = in_draw_order + second_in_order
    if game.trevos is not None:
        payload[game.trevos.api_field] = [str(n) for n in extras.trevos]  # unpadded, sorted
        payload["dezenasSorteadasOrdemSorteio"] = in_draw_order + [f"{n:02d}" for n in extras.trevos]
    if game.month is not None and extras.month is not None:
        name = MONTH_NAMES[extras.month - 1]
        written = str(extras.month) if draw.concurso <= LAST_MONTH_AS_NUMBER else name[0].upper() + name[1:]
        payload[game.month.api_field] = written
    if game.team is not None and extras.team is not None:
        payload[game.team.api_field] = extras.team
    faixas = {tier.faixa for tier in game.tiers_at(draw.concurso)}
    payload["listaRateioPremio"] = [t for t in payload["listaRateioPremio"] if t.get("faixa") in faixas]
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
    """Serves `draws` of `game` (and of any game given to `add_draws`); faults are injected per game."""

    def __init__(self, draws: list[Draw], game: Game = LOTOFACIL) -> None:
        self.histories: dict[str, dict[int, Draw]] = {game.id: {d.concurso: d for d in draws}}
        self.faults: dict[tuple[str, str], deque[Fault]] = defaultdict(deque)  # by (game id, target)
        self.requests: list[str] = []
        self.request_times: list[float] = []  # time.monotonic() of each of `requests`, as it arrived
        self.served: list[Fault] = []  # injected faults, as they were served
        self._recording = threading.Lock()
        self.stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{API_PREFIX}"

    @property
    def draws(self) -> dict[int, Draw]:
        """Lotofácil's draws by concurso."""
        return self.histories.get(LOTOFACIL.id, {})

    @property
    def latest(self) -> int:
        """Lotofácil's latest concurso."""
        return max(self.draws)

    def add_draws(self, draws: list[Draw], game: Game = LOTOFACIL) -> None:
        self.histories.setdefault(game.id, {}).update({d.concurso: d for d in draws})

    def path(self, target: str | int, game: Game = LOTOFACIL) -> str:
        """The path of `target` ("latest" or a concurso number) of `game`."""
        return f"{API_PREFIX}/{game.id}" + ("" if target == "latest" else f"/{target}")

    def request_count(self, target: str | int, game: Game = LOTOFACIL) -> int:
        """How many requests reached `target` ("latest" or a concurso number) of `game`."""
        return self.requests.count(self.path(target, game))

    def requests_of(self, game: Game) -> list[tuple[float, str]]:
        """(time.monotonic() on arrival, path) of every request for `game`, in order."""
        prefix = f"{API_PREFIX}/{game.id}"
        with self._recording:
            pairs = list(zip(self.request_times, self.requests, strict=True))
        return [(at, path) for at, path in pairs if path.split("?")[0] == prefix or path.startswith(prefix + "/")]

    def inject(self, target: str | int, *faults: Fault, game: Game = LOTOFACIL) -> None:
        """Serve `faults` in order for `target` ("latest" or a concurso number) of `game`, then real answers."""
        self.faults[(game.id, str(target))].extend(faults)

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
        with self._recording:
            self.requests.append(path)
            self.request_times.append(time.monotonic())
        parts = path.split("?")[0].rstrip("/").split("/")
        under_api = path.startswith(f"{API_PREFIX}/") and len(parts) - len(API_PREFIX.split("/")) in (1, 2)
        game_id = parts[len(API_PREFIX.split("/"))] if under_api else ""
        history = self.histories.get(game_id)
        if game_id not in GAMES or not history:
            return 404, "application/json", '{"message": "not found"}', 0.0, Fault()
        if parts[-1] == game_id:
            target, concurso = "latest", max(history)
        elif parts[-1].isdigit():
            target, concurso = parts[-1], int(parts[-1])
        else:
            return 404, "application/json", '{"message": "not found"}', 0.0, Fault()
        fault = Fault()
        if self.faults[(game_id, target)]:
            fault = self.faults[(game_id, target)].popleft()
            self.served.append(fault)
        if fault.body is not None:
            return fault.status, fault.content_type, fault.body, fault.delay_s, fault
        draw = history.get(fault.concurso if fault.concurso is not None else concurso)
        if draw is None:
            return 404, "application/json", '{"message": "concurso não encontrado"}', fault.delay_s, fault
        payload = official_payload(draw, GAMES[game_id])
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
