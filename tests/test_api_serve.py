"""`serve()`'s start-up decisions: with no keys it binds 127.0.0.1 only and says so;
with keys it binds what was asked and reports how many keys, never which."""

from __future__ import annotations

import logging

import pytest

from api.serve import bind_host, is_loopback
from assistant.config import Settings


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org", "127.0.0.1", None])
def test_without_keys_only_loopback_is_bound(host, caplog):
    caplog.set_level(logging.INFO, logger="api")
    assert bind_host(Settings(), host) == "127.0.0.1"
    assert "no API keys configured" in caplog.text and "127.0.0.1 only" in caplog.text


def test_with_keys_the_requested_host_is_bound_and_keys_are_not_printed(caplog):
    caplog.set_level(logging.INFO, logger="api")
    settings = Settings(reader_keys="secret-reader-1,secret-reader-2", admin_keys="secret-admin")
    assert bind_host(settings, "0.0.0.0") == "0.0.0.0"
    assert "2 reader, 1 admin" in caplog.text and "secret" not in caplog.text


@pytest.mark.parametrize("host,loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("10.0.0.1", False), ("example.org", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback
