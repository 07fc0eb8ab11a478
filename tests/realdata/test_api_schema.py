"""The OpenAPI schema describes the API: schemathesis, every check, every operation, three kinds of client.

Runs on the real catalog (imported and indexed once for tests/realdata) inside each test's rolled-back
transaction: the API is called in-process through the WSGI application, on the test's own connection. Each operation
gets schemathesis' coverage cases (every boundary just inside and just outside the schema, a missing required
parameter, a wrong type) and fuzzed cases, valid and invalid; the number of fuzzed examples is bounded and
derandomised so CI runs the same cases in a few minutes.
"""

import copy
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from catalog.crawl.models import CrawlRun
from catalog.models import Track
from catalog.playlists.models import Playlist
from catalog.playlists.services import create_listener_playlist
from evaluation.assignment import next_task
from evaluation.campaigns import create_campaign, open_campaign, populate_campaign
from evaluation.evaluators import evaluator_group
from evaluation.models import Assignment
from recommender.generation.services import generate_playlist
from tests.factories import UserFactory

EXAMPLES_PER_OPERATION = 15  # valid fuzzed cases
INVALID_EXAMPLES_PER_OPERATION = 8  # invalid fuzzed cases; the coverage cases come on top
ROLES = ("anonymous", "evaluator", "staff")
# A 503 is an answer the API gives on purpose (no index yet, no broker, no Spotify credentials), never a crash:
# it passes "not a server error" only where the operation documents it, with its body (the other checks see to it).
# Some schema-valid requests are still refused with a 400, for reasons OpenAPI cannot state: a genre the catalog
# doesn't have, a min_ above its max_, an upload that is no streaming history.
# Generated playlists too: the same song at both ends of a path, seeds not yet indexed, nothing passing the limits,
# refreshing a playlist that was not generated. And a rating needs a score or an "unrated" reason, one of the two,
# which the serializers' schema cannot say.
REFUSED_FOR_WHAT_THE_SCHEMA_CANNOT_SAY = ["GET /api/explore/profile/", "GET /api/recommendations/",
                                          "POST /api/me/imports/", "POST /api/me/playlists/import/",
                                          "GET /api/song-path/", "POST /api/me/playlists/generate/",
                                          "POST /api/playlists/{id}/refresh/", "POST /api/playlists/{id}/extend/",
                                          "PUT /api/evaluation/tasks/{public_id}/items/{item}/rating/",
                                          "POST /api/evaluation/tasks/{public_id}/ratings/"]
