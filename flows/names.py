"""The flows' names, which are also the names of their deployments in `prefect.yaml`: Prefect addresses a
deployment as `flow/deployment` (`deployment_path`). Written once here for the Python side; `prefect.yaml`
(YAML) and `web.prefect_runs` (which may not import the flows) repeat them, and the tests check that they
say the same (`tests/deployments/test_deployments.py`)."""

from typing import get_args

from lotto_models.core.game_ids import GameId, legacy_form

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
MLFLOW_SYNC = "mlflow-sync"

# after-draw's deployment of each game but Lotofácil (whose deployment is `after-draw`, as before the others came):
# the same flow with its `game` parameter, on that game's calendar (`after_draw_deployment`).
OTHER_GAMES: tuple[GameId, ...] = tuple(game for game in get_args(GameId) if not legacy_form(game))
GAME_AFTER_DRAWS = tuple(f"{AFTER_DRAW}-{game}" for game in OTHER_GAMES)

DEPLOYMENTS = (
    AFTER_DRAW,
    *GAME_AFTER_DRAWS,
    BACKFILL,
    IMPORT_HISTORY,
    CONVERT_MODEL,
    ROLLBACK_MODEL,
    REVIEW_CHALLENGERS,
    RETRAIN,
    QUARANTINE,
    TRAIN_MODEL,
    NOTIFY_FAILURE,
    MLFLOW_SYNC,
)


def deployment_path(name: str) -> str:
    """How Prefect addresses the deployment `name` of `prefect.yaml`: its flow's name, then its own (the same;
    a game's after-draw deployment is `after-draw/after-draw-<game>`)."""
    flow = AFTER_DRAW if name in GAME_AFTER_DRAWS else name
    return f"{flow}/{name}"


def after_draw_deployment(game: GameId) -> str:
    """The name of the after-draw deployment of `game`."""
    return AFTER_DRAW if legacy_form(game) else f"{AFTER_DRAW}-{game}"
