"""A store filled through the library, fast: draws, model versions and their decisions, ensemble builds,
guesses (scored and next) and a quarantined answer. The web tests read it, and `bench/web_load.py` loads the
web service over it.

`free`'s guesses carry their ranking of the whole pool (revision 0009: offered at every bet size); `gold`'s
have none, as guesses stored before 0009 (offered at their published size alone)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import numpy as np

from lotto_models.core.draws import Draw
from lotto_models.modeling.evaluation import evaluate_holdout
from lotto_models.registry.registration import register_version
from lotto_models.registry.versions import ModelVersion
from lotto_models.workspace import Workspace

STORED = 3690  # draws seeded; guesses exist for 3681..3690 (scored) and 3691 (next, not scored)


@dataclass
class Filled:
    ws: Workspace
    history: list[Draw]
    run_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    versions: dict[str, ModelVersion] = field(default_factory=dict)
    ingest_run_ids: list[str] = field(default_factory=list)


def register(ws: Workspace, model: str, seed: int, mean_shift: float = 0.0) -> ModelVersion:
    rng = np.random.default_rng(seed)
    targets = np.zeros((500, 25))
    for row in targets:
        row[rng.choice(25, 15, replace=False)] = 1
    probabilities = np.clip(0.6 + mean_shift * (targets - 0.6) + rng.normal(0, 0.05, targets.shape), 0.01, 0.99)
    staged = ws.artifacts.staging_dir(model)
    (staged / "weights.json").write_text(json.dumps({"seed": seed}))
    metrics = evaluate_holdout(probabilities, targets).as_dict()
    return register_version(
        ws.versions, ws.artifacts, model, staged, f"fp{seed}", STORED, {"kind": model}, metrics, str(uuid.uuid4())
    )


def fill(ws: Workspace, history: list[Draw]) -> Filled:
    filled = Filled(ws, history)
    ws.draws.seed(history[:STORED], "bundled-history")
    filled.ingest_run_ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    ws.draws.log_ingest("caixa", STORED, STORED, 0, None, filled.ingest_run_ids[0])
    stat1, stat2 = register(ws, "stat", 1), register(ws, "stat", 2)
    ws.versions.set_champion("stat", stat1.id)
    ws.versions.record_decision("stat", stat1.id, None, True, "first version")
    ws.versions.set_champion("stat", stat2.id)
    ws.versions.record_decision("stat", stat2.id, stat1.id, True, "holdout BCE 0.6729 vs 0.6731")
    ls14 = register(ws, "ls14", 3)
    ws.versions.set_champion("ls14", ls14.id)
    ws.versions.set_status("ls14", True, "training timed out: the champion keeps serving")
    filled.versions = {"stat": stat2, "ls14": ls14, "stat_previous": stat1}
    members = {"ls14": ls14.label, "stat": stat2.label}
    free = ws.predictions.record_ensemble("free", members, {"ls14": 0.4, "stat": 0.6}, False, None)
    gold = ws.predictions.record_ensemble(
        "gold", {"stat": stat2.label, "odd_even": "odd count 7..9"}, {"stat": 1.0}, True, "ls15pp has no champion"
    )
    rng = np.random.default_rng(0)
    ranks = np.random.default_rng(1)  # apart from `rng`, so the guesses' numbers stay what they always were
    for concurso in range(STORED - 9, STORED + 2):
        for plan, ensemble in (("free", free), ("gold", gold)):
            numbers = sorted(int(n) for n in rng.choice(np.arange(1, 26), 15, replace=False))
            rest = sorted(set(range(1, 26)) - set(numbers))
            ranking = [int(n) for part in (numbers, rest) for n in ranks.permutation(part)] if plan == "free" else None
            run_id = str(uuid.uuid4())
            ws.predictions.publish(plan, concurso, numbers, members, ensemble, run_id, ranking=ranking)
            filled.run_ids[(plan, concurso)] = run_id
    ws.predictions.score_pending(ws.draws)
    ws.draws.quarantine(3691, "caixa", json.dumps({"numero": 3691, "listaDezenas": ["01"] * 15}), "repeated numbers")
    ws.draws.log_ingest("caixa", STORED + 1, 0, 1, "concurso 3691 rejected", filled.ingest_run_ids[1])
    return filled
