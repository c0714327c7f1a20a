"""HTTP service under load: 50 concurrent clients on kpi/score and sla/evaluate.

Starts ``uvicorn hosplogi.service.app:create_app_from_environment`` on 127.0.0.1 in a subprocess
(``--workers``, default 2 on this 2-core machine), sends ``--requests`` requests per endpoint
from ``--clients`` concurrent clients (httpx, one asyncio loop), and prints requests per second,
median and p99 latency, errors, and the median in-process call of the same function (overhead).

    python benchmarks/bench_service.py [--clients 50] [--requests 2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import httpx

from hosplogi import default_scorecard, evaluate, score
from hosplogi.cli._tour import demo_policy
from hosplogi.cli.demo import DEMO_DATE, DEMO_ZONE, demo_day
from hosplogi.service import ENDPOINTS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bodies() -> dict[str, tuple[dict[str, Any], Any]]:
    scorecard = default_scorecard()
    values = {i.code: (i.target + i.floor) / 2 for i in scorecard.indicators}
    order = demo_day()[3]
    now = datetime.combine(DEMO_DATE, clock_time(23), DEMO_ZONE)
    policy = demo_policy()
    by_path = {e.path: e for e in ENDPOINTS}

    def body(path: str, **arguments: Any) -> dict[str, Any]:
        return json.loads(by_path[path].request(**arguments).model_dump_json())

    return {
        "kpi/score": (
            body("kpi/score", scorecard=scorecard, values=values),
            lambda: score(scorecard, values),
        ),
        "sla/evaluate": (
            body("sla/evaluate", order=order, policy=policy, now=now),
            lambda: evaluate(order, policy, now),
        ),
    }


async def load(
    url: str, body: dict[str, Any], clients: int, requests: int
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def client(c: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            queue.get_nowait()
            t0 = time.perf_counter()
            response = await c.post(url, json=body)
            latencies.append(time.perf_counter() - t0)
            errors += response.status_code != 200

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as c:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(c) for _ in range(clients)))
        elapsed = time.perf_counter() - t0
    return latencies, errors, elapsed


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = io.open(os.getenv("BODY_FILE")):read("*a")
"""


def with_wrk(url: str, body: dict[str, Any], clients: int, seconds: int) -> str:
    """wrk (a C load generator, Debian package `wrk`) on the same endpoint: the server's figure
    without the Python client's own cost. Its latency lines and its count of non-2xx answers."""
    with tempfile.TemporaryDirectory() as folder:
        script, data = Path(folder) / "post.lua", Path(folder) / "body.json"
        script.write_text(WRK_SCRIPT.replace("os.getenv", "os.getenv"), "utf-8")
        data.write_text(json.dumps(body), "utf-8")
        done = subprocess.run(
            ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", str(script), url],
            capture_output=True, text=True, env={**os.environ, "BODY_FILE": str(data)},
        )  # fmt: skip
    keep = ("Requests/sec", "50%", "99%", "Non-2xx", "Socket errors", "requests in")
    return "; ".join(
        " ".join(line.split()) for line in done.stdout.splitlines() if any(k in line for k in keep)
    )


def in_process(call: Any, n: int = 2000) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hosplogi.service.app:create_app_from_environment",
         "--factory", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
         "--log-level", "warning"],
        env=os.environ.copy(),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        print(
            f"hosplogi service: {args.workers} uvicorn workers, {args.clients} concurrent clients, "
            f"{args.requests} requests per endpoint, 127.0.0.1"
        )
        for path, (body, call) in bodies().items():
            asyncio.run(load(f"{base}/v1/{path}", body, args.clients, min(200, args.requests)))
            latencies, errors, elapsed = asyncio.run(
                load(f"{base}/v1/{path}", body, args.clients, args.requests)
            )
            latencies.sort()
            median = statistics.median(latencies)
            p99 = latencies[int(0.99 * (len(latencies) - 1))]
            local = in_process(call)
            print(
                f"{path:14} httpx: {len(latencies) / elapsed:7.0f} req/s  median "
                f"{median * 1e3:6.1f} ms  p99 {p99 * 1e3:6.1f} ms  errors {errors}  in-process "
                f"{local * 1e6:6.1f} µs  median overhead {(median - local) * 1e3:6.1f} ms"
            )
            if shutil.which("wrk"):
                print(f"{'':14} wrk:   {with_wrk(f'{base}/v1/{path}', body, args.clients, 10)}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
