"""A `lotto` run's scratch space: its temporary files and its children's in one directory, gone when it ends, or
when the next run starts after it was killed; never another live run's."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from deployments.scratch_space import PREFIX, remove_kept_scratch_spaces, scratch_space

# A run that holds its scratch space until its standard input closes.
HOLDER = """
import sys
from deployments.scratch_space import scratch_space

with scratch_space() as path:
    print(path, flush=True)
    sys.stdin.read()
"""


def use_as_system_tmp(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`directory` as the system's temporary directory, for this process and its children."""
    monkeypatch.setenv("TMPDIR", str(directory))
    monkeypatch.setattr(tempfile, "tempdir", None)


@pytest.fixture
def system_tmp(short_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary directory of this test's own as the system's."""
    use_as_system_tmp(short_tmp, monkeypatch)
    return short_tmp


def hold_scratch_space() -> tuple[subprocess.Popen[str], Path]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    return holder, Path(holder.stdout.readline().strip())


def test_the_temporary_files_of_a_run_and_of_its_children_are_in_its_scratch_space_gone_when_it_ends(
    system_tmp: Path,
) -> None:
    with scratch_space() as path:
        assert path.parent == system_tmp and path.name.startswith(PREFIX)
        assert tempfile.gettempdir() == os.environ["TMPDIR"] == str(path)
        made = subprocess.run(
            [sys.executable, "-c", "import tempfile; print(tempfile.mkstemp()[1])"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert Path(made.stdout.strip()).parent == path
    assert tempfile.gettempdir() == os.environ["TMPDIR"] == str(system_tmp)
    assert list(system_tmp.iterdir()) == []


def test_a_killed_run_s_scratch_space_is_removed_by_the_next_run_and_a_live_one_s_is_not(system_tmp: Path) -> None:
    killed, killed_path = hold_scratch_space()
    live, live_path = hold_scratch_space()
    try:
        killed.kill()
        killed.wait()
        assert killed_path.is_dir()  # a killed run removes nothing
        with scratch_space() as path:
            assert sorted(system_tmp.iterdir()) == sorted([live_path, path])
    finally:
        live.communicate(timeout=30)  # its input closes: it ends as a run does
        killed.wait()
    assert list(system_tmp.iterdir()) == []


def test_a_scratch_space_holding_multiprocessing_s_directory_is_kept_until_the_process_ends(system_tmp: Path) -> None:
    # multiprocessing's directory holds the socket of a fork server this process may use in its next run.
    with scratch_space() as path:
        (path / "pymp-test").mkdir()
    assert path.is_dir()
    remove_kept_scratch_spaces()  # as `end_process` does
    assert list(system_tmp.iterdir()) == []


def test_a_temporary_directory_too_long_for_multiprocessing_s_socket_gives_way_to_tmp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = tmp_path / ("x" * 60)  # with the scratch space's and multiprocessing's names: over a socket's 107 bytes
    long.mkdir()
    use_as_system_tmp(long, monkeypatch)
    with scratch_space() as path:
        assert path.parent == Path("/tmp")
    assert not path.exists() and tempfile.gettempdir() == str(long)
