"""`lotto` as a person runs it: a real process with only the LOTTO_* settings a test gives it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

LOTTO = str(Path(sys.executable).parent / "lotto")


def run_lotto(args: list[str], env: dict[str, str], read_only: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`lotto ARGS` with only `env`'s LOTTO_* settings and no Prefect API (nothing may need one). With
    `read_only`, that directory cannot be written: as root (who writes anywhere) the process runs as nobody."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LOTTO_", "PREFECT_API_URL"))}
    prefix: list[str] = []
    if read_only is not None:
        if os.geteuid() == 0:
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        read_only.chmod(0o555)
    return subprocess.run(
        [*prefix, LOTTO, *args],
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=read_only or tempfile.gettempdir(),
    )
