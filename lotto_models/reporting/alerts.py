"""Alerts that reach a person: the message for a failed run or a stale source, delivered with Apprise.

Destinations are Apprise URLs (`LOTTO_ALERT_URLS`: Slack, Telegram, e-mail, Discord, a `json://`
webhook, …). Delivery is reported per destination, never swallowed: the caller decides what a
failed delivery means.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lotto_models.core.redaction import hide_secrets_in_logs, link_url

if TYPE_CHECKING:
    from apprise.plugins.base import NotifyBase


class AlertLevel(enum.StrEnum):
    WARNING = "warning"
    FAILURE = "failure"


@dataclass(frozen=True)
class Alert:
    level: AlertLevel
    title: str
    body: str
    link: str | None = None

    def text(self) -> str:
        return self.body + (f"\n{self.link}" if self.link else "")


@dataclass
class Delivery:
    delivered: list[str] = field(default_factory=list)  # destinations, secrets masked
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


class AlertDeliveryError(RuntimeError):
    """No destination could take the alert, or one URL is not a valid Apprise URL."""


def flow_run_link(ui_url: str | None, flow_run_id: str) -> str | None:
    """The run's page in the Prefect UI (`<UI>/runs/flow-run/<id>`), when the UI address is known; without the
    address's user information (the browser asks for it), since links are shown, alerted and served."""
    return link_url(f"{ui_url.rstrip('/')}/runs/flow-run/{flow_run_id}") if ui_url else None


def failed_run_alert(
    deployment: str, run_name: str, run_id: str, state: str, reason: str | None, ui_url: str | None
) -> Alert:
    """The alert for a run that ended Failed or Crashed: which run, its state, why, and where to look."""
    return Alert(
        AlertLevel.FAILURE,
        f"lotoflow: {deployment} run {run_name} {state}",
        f"{deployment} run {run_name} ({run_id}) ended {state}: {reason or 'no message'}",
        flow_run_link(ui_url, run_id),
    )


def send_alert(alert: Alert, urls: Sequence[str]) -> Delivery:
    """Send `alert` to every Apprise URL; report which took it. An unparsable URL raises at once."""
    import apprise

    hide_secrets_in_logs()  # Apprise and urllib3 log a failed request's query
    delivery = Delivery()
    notify_type = apprise.NotifyType.FAILURE if alert.level is AlertLevel.FAILURE else apprise.NotifyType.WARNING
    for url in urls:
        destination = apprise.Apprise()
        if not destination.add(url):
            scheme = url.partition("://")[0] if "://" in url else "(none)"
            raise AlertDeliveryError(
                f"a LOTTO_ALERT_URLS entry with the scheme {scheme!r} is not a valid Apprise URL (the URL is not "
                "shown: it may hold a secret)"
            )
        sent = destination.notify(title=alert.title, body=alert.text(), notify_type=notify_type)
        (delivery.delivered if sent else delivery.failed).append(destination_name(destination[0]))
    return delivery


def destination_name(plugin: NotifyBase) -> str:
    """An Apprise destination as logs, alerts and run states name it: its scheme and host, as Apprise's privacy
    mode shows them (a host that is a token, as Telegram's or Slack's, abbreviated to `1...n`); no user,
    password, path or query."""
    private = plugin.url(privacy=True)
    scheme, _, rest = private.partition("://")
    host = rest.split("/")[0].split("?")[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}/…"


def first_time(ledger: Path, key: str) -> bool:
    """Whether `key` is not in the ledger yet (one key per line), so a repeated condition alerts once."""
    return not ledger.exists() or key not in ledger.read_text().splitlines()


def log_failure(log: Path, alert: Alert) -> None:
    """Append `alert` to the failures log with the time it was written (UTC)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as out:
        out.write(f"{dt.datetime.now(dt.UTC).isoformat()} {alert.text()}\n")


def record_sent(ledger: Path, key: str) -> None:
    ledger.parent.mkdir(parents=True, exist_ok=True)
    with ledger.open("a") as out:
        out.write(key + "\n")
