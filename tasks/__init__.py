"""Prefect tasks: thin wrappers over `lotto_models`. Importing this package lets the library read the
artifact bucket from a Prefect block (`LOTTO_ARTIFACTS_BLOCK`) in every process that runs a task, and makes
the HTTP libraries log URLs without their secrets there (the Prefect client's requests to a `PREFECT_API_URL`
holding credentials included)."""

from lotto_models.core.redaction import hide_secrets_in_logs
from lotto_models.workspace import use_artifact_block_reader
from tasks.artifact_block import read_artifact_block

use_artifact_block_reader(read_artifact_block)
hide_secrets_in_logs()
