"""Property-based conformance of the live server to its OpenAPI schema (schemathesis).

Every operation gets generated requests, valid and invalid (at most 20 examples each);
every response must be a non-5xx whose status, content type, headers and body are those
the schema documents. Bounded to well under two minutes on loopback.

The schema is built at collection time from `create_app(...).openapi()` (nothing is
loaded for that), because the server's URL is only known once the session fixture has
started it; `test_the_served_schema_is_the_one_tested` checks the live /openapi.json is
the same document. (schemathesis's lazy `from_fixture` loader does not work with
pytest 9.)
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from assistant.config import Settings

pytestmark = pytest.mark.e2e

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
SPEC = create_app(Settings()).openapi()
schema = schemathesis.openapi.from_dict(SPEC)


def test_the_served_schema_is_the_one_tested(http):
    assert http.get("/openapi.json").json() == SPEC


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_conforms_to_its_schema(case, server):
    response = case.call(base_url=server.url, headers=server.headers, timeout=60)
    for _ in range(10):  # a shared server's rate limit: wait as told, then ask again
        if response.status_code != 429:
            break
        time.sleep(_retry_after(response))
        response = case.call(base_url=server.url, headers=server.headers, timeout=60)
    case.validate_response(response, checks=CHECKS)


def _retry_after(response) -> float:
    headers = {k.lower(): v for k, v in response.headers.items()}
    value = headers.get("retry-after", "1")
    value = value[0] if isinstance(value, list) else value  # schemathesis keeps header values as lists
    return min(float(value), 10.0)
