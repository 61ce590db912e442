"""A short soak: consecutive after-draw cycles with mixed faults and kills, every invariant checked after each.

`make soak` runs the long version (hundreds of cycles, resumable); this is the same harness on four cycles,
with kills frequent enough that some land (the issue asked for about ten; each cycle is a whole run of about
45 s on this machine, and the suite must stay under 15 minutes).
"""

from __future__ import annotations

import os

import pytest

from lotto_models.core.games import MEGASENA
from tests.shared_data import needs_shared_data

pytestmark = [pytest.mark.slow, pytest.mark.soak]  # whole runs in their own processes, some killed


def test_a_short_soak_with_mixed_faults_and_kills_breaks_no_invariant(tmp_path, monkeypatch) -> None:
    from deployments.soak.lotto_runs import soak

    for name in [n for n in os.environ if n.startswith("LOTTO_") and n != "LOTTO_TEST_DATABASE_URL"]:
        monkeypatch.delenv(name)
    # 4 cycles (each a whole `lotto run`, ~45 s here): with this seed two kills fire (publishing, promoting)
    # and five faults are served; `make soak` runs the hundreds.
    state = soak("sqlite", cycles=4, seed=7, behind=6, kill_rate=0.5, work=tmp_path / "soak")
    assert state.violations == []
    assert state.cycles == 4
    assert sum(state.faults.values()) > 0 and sum(state.kills.values()) > 0, (state.faults, state.kills)


@needs_shared_data
def test_a_short_soak_of_mega_sena_breaks_no_invariant(tmp_path, monkeypatch) -> None:
    """The soak replays another game's real history too: Mega-Sena's faults (a number short, one repeated, the
    stored concurso served with other numbers of 1-60) end in its quarantine naming it, its models and plans."""
    from deployments.soak.lotto_runs import soak

    for name in [n for n in os.environ if n.startswith("LOTTO_") and n != "LOTTO_TEST_DATABASE_URL"]:
        monkeypatch.delenv(name)
    state = soak("sqlite", cycles=3, seed=11, behind=4, kill_rate=0.5, work=tmp_path / "soak", game=MEGASENA)
    assert state.violations == []
    assert state.cycles == 3 and state.game == "megasena"
    assert sum(state.faults.values()) > 0, state.faults
