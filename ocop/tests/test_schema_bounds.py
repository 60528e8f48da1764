"""Issue 20, item 16: every string the API takes in is bounded, and a field stored in a model is bounded
exactly like the model field (the model's max_length is the one rule; the schema repeats it so the API answers
422 before any work). Read from the OpenAPI document, so a new endpoint is checked without being listed —
only a new body field that is stored needs a line in MODEL_FIELDS."""

import pytest

from ocop.api import api
from ocop.evaluation.models import Certificate, Dossier
from ocop.monitoring.models import Finding, FollowUp
from ocop.registry.models import Producer, Product
from ocop.traceability.models import Lot

SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]

# (method, path) → {body field: (model, model field)}; every string field of a request body is listed.
PRODUCER = {f: (Producer, f) for f in ("name", "tax_code", "legal_rep", "address_detail", "phone", "email")}
PRODUCT = {
    "name": (Product, "name"),
    "producer_id": (Producer, "public_id"),
    "description": (Product, "description"),
    "gtin": (None, 20),  # spaces allowed in the input, the service stores the 8–14 digits
    "decision_number": (Product, "decision_number"),
}
MODEL_FIELDS = {
    ("post", "/api/v1/producers"): PRODUCER,
    ("patch", "/api/v1/producers/{pid}"): PRODUCER,
    ("post", "/api/v1/products"): PRODUCT,
    ("patch", "/api/v1/products/{pid}"): {k: v for k, v in PRODUCT.items() if k != "producer_id"},
    ("post", "/api/v1/score"): {"rubric": (Dossier, "rubric"), "answers[].*": (None, 40)},
    ("post", "/api/v1/score/advice"): {"rubric": (Dossier, "rubric"), "answers.*": (None, 40)},
    ("post", "/api/v1/stamps/batches"): {"product": (Product, "code")},
    ("post", "/api/v1/stamps/batches/{bid}/activate"): {"lot": (Lot, "code")},
    ("post", "/api/v1/monitoring/findings/{fid}/followup"): {"note": (FollowUp, "note")},
    ("post", "/api/v1/monitoring/findings/{fid}/escalate"): {
        "ground": (Finding, "ground"),
        "proposal": (Finding, "proposal"),
    },
    ("post", "/api/v1/monitoring/findings/{fid}/revoke"): {"decision": (Certificate, "revocation_decision")},
}


def _strings(node: dict, path: str, seen: tuple = ()):
    """(path, maxLength) of every free string under a JSON schema node (enums and dates are bounded)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _strings(COMPONENTS[name], path, (*seen, name))
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            yield from _strings(sub, path, seen)
    kind = node.get("type")
    if kind == "string" and "enum" not in node and "format" not in node:
        yield path, node.get("maxLength")
    elif kind == "object":
        for name, sub in node.get("properties", {}).items():
            yield from _strings(sub, f"{path}.{name}".lstrip("."), seen)
        if isinstance(node.get("additionalProperties"), dict):
            yield from _strings(node["additionalProperties"], f"{path}.*".lstrip("."), seen)
    elif kind == "array":
        yield from _strings(node.get("items", {}), f"{path}[]", seen)


def _inputs():
    for path, item in SCHEMA["paths"].items():
        for method, op in item.items():
            for p in op.get("parameters", []):
                if p["in"] != "path":  # Django's URL pattern bounds a path segment
                    for where, limit in _strings(p.get("schema", {}), f"?{p['name']}"):
                        yield method, path, where, limit
            for content in (op.get("requestBody") or {}).get("content", {}).values():
                for where, limit in _strings(content["schema"], ""):
                    yield method, path, where, limit


INPUTS = sorted(_inputs(), key=lambda x: x[:3])


def test_the_walk_finds_the_inputs():
    assert ("patch", "/api/v1/products/{pid}", "description") in {x[:3] for x in INPUTS}
    assert len(INPUTS) > 30


@pytest.mark.parametrize(("method", "path", "where", "limit"), INPUTS, ids=lambda v: str(v))
def test_every_input_string_is_bounded(method, path, where, limit):
    assert isinstance(limit, int) and limit > 0, f"{method.upper()} {path} {where}: no maxLength"


@pytest.mark.parametrize(
    ("method", "path", "where", "limit"),
    [x for x in INPUTS if not x[2].startswith("?")],
    ids=lambda v: str(v),
)
def test_a_body_field_is_bounded_like_its_model_field(method, path, where, limit):
    fields = MODEL_FIELDS.get((method, path))
    assert fields is not None and where in fields, f"{method.upper()} {path} {where}: add it to MODEL_FIELDS"
    model, name = fields[where]
    expected = name if model is None else model._meta.get_field(name).max_length
    assert limit == expected, f"{method.upper()} {path} {where}: maxLength {limit}, the model says {expected}"
