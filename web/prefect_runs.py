"""Links to the Prefect runs that produced each figure, and the newest after-draw run's state.

The UI address comes from Prefect's settings (`PREFECT_UI_URL`, else derived from `PREFECT_API_URL`).
Asking the API is bounded by a short timeout; an unreachable API is reported, never an error. Either address
may hold credentials: links are served without user information, the API's address with it hidden.
"""

from __future__ import annotations

import datetime as dt

import httpx
from pydantic import BaseModel, Field

from lotto_models.core.redaction import hide_secrets_in_logs, link_url, redacted_text, redacted_url
from lotto_models.reporting.alerts import flow_run_link

AFTER_DRAW = "after-draw"  # `flows.names.AFTER_DRAW`, which the web may not import (a test checks they agree)
API_TIMEOUT_S = 1.5


class PrefectStatus(BaseModel):
    api_url: str | None = Field(description="the Prefect API asked, without its credentials")
    reachable: bool
    note: str = Field(description="what was asked and what came back, in words")
    last_after_draw_run_id: str | None = None
    last_after_draw_state: str | None = None
    last_after_draw_message: str | None = None
    last_after_draw_started: dt.datetime | None = None
    last_after_draw_url: str | None = None


class PrefectLinks:
    """The Prefect UI and API addresses this process was configured with (read once). `ui_url` and `api_url`
    are as they may be shown; the API is asked at the address as configured, credentials included."""

    def __init__(self, ui_url: str | None = None, api_url: str | None = None) -> None:
        if ui_url is None and api_url is None:
            from prefect.settings import get_current_settings

            settings = get_current_settings()
            api_url = settings.api.url
            ui_url = settings.ui_url
        if ui_url is None and api_url:
            ui_url = api_url.removesuffix("/").removesuffix("/api")
        hide_secrets_in_logs()  # the Prefect client's requests are logged by httpx
        self.ui_url = link_url(ui_url.rstrip("/")) if ui_url else None
        self._api_url = api_url.rstrip("/") if api_url else None
        self.api_url = redacted_url(self._api_url) if self._api_url else None

    def run_url(self, flow_run_id: str | None) -> str | None:
        """The UI page of a flow run; None when the run or the UI address is unknown."""
        if not flow_run_id or not self.ui_url:
            return None
        return flow_run_link(self.ui_url, flow_run_id)

    def status(self) -> PrefectStatus:
        """The newest after-draw run that started, when the API answers within the timeout."""
        if not self._api_url:
            return PrefectStatus(api_url=None, reachable=False, note="PREFECT_API_URL is not set: no Prefect API asked")
        try:
            httpx.get(f"{self._api_url}/health", timeout=API_TIMEOUT_S).raise_for_status()
        except httpx.HTTPError as error:
            return PrefectStatus(
                api_url=self.api_url,
                reachable=False,
                note=redacted_text(
                    f"the Prefect API at {self.api_url} did not answer within {API_TIMEOUT_S} s: {error}"
                ),
            )
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterStartTime
        from prefect.client.schemas.sorting import FlowRunSort
        from prefect.settings import PREFECT_API_URL, temporary_settings

        try:
            with (
                temporary_settings({PREFECT_API_URL: self._api_url}),
                get_client(sync_client=True, httpx_settings={"timeout": API_TIMEOUT_S}) as client,
            ):
                runs = client.read_flow_runs(
                    flow_filter=FlowFilter(name=FlowFilterName(any_=[AFTER_DRAW])),
                    flow_run_filter=FlowRunFilter(start_time=FlowRunFilterStartTime(is_null_=False)),
                    sort=FlowRunSort.START_TIME_DESC,
                    limit=1,
                )
        except (httpx.HTTPError, RuntimeError) as error:
            return PrefectStatus(
                api_url=self.api_url,
                reachable=False,
                note=redacted_text(f"the Prefect API at {self.api_url} failed: {error}"),
            )
        if not runs:
            return PrefectStatus(api_url=self.api_url, reachable=True, note="the Prefect API has no after-draw run yet")
        run = runs[0]
        return PrefectStatus(
            api_url=self.api_url,
            reachable=True,
            note="the newest after-draw run that started",
            last_after_draw_run_id=str(run.id),
            last_after_draw_state=run.state.name if run.state else None,
            last_after_draw_message=run.state.message if run.state else None,
            last_after_draw_started=run.start_time,
            last_after_draw_url=self.run_url(str(run.id)),
        )
