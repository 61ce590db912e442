"""The flows' worker processes: trainings, promotions and publishing, one process per core, one thread each.

Prefect's `ProcessPoolTaskRunner` spawns each worker, which then imports Prefect, our tasks and TensorFlow
on its own: about 5 s of CPU a worker, paid twice on two cores while the main process validates new draws.
This runner forks its workers from a multiprocessing fork server instead, which imports all of that once
(`flows.worker_preload`). The server starts with the first worker (or earlier, `flows.fork_server`): a run
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
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Self

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, _initialize_process_pool_worker

from flows.fork_server import PRELOAD
from lotto_models.core.lifeline import end_with_parent
from lotto_models.modeling.threads import limit_threads


def worker_count() -> int:
    """How many worker processes a flow runs: one per core."""
    return os.cpu_count() or 1


class ForkedWorkersTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process pool, its workers forked from a fork server that imported what they run.

    `__enter__` is Prefect's (3.8), with the fork server's context in place of "spawn"."""

    def __init__(self) -> None:
        super().__init__(max_workers=worker_count())

    def duplicate(self) -> Self:
        return type(self)()

    def __enter__(self) -> Self:
        TaskRunner.__enter__(self)
        mp_context = multiprocessing.get_context("forkserver")
        mp_context.set_forkserver_preload(PRELOAD)
        self._subprocess_message_queue = mp_context.Queue()
        self._message_forwarding_thread = threading.Thread(
            target=self._forward_subprocess_messages, name="ProcessPoolTaskRunnerMessageForwarder", daemon=True
        )
        self._message_forwarding_thread.start()
        try:
            self._executor = ProcessPoolExecutor(
                max_workers=self._max_workers,
                mp_context=mp_context,
                initializer=_initialize_process_pool_worker,
                initargs=(self._subprocess_message_queue, adopt_environment, (dict(os.environ),)),
            )
            self._resolver_executor = ThreadPoolExecutor(max_workers=self._max_workers)
        except Exception:
            if self._executor is not None:
                self._executor.shutdown(cancel_futures=True, wait=True)
                self._executor = None
            self._stop_message_forwarding()
            raise
        return self


def adopt_environment(environment: dict[str, str]) -> None:
    """A worker's initializer: the environment of the process that started its pool (settings such as
    LOTTO_HOME included), in place of the fork server's, with the worker's thread limits; and the worker
    ends when that process ends."""
    end_with_parent()
    os.environ.clear()
    os.environ.update(environment)
    tempfile.tempdir = None  # found again from the adopted TMPDIR (a run's scratch space), not the server's
    limit_threads(1)
