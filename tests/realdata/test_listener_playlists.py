"""A 500-track playlist built from the real catalog: its page folds songs (one row per song, later releases of it
listed under the first, the catalog's other releases offered), the API lists every visible track in order, and
neither reads more for 500 tracks than for a handful (a fixed number of queries)."""

import pytest
from django.db.models import Count

from catalog.models import Track
from catalog.playlists.services import create_listener_playlist
from catalog.playlists.views import SONGS_PER_PAGE
from catalog.songs import song_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIZE = 500
FOLDED_SONGS = 25  # songs with two of their releases in the playlist (and at least one more in the catalog)


def real_playlist_tracks():
    """25 songs with three or more visible releases, two releases each, then popular tracks of other songs to 500."""
    several = list(Track.objects.visible().exclude(song_key="").values("song_key").annotate(n=Count("id"))
                   .filter(n__gte=3).order_by("-n", "song_key").values_list("song_key", flat=True)[:FOLDED_SONGS])
    assert len(several) == FOLDED_SONGS, "the real catalog should have songs with three or more releases"
    pairs = []
    for key in several:
        pairs += list(Track.objects.visible().filter(song_key=key).order_by("-popularity", "pk")
                      .values_list("pk", flat=True)[:2])
    fill = (Track.objects.visible().exclude(song_key__in=several).order_by("-popularity", "pk")
            .values_list("pk", "song_key"))
    seen, rest = set(), []
    for pk, key in fill.iterator(chunk_size=2000):
        if len(pairs) + len(rest) >= SIZE:
            break
        if song_of(pk, key) not in seen:
            seen.add(song_of(pk, key))
            rest.append(pk)
    # Interleave: the first release of each folded song early, its second release much later.
    firsts, seconds = pairs[0::2], pairs[1::2]
    return firsts + rest + seconds


def test_a_500_track_real_playlist_page_folds_songs_and_the_api_lists_every_track(
        real_catalog, client, django_assert_max_num_queries):
    owner = UserFactory()
    track_ids = real_playlist_tracks()
    assert len(track_ids) == SIZE
    playlist = create_listener_playlist(owner=owner, name="Real 500", track_ids=track_ids)
    client.force_login(owner)

    with django_assert_max_num_queries(20):
        page = client.get(f"/playlists/{playlist.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="playlist-row"') == SONGS_PER_PAGE and "songs 1–100 of 475" in html
    for number in range(2, 6):  # 475 songs, 100 a page
        html += client.get(f"/playlists/{playlist.pk}/?page={number}").content.decode()
    assert html.count('class="playlist-row"') == SIZE - FOLDED_SONGS  # each song once
    assert html.count("Also in this playlist") == FOLDED_SONGS
    assert html.count('class="other-releases"') >= FOLDED_SONGS  # the folded songs' third releases, at least
    assert html.count('class="player-toggle"') == SIZE - FOLDED_SONGS
    first = Track.objects.get(pk=track_ids[0])
    second_release = Track.objects.get(pk=track_ids[-FOLDED_SONGS])
    assert second_release.song_key == first.song_key
    row = html[html.index(f'id="song-{first.spotify_id}"'):]
    row = row[:row.index("</li>\n")]
    assert f"/tracks/{second_release.spotify_id}/" in row  # listed under the song's first release

    with django_assert_max_num_queries(12):
        body = client.get(f"/api/playlists/{playlist.pk}/").json()
    spotify_ids = dict(Track.objects.filter(pk__in=track_ids).values_list("pk", "spotify_id"))
    assert body["track_count"] == SIZE
    assert [track["spotify_id"] for track in body["tracks"]] == [spotify_ids[pk] for pk in track_ids]
    assert [track["position"] for track in body["tracks"]] == list(range(SIZE))
