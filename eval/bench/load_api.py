"""API load benchmark: concurrent clients asking questions over loopback HTTP.

    python -m eval.bench.load_api [--url http://127.0.0.1:8000] [--key KEY]
                                  [--clients 16] [--questions 50] [--max-seconds 600]

Without --url it starts its own server (`python -m assistant.cli serve --ingest corpus`
on a free port, a temporary data dir, the rate limit lifted so the limiter does not
shape the figures) and stops it afterwards. Against a shared server, keep its rate
limit in mind: 429s are counted as errors.

1. Single client: one client asks --questions questions in a row (after a short warm-up).
2. Concurrent: --clients clients each ask --questions questions at the same time.
Each question is a stateless `POST /v1/chat`. Prints requests/s, p50/p95 latency and
the error count of both phases, and the ratios concurrent/single of p95 and throughput.
Bounded: a fixed number of requests, a per-request timeout and an overall deadline after
which unfinished clients stop (their remaining requests are reported as not run).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [
    "When does the Dunkirk gigafactory become operational?", "Which vehicle gets the batteries first?",
    "How many GWh a year does Verkor supply?", "Where is the Alpine C-Crossover GT manufactured?",
    "When did Renault acquire a stake in Verkor?", "Who supplies batteries to Renault Group?",
    "Where will the batteries be produced?", "What is the Verkor Innovation Centre?",
    "Which segments will use the Verkor batteries?", "In which country is the gigafactory?",
    "What kind of partnership did Renault and Verkor sign?", "What is Ampere?",
]


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: int = 0
    not_run: int = 0
    wall: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, seconds: float, ok: bool) -> None:
        with self.lock:
            if ok:
                self.latencies.append(seconds)
            else:
                self.errors += 1

    def p(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, round(q * (len(data) - 1)))] * 1000

    @property
    def throughput(self) -> float:
        done = len(self.latencies) + self.errors
        return done / self.wall if self.wall else 0.0

    def line(self) -> str:
        mean = statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")
        return (f"{self.name:<12} {len(self.latencies) + self.errors:>5} requests in {self.wall:6.1f} s  "
                f"{self.throughput:7.1f} req/s  p50 {self.p(0.50):7.1f} ms  p95 {self.p(0.95):7.1f} ms  "
                f"mean {mean:7.1f} ms  errors {self.errors}" + (f"  not run {self.not_run}" if self.not_run else ""))


def client_run(url: str, headers: dict, n: int, offset: int, phase: Phase, deadline: float, timeout: float) -> None:
    with httpx.Client(base_url=url, headers=headers, timeout=timeout) as http:
        for i in range(n):
            if time.monotonic() > deadline:
                with phase.lock:
                    phase.not_run += n - i
                return
            question = QUESTIONS[(offset + i) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                r = http.post("/v1/chat", json={"question": question})
                ok = r.status_code == 200 and bool(r.json().get("answer"))
            except (httpx.HTTPError, ValueError):
                ok = False
            phase.record(time.perf_counter() - started, ok)


def run_phase(name: str, url: str, headers: dict, clients: int, n: int, max_seconds: float, timeout: float) -> Phase:
    phase = Phase(name)
    deadline = time.monotonic() + max_seconds
    threads = [threading.Thread(target=client_run, args=(url, headers, n, c * 5, phase, deadline, timeout))
               for c in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.wall = time.perf_counter() - started
    return phase


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"ASSISTANT_DATA_DIR": str(workdir / "data"), "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",
                "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    with open(workdir / "server.log", "w") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--ingest", str(ROOT / "corpus"),
                                 "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited:\n{(workdir / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not become ready in 240 s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running server (default: start one)")
    ap.add_argument("--key", default=os.environ.get("ASSISTANT_BENCH_API_KEY"),
                    help="bearer key, if the server needs one")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--questions", type=int, default=50, help="questions per client")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    ap.add_argument("--max-seconds", type=float, default=600.0, help="deadline of each phase")
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = ap.parse_args(argv)
    headers = {"Authorization": f"Bearer {args.key}"} if args.key else {}

    proc = None
    with tempfile.TemporaryDirectory(prefix="load-api-") as tmp:
        try:
            if args.url:
                url = args.url.rstrip("/")
            else:
                proc, url = start_server(Path(tmp))
                print(f"started a server at {url} (data in {tmp})")
            # warm-up: every question embedded once, so both phases see the same query cache
            run_phase("warm-up", url, headers, 1, len(QUESTIONS), args.max_seconds, args.timeout)
            single = run_phase("1 client", url, headers, 1, args.questions, args.max_seconds, args.timeout)
            concurrent = run_phase(f"{args.clients} clients", url, headers, args.clients, args.questions,
                                   args.max_seconds, args.timeout)
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()

    print(f"POST /v1/chat on {url}, {args.questions} questions per client ({os.cpu_count()} CPUs)")
    print(single.line())
    print(concurrent.line())
    p95_ratio = concurrent.p(0.95) / single.p(0.95)
    speedup = concurrent.throughput / single.throughput if single.throughput else float("nan")
    print(f"p95 concurrent/single: {p95_ratio:.2f}x   throughput concurrent/single: {speedup:.2f}x")
    if args.json:
        print(json.dumps({
            "single": {"p50_ms": single.p(0.5), "p95_ms": single.p(0.95), "rps": single.throughput,
                       "errors": single.errors},
            "concurrent": {"clients": args.clients, "p50_ms": concurrent.p(0.5), "p95_ms": concurrent.p(0.95),
                           "rps": concurrent.throughput, "errors": concurrent.errors, "not_run": concurrent.not_run},
            "p95_ratio": p95_ratio, "throughput_ratio": speedup,
        }, indent=2))
    return 1 if concurrent.errors or single.errors or concurrent.not_run else 0


if __name__ == "__main__":
    sys.exit(main())
