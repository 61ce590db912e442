"""The flows' names, which are also the names of their deployments in `prefect.yaml`: Prefect addresses a
deployment as `flow/deployment` (`deployment_path`). Written once here for the Python side; `prefect.yaml`
(YAML) and `web.prefect_runs` (which may not import the flows) repeat them, and the tests check that they
say the same (`tests/deployments/test_deployments.py`)."""

AFTER_DRAW = "after-draw"
BACKFILL = "backfill"
IMPORT_HISTORY = "import-history"
CONVERT_MODEL = "convert-model"
ROLLBACK_MODEL = "rollback-model"
REVIEW_CHALLENGERS = "review-challengers"
RETRAIN = "retrain"
QUARANTINE = "quarantine"
TRAIN_MODEL = "train-model"
NOTIFY_FAILURE = "notify-failure"

DEPLOYMENTS = (
    AFTER_DRAW,
    BACKFILL,
    IMPORT_HISTORY,
    CONVERT_MODEL,
    ROLLBACK_MODEL,
    REVIEW_CHALLENGERS,
    RETRAIN,
    QUARANTINE,
    TRAIN_MODEL,
    NOTIFY_FAILURE,
)


def deployment_path(name: str) -> str:
    """How Prefect addresses the deployment `name` of `prefect.yaml`: its flow's name, then its own (the same)."""
    return f"{name}/{name}"
