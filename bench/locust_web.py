"""Locust users for `bench/web_load.py`: each asks for a plan's guess, as fast as the service answers or, with
LOTOFLOW_BENCH_USER_RPS set, at that many requests per second."""

import os

from locust import constant, constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

USER_RPS = float(os.environ.get("LOTOFLOW_BENCH_USER_RPS", "0"))


class GuessReader(FastHttpUser):
    wait_time = constant_throughput(USER_RPS) if USER_RPS else constant(0)

    @task
    def guess(self) -> None:
        self.client.get("/api/v1/plans/gold", name="/api/v1/plans/{plan}")
