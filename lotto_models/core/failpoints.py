"""Named failpoints: exact moments a test can make a run fail or die, armed through the environment.

As in etcd (gofail) and TiKV (fail-rs): production code marks a dangerous moment with
`failpoint("promotion.before-swap")`, which does nothing unless `LOTTO_FAILPOINTS` arms it, e.g.
`LOTTO_FAILPOINTS="promotion.before-swap=kill"`. Actions:

- `raise`: raise `FailpointError` (a failure the code must survive);
- `kill`: SIGKILL this process at once (a crash: no cleanup, no finally);
- `kill-group`: SIGKILL this process's whole process group (a run with its worker processes);
- `kill-leader`: SIGKILL the leader of this process's group alone (the run's main process, which `lotto`
  is when started as a job or a session of its own, as the tests and the soak do): from a worker, the run
  dies as under the OOM killer and its other processes are left to notice;
- `kill-with(PGID)`: SIGKILL process group PGID, then this process's own group (a run dying with the
  Prefect worker that started it, as when the machine is lost: nothing is left to report the run's end);
- `sleep(S)`: wait S seconds (to widen a window another process observes).

Armed entries are comma-separated. The variable is read at each point, so a test can arm a subprocess
through its environment without touching this process.
"""

from __future__ import annotations

import os
import re
import signal
import time

from lotto_models.core.errors import LotoflowError

ENVIRONMENT_VARIABLE = "LOTTO_FAILPOINTS"
_ACTION = re.compile(r"^(raise|kill|kill-group|kill-leader|sleep\((\d+(?:\.\d+)?)\)|kill-with\((\d+)\))$")

# Every failpoint in the code, so a test (and the soak) can name them without reading the source.
INGEST_AFTER_FETCH = "ingest.after-fetch"  # answers fetched, nothing validated or stored yet
INGEST_BEFORE_COMMIT = "ingest.before-commit"  # new draws inserted, their transaction not committed
TRAINING_AFTER_EPOCH = "training.after-epoch"  # inside a Keras fit, at the end of an epoch
PROMOTION_BEFORE_SWAP = "promotion.before-swap"  # both versions backed up, aliases not yet swapped
PROMOTION_MID_SWAP = "promotion.mid-swap"  # inside the alias transaction: old aliases deleted, new not written
REGISTRATION_BEFORE_COMMIT = "registration.before-commit"  # files placed under their key, row not committed
PUBLISHING_BEFORE_STORE = "publishing.before-store"  # a plan's guess computed, not yet stored
IMPORT_QUARANTINE_BATCH = "import.quarantine-batch"  # a batch of a file's quarantine entries committed
DELIVERY_BEFORE_SEND = "delivery.before-send"  # a guess or its hits claimed in the ledger (pending), not yet sent
DELIVERY_AFTER_SEND = "delivery.after-send"  # the destination took it, the ledger does not say so yet
KNOWN = (
    INGEST_AFTER_FETCH,
    INGEST_BEFORE_COMMIT,
    TRAINING_AFTER_EPOCH,
    PROMOTION_BEFORE_SWAP,
    PROMOTION_MID_SWAP,
    REGISTRATION_BEFORE_COMMIT,
    PUBLISHING_BEFORE_STORE,
    IMPORT_QUARANTINE_BATCH,
    DELIVERY_BEFORE_SEND,
    DELIVERY_AFTER_SEND,
)


class FailpointError(LotoflowError):
    """Raised by a failpoint armed with `raise`."""


def armed() -> dict[str, str]:
    """The armed failpoints and their actions, as `LOTTO_FAILPOINTS` says now."""
    entries: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in os.environ.get(ENVIRONMENT_VARIABLE, "").split(","))):
        name, _, action = entry.partition("=")
        if name not in KNOWN or not _ACTION.match(action):
            raise ValueError(
                f"{ENVIRONMENT_VARIABLE}: {entry!r} is not "
                f"<one of {', '.join(KNOWN)}>=raise|kill|kill-group|kill-leader|kill-with(PGID)|sleep(S)"
            )
        entries[name] = action
    return entries


def failpoint(name: str) -> None:
    """Act as armed for `name`; nothing at all when it is not armed (the normal case)."""
    if ENVIRONMENT_VARIABLE not in os.environ:
        return
    action = armed().get(name)
    if action is None:
        return
    if action == "raise":
        raise FailpointError(f"failpoint {name} fired")
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if action == "kill-group":
        os.killpg(os.getpgrp(), signal.SIGKILL)
    if action == "kill-leader":
        os.kill(os.getpgrp(), signal.SIGKILL)
    match = _ACTION.match(action)
    if match and match.group(3):
        os.killpg(int(match.group(3)), signal.SIGKILL)
        os.killpg(os.getpgrp(), signal.SIGKILL)
    if match and match.group(2):
        time.sleep(float(match.group(2)))
