"""The processes of a run, read from /proc: what a killed run may leave behind.

A run here is a process started in a session of its own (`start_new_session=True`, as the tests and the soak
start `lotto`), and every process it started: its descendants and every member of its session, which an
orphan keeps when it is re-parented to init. A process is known by its pid and its start time, so a pid
used again by an unrelated process is not mistaken for one of the run's. Zombies are dead: not counted.
Shared by the tests and the soak; reads nothing but /proc.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class RunProcess:
    pid: int
    started: int  # clock ticks after boot (field 22 of /proc/<pid>/stat)
    command: str

    def __str__(self) -> str:
        return f"{self.pid}: {self.command[:160]}"


def _read(pid: int) -> tuple[RunProcess, int, list[int]] | None:
    """(the process, its session, its children), or None if it is gone or a zombie."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        children = [
            int(child)
            for task in (PROC / str(pid) / "task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except OSError:
        return None
    # The fields after the command name, which is in parentheses and may hold spaces and parentheses.
    fields = stat.rsplit(")", 1)[1].split()
    state, session, started = fields[0], int(fields[3]), int(fields[19])
    if state == "Z":
        return None
    return RunProcess(pid, started, command), session, children


def session_members(session: int) -> set[RunProcess]:
    """The live processes of `session`."""
    found = set()
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (read := _read(int(entry.name))) is not None and read[1] == session:
            found.add(read[0])
    return found


def run_processes(leader: int) -> set[RunProcess]:
    """The live processes of the run whose first process is `leader` (in a session of its own): it, its
    descendants, and every process of its session."""
    found = session_members(leader)
    waiting = [leader]
    while waiting:
        if (read := _read(waiting.pop())) is not None:
            found.add(read[0])
            waiting += read[2]
    return found


def still_alive(recorded: set[RunProcess], leader: int) -> set[RunProcess]:
    """Of the processes recorded, and of the run's session now, those alive (not zombies)."""
    alive = {process for process in recorded if (read := _read(process.pid)) is not None and read[0] == process}
    return alive | session_members(leader)


def wait_until_gone(recorded: set[RunProcess], leader: int, timeout_s: float) -> tuple[float, set[RunProcess]]:
    """Seconds until none of the run's processes was alive, and those still alive when `timeout_s` ran out."""
    started = time.monotonic()
    while (left := still_alive(recorded, leader)) and time.monotonic() - started < timeout_s:
        time.sleep(0.05)
    return time.monotonic() - started, left
