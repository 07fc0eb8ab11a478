import pytest

from catalog.models import Track
from tests.factories import TrackFactory, UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_bulk_hide_and_unhide(admin_client):
    tracks = TrackFactory.create_batch(3)
    ids = [track.pk for track in tracks[:2]]

    admin_client.post("/admin/catalog/track/", {"action": "hide_tracks", "_selected_action": ids})
    assert set(Track.objects.filter(hidden=True).values_list("pk", flat=True)) == set(ids)

    admin_client.post("/admin/catalog/track/", {"action": "unhide_tracks", "_selected_action": ids})
    assert not Track.objects.filter(hidden=True).exists()


def test_missing_features_filter(admin_client):
    TrackFactory(name="Fully Described")
    TrackFactory(name="Partial", valence=None)
    response = admin_client.get("/admin/catalog/track/", {"features": "missing"})
    assert b"Partial" in response.content and b"Fully Described" not in response.content


@pytest.mark.parametrize("url", ["/admin/catalog/track/?q=song", "/admin/catalog/artist/?q=artist",
                                 "/admin/catalog/album/", "/admin/catalog/genre/"])
def test_changelists_with_search_load(admin_client, url):
    TrackFactory(genres=["rock"])
    assert admin_client.get(url).status_code == 200


def test_track_change_page_loads(admin_client):
    track = TrackFactory(genres=["rock"])
    assert admin_client.get(f"/admin/catalog/track/{track.pk}/change/").status_code == 200
