"""How many epochs each network trains from scratch on the real history, and where its best validation
loss was: the evidence behind the full profile's early-stopping patience.

    .venv/bin/python bench/early_stopping.py                    # the full profile as it is
    .venv/bin/python bench/early_stopping.py '{"patience": 8}'  # with fields of the profile replaced

One thread, as a training worker runs; each network then scored on the holdout. Prints one JSON line per
model: seconds, epochs run, best epoch, holdout BCE, and the validation loss of each epoch.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lotto_models.modeling.threads import limit_threads  # noqa: E402

limit_threads(1)

import pandas as pd  # noqa: E402

from lotto_models.core.settings import PROFILES, Settings, TrainingProfile  # noqa: E402
from lotto_models.ingest.bundled_history import bundled_history  # noqa: E402
from lotto_models.modeling.catalog import MODELS, training_order  # noqa: E402
from lotto_models.modeling.feature_sets import FeatureParams  # noqa: E402
from lotto_models.modeling.features import NUMBER_COLUMNS, build_dataset  # noqa: E402
from lotto_models.modeling.fitting import fit_model, hyperparameters_for  # noqa: E402
from lotto_models.modeling.splits import time_splits  # noqa: E402
from lotto_models.training.challengers import score_on_holdout  # noqa: E402


def main() -> None:
    overrides = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    profile = TrainingProfile(**{**PROFILES["full"], **overrides})
    settings = Settings()
    params = FeatureParams.of(settings)
    history = bundled_history()
    frame = pd.DataFrame(
        {
            "concurso": [d.concurso for d in history],
            "date": [d.date for d in history],
            **{col: [d.numbers[i] for d in history] for i, col in enumerate(NUMBER_COLUMNS)},
        }
    )
    with tempfile.TemporaryDirectory(prefix="lotoflow-early-stopping-") as directory:  # removed at the end
        train_each(frame, params, profile, settings, Path(directory))


def train_each(
    frame: pd.DataFrame, params: FeatureParams, profile: TrainingProfile, settings: Settings, root: Path
) -> None:
    trained: dict[str, Path] = {}
    for name in [m for m in training_order() if MODELS[m].kind != "stat"]:
        spec = MODELS[name]
        dataset = build_dataset(frame, spec.feature_set, params)
        splits = time_splits(
            len(dataset.targets), settings.holdout_draws, settings.validation_draws, settings.ensemble_draws
        )
        bases = {b: trained[b] for b in spec.depends_on}
        hyperparameters = hyperparameters_for(spec, params, profile, {b: f"{b}/v1" for b in bases})
        started = time.perf_counter()
        outcome = fit_model(spec, dataset, splits, hyperparameters, root / name, seed=1, base_dirs=bases)
        seconds = time.perf_counter() - started
        trained[name] = root / name
        losses = outcome.history.get("val_loss", [])
        best = min(range(len(losses)), key=losses.__getitem__) + 1 if losses else None
        holdout = score_on_holdout(spec, root / name, dataset, splits)
        line = {
            "model": name,
            "seconds": round(seconds, 1),
            "epochs": outcome.epochs_run,
            "best_epoch": best,
            "holdout_bce": round(holdout.bce, 5),
            "val_loss": [round(v, 5) for v in losses],
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
