"""The `assistant` command as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "assistant.cli"]


def _run(args, data_dir, **kw):
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300, **kw)


def test_ingest_reports_failures_by_name_and_exit_code(tmp_path, corpus_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    (corpus / "documents" / "empty.txt").write_bytes(b"")
    result = _run(["ingest", str(corpus)], tmp_path / "data")
    assert result.returncode == 1, result.stderr
    assert "failed" in result.stdout and "empty.txt" in result.stdout
    assert "3 added" in result.stdout and "1 failed" in result.stdout

    search = _run(["search", "C-Crossover GT", "--json", "--k", "3"], tmp_path / "data")
    assert search.returncode == 0, search.stderr
    hits = json.loads(search.stdout)
    assert hits[0]["rank"] == 1 and "C-Crossover GT" in hits[0]["text"]
    assert {"score", "source", "locator", "title"} <= hits[0].keys()

    text = _run(["search", "Dunkirk gigafactory operational", "--k", "2"], tmp_path / "data")
    assert text.returncode == 0 and " 1. " in text.stdout and "chars" in text.stdout


def test_empty_query_is_a_usage_error(tmp_path):
    result = _run(["search", "   "], tmp_path / "data")
    assert result.returncode == 2 and "empty" in result.stderr


def test_an_ingest_killed_half_way_is_completed_by_the_next_run(tmp_path, corpus_dir):
    folder = tmp_path / "many"
    folder.mkdir()
    text = (corpus_dir / "documents" / "renault-verkor-battery-partnership.md").read_text()
    for i in range(60):  # FICTIONAL variants of the release, to make the ingest last
        (folder / f"variant-{i:02}.md").write_text(text.replace("12 GWh", f"{i + 1} GWh") + f"\nVariant {i}.\n")
    data = tmp_path / "data"
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([*CLI, "ingest", str(folder)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    catalog = data / "catalog.sqlite"
    deadline = time.time() + 120
    import sqlite3

    while time.time() < deadline:
        time.sleep(0.2)
        if catalog.exists():
            try:
                with sqlite3.connect(catalog) as db:
                    if db.execute("SELECT count(*) FROM documents").fetchone()[0] > 0:
                        break
            except sqlite3.Error:
                pass
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    result = _run(["ingest", str(folder), "--json"], data)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert sum(f["status"] in ("added", "unchanged") for f in summary["files"]) == 60

    from assistant.config import Settings
    from assistant.store.catalog import Catalog
    from assistant.store.vectors import VectorStore

    settings = Settings(data_dir=data)
    docs, chunks = Catalog(settings.catalog_path).counts()
    assert docs == 60
    assert VectorStore("", settings.chroma_dir, settings.collection).count() == chunks
