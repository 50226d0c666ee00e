"""Shared fixtures: the real packaged MiniLM (loaded once per session), a real
embedded Chroma and catalog in tmp_path, the real corpus files. The network is closed
for every test except loopback, so nothing can reach a model hub unnoticed."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

_real_connect = socket.socket.connect


def _loopback_only(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            ok = ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = host == "localhost"
        if not ok:
            raise OSError(f"test tried to reach {host}: the network is closed in tests (loopback only)")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    socket.socket.connect = _loopback_only
    yield
    socket.socket.connect = _real_connect


@pytest.fixture(scope="session")
def embedder():
    from assistant.embed import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture
def settings(tmp_path):
    from assistant.config import Settings

    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def assistant(settings, embedder):
    from assistant.pipeline import Assistant

    a = Assistant(settings, embedder=embedder)
    yield a
    a.close()


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
