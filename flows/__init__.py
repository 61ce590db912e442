"""Prefect flows. Importing this package makes the HTTP libraries and Prefect's run loggers log URLs without
their secrets in every process that runs a flow or its tasks: Prefect's engine logs the run's UI link
(`PREFECT_UI_URL`, which may hold credentials) and its client's requests before any code of a flow runs, so
this is done at import, the one hook every entry point (deployments, the CLI, the workers, the tests) passes."""

from lotto_models.core.redaction import hide_secrets_in_logs

hide_secrets_in_logs()
