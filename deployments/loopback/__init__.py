"""Production's neighbours on 127.0.0.1, for the tests, the benchmark (`bench/run.py`) and the soak
(`deployments.soak`): the CAIXA API with fault injection (`caixa_server`), a `prefect server` on a free port
(`prefect_server`), process workers on deployments of `prefect.yaml` (`process_workers`), a run's processes
read from /proc (`run_processes`), draws not yet held (`synthetic_draws`) and a store filled through the
library (`filled_store`). Paths of the checkout they run are in `checkout`.

Nothing the `lotto` command runs imports them (an import contract in pyproject.toml): they stand in for the
world around a production run, never inside one.
"""
