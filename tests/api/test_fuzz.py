"""Generated requests against the published OpenAPI document (schemathesis): no 5xx, every
status documented, every response matching its schema, for valid and invalid input alike.
(Unknown query parameters are ignored, as HTTP APIs do, so `negative_data_rejection` is off.)

Schemathesis's pytest plugin does not run under pytest 9, so this drives its Hypothesis
strategies directly: per operation, positive and negative cases."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from inroad.services import accounts, credits
from tests import factories as f

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Logout would end the fuzzing session; the event stream never ends by design.
SKIP = {"/api/v1/auth/logout", "/api/v1/events"}
EXAMPLES = 15


@pytest.fixture
def fuzz_token(ctx):
    """A Premium member with a connection, so generated requests reach deep code paths."""
    session = accounts.signup(ctx, email="fuzz@example.com", password="0123456789",
                              full_name="Fuzz Tester")
    credits.change_plan(ctx, session.member.id, "business", "tok_visa")
    f.connect(ctx, session.member, f.member(ctx, "Other"))
    return session.token


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms(app, fuzz_token, mode):
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = {"Authorization": f"Bearer {fuzz_token}"}
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIP:
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:  # nothing invalid to generate, e.g. no parameters at all
            assert mode is GenerationMode.NEGATIVE
        tested += 1
    assert tested >= 30
