"""The in-process training work behind the incremental and full-retrain floors (`bench/floors.py`), printed as one
JSON line: the TensorFlow import's seconds, then each Lotofácil model trained from scratch on the real history less
its newest draw, one thread as a training worker runs (`scratch`), then each fine-tuned from that version on the
whole history, as an incremental run after one new draw does (`finetune`). Fits only: no store, no Prefect, no
holdout scoring, so a floor, not a run.

    .venv/bin/python bench/training_floor.py
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

from lotto_models.core.settings import Settings  # noqa: E402
from lotto_models.ingest.bundled_history import bundled_history  # noqa: E402
from lotto_models.modeling.catalog import MODELS, training_order  # noqa: E402
from lotto_models.modeling.feature_sets import FeatureParams  # noqa: E402
from lotto_models.modeling.features import NUMBER_COLUMNS, build_dataset  # noqa: E402
from lotto_models.modeling.fitting import fit_model, hyperparameters_for, import_tensorflow  # noqa: E402
from lotto_models.modeling.splits import time_splits  # noqa: E402


def frame_of(history) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "concurso": [d.concurso for d in history],
            "date": [d.date for d in history],
            **{col: [d.numbers[i] for d in history] for i, col in enumerate(NUMBER_COLUMNS)},
        }
    )


def fit_each(frame: pd.DataFrame, root: Path, warm_from: dict[str, Path] | None = None) -> dict[str, float]:
    """Seconds of each model's fit, in training order (bases before the models built on them)."""
    settings = Settings()
    params = FeatureParams.of(settings)
    profile = settings.training
    seconds: dict[str, float] = {}
    for name in training_order():
        spec = MODELS[name]
        dataset = build_dataset(frame, spec.feature_set, params)
        splits = time_splits(
            len(dataset.targets), settings.holdout_draws, settings.validation_draws, settings.ensemble_draws
        )
        bases = {b: root / b for b in spec.depends_on}
        hyperparameters = hyperparameters_for(spec, params, profile, {b: f"{b}/v1" for b in bases})
        started = time.perf_counter()
        fit_model(
            spec,
            dataset,
            splits,
            hyperparameters,
            root / name,
            seed=settings.seed,
            warm_start_dir=(warm_from or {}).get(name),
            base_dirs=bases,
        )
        seconds[name] = round(time.perf_counter() - started, 3)
    return seconds


def main() -> None:
    started = time.perf_counter()
    import_tensorflow()
    import_s = round(time.perf_counter() - started, 3)
    history = bundled_history()
    with tempfile.TemporaryDirectory(prefix="lotoflow-training-floor-") as directory:  # removed at the end
        scratch_dir, tuned_dir = Path(directory) / "scratch", Path(directory) / "tuned"
        scratch = fit_each(frame_of(history[:-1]), scratch_dir)
        finetune = fit_each(frame_of(history), tuned_dir, {m: scratch_dir / m for m in scratch})
    print("BENCH " + json.dumps({"import_s": import_s, "scratch": scratch, "finetune": finetune}), flush=True)


if __name__ == "__main__":
    main()
