"""schemathesis against /api/v1/openapi.json, in process (issue 8, point 4).

Every operation of the schema gets generated requests, valid ones and ones that break the schema, as an
anonymous caller and as a provincial office (session cookie and CSRF token, like the back office's own
scripts). Checks run on every response:
- not_a_server_error: never a 5xx;
- content_type_conformance and response_schema_conformance: a declared response is the declared JSON;
- negative_data_rejection: input that breaks the schema is refused with a 4xx;
- error_shape (ours): any other status is one of the errors every operation shares — 400 refused by a
  service, 401 without login, 403 outside the caller's area, 404, 422 invalid input — with the project's
  body {"code", "message"} and a message in words. schemathesis' status_code_conformance is not run:
  django-ninja declares only the success status of each operation.
Deterministic (derandomized, no example database) and bounded (examples per operation) to stay within
about a minute on a 2-core machine. The generated cases are behind the `hostile` marker (`./run test -m
hostile`, run by `.ci/run`); the hand-written attacks below them (integers, malformed JSON, oversize
bodies) run in the default suite.
"""

import json
import re
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

from ocop.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], deterministic=True, database="none"
)
SHARED_ERRORS = {400, 401, 403, 404, 422}


@schemathesis.check
def error_shape(ctx, response, case):
    declared = {str(code) for code in case.operation.definition.raw.get("responses", {})}
    if str(response.status_code) in declared or response.status_code == 405:  # 405: a method not served
        return None
    assert response.status_code in SHARED_ERRORS, f"undeclared status {response.status_code}"
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"], f"no error code: {body}"
    assert isinstance(body.get("message"), str) and body["message"].strip(), f"no message: {body}"
    assert "Input should" not in body["message"], f"Pydantic's English in the message: {body['message']}"
    return True


CHECKS = [
    not_a_server_error,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    error_shape,
]


def call(case, **kwargs):
    """The WSGI app runs in this thread on the test's transaction: Django must not close the connection at
    the end of each request (its own test client disconnects the same handlers while it calls a view)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        case.call_and_validate(checks=CHECKS, **kwargs)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


EXAMPLES = 25


@pytest.fixture
def officer_headers(lai_chau_officer, lai_chau_product):
    client = Client()
    client.force_login(lai_chau_officer)
    client.get("/quan-ly/san-pham/")  # sets the CSRF cookie
    session, csrf = client.cookies["sessionid"].value, client.cookies["csrftoken"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


@pytest.mark.hostile
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_as_provincial_office(case, officer_headers):
    call(case, headers=officer_headers)


@pytest.mark.hostile
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_anonymous(case, lai_chau_product):
    call(case)


def _integer_parameters():
    """(method, path, parameter, location) of every integer parameter of the schema."""
    for path, item in schema.raw_schema["paths"].items():
        for method, op in item.items():
            for p in op.get("parameters", []):
                types = {p.get("schema", {}).get("type")} | {
                    s.get("type") for s in p.get("schema", {}).get("anyOf", [])
                }
                if "integer" in types:
                    yield method, path, p["name"], p["in"]


@pytest.mark.parametrize("method,path,name,where", sorted(_integer_parameters()))
def test_a_word_in_an_integer_parameter_gets_a_vietnamese_message(
    client, lai_chau_officer, method, path, name, where
):
    client.force_login(lai_chau_officer)
    if where == "path":  # Django's URL pattern for an integer only matches digits: a 404 before the API
        return
    target = re.sub(r"\{\w+\}", "1", path)
    if method == "get":
        r = client.get(target, {name: "mười hai"})
    else:
        r = client.generic(method.upper(), f"{target}?{name}=abc", "{}", "application/json")
    if r.status_code == 422:
        problems = [p for p in r.json()["details"] if p["field"] == name]
        assert problems and problems[0]["message"] == "cần một số nguyên, ví dụ 12", r.json()
        assert "Input should" not in r.json()["message"]
    else:
        assert r.status_code < 500, f"{method.upper()} {target}: {r.status_code}"


@pytest.mark.parametrize("method,path,name,where", sorted(_integer_parameters()))
@pytest.mark.parametrize("value", [10**40, -(10**40), 2**63, -1])
def test_integers_out_of_every_range(client, lai_chau_officer, method, path, name, where, value):
    """schemathesis rarely draws integers past 64 bits; SQLite cannot hold them (OverflowError) and
    PostgreSQL refuses them: each must be a 4xx, or an empty answer, never a 500."""
    client.force_login(lai_chau_officer)
    target = path.replace("{" + name + "}", str(value)) if where == "path" else path
    for other in re.findall(r"\{(\w+)\}", target):
        target = target.replace("{" + other + "}", "1")
    query = {name: value} if where == "query" else {}
    if method == "get":
        r = client.get(target, query)
    else:
        r = client.generic(method.upper(), target + "?" + urlencode(query), "{}", "application/json")
    assert r.status_code < 500, f"{method.upper()} {target} {query}: {r.status_code}"


def _write_operations():
    """(method, path) of every operation that takes a JSON body."""
    for path, item in schema.raw_schema["paths"].items():
        for method, op in item.items():
            if "application/json" in op.get("requestBody", {}).get("content", {}):
                yield method, path


MALFORMED_JSON = [
    b"{",
    '{"name": "Chè"'.encode(),
    "{'name': 'Chè'}".encode(),
    b"[1, 2,]",
    b"\xff\xfe{}",  # not UTF-8
    b"NaN}",
    b"null null",
]


@pytest.mark.parametrize("method,path", sorted(_write_operations()))
def test_malformed_json_to_every_write_gets_invalid_json(client, lai_chau_officer, method, path):
    client.force_login(lai_chau_officer)
    target = re.sub(r"\{\w+\}", "1", path)
    for body in MALFORMED_JSON:
        r = client.generic(method.upper(), target, body, "application/json")
        assert r.status_code == 400, f"{method.upper()} {target} {body!r}: {r.status_code}"
        assert r.json()["code"] == "invalid_json" and "JSON" in r.json()["message"], r.json()


@pytest.mark.parametrize("method,path", sorted(_write_operations()))
def test_an_oversize_body_to_every_write_gets_413(client, lai_chau_officer, settings, method, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.force_login(lai_chau_officer)
    target = re.sub(r"\{\w+\}", "1", path)
    body = json.dumps({"name": "A" * 20_000})
    for content_type in ("application/json", "text/plain"):
        r = client.generic(method.upper(), target, body, content_type)
        assert r.status_code == 413, f"{method.upper()} {target} {content_type}: {r.status_code}"
        assert r.json()["code"] == "body_too_large" and "MB" in r.json()["message"], r.json()
