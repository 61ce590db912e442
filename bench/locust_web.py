"""Locust users for `bench/web_load.py`: each asks for a plan's guess as fast as the service answers."""

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser


class GuessReader(FastHttpUser):
    wait_time = constant(0)

    @task
    def guess(self) -> None:
        self.client.get("/api/v1/plans/gold", name="/api/v1/plans/{plan}")
