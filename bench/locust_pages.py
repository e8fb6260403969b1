"""One page under load: every simulated client requests BENCH_PATH again as soon as the last
answer arrived (a closed loop, so the load is bounded by the number of clients)."""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
NAME = os.environ.get("BENCH_NAME", PATH)
COOKIE = os.environ.get("BENCH_COOKIE", "")


class PageReader(FastHttpUser):
    wait_time = constant(0)

    @task
    def read(self) -> None:
        headers = {"Cookie": COOKIE} if COOKIE else {}
        with self.client.get(PATH, name=NAME, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