# NUL anywhere in a request is refused by songrec/middleware.py (tests/songrec/test_malformed_requests.py); the schema
# says so for every string it names, but cannot for the keys and values of extra, ignored body fields.
CONFIG = SchemathesisConfig.from_dict({
    "generation": {"allow-x00": False},
    "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "503"]}},
    "operations": [{"include-name": REFUSED_FOR_WHAT_THE_SCHEMA_CANNOT_SAY, "checks": {"positive_data_acceptance": {
        "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "503"]}}}],
})


@pytest.fixture
def api_world(real_catalog, db, settings, tmp_path):
    """An open campaign on the real index, an evaluator holding one of its tasks, and a staff member."""
    settings.PERSONAL_UPLOAD_DIR = tmp_path / "uploads"  # history uploads land in files before they are read
    # Cached catalog profiles and "queued" marks stay in this process, not in the Redis that other tests share.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "schemathesis"}}
    campaign = create_campaign(name="schemathesis", index_version=real_catalog.version,
                               systems=["cosine", "random"], seed_count=2, k=5, ratings_per_item=1, random_seed=3)
    populate_campaign(campaign)
    open_campaign(campaign)
    evaluator = UserFactory(username="schema-evaluator")
    evaluator.groups.add(evaluator_group())
    next_task(evaluator, campaign)
    staff = UserFactory(username="schema-staff", is_staff=True, is_superuser=True)
    popular = list(Track.objects.visible().order_by("-popularity", "spotify_id").values_list("pk", flat=True)[:3])
    playlist = create_listener_playlist(owner=evaluator, name="Evaluator's own", track_ids=popular)
    shared = create_listener_playlist(owner=staff, name="Staff's public", track_ids=popular,
                                      visibility=Playlist.Visibility.PUBLIC)
    return {"campaign": campaign, "evaluator": evaluator, "staff": staff, "playlist": playlist, "shared": shared}


def headers_for(role, api_world):
    if role == "anonymous":
        return {}
    token, _ = Token.objects.get_or_create(user=api_world[role])
    return {"Authorization": f"Token {token.key}"}


@pytest.fixture(params=ROLES)
def role_headers(request, api_world):
    return headers_for(request.param, api_world)


@pytest.fixture
def every_role_headers(api_world):
    """schemathesis' lazy schemas take no parametrized fixtures, so each generated case is sent once per role."""
    return [headers_for(role, api_world) for role in ROLES]


_raw_schema = {}


@pytest.fixture
def api_schema(api_world, _keep_the_test_connection):
    """The schema as /api/schema/ serves it (generated once: it takes seconds), calling the app in-process."""
    if not _raw_schema:
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert response.status_code == 200
        _raw_schema.update(json.loads(response.content))
        _keep_connections_open()  # the test client reconnects Django's handler when it is done
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_raw_schema), config=CONFIG)
    schema.app = get_wsgi_application()
    schema.location = "/api/schema/"
    return schema


@pytest.fixture
def _keep_the_test_connection():
    """Django closes the connection at the end of each request; here it holds the test's transaction (as in
    Django's test client, which disconnects the same handler)."""
    _keep_connections_open()
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_answers_as_its_schema_says(api_schema, every_role_headers):
    """Coverage and fuzzed cases, valid and invalid, for each operation, each sent as anonymous, evaluator and staff.

    Invalid cases must be refused with a 4xx (``negative_data_rejection``), valid ones accepted, and every answer
    must be one the schema documents, with the documented body.
    """
    failures = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()

        def answers_as_documented(case):
            for headers in every_role_headers:
                case.call_and_validate(headers=headers)

        try:
            for case in coverage_cases(api_schema, operation):
                answers_as_documented(case)
            fuzz(operation.as_strategy(GenerationMode.POSITIVE), EXAMPLES_PER_OPERATION, answers_as_documented)
            try:
                fuzz(operation.as_strategy(GenerationMode.NEGATIVE), INVALID_EXAMPLES_PER_OPERATION,
                     answers_as_documented)
            except Unsatisfiable:
                pass  # no input to break: no parameters or body, or strings that only NUL would break (no x00)
        except (Exception, BaseExceptionGroup) as error:  # schemathesis' FailureGroup is a BaseExceptionGroup
            failures[operation.label] = error
    assert not failures, "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())


def coverage_cases(schema, operation):
    """schemathesis' coverage phase for one operation: deterministic boundary, missing and wrong-type cases."""
    return schema.iter_coverage_cases(
        operation, generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=schema.config.generation_for(operation=operation, phase="coverage"))


def fuzz(strategy, examples, test):
    """Run ``test`` on ``examples`` cases drawn from ``strategy``, the same ones on every run."""
    @hypothesis_settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        test(case)

    run()


def test_real_answers_match_the_schema(api_schema, api_world, role_headers):
    """Fuzzing mostly meets 404s for made-up ids; these cases hit real tracks, tasks, campaigns, crawls and a
    listener's likes."""
    track = Track.objects.visible().order_by("-popularity", "spotify_id").first()
    others = list(Track.objects.visible().order_by("-popularity", "spotify_id")
                  .values_list("spotify_id", flat=True)[1:3])
    campaign, playlist, shared = api_world["campaign"], api_world["playlist"], api_world["shared"]
    crawl = CrawlRun.objects.create(status=CrawlRun.Status.RUNNING, trigger=CrawlRun.Trigger.API)
    assignment = Assignment.objects.filter(evaluator=api_world["evaluator"], task__campaign=campaign).first()
    # The staff member's: refreshed and extended by them, 404 for the evaluator (private), 401 anonymous.
    generated = generate_playlist(owner=api_world["staff"], kind="radio", params={"seed_tracks": [track.spotify_id]},
                                  length=5).playlist
    cases = [
        ("/api/tracks/", "GET", {}, {"q": track.name[:20]}),
        ("/api/tracks/", "GET", {}, {"genre": "pop", "page": 2}),
        ("/api/tracks/{spotify_id}/", "GET", {"spotify_id": track.spotify_id}, {}),
        ("/api/tracks/{spotify_id}/similar/", "GET", {"spotify_id": track.spotify_id}, {"k": 50}),
        ("/api/tracks/{spotify_id}/similar/", "GET", {"spotify_id": track.spotify_id}, {"metric": "euclidean"}),
        ("/api/tracks/{spotify_id}/similar/", "GET", {"spotify_id": track.spotify_id}, {"metric": "popularity"}),
        ("/api/recommendations/", "GET", {}, {"seed_tracks": ",".join([track.spotify_id, *others]),
                                              "target_energy": 0.8, "min_tempo": 90, "limit": 100}),
        ("/api/index/status/", "GET", {}, {}),
        ("/api/index/versions/{id}/", "GET", {"id": campaign.index_version_id}, {}),
        ("/api/evaluation/campaigns/{id}/", "GET", {"id": campaign.pk}, {}),
        ("/api/evaluation/campaigns/{id}/aggregates/", "GET", {"id": campaign.pk}, {}),
        ("/api/evaluation/versions/{version_id}/aggregates/", "GET", {"version_id": campaign.index_version_id}, {}),
        ("/api/evaluation/tasks/{public_id}/", "GET", {"public_id": str(assignment.public_id)}, {}),
        ("/api/evaluation/tasks/next/", "POST", {}, {}),
        ("/api/crawl-runs/status/", "GET", {}, {}),
        ("/api/crawl-runs/{id}/", "GET", {"id": crawl.pk}, {}),
        ("/api/crawl-runs/start/", "POST", {}, {}),  # 409 for staff: the crawl above still runs
        ("/api/me/reactions/{spotify_id}/", "PUT", {"spotify_id": track.spotify_id}, {}, {"reaction": "like"}),
        ("/api/me/reactions/", "GET", {}, {}),
        ("/api/me/recommendations/", "GET", {}, {"limit": 5}),
        ("/api/me/data/", "GET", {}, {}),
        ("/api/me/data/", "DELETE", {}, {}),
        ("/api/explore/profile/", "GET", {}, {"genre": "pop"}),
        ("/api/me/spotify/", "GET", {}, {}),
        ("/api/me/spotify/import/", "POST", {}, {}),  # 409: not connected
        ("/api/me/spotify/", "DELETE", {}, {}),
        ("/api/song-path/", "GET", {}, {"from": track.spotify_id, "to": others[0], "length": 20}),
        ("/api/me/playlists/generate/", "POST", {}, {}, {"kind": "radio", "seed_tracks": [track.spotify_id],
                                                        "seed_genres": ["pop"], "features": {"target_energy": 0.8},
                                                        "length": 10}),
        ("/api/me/playlists/generate/", "POST", {}, {}, {"kind": "song_path", "from": track.spotify_id,
                                                        "to": others[1], "length": 5}),
        ("/api/playlists/{id}/refresh/", "POST", {"id": generated.pk}, {}),
        ("/api/playlists/{id}/extend/", "POST", {"id": generated.pk}, {}, {"count": 5}),
        # The evaluator's private playlist (a 404 for the others) and staff's public one (a 403 to change for the
        # evaluator); the playlist is deleted last.
        ("/api/me/playlists/", "GET", {}, {}),
        ("/api/me/playlists/", "POST", {}, {}, {"name": "Schema", "tracks": [track.spotify_id, *others, "0" * 22]}),
        ("/api/playlists/{id}/", "GET", {"id": playlist.pk}, {}),
        ("/api/playlists/{id}/", "GET", {"id": shared.pk}, {}),
        ("/api/playlists/{id}/", "PATCH", {"id": shared.pk}, {}, {"description": "shared", "visibility": "unlisted"}),
        ("/api/playlists/{id}/tracks/", "POST", {"id": playlist.pk}, {}, {"tracks": others}),
        ("/api/playlists/{id}/tracks/{spotify_id}/move/", "POST", {"id": playlist.pk, "spotify_id": track.spotify_id},
         {}, {"position": 1}),
        ("/api/playlists/{id}/duplicate/", "POST", {"id": shared.pk}, {}),
        ("/api/playlists/{id}/tracks/{spotify_id}/", "DELETE", {"id": playlist.pk, "spotify_id": track.spotify_id},
         {}),
        ("/api/playlists/{id}/", "DELETE", {"id": playlist.pk}, {}),
    ]
    for path, method, path_parameters, query, *body in cases:
        case = api_schema[path][method].Case(path_parameters=path_parameters, query=query,
                                             **({"body": body[0], "media_type": "application/json"} if body else {}))
        case.call_and_validate(headers=role_headers)


def _keep_connections_open():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
