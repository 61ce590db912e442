"""`LOTTO_ARTIFACTS_BLOCK`: the artifact bucket and its credentials from a Prefect `RemoteFileSystem` block."""

from __future__ import annotations

from typing import Any

from prefect.blocks.core import Block
from prefect.filesystems import RemoteFileSystem


def read_artifact_block(slug: str) -> tuple[str, dict[str, Any]]:
    """The block's basepath (`s3://bucket/prefix`) and settings (s3fs options: endpoint, key, secret)."""
    block = Block.load(slug)
    if not isinstance(block, RemoteFileSystem):
        raise TypeError(f"LOTTO_ARTIFACTS_BLOCK {slug} is a {type(block).__name__}, not a remote-file-system block")
    return block.basepath, dict(block.settings)
