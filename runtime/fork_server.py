"""The fork server the flows' worker processes are forked from (`runtime.worker_pool`): what it preloads, and
starting it early. A light module (no Prefect), so that `lotto` can start the server before it imports the
flows itself."""

from __future__ import annotations

import multiprocessing.forkserver

PRELOAD = ["runtime.worker_preload"]


def start_fork_server() -> None:
    """Start the fork server now, if it is not running: its imports of Prefect, the tasks and TensorFlow
    (about 4 s of one core) then overlap with this process's own. For runs that are sure to train
    (`lotto run --from-scratch`, `lotto retrain`); the pool's first worker starts it otherwise."""
    multiprocessing.forkserver.set_forkserver_preload(PRELOAD)
    multiprocessing.forkserver.ensure_running()
