"""Access: bearer keys from the settings, reader and admin roles, the per-caller rate
limit, and keys never reaching the log. Auth is switched on by overriding the
`get_settings` dependency of one app, so the Assistant is built once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.auth import RateLimiter, role_of
from api.deps import get_settings
from api.main import create_app
from assistant.config import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
READER, ADMIN = "reader-key-0123456789", "admin-key-9876543210"


@pytest.fixture(scope="module")
def app(embedder, tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("auth") / "data", ingest_on_start=[CORPUS],
                        rate_limit_per_minute=100_000)
    app = create_app(settings, embedder=embedder)
    with TestClient(app):
        yield app


@pytest.fixture
def client(app):
    keyed = app.state.settings.model_copy(update={"reader_keys": f"{READER}, other-reader", "admin_keys": ADMIN})
    app.dependency_overrides[get_settings] = lambda: keyed
    yield TestClient(app)
    app.dependency_overrides.clear()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


READS = [("post", "/v1/chat", {"json": {"question": "Who supplies Renault Group?"}}),
         ("post", "/v1/search", {"json": {"query": "Verkor"}}),
         ("get", "/v1/documents", {}),
         ("get", "/v1/models", {}),
         ("post", "/v1/chat/completions",
          {"json": {"model": "m", "messages": [{"role": "user", "content": "Verkor?"}]}})]


@pytest.mark.parametrize("method,path,kw", READS)
def test_readers_and_admins_may_read(client, method, path, kw):
    for key in (READER, "other-reader", ADMIN):
        assert getattr(client, method)(path, headers=bearer(key), **kw).status_code == 200


@pytest.mark.parametrize("method,path,kw", READS)
@pytest.mark.parametrize("headers", [
    {},  # no header at all
    {"Authorization": "Bearer "},  # empty key
    {"Authorization": f"Basic {READER}"},  # wrong scheme
    {"Authorization": f"Bearer {READER[:-1]}"},  # a prefix of a real key
    {"Authorization": f"Bearer {READER}x"},  # a real key plus one character
])
def test_without_a_valid_key_every_read_is_401(client, method, path, kw, headers):
    r = getattr(client, method)(path, headers=headers, **kw)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"


def test_readers_may_not_change_documents_admins_may(client):
    upload = {"files": {"file": ("auth-note.md", b"# Auth note\n\nThe Lumen cell line opens in 2031.\n")}}
    r = client.post("/v1/documents", headers=bearer(READER), **upload)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert client.delete("/v1/documents/anything", headers=bearer(READER)).status_code == 403
    added = client.post("/v1/documents", headers=bearer(ADMIN), **upload)
    assert added.status_code == 201
    doc_id = added.json()["doc_id"]
    assert client.delete(f"/v1/documents/{doc_id}", headers=bearer(READER)).status_code == 403
    assert client.delete(f"/v1/documents/{doc_id}", headers=bearer(ADMIN)).status_code == 200


def test_an_unauthenticated_upload_is_refused_before_its_body_is_read(client, app):
    r = client.post("/v1/documents", files={"file": ("x.md", b"# X\n\ntext\n")})
    assert r.status_code == 401
    assert not (app.state.settings.uploads_dir / "x.md").exists()


def test_probes_and_page_need_no_key(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 200


def test_without_keys_every_local_caller_is_admin(app):
    client = TestClient(app)  # the app's own settings: no keys
    assert client.get("/v1/documents").status_code == 200
    assert client.delete("/v1/documents/no-such-doc").status_code == 404  # allowed, just not found


def test_rate_limit_answers_429_with_retry_after(app):
    tight = app.state.settings.model_copy(update={"reader_keys": "limited-key", "rate_limit_per_minute": 3})
    app.dependency_overrides[get_settings] = lambda: tight
    try:
        client = TestClient(app)
        codes = [client.get("/v1/models", headers=bearer("limited-key")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = client.get("/v1/models", headers=bearer("limited-key"))
        assert r.json()["error"]["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
    finally:
        app.dependency_overrides.clear()


def test_failed_attempts_are_rate_limited_per_client(app):
    tight = app.state.settings.model_copy(update={"reader_keys": "k", "rate_limit_per_minute": 2})
    app.dependency_overrides[get_settings] = lambda: tight
    try:
        client = TestClient(app, client=("10.9.8.7", 5000))
        codes = [client.get("/v1/models", headers=bearer("guess")).status_code for _ in range(3)]
        assert codes == [401, 401, 429]
    finally:
        app.dependency_overrides.clear()


def test_token_bucket_refills_evenly():
    limiter = RateLimiter()
    assert [limiter.take("a", 60) for _ in range(60)] == [None] * 60
    assert limiter.take("a", 60) == 1  # one token a second
    assert limiter.take("b", 60) is None  # buckets are per caller


def test_role_of_matches_whole_keys_only():
    settings = Settings(reader_keys="r1,r2", admin_keys="a1")
    assert [role_of(k, settings) for k in ("r1", "r2", "a1", "r", "a1 ", "")] == [
        "reader", "reader", "admin", None, None, None]


def test_keys_never_reach_the_log(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.get("/v1/models", headers=bearer(READER))
    client.get("/v1/models", headers=bearer("wrong-secret-key"))
    client.post("/v1/chat", headers=bearer(ADMIN), json={"question": "Verkor?"})
    assert caplog.records, "the access log should have written something"
    for secret in (READER, ADMIN, "wrong-secret-key"):
        assert secret not in caplog.text
    assert "caller=key:" in caplog.text
