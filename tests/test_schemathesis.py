"""Every operation of the server's own OpenAPI schema, fuzzed by schemathesis on a real
`plangraph serve` over the four plans: whatever it is sent, no 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from plangraph.settings import Settings
from queryapi.app import create_app
from tests.servers import plangraph_serve

MAX_EXAMPLES = 25  # per operation


def operations() -> dict[str, schemathesis.APIOperation]:
    """The app's operations, from the schema it serves at /openapi.json."""
    schema = schemathesis.openapi.from_dict(create_app(Settings.from_env()).openapi())
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.label] = operation
    return found


OPERATIONS = operations()


@pytest.fixture(scope="module")
def served(built_store):
    with plangraph_serve(built_store, "--workers", "2") as running:
        yield running


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_server_error(served, label):
    operation = OPERATIONS[label]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(base_url=served.url)
        case.validate_response(response, checks=[not_a_server_error])

    fuzz()
