"""Validate /v1/ answers against Spotify's own OpenAPI definition (/work/shared/spotify-web-api, see its README).

Each (path, status) is checked against the response schema that definition gives for ``GET path``; OpenAPI
3.0's ``nullable`` becomes JSON Schema's ``"null"`` type so jsonschema can read the components as they are.
"""

import copy
import os
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

# ../shared/spotify-web-api beside the checkout, like the dataset (catalog.dataset_finder); $SPOTIFY_OPENAPI overrides.
DEFINITION = Path(os.environ.get("SPOTIFY_OPENAPI", Path(__file__).resolve().parents[3].parent / "shared"
                                 / "spotify-web-api" / "spotify-web-api.openapi.yml"))
URI = "urn:spotify-web-api"


def _nullable(node):
    if isinstance(node, dict):
        node = {key: _nullable(value) for key, value in node.items()}
        if node.pop("nullable", False):
            if "type" in node:
                node["type"] = [node["type"], "null"]
            else:
                node = {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    return node


@cache
def _definition():
    with DEFINITION.open(encoding="utf-8") as handle:
        return _nullable(yaml.safe_load(handle))


def response_schema(path, status=200):
    """The JSON schema of ``GET path``'s answer with ``status`` (a path as the definition writes it)."""
    document = _definition()
    response = document["paths"][path]["get"]["responses"][str(status)]
    while "$ref" in response:
        response = _pointer(document, response["$ref"])
    return copy.deepcopy(response["content"]["application/json"]["schema"])


def _pointer(document, ref):
    node = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def validate(body, path, status=200):
    """Raise jsonschema.ValidationError unless ``body`` is what Spotify's definition says ``GET path`` answers."""
    _validate(body, response_schema(path, status))


def _validate(body, schema):
    registry = Registry().with_resource(URI, Resource.from_contents(_definition(), default_specification=DRAFT7))
    jsonschema.Draft7Validator(_rebase(schema), registry=registry).validate(body)


def _rebase(node):
    """``#/components/...`` references point into the definition, registered under URI."""
    if isinstance(node, dict):
        return {key: (URI + value if key == "$ref" and value.startswith("#") else _rebase(value))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_rebase(item) for item in node]
    return node


def validate_error(body):
    """Spotify's error body: ``{"error": ErrorObject}``."""
    _validate(body, {"type": "object", "required": ["error"],
                     "properties": {"error": {"$ref": "#/components/schemas/ErrorObject"}}})


def without_nulls(body):
    """A multi-id answer without its null entries: Spotify answers null for an id it doesn't know (and the
    issue asks for it), which the definition's item schemas don't allow for."""
    return {key: [item for item in value if item is not None] for key, value in body.items()}


def validate_recommendations(body):
    """A genre seed's ``href`` is null, as the definition's own description of it says (its type says string)."""
    seeds = [{**seed, "href": seed["href"] if seed["href"] is not None else ""} for seed in body["seeds"]]
    validate({**body, "seeds": seeds}, "/recommendations")
