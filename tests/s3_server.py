"""A real S3 API on loopback for the tests: moto's server mode (HTTP, signatures, ETags), not a mock of
boto. Processes reach it through the standard variables `s3_environment` returns."""

from __future__ import annotations

import uuid

from moto.server import ThreadedMotoServer

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "lotoflow-test", "AWS_SECRET_ACCESS_KEY": "lotoflow-test-secret"}


class S3TestServer:
    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint_url = ""
        self._fs: object | None = None

    def start(self) -> S3TestServer:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    def environment(self) -> dict[str, str]:
        """The variables a process needs to reach this server as its S3 endpoint."""
        return {"AWS_ENDPOINT_URL": self.endpoint_url, "AWS_DEFAULT_REGION": "us-east-1", **CREDENTIALS}

    def new_bucket(self) -> str:
        """A fresh, empty bucket; its name."""
        import s3fs

        if self._fs is None:  # one client for the session: starting one costs about half a second
            self._fs = s3fs.S3FileSystem(
                skip_instance_cache=True,
                endpoint_url=self.endpoint_url,
                key=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                secret=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            )
        name = f"lotto-{uuid.uuid4().hex[:12]}"
        self._fs.mkdir(name)  # type: ignore[attr-defined]
        return name
