"""End-to-end fixtures: a real uvicorn process serving the API on loopback.

`ASSISTANT_TEST_API_URL` names a server someone else started (CI does, with the README
command); optional `ASSISTANT_TEST_API_KEY` is the bearer key to use with it. When the
URL is unset, the session starts `python -m assistant.cli serve --ingest corpus` itself on a free port,
with a temporary data dir and the corpus ingested at start-up, so these tests always run.
Every e2e request retries on 429 (after `Retry-After`): a shared server's rate limit
is a property of the deployment, not of what these tests check.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "tests" / "artifacts"
START_TIMEOUT = 240  # seconds: model load plus the corpus ingest on a cold machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, key: str | None, log: Path | None):
        self.url, self.key, self.log = url, key, log

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def log_text(self) -> str:
        return self.log.read_text() if self.log else ""


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    url = os.environ.get("ASSISTANT_TEST_API_URL")
    if url:
        yield Server(url.rstrip("/"), os.environ.get("ASSISTANT_TEST_API_KEY"), None)
        return
    work = tmp_path_factory.mktemp("e2e-server")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({
        "ASSISTANT_DATA_DIR": str(work / "data"), "ASSISTANT_RATE_LIMIT_PER_MINUTE": "6000",
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
    })
    log = work / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(  # the README's command, on a free port
            [sys.executable, "-m", "assistant.cli", "serve", "--ingest", str(CORPUS), "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc, log)
        yield Server(url, None, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the API server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the API server was not ready within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


class _RetryOn429(httpx.HTTPTransport):
    def handle_request(self, request):
        for _ in range(10):
            response = super().handle_request(request)
            if response.status_code != 429:
                return response
            response.read()
            response.close()
            time.sleep(min(float(response.headers.get("retry-after", "1")), 10.0))
        return response


@pytest.fixture(scope="session")
def http(server):
    with httpx.Client(base_url=server.url, headers=server.headers, timeout=60, transport=_RetryOn429()) as c:
        yield c


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
