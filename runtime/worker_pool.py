"""The flows' worker processes: trainings, promotions and publishing, one process per core, one thread each.

Prefect's `ProcessPoolTaskRunner` spawns each worker, which then imports Prefect, our tasks and TensorFlow
on its own: about 5 s of CPU a worker, paid twice on two cores while the main process validates new draws.
This runner forks its workers from a multiprocessing fork server instead, which imports all of that once
(`runtime.worker_preload`). The server starts with the first worker (or earlier, `runtime.fork_server`): a run
that submits nothing to its workers (nothing new) imports no TensorFlow anywhere.

Nothing outlives the process that started the pool, however it ends (SIGKILL included): each worker ends
with it (`lotto_models.core.lifeline`), and the server ends when the last process holding its "alive"
pipe (that process and the workers) has ended, as multiprocessing's resource tracker does with its own.

The server lives as long as that process, which may run several flows (tests do): each worker takes the
environment of its pool's process when the pool starts, as a spawned worker would, not the server's.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from typing import Self

from prefect.task_runners import ProcessPoolTaskRunner

from lotto_models.core.lifeline import end_with_parent
from lotto_models.modeling.threads import limit_threads
from runtime.fork_server import PRELOAD


def worker_count() -> int:
    """How many worker processes a flow runs: one per core."""
    return os.cpu_count() or 1


class ForkedWorkersTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process pool, its workers forked from a fork server that imported what they run.

    Prefect sets the pool up (`ProcessPoolTaskRunner.__enter__`: the workers' log and event forwarding, our
    initializer after Prefect's own); this runner only has the pool start its workers from the fork server
    instead of spawning them."""

    def __init__(self) -> None:
        # Filled when the pool starts (`__enter__`), and read by each worker as it starts: the environment
        # of the process that started the pool at that moment.
        self._pool_environment: dict[str, str] = {}
        super().__init__(max_workers=worker_count(), initializer=adopt_environment, initargs=(self._pool_environment,))

    def duplicate(self) -> Self:
        return type(self)()

    def __enter__(self) -> Self:
        self._pool_environment.clear()
        self._pool_environment.update(os.environ)
        super().__enter__()
        fork_from_server(self._executor)
        return self


def fork_from_server(executor: ProcessPoolExecutor | None) -> None:
    """Have `executor`, which has started no worker yet, fork its workers from the fork server.

    Prefect offers no choice of start method (its pool always spawns, 3.9.1 as 3.8), so this is the one place
    that reaches past its API: the pool's context is replaced before its first worker starts (a pool starts its
    workers as tasks are submitted). The queues it already made work alike for both start methods."""
    if not isinstance(executor, ProcessPoolExecutor):  # Prefect changed how it makes its pool: look again
        raise TypeError(f"expected the task runner's ProcessPoolExecutor, found {type(executor).__name__}")
    fork_server = multiprocessing.get_context("forkserver")
    fork_server.set_forkserver_preload(PRELOAD)
    executor._mp_context = fork_server


def adopt_environment(environment: dict[str, str]) -> None:
    """A worker's initializer: the environment of the process that started its pool (settings such as
    LOTTO_HOME included), in place of the fork server's, with the worker's thread limits; and the worker
    ends when that process ends."""
    end_with_parent()
    os.environ.clear()
    os.environ.update(environment)
    tempfile.tempdir = None  # found again from the adopted TMPDIR (a run's scratch space), not the server's
    limit_threads(1)
