"""OpenAPI post-processing: the error answers every operation can give, documented in one place.

Views document their own success bodies and domain errors (409, 503); this hook adds what comes from the
framework around them, for every operation alike, so the schema can't forget one: 400 (a bad parameter or body,
or one refused by songrec/middleware.py), 401 (a bad token, or no credentials where they are required), 403,
404 (unknown object, page past the end), 429 (throttled), lower bounds on ``page``, empty optional numbers in the
query (taken as absent), and no NUL in any string (a request with one gets a 400 or 404 from
songrec/middleware.py before any view sees it). ``error_response`` is how
a view documents its own error statuses with the same ``{"detail": message}`` body.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

ERROR = {
    "type": "object",
    "description": "An error with a human-readable message.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": 'What was wrong with the request: `{"detail": message}`, or per parameter or field a list of '
                   'messages (`{"limit": ["must be between 1 and 50"]}`; nested like the body for list fields).',
    "minProperties": 1,
    "additionalProperties": {"anyOf": [
        {"type": "string"},
        {"type": "array", "items": {}},
        {"type": "object"},
    ]},
}
STANDARD_ERRORS = {
    "400": ("ValidationError", "Bad parameter or body: what was wrong, per parameter or field."),
    "401": ("Error", "Not authenticated: a bad token, or no credentials where this needs them "
                     "(`WWW-Authenticate: Token`)."),
    "403": ("Error", "Authenticated but not allowed (not an evaluator, not staff, not your task), or a session "
                     "request without its CSRF token."),
    "404": ("Error", "No such object (or page), or not visible to you."),
    "415": ("Error", "The body is in a media type this operation does not take (JSON, a form or multipart)."),
    "429": ("Error", "Too many requests (throttled) or too many failed logins; retry after `Retry-After` seconds."),
}
NO_NUL = r"^[^\x00]*$"


class ErrorSerializer(serializers.Serializer):
    """The body of every error but a 400's per-field messages (the ``Error`` component)."""

    detail = serializers.CharField()


def error_response(description):
    """A view's own error status (409, 503, …) in the schema: an ``Error`` body and what the status means."""
    return OpenApiResponse(ErrorSerializer, description=description)


def document_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: add the standard error responses to every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _forbid_nul(schemas)
    schemas["Error"] = ERROR
    schemas["ValidationError"] = VALIDATION_ERROR
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _bound_page(operation)
            _allow_empty_numbers(operation)
            _forbid_nul(operation.get("parameters", []))
            _forbid_nul(operation.get("requestBody", {}))
            responses = operation["responses"]
            for status, (component, description) in STANDARD_ERRORS.items():
                if not _can_answer(status, method, operation):
                    continue
                existing = responses.get(status, {})
                if status != "400" and "content" in existing:
                    continue  # the view documents this status itself
                responses[status] = {
                    "description": existing.get("description") or description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                }
            _errors_as_text_too(responses)
    return result


def _can_answer(status, method, operation):
    """403 needs a required login or a write (CSRF); 404 a path parameter or a page (views add their own); 415 a
    request body."""
    parameters = operation.get("parameters", [])
    if status == "403":
        return method != "get" or {} not in operation.get("security", [{}])
    if status == "404":
        return any(parameter.get("in") == "path" or parameter.get("name") == "page" for parameter in parameters)
    if status == "415":
        return "requestBody" in operation
    return True


def _bound_page(operation):
    for parameter in operation.get("parameters", []):
        if parameter.get("name") == "page" and parameter.get("in") == "query":
            parameter.setdefault("schema", {"type": "integer"})["minimum"] = 1


def _allow_empty_numbers(operation):
    """An optional number in the query may be sent empty (``?limit=``) and means its default: the one parser
    (songrec.request_params.parse_int, recommender.request_params) takes "" as absent because HTML forms send
    empty fields. Strings keep their own rules, and numbers in paths and bodies may not be empty."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and not parameter.get("required") and \
                parameter.get("schema", {}).get("type") in ("integer", "number"):
            parameter["allowEmptyValue"] = True


def _errors_as_text_too(responses):
    """An operation that also serves CSV answers its errors in CSV, as the bare message, to a client that accepts
    only CSV (evaluation.api.CSVRenderer)."""
    text_types = {media for status, response in responses.items() if status.startswith("2")
                  for media in response.get("content", {}) if media != "application/json"}
    for status, response in responses.items():
        if status.startswith(("4", "5")) and "content" in response:
            for media in text_types:
                response["content"][media] = {"schema": {"type": "string", "description": "the error message"}}


def _forbid_nul(node):
    """Give every free-form string schema under ``node`` a pattern without NUL (formats, enums, patterns stay)."""
    if isinstance(node, list):
        for item in node:
            _forbid_nul(item)
    elif isinstance(node, dict):
        kinds = node.get("type")
        if (kinds == "string" or isinstance(kinds, list) and "string" in kinds) and \
                not {"pattern", "format", "enum", "const"} & node.keys():
            node["pattern"] = NO_NUL
        for value in node.values():
            _forbid_nul(value)
