"""A child process's lifeline: it ends as soon as the process that started it ends, however that one ends.

The helper processes of a run are multiprocessing children: the training workers, forked from the fork
server (`runtime.worker_pool`), and the worker processes of `lotto web`, spawned by uvicorn. When the run's
process is killed (SIGKILL, the OOM killer) nothing tells them: a training worker waits forever for its
next task on a queue whose write end it holds itself, a web worker keeps serving on the inherited socket,
and the fork server and multiprocessing's resource tracker wait for them (each ends when the last process
holding its pipe has ended). Four killed runs left 13 such processes holding 4.3 GB.

Invariant: a process that called `end_with_parent()` is gone within moments of its parent's end (its
parent by multiprocessing: the process that started it, not the fork server it was forked from); once
the workers are gone, the fork server and the resource tracker see their pipes close and end too.

Mechanism: a pipe from the parent that the child watches, not `prctl(PR_SET_PDEATHSIG)`. multiprocessing
already gives every child such a pipe: the parent holds its write end as long as it keeps the child, so
its read end (`multiprocessing.parent_process().sentinel`) reads end of file once the parent is gone,
whatever killed it; a daemon thread of the child blocks on it and ends the process. PDEATHSIG fits
neither kind of child:
- a training worker's parent in the kernel's eyes is the fork server, not the run's process;
- the signal follows the *thread* that forked, and Prefect starts the pool's processes (the fork server
  with the first of them) from a thread of its own, which ends before the process does;
- a parent that died before the child's `prctl` call sends nothing (a race to close with `getppid()`),
  where a closed pipe reads end of file whenever the child first looks.
(The temporary Prefect server keeps its PDEATHSIG, `deployments.temporary_server`: it is exec'd from the
`lotto` process's main thread and runs no code of ours in which to watch a pipe.)
"""

from __future__ import annotations

import multiprocessing
import os
import threading

ORPHANED_EXIT_CODE = 70  # how a child ends when its parent is gone (no one is left to read it)


def end_with_parent() -> None:
    """From now on, end this process as soon as its multiprocessing parent ends; nothing in a process that
    multiprocessing did not start (a main process). Call it once, early in the child."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return
    threading.Thread(target=_exit_at_end_of_file, args=(parent.sentinel,), name="lifeline", daemon=True).start()


def _exit_at_end_of_file(sentinel: int) -> None:
    while os.read(sentinel, 4096):  # nothing is written to it; anything read would not be the end
        pass
    os._exit(ORPHANED_EXIT_CODE)  # no teardown: nothing of this process is wanted without its parent
