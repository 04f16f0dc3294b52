"""Schemathesis over every operation of ``/api/schema/`` as the public, a department and the credit
office (issue 12, item 10): a bounded number of generated requests per operation, role and mode
(positive: data the schema allows; negative: data it refuses). Every answer must be no 5xx, carry a
documented status code and content type, and match the documented body.

The longer run is the same test with ``SCHEMATHESIS_EXAMPLES=50`` (thousands of calls per role).
"""
import os
from collections import Counter

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from tests.api_contract.conftest import ROLES, openapi_schema

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def _schema():
    schema = schemathesis.openapi.from_dict(openapi_schema())
    schema.app = get_wsgi_application()
    # NUL bytes are the hostile sweep's (test_hostile_inputs): here they would make every answer the same 400.
    schema.config.generation.update(allow_x00=False, database="none")
    return schema


def _exercise(operation, mode, headers, statuses: Counter) -> list[str]:
    problems = []

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        statuses[response.status_code // 100 * 100] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - schemathesis' failure group: report them all at the end
            problems.append(f"{operation.label} [{mode.value}] {response.status_code}: {str(exc)[:400]}")

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        pass  # negative mode: nothing of this operation can be made invalid (no parameters, no body)
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(wsgi_in_test_transaction, role_headers, role):
    schema = _schema()
    problems = []
    operations = 0
    statuses = Counter()

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in MODES:
            problems += _exercise(operation, mode, role_headers[role], statuses)

    # The longer run's figures (pytest -s): calls per role and answers by class.
    print(f"\nschemathesis {role}: {operations} operations, {sum(statuses.values())} calls, {dict(sorted(statuses.items()))}")
    assert operations > 50
    assert statuses[400] > 100 and (role == "public" or statuses[200] > 20), statuses
    assert problems == [], "\n".join(problems)
