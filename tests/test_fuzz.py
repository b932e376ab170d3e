"""Schemathesis against the service's own OpenAPI schema: no 5xx, responses match the schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from indexer.encoders import Encoder
from service.app import create_app
from service.config import Settings
from tests.helpers import corpus_copy

pytestmark = pytest.mark.slow  # schema fuzzing

CALLS: list[str] = []
MAX_EXAMPLES = 20  # per operation: bounded so the suite stays within CI time
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzz_schema(
    tmp_path_factory: pytest.TempPathFactory, index_dir: Path, encoder: Encoder
) -> Iterator[schemathesis.BaseSchema]:
    # admin routes are enabled with a key the fuzzer does not know: it exercises 401s, not writes
    corpus = corpus_copy(tmp_path_factory.mktemp("fuzz"))
    app = create_app(Settings(index=index_dir, corpus=corpus, api_keys="not-known-to-the-fuzzer"), encoder=encoder)
    with TestClient(app):  # runs the lifespan: encoder warm, snapshot open
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_api_conforms_to_its_schema(fuzz_schema: schemathesis.BaseSchema) -> None:
    # one hypothesis run per operation; the pytest plugin's own parametrization is not used
    # because it does not work with this pytest version
    operations = [result.ok() for result in fuzz_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)
            CALLS.append(f"{case.method} {case.path}")

        run()
    assert {c.split(" ", 1)[1] for c in CALLS} >= {"/api/search", "/api/ask", "/api/documents"}
