"""Domain errors answered in one place each: the DRF handler for the API, the middleware for pages."""

from django.test import RequestFactory

from evaluation.errors import NotAnEvaluator
from recommender.errors import NoActiveIndex
from songrec.lib.errors import exception_handler
from songrec.lib.request_params import InvalidQuery
from songrec.middleware import DomainErrorMiddleware


def test_the_api_answers_a_bad_parameter_with_its_field_and_a_missing_index_with_503():
    bad = exception_handler(InvalidQuery("k", "must be a whole number, got 'x'"), {})
    assert (bad.status_code, bad.data) == (400, {"k": ["must be a whole number, got 'x'"]})
    missing = exception_handler(NoActiveIndex(), {})
    assert missing.status_code == 503 and "rebuild_index" in missing.data["detail"]
    assert "Retry-After" not in missing


def test_a_page_shows_the_error_page_with_the_errors_status_title_and_message(db):
    middleware = DomainErrorMiddleware(lambda request: None)
    response = middleware.process_exception(RequestFactory().get("/evaluate/"), NotAnEvaluator())
    assert response.status_code == 403
    page = response.content.decode()
    assert "You&#x27;re not an evaluator yet" in page and "Only evaluators can rate" in page
    api = middleware.process_exception(RequestFactory().get("/api/anything/"), InvalidQuery("limit", "too big"))
    assert api.status_code == 400 and api.content == b'{"limit": ["too big"]}'
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("not ours")) is None
