"""Alerts: delivery to a loopback webhook and to a Prefect notification block, a failure to deliver
reported, a repeated condition alerted once. (The draw calendar's "is the newest draw overdue?" is tested in
tests/ingest/test_draw_calendar.py.)"""

from __future__ import annotations

import socket

import apprise
import pytest

from lotto_models.reporting.alerts import (
    AlertDeliveryError,
    destination_name,
    failed_run_alert,
    first_time,
    flow_run_link,
    record_sent,
    send_alert,
)
from tests.alert_receiver import AlertReceiver


def test_a_failed_run_alert_reaches_a_webhook_with_the_run_its_state_reason_and_link() -> None:
    receiver = AlertReceiver().start()
    try:
        alert = failed_run_alert(
            "after-draw", "brave-owl", "1234", "Failed", "database unreachable", "http://127.0.0.1:4200"
        )
        delivery = send_alert(alert, [receiver.apprise_url("hook")])
        [received] = receiver.wait_for(1, timeout=5)
    finally:
        receiver.stop()
    assert delivery.ok and delivery.delivered == [f"json://127.0.0.1:{receiver.port}/…"]
    assert received["path"] == "/hook" and received["type"] == "failure"
    assert received["title"] == "lotoflow: after-draw run brave-owl Failed"
    assert "after-draw run brave-owl (1234) ended Failed: database unreachable" in received["message"]
    assert "http://127.0.0.1:4200/runs/flow-run/1234" in received["message"]


def test_an_undeliverable_alert_is_reported_not_swallowed() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    alert = failed_run_alert("after-draw", "x", "1", "Crashed", None, None)
    delivery = send_alert(alert, [f"json://127.0.0.1:{closed_port}/"])
    assert not delivery.ok and delivery.failed == [f"json://127.0.0.1:{closed_port}/…"]
    with pytest.raises(AlertDeliveryError, match="not a valid Apprise URL"):
        send_alert(alert, ["nosuchscheme://secret-token@host"])


def test_a_repeated_condition_is_alerted_once(tmp_path) -> None:
    ledger = tmp_path / "alerts" / "sent.txt"
    assert first_time(ledger, "stale-source:3700:1")
    record_sent(ledger, "stale-source:3700:1")
    assert not first_time(ledger, "stale-source:3700:1") and first_time(ledger, "stale-source:3700:2")


def test_alerts_also_reach_a_prefect_notification_block_named_in_the_settings(
    prefect_api, lotto_env, monkeypatch
) -> None:
    from prefect import flow
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    from tasks.send_alert import send_alert as send_alert_task

    receiver = AlertReceiver().start()
    try:
        CustomWebhookNotificationBlock(
            name="lotoflow-ops",
            url=f"http://127.0.0.1:{receiver.port}/block",
            json_data={"title": "{{subject}}", "message": "{{body}}"},
            allow_private_urls=True,
        ).save("ops", overwrite=True)
        monkeypatch.setenv("LOTTO_ALERT_BLOCK", "custom-webhook/ops")
        alert = failed_run_alert("after-draw", "calm-fox", "42", "Crashed", "killed", "http://ui")

        @flow
        def alerting() -> list[str]:
            return send_alert_task(alert).delivered

        delivered = alerting()
        [received] = receiver.wait_for(1, timeout=10)
    finally:
        receiver.stop()
    assert delivered == ["prefect block custom-webhook/ops"]
    assert received["path"] == "/block" and received["title"] == "lotoflow: after-draw run calm-fox Crashed"
    assert "ended Crashed: killed" in received["message"] and "http://ui/runs/flow-run/42" in received["message"]


def test_a_flow_run_link_keeps_no_user_information_so_it_still_opens() -> None:
    assert flow_run_link("https://ui:pw@prefect.example/", "42") == "https://prefect.example/runs/flow-run/42"


@pytest.mark.parametrize(
    ("url", "name", "secrets"),
    [
        ("json://hook-user:hook-pw@127.0.0.1:9/alerts?-token=tok-1", "json://127.0.0.1:9/…", ["hook-", "tok-1"]),
        ("tgram://123456789:AAbotTokenSecret/98765", "tgram://1...t/…", ["AAbotTokenSecret", "98765"]),
        ("discord://webhookid/webhooktoken", "discord://w...d/…", ["webhooktoken"]),
    ],
)
def test_an_alert_destination_is_named_without_its_secrets(url: str, name: str, secrets: list[str]) -> None:
    destination = apprise.Apprise()
    assert destination.add(url)
    assert destination_name(destination[0]) == name
    assert not any(secret in name for secret in secrets)
