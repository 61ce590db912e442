"""A `lotto` run's scratch space: one directory for the temporary files of the run's processes, removed when
the run ends, or by the next run when it was killed.

multiprocessing makes a directory (`pymp-*`) in the process that starts the fork server (the server's
socket lives there) and removes it at the interpreter's exit, which `lotto` skips (`end_process`) and a
killed run never reaches: every run that trained left one in the system's temporary directory. While a run
lasts, its process and every process it starts (through TMPDIR) make their temporary files in a
`lotoflow-run-*` directory of the system's temporary directory instead.

Not under LOTTO_HOME: a socket's path holds at most 107 bytes, and multiprocessing's adds 32 to its
temporary directory's (`/pymp-XXXXXXXX/listener-XXXXXXXX`), so a LOTTO_HOME of 50-odd characters (a test's
temporary home was enough) would leave no training able to start: "OSError: AF_UNIX path too long". For the
same reason, when the temporary directory's path (TMPDIR) is too long to hold the scratch space and that
socket, the scratch space goes to /tmp, as CPython 3.13's multiprocessing does (cpython#132124).

Invariants:
- a run's directory is removed when the run ends (by `scratch_space`, or by `remove_kept_scratch_spaces`
  at the end of the process when multiprocessing still used it), or, when the run was killed, by the next
  run on this machine as it starts;
- a live run's directory is never removed by another run: the run holds an exclusive `flock` on it as long
  as it lives (the kernel lets go however the process ends), and a run sweeping the directories of dead
  runs removes only those it could lock; a directory swept between its making and its lock is made again.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

PREFIX = "lotoflow-run-"
_MULTIPROCESSING_PREFIX = "pymp-"
_SOCKET_PATH_MAX = 107  # bytes of an AF_UNIX socket's path
_LONGEST_UNDER_ROOT = len(f"/{PREFIX}XXXXXXXX/pymp-XXXXXXXX/listener-XXXXXXXX")  # the fork server's socket
_kept: dict[Path, int] = {}  # scratch directories this process still uses, and their locks' descriptors


@contextmanager
def scratch_space() -> Iterator[Path]:
    """Make a new directory the temporary directory of this process and of the processes it starts while the
    block runs, after removing those of runs that are gone; yield it. After the block the previous temporary
    directory is back, and this one is removed unless multiprocessing made its own directory in it (for a
    fork server this process may use again): that one goes at the end of the process, or with the next run."""
    root = Path(tempfile.gettempdir())
    if len(os.fsencode(root)) + _LONGEST_UNDER_ROOT > _SOCKET_PATH_MAX:
        root = Path("/tmp")
    _remove_abandoned(root)
    path, lock = _make_locked(root)
    previous = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = tempfile.tempdir = str(path)
    try:
        yield path
    finally:
        if previous[0] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous[0]
        tempfile.tempdir = previous[1]
        if any(path.glob(f"{_MULTIPROCESSING_PREFIX}*")):
            _kept[path] = lock
        else:
            _remove(path, lock)


def remove_kept_scratch_spaces() -> None:
    """At the end of the process: remove the scratch directories it kept for multiprocessing."""
    while _kept:
        _remove(*_kept.popitem())


def _make_locked(root: Path) -> tuple[Path, int]:
    while True:
        path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
        with suppress(FileNotFoundError):  # swept by another run before this one locked it
            lock = _lock(path)
            if os.fstat(lock).st_nlink:  # not removed by a sweep that held the lock first
                return path, lock
            os.close(lock)


def _remove(path: Path, lock: int) -> None:
    shutil.rmtree(path, ignore_errors=True)
    os.close(lock)


def _lock(path: Path, wait: bool = True) -> int:
    """A descriptor of `path` holding an exclusive lock on it; `BlockingIOError` if another holds one and
    not `wait`."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(fd)
        raise
    return fd


def _remove_abandoned(root: Path) -> None:
    """Remove the scratch directories under `root` that no live process holds (their runs were killed)."""
    for path in root.glob(f"{PREFIX}*"):
        # held by a live run, removed by its run meanwhile, or another user's: not ours to remove
        with suppress(BlockingIOError, FileNotFoundError, PermissionError):
            _remove(path, _lock(path, wait=False))
