"""A loopback HTTP receiver standing in for a chat or webhook service: it records every POSTed JSON body (and
its `X-Lotoflow-Delivery` header, as `delivery_key`, when it has one); `refuse_next` answers that many of the
next POSTs 500, as a service that is down, without recording them."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class AlertReceiver:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.refuse_next = 0
        self.refused = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("X-Lotoflow-Delivery")
                with receiver._lock:
                    refuse = receiver.refuse_next > 0
                    if refuse:
                        receiver.refuse_next -= 1
                        receiver.refused += 1
                    else:
                        received = {"path": self.path, **json.loads(body or b"{}")}
                        receiver.received.append({**received, "delivery_key": key} if key else received)
                self.send_response(500 if refuse else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def apprise_url(self, path: str = "alerts") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def start(self) -> AlertReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, timeout: float) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.5)
        return list(self.received)
