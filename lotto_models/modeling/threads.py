"""How many threads TensorFlow and the math libraries use in a process: set before either is imported.

A light module (no NumPy, no TensorFlow) so that a worker process can set its limits first."""

from __future__ import annotations

import os


def limit_threads(threads: int) -> None:
    """Set how many threads TensorFlow and the math libraries use in this process (before they are imported).

    Each training worker process runs with one thread: two processes with one thread each use both cores
    with no oversubscription."""
    for variable in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = str(threads)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
