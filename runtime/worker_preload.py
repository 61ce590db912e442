"""What every worker process of the flows' pool needs, imported once in the fork server they are forked from.

Imported only there (`runtime.worker_pool`): one thread per worker first, before NumPy or TensorFlow load,
then the tasks the flows submit to their workers, Prefect's task engine, Keras and the custom layers. No
TensorFlow op runs here, so no TensorFlow thread pool exists yet to be lost in a fork.

The fork server holds nothing to save: when its parent ends, it ends at once, without the interpreter's
teardown of all these modules (about 1.4 s, during which it still held the run's output open)."""

import atexit
import os

from lotto_models.modeling.threads import limit_threads

limit_threads(1)

import prefect.task_engine  # noqa: E402, F401

# The one import of this layer from the layer above (pyproject's import contracts name it): the flows'
# modules import every task the flows submit to their workers.
import flows.after_draw  # noqa: E402, F401
import flows.retrain  # noqa: E402, F401
from lotto_models.core.redaction import hide_secrets_in_logs  # noqa: E402
from lotto_models.modeling.fitting import import_tensorflow  # noqa: E402

import_tensorflow()
hide_secrets_in_logs()  # in the workers forked from here too: the Prefect client's requests are logged by httpx

atexit.register(os._exit, 0)  # registered last, so run first (the workers forked from here end by os._exit)
