"""`lotto mlflow-sync`, and the MLflow mirror after the commands that move an alias (`rollback`,
`review-challengers`): only when LOTTO_MLFLOW_TRACKING_URI is set, and a server that does not answer never
undoes or fails what the command did."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lotto_models.core.errors import LotoflowError

if TYPE_CHECKING:
    from lotto_models.workspace import Workspace

TRACKING_UNAVAILABLE = "tracking unavailable"


class MirrorNotConfiguredError(LotoflowError):
    """`lotto mlflow-sync` without a tracking server to mirror into."""


def mlflow_sync_command(ws: Workspace) -> int:
    """Mirror every version and alias MLflow is missing; exit 1 naming the server when it does not answer."""
    if not ws.settings.mlflow_tracking_uri:
        raise MirrorNotConfiguredError(
            "LOTTO_MLFLOW_TRACKING_URI is not set: there is no MLflow server to mirror into "
            "(`make mlflow` starts one on 127.0.0.1:5000)"
        )
    from lotto_models.tracking.mlflow_mirror import mirror_models

    print(mirror_models(ws, prefect_ui_url=_prefect_ui_url()).sentence())  # TrackingUnavailableError: exit 1
    return 0


def mirror_after_command(ws: Workspace, models: Iterable[str]) -> None:
    """After a command changed `models`' aliases: mirror them when a server is configured; when it does not
    answer, say so (the change stands; `lotto mlflow-sync` catches up)."""
    if not ws.settings.mlflow_tracking_uri:
        return
    from lotto_models.tracking.mlflow_mirror import TrackingUnavailableError, mirror_models

    try:
        mirror_models(ws, list(models), _prefect_ui_url())
    except TrackingUnavailableError as error:
        print(f"lotto: {TRACKING_UNAVAILABLE}: {error}; `lotto mlflow-sync` mirrors it later", file=sys.stderr)


def _prefect_ui_url() -> str | None:
    from prefect.settings import PREFECT_UI_URL

    return PREFECT_UI_URL.value() or None
