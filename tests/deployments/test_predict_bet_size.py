"""`lotto predict --bet-size N`: the stored guess at a bet of N numbers (the published ones plus those ranked
next), with what that bet costs and its chance of any prize; a guess stored before rankings says why it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from deployments.loopback.filled_store import STORED, fill
from lotto_models.core.guess_ranking import guess_of_size
from lotto_models.core.settings import Settings
from lotto_models.ingest.bundled_history import bundled_history
from lotto_models.storage.ranked_guesses import newest_ranked_guesses
from lotto_models.workspace import close_workspaces, open_workspace
from tests.lotto_cli import run_lotto

pytestmark = pytest.mark.slow  # real `lotto` processes over a filled store (about a second each)


def test_predict_gives_the_stored_guess_at_another_bet_size_or_says_why_not(tmp_path: Path) -> None:
    ws = open_workspace(Settings(home=tmp_path, profile="quick", http_backoff_s=0.01))
    fill(ws, bundled_history())
    [free] = [g for g in newest_ranked_guesses(ws.engine, ws.game) if g.plan == "free"]
    close_workspaces()
    env = {"LOTTO_HOME": str(tmp_path), "LOTTO_PROFILE": "quick"}
    assert free.ranking is not None

    seventeen = run_lotto(["predict", "--plan", "free", "--bet-size", "17"], env)
    assert seventeen.returncode == 0, seventeen.stderr
    numbers = " ".join(f"{n:02d}" for n in guess_of_size(free.ranking, 17))
    assert f"free: concurso {STORED + 1}: {numbers}  [" in seventeen.stdout
    assert "bet of 17 numbers costs a price our sources do not give" in seventeen.stdout
    assert "39.3% per draw, the same as any 17 numbers" in seventeen.stdout

    published = run_lotto(["predict", "--plan", "gold", "--bet-size", "15"], env)
    assert published.returncode == 0 and "costs R$ 3.50" in published.stdout

    unranked = run_lotto(["predict", "--plan", "gold", "--bet-size", "17"], env)
    assert unranked.returncode == 1 and "Traceback" not in unranked.stderr
    assert "stored before rankings were kept" in unranked.stderr
    assert "`lotto predict --recompute --bet-size 17`" in unranked.stderr

    too_many = run_lotto(["predict", "--bet-size", "21"], env)
    assert too_many.returncode == 1 and "a bet has 15..20 numbers, got 21" in too_many.stderr
