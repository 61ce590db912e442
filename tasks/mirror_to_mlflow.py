"""The MLflow mirror as the flows call it: after every training, promotion, rollback and review, with a
fallback, so that a tracking server down or slow never fails a run (`lotto mlflow-sync` catches up)."""

from __future__ import annotations

from collections.abc import Iterable

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_UI_URL

from lotto_models.core.fallbacks import Fallback, FallbackKind
from lotto_models.core.games import Game
from tasks.workspace import open_task_workspace

TRACKING_UNAVAILABLE = "tracking unavailable"


@task(name="mirror-to-mlflow", cache_policy=NO_CACHE)
def mirror_to_mlflow(game: Game, models: Iterable[str] | None = None) -> list[Fallback]:
    """Mirror `models`' versions and aliases (default: every model of `game`) into MLflow when
    LOTTO_MLFLOW_TRACKING_URI is set; without it, nothing happens and MLflow is not imported. A server that
    does not answer in time is a fallback (named in the run's summary and state), never a failure."""
    ws = open_task_workspace(game)
    if not ws.settings.mlflow_tracking_uri:
        return []
    from lotto_models.tracking.mlflow_mirror import TrackingUnavailableError, mirror_models

    logger = get_run_logger()
    try:
        report = mirror_models(ws, list(models) if models is not None else None, PREFECT_UI_URL.value() or None)
    except TrackingUnavailableError as error:
        detail = f"{TRACKING_UNAVAILABLE}: {error}; `lotto mlflow-sync` mirrors what was missed"
        logger.warning("Fallback: %s", detail)
        return [Fallback(FallbackKind.TRACKING_UNAVAILABLE, "mlflow", detail)]
    logger.info("%s", report.sentence())
    return []
