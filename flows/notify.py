"""Alerts: `notify-failure`, run by an automation when an after-draw run fails, the stale-source warning and
the warning that the stored draws fail a randomness test.

Both go where operators look: the Apprise URLs of `LOTTO_ALERT_URLS` and/or the Prefect notification
block named by `LOTTO_ALERT_BLOCK`, plus the run log; `notify-failure` also writes an artifact and a
line in `LOTTO_HOME/alerts/failures.log`. A delivery that fails makes the notify-failure run fail, visibly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from prefect import flow, get_client, get_run_logger, runtime
from prefect.artifacts import create_markdown_artifact
from prefect.settings import PREFECT_UI_URL

from flows.names import NOTIFY_FAILURE
from lotto_models.core.fallbacks import Fallback, FallbackKind
from lotto_models.core.game_ids import legacy_form
from lotto_models.core.games import Game
from lotto_models.core.settings import get_settings
from lotto_models.ingest.draw_calendar import OverdueDraw
from lotto_models.reporting.alerts import (
    Alert,
    AlertLevel,
    failed_run_alert,
    first_time,
    flow_run_link,
    log_failure,
    record_sent,
)
from tasks.send_alert import send_alert

if TYPE_CHECKING:  # the tests import scipy: only a run that stored new draws pays for it
    from lotto_models.reporting.randomness import RandomnessReport


@flow(name=NOTIFY_FAILURE, description="Tell operators that an after-draw run failed, and why.")
def notify_failure(flow_run_id: UUID) -> str:
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        flow_name = client.read_flow(run.flow_id).name
    state, reason = (run.state.name or run.state.type.value, run.state.message) if run.state else ("unknown", None)
    alert = failed_run_alert(flow_name, run.name, str(run.id), state, reason, PREFECT_UI_URL.value())
    create_markdown_artifact(
        key=f"{flow_name}-failure",
        markdown=f"**{alert.body}**" + (f"\n\n[The run in the UI]({alert.link})" if alert.link else ""),
        description=f"Failed {flow_name}",
    )
    log_failure(get_settings().failures_log, alert)
    send_alert(alert)
    return alert.text()


def warn_stale_source(overdue: OverdueDraw) -> list[Fallback]:
    """Send the stale-source warning once per stuck state (per newest concurso and missed draw day).

    Returns the fallback lines for the run summary: none, or why the warning could not be delivered.
    """
    key = f"stale-source:{_of_game(overdue.game)}{overdue.last_concurso}:{overdue.missed_draw_days}"
    return warn_once(key, "stale-source", f"lotoflow: no new {overdue.game.name} draw", overdue.message())


def warn_draws_outside_chance(report: RandomnessReport, newest_concurso: int, game: Game) -> list[Fallback]:
    """When the stored draws fail a randomness test after Holm's correction, warn once per newest concurso:
    news about the draw machine or the stored history (a typo, a wrong import), never about a model."""
    if not report.outside_chance:
        return []
    details = "; ".join(f"{t.name}: {t.words}" for t in report.outside_chance)
    body = f"Over {report.draws} stored draws (through concurso {newest_concurso}), {details}. {report.summary()}"
    title = "lotoflow: the stored draws look unlike a fair draw"
    return warn_once(f"randomness:{_of_game(game)}{newest_concurso}", "randomness", title, body)


def _of_game(game: Game) -> str:
    """The game's part of a ledger key: none for Lotofácil, whose keys were written before the other games came
    (a warning already sent is not sent again), `<game id>:` for the others."""
    return "" if legacy_form(game.id) else f"{game.id}:"


def warn_once(key: str, subject: str, title: str, body: str) -> list[Fallback]:
    """Send a warning about this run unless the alerts ledger holds `key`; record it once delivered. Returns
    the fallback lines for the run summary: none, or why the warning could not be delivered."""
    settings = get_settings()
    if not first_time(settings.alerts_ledger, key):
        get_run_logger().info("Warning already sent for %s", key)
        return []
    alert = Alert(AlertLevel.WARNING, title, body, flow_run_link(PREFECT_UI_URL.value(), str(runtime.flow_run.id)))
    state = send_alert(alert, return_state=True)
    if not state.is_completed():
        return [Fallback(FallbackKind.ALERT_UNDELIVERED, subject, f"{subject} warning not delivered: {state.message}")]
    if state.result().delivered:
        record_sent(settings.alerts_ledger, key)
    return []
