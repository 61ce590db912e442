"""Prefect tasks: thin wrappers over `lotto_models`, one per file. They open the workspace through
`tasks.workspace.open_task_workspace`, which passes Prefect's reader of `LOTTO_ARTIFACTS_BLOCK`."""
