"""`python -m deployments.zombie_runs`: the automation that marks a dead flow run Crashed (Prefect's "zombie flows").

A run that dies with its worker (the machine lost, or both killed) reports no final state: without this it
stays Running in the UI for ever, and the after-draw concurrency limit of one holds every next run behind
it. As Prefect documents ("detect zombie flows"), every lotoflow flow run started by a worker emits a
`prefect.flow-run.heartbeat` event every `PREFECT_FLOWS_HEARTBEAT_FREQUENCY` seconds (set for every
deployment in `prefect.yaml`, the one place that says how often), and this proactive automation expects,
within a window of one heartbeat interval plus a grace, either the next heartbeat or a final state after
each heartbeat; when neither arrives, it sets the run Crashed, which also releases its concurrency slot.

Only runs tagged `lotoflow` (every deployment in `prefect.yaml` is) are watched: a run emitting heartbeats
at another frequency (Prefect's default is 180 s) must not be judged by this window. Creating it is
idempotent: an automation of the same name is updated in place.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import Automation, AutomationCore, EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification

from deployments.temporary_server import HEARTBEAT_VARIABLE
from lotto_models.core.digits import ascii_digits

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"
NAME = "lotoflow: crash flow runs whose heartbeats stopped"
WATCHED_TAG = "lotoflow"
FINAL_EVENTS = {
    "prefect.flow-run.Completed",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Cancelled",
    "prefect.flow-run.Crashed",
}


def declared_heartbeat_s(path: Path = PREFECT_YAML) -> int:
    """The heartbeat frequency every deployment of `prefect.yaml` gives its flow runs, in seconds."""
    declared = yaml.safe_load(path.read_text())["deployments"]
    found = {
        str(d.get("work_pool", {}).get("job_variables", {}).get("env", {}).get(HEARTBEAT_VARIABLE)) for d in declared
    }
    if len(found) != 1 or not ascii_digits(next(iter(found))):
        raise ValueError(f"{path}: every deployment must set the same integer {HEARTBEAT_VARIABLE}, found {found}")
    return int(found.pop())


def zombie_run_automation(heartbeat_s: int | None = None, grace_s: float | None = None) -> AutomationCore:
    """The automation: a watched run with no heartbeat nor final state within `heartbeat_s + grace_s` of its
    last heartbeat is set Crashed. Defaults: the frequency of `prefect.yaml`, a grace of one more interval."""
    heartbeat_s = heartbeat_s if heartbeat_s is not None else declared_heartbeat_s()
    grace_s = grace_s if grace_s is not None else float(heartbeat_s)
    if grace_s <= 0:
        raise ValueError("the grace must be positive: a window of one interval would crash live runs")
    window = dt.timedelta(seconds=heartbeat_s + grace_s)
    return AutomationCore(
        name=NAME,
        description=(
            f"A flow run tagged {WATCHED_TAG!r} whose heartbeat (every {heartbeat_s} s) is followed by neither "
            f"another heartbeat nor a final state within {window.total_seconds():.0f} s is set Crashed."
        ),
        enabled=True,
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", *FINAL_EVENTS},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            match_related=ResourceSpecification(
                {"prefect.resource.role": "tag", "prefect.resource.id": f"prefect.tag.{WATCHED_TAG}"}
            ),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=window,
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                name="Crashed",
                message=f"No heartbeat for {window.total_seconds():.0f} s: the run's process died with its worker.",
                force=False,
            )
        ],
    )


def ensure_zombie_run_automation(heartbeat_s: int | None = None, grace_s: float | None = None) -> Automation:
    """Create the automation on the configured Prefect API, or update the one of the same name; return it."""
    wanted = zombie_run_automation(heartbeat_s, grace_s)
    with get_client(sync_client=True) as client:
        existing = client.read_automations_by_name(NAME)
        for extra in existing[1:]:
            client.delete_automation(extra.id)
        if existing:
            client.update_automation(existing[0].id, wanted)
            automation_id = existing[0].id
        else:
            automation_id = client.create_automation(wanted)
        stored = client.read_automation(automation_id)
    if stored is None:
        raise RuntimeError(f"the automation {NAME!r} was written but cannot be read back")
    return stored


def main() -> None:
    automation = ensure_zombie_run_automation()
    print(f"{automation.name} ({automation.id}): {automation.description}")


if __name__ == "__main__":
    main()
