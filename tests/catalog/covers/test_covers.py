"""Cover art: album images from the crawl, oEmbed thumbnails for the dataset's albums fetched by a throttled,
resumable job, shown lazily at fixed sizes with a placeholder, allowed by the CSP, and off with COVER_ART=0."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.covers import services, tasks
from catalog.crawl.service import run_crawl
from catalog.models import Album
from tests.factories import AlbumFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def oembed(settings, fake_spotify):
    settings.SPOTIFY_OEMBED_URL = f"{fake_spotify.url}/oembed"
    settings.SPOTIFY_REQUEST_TIMEOUT = 2
    settings.COVER_ART = True
    settings.COVER_ART_REQUESTS_PER_SECOND = 0
    return fake_spotify


def dataset_albums(fake, count, known=True):
    """Albums as the dataset import leaves them (no image), each with one track oEmbed knows (or not)."""
    albums = []
    for number in range(count):
        album = AlbumFactory(name=f"Dataset album {number}")
        track = TrackFactory(name=f"Dataset song {number}", album=album)
        if known:
            fake.oembed_ids.add(track.spotify_id)
        albums.append(album)
    return albums


def test_the_crawl_stores_each_albums_300_px_image(crawl_settings, world):
    run_crawl(queries=["genre:synthpop"])
    album = Album.objects.get(spotify_id=world["first"])
    assert album.image_url == f"https://i.scdn.co/image/{world['first']}-300"


def test_the_job_gives_each_album_its_tracks_oembed_thumbnail_and_never_asks_twice(oembed):
    albums = dataset_albums(oembed, 3)
    unknown = dataset_albums(oembed, 1, known=False)[0]
    AlbumFactory(name="No tracks at all")  # nothing to ask about
    result = services.fetch_covers()
    assert (result.found, result.missing, result.remaining, result.stopped) == (3, 1, 0, "")
    for album in albums:
        album.refresh_from_db()
        track = album.tracks.get()
        assert album.image_url == oembed.oembed_thumbnail(track.spotify_id) and album.image_checked_at
    unknown.refresh_from_db()
    assert unknown.image_url == "" and unknown.image_checked_at  # looked up, no image: done with
    asked = len(oembed.calls("/oembed"))
    assert services.fetch_covers().found == 0 and len(oembed.calls("/oembed")) == asked


def test_slow_down_stops_the_job_and_the_next_run_resumes_where_it_stopped(oembed):
    dataset_albums(oembed, 4)
    oembed.fail("/oembed", 429, headers={"Retry-After": "30"}, times=1)
    first = services.fetch_covers()
    assert (first.found, first.remaining) == (0, 4) and first.stopped == "Spotify answered 429"
    assert services.fetch_covers(limit=2).remaining == 2
    assert services.fetch_covers().remaining == 0
    assert not Album.objects.filter(image_url="").exists()


def test_the_job_is_throttled_to_the_configured_rate(oembed, monkeypatch):
    dataset_albums(oembed, 5)
    waits = []
    monkeypatch.setattr(services.time, "sleep", waits.append)
    monkeypatch.setattr(services.time, "monotonic", lambda: 100.0)  # the requests take no time
    services.fetch_covers(requests_per_second=4)
    assert waits == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])  # request n starts n / rate seconds in


def test_the_command_summarises_and_refuses_when_cover_art_is_off(oembed, settings):
    dataset_albums(oembed, 2)
    out = StringIO()
    call_command("fetch_covers", "--no-progress", "--limit", "1", stdout=out)
    assert out.getvalue().strip() == "Cover art: 1 found, 0 without an image, 1 album left."
    settings.COVER_ART = False
    with pytest.raises(CommandError, match="COVER_ART=0"):
        call_command("fetch_covers", "--no-progress")


def test_the_background_task_queues_the_next_batch_until_none_is_left(oembed, settings, monkeypatch):
    dataset_albums(oembed, 2)
    settings.COVER_ART_BATCH = 1
    queued = []
    monkeypatch.setattr(tasks.fetch_covers, "apply_async", lambda **options: queued.append(options))
    assert tasks.fetch_covers.run() == {"found": 1, "missing": 0, "remaining": 1, "stopped": ""}
    assert len(queued) == 1
    assert tasks.fetch_covers.run()["remaining"] == 0 and len(queued) == 1
    settings.COVER_ART = False
    assert tasks.fetch_covers.run() == {"skipped": "COVER_ART=0"}


def cover_tags(html):
    return re.findall(r'<(?:img|span) class="cover[^>]*>', html)


def test_rows_and_pages_show_lazy_fixed_size_covers_or_a_placeholder(client, settings):
    settings.COVER_ART = True
    covered = AlbumFactory(name="Blue Train", image_url="https://i.scdn.co/image/blue-train")
    track = TrackFactory(name="Moment's Notice", album=covered, popularity=60)
    TrackFactory(name="Moment Without Album", album=None, popularity=50)

    rows = cover_tags(client.get("/", {"q": "moment"}).content.decode())
    assert '<img class="cover cover-row" src="https://i.scdn.co/image/blue-train" alt="" loading="lazy" ' \
           'decoding="async" width="48" height="48">' in rows
    assert '<span class="cover cover-row cover-placeholder" aria-hidden="true">' in rows
    page = cover_tags(client.get(track.get_absolute_url()).content.decode())
    assert page[0].startswith('<img class="cover cover-page" src="https://i.scdn.co/image/blue-train"')
    assert 'width="160" height="160"' in page[0] and 'loading="lazy"' in page[0]
    assert cover_tags(client.get(covered.get_absolute_url()).content.decode())[0].startswith(
        '<img class="cover cover-page"')
    body = client.get("/api/tracks/", {"q": "moment"}).json()
    assert {row["name"]: row["cover_url"] for row in body["results"]} == {
        "Moment's Notice": "https://i.scdn.co/image/blue-train", "Moment Without Album": None}


def test_cover_art_off_shows_no_images_and_no_placeholders(client, settings):
    settings.COVER_ART = False
    album = AlbumFactory(image_url="https://i.scdn.co/image/x")
    track = TrackFactory(name="Quiet Song", album=album)
    for url in ("/?q=quiet", track.get_absolute_url(), album.get_absolute_url()):
        assert cover_tags(client.get(url).content.decode()) == [], url
    assert 'data-covers="on"' not in client.get("/?q=quiet").content.decode()
    assert client.get("/api/tracks/", {"q": "quiet"}).json()["results"][0]["cover_url"] is None


def test_the_content_security_policy_allows_spotifys_image_hosts(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src")).split()
    assert {"https://i.scdn.co", "https://image-cdn-ak.spotifycdn.com"} <= set(img_src)
