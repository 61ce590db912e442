"""Where the newest after-draw run's time went, read from the Prefect API: its task runs, and the share of its
wall time in which none of them was running."""

from __future__ import annotations

from typing import Any

from flows.names import AFTER_DRAW


def newest_run(api_url: str) -> tuple[Any, list[Any]]:
    """The newest after-draw flow run and its task runs."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, TaskRunFilter
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        [run] = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[AFTER_DRAW])), sort=FlowRunSort.START_TIME_DESC, limit=1
        )
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id={"any_": [run.id]}), task_run_filter=TaskRunFilter()
        )
    return run, [t for t in tasks if t.start_time and t.end_time]


def prefect_overhead(api_url: str) -> float:
    """The share of the newest after-draw run's wall time in which none of its task runs was running
    (orchestration, imports and waiting): tasks that run at the same time count once."""
    run, tasks = newest_run(api_url)
    wall = (run.end_time - run.start_time).total_seconds()
    spans = sorted((t.start_time, t.end_time) for t in tasks)
    busy, reach = 0.0, None
    for start, end in spans:  # the length of the union of the task runs' intervals
        if reach is None or start > reach:
            busy += (end - start).total_seconds()
            reach = end
        elif end > reach:
            busy += (end - reach).total_seconds()
            reach = end
    return (wall - busy) / wall


def _without_run_suffix(name: str) -> str:
    """`validate-draws-a5a` -> `validate-draws`: Prefect's three hex digits off a task run's default name."""
    stem, _, suffix = name.rpartition("-")
    return stem if len(suffix) == 3 and all(c in "0123456789abcdef" for c in suffix) else name


def timeline(api_url: str) -> dict:
    """Where the newest after-draw run's time went: the flow's length and each task run (named after its
    model or plan), when it started after the flow did and how long it took."""
    run, tasks = newest_run(api_url)
    rows = [
        {
            "task": _without_run_suffix(t.name),
            "start_s": round((t.start_time - run.start_time).total_seconds(), 2),
            "seconds": round((t.end_time - t.start_time).total_seconds(), 2),
        }
        for t in sorted(tasks, key=lambda t: t.start_time)
    ]
    return {"flow_s": round((run.end_time - run.start_time).total_seconds(), 2), "tasks": rows}
