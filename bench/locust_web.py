"""Locust users for `bench/web_load.py`: `GuessReader` asks for a plan's guess, as fast as the service answers or,
with LOTOFLOW_BENCH_USER_RPS set, at that many requests per second; `RouteReader` asks for the routes of
LOTOFLOW_BENCH_ROUTES (JSON: group -> paths), a group at a time in turn, each request named after its group."""

import itertools
import json
import os
import random

from locust import constant, constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

USER_RPS = float(os.environ.get("LOTOFLOW_BENCH_USER_RPS", "0"))
ROUTES: dict[str, list[str]] = json.loads(os.environ.get("LOTOFLOW_BENCH_ROUTES", "{}"))
REQUESTS = [(group, path) for group, paths in ROUTES.items() for path in paths]


class GuessReader(FastHttpUser):
    wait_time = constant_throughput(USER_RPS) if USER_RPS else constant(0)

    @task
    def guess(self) -> None:
        self.client.get("/api/v1/plans/gold", name="/api/v1/plans/{plan}")


class RouteReader(FastHttpUser):
    wait_time = constant_throughput(USER_RPS) if USER_RPS else constant(0)

    def on_start(self) -> None:
        start = random.randrange(len(REQUESTS))  # the users spread over the groups from the first request
        self.turn = itertools.cycle(REQUESTS[start:] + REQUESTS[:start])

    @task
    def route(self) -> None:
        group, path = next(self.turn)
        self.client.get(path, name=group)
