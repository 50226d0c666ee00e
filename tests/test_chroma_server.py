"""Chroma server mode: the same ingest and search through `chroma run` over HTTP.

CI starts the server and sets ASSISTANT_TEST_CHROMA_URL; without it the test starts
its own `chroma run` on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    url = os.environ.get("ASSISTANT_TEST_CHROMA_URL")
    if url:
        yield url
        return
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.25)
        else:
            pytest.fail("chroma run did not come up within 30 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.server
def test_ingest_and_search_through_a_chroma_server(chroma_url, tmp_path, embedder, corpus_dir):
    from assistant.config import Settings
    from assistant.pipeline import Assistant

    settings = Settings(data_dir=tmp_path / "data", chroma_url=chroma_url, collection=f"t{uuid.uuid4().hex[:8]}")
    a = Assistant(settings, embedder=embedder)
    try:
        report = a.ingest([corpus_dir])
        assert not report.failed
        assert a.vectors.count() == a.catalog.counts()[1]
        assert not (tmp_path / "data" / "chroma").exists()  # vectors live on the server
        hits = a.search("Dunkirk gigafactory operational", k=3, mode="dense")
        assert "operational in 2025" in hits[0].chunk.text
        assert a.ingest([corpus_dir]).embedded == 0
    finally:
        a.close()


def test_a_bad_chroma_url_is_a_clear_error(tmp_path, embedder):
    from assistant.config import Settings
    from assistant.errors import ConfigError
    from assistant.pipeline import Assistant

    with pytest.raises(ConfigError, match="http://host:port"):
        Assistant(Settings(data_dir=tmp_path, chroma_url="chroma.example"), embedder=embedder)
