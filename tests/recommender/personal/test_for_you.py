from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Genre
from recommender.personal.foryou import for_you
from recommender.personal.models import Play, Reaction, TastePick
from recommender.personal.services import set_reaction
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def like(user, *tracks, value=Reaction.LIKE):
    """React the way the app does (through the service, which also marks the listener's cached list stale)."""
    for track in tracks:
        set_reaction(user, track, "like" if value == Reaction.LIKE else "dislike")


def styles_of(items, tracks):
    style_of = {track.pk: style for style, members in tracks.items() for track in members}
    return [style_of[item.track.id] for item in items]


def test_a_listener_with_two_tastes_gets_both_served_not_a_blend(listener, tracks, index):
    like(listener, *tracks["jazz"][:3], *tracks["metal"][:3])
    personal = for_you(listener, limit=10)

    styles = styles_of(personal.items, tracks)
    assert personal.method == "content" and personal.tastes == 2
    assert styles.count("jazz") >= 4 and styles.count("metal") >= 4
    assert "pop" not in styles[:8]  # the "average" of jazz and metal is not what they asked for


def test_liked_disliked_and_played_tracks_are_never_recommended(listener, tracks, index):
    like(listener, *tracks["pop"][:4])
    like(listener, tracks["pop"][4], value=Reaction.DISLIKE)
    Play.objects.create(user=listener, track=tracks["pop"][5], played_at=timezone.now(), ms_played=60000)
    shown = {item.track.id for item in for_you(listener, limit=30).items}
    assert not shown & {track.pk for track in tracks["pop"][:6]}


def test_dislikes_push_their_neighbourhood_down(listener, tracks, index):
    like(listener, *tracks["pop"][:2])
    before = [item.track.id for item in for_you(listener, limit=34).items]
    like(listener, *tracks["metal"][:3], value=Reaction.DISLIKE)
    after = [item.track.id for item in for_you(listener, limit=34).items]
    metal = {track.pk for track in tracks["metal"]}
    first_metal = lambda ids: min(i for i, track_id in enumerate(ids) if track_id in metal)  # noqa: E731
    assert first_metal(after) >= first_metal(before)


def test_each_item_says_why(listener, tracks, index):
    like(listener, tracks["jazz"][0])
    now = timezone.now()
    for day in range(3):
        Play.objects.create(user=listener, track=tracks["metal"][0], played_at=now - timedelta(days=day),
                            ms_played=200000)
    texts = {item.reason.text() for item in for_you(listener, limit=10).items}
    assert f"because you liked {tracks['jazz'][0].name}" in texts
    assert f"because you played {tracks['metal'][0].name} 3 times" in texts


def test_recent_plays_weigh_more_than_old_ones(listener, tracks, index):
    now = timezone.now()
    for number in range(5):
        Play.objects.create(user=listener, track=tracks["jazz"][number], played_at=now - timedelta(days=3 * 365),
                            ms_played=200000)
    Play.objects.create(user=listener, track=tracks["metal"][0], played_at=now, ms_played=200000)
    Play.objects.create(user=listener, track=tracks["metal"][1], played_at=now, ms_played=200000)
    styles = styles_of(for_you(listener, limit=6).items, tracks)
    assert styles.count("metal") > styles.count("jazz")


def test_a_new_listener_picks_genres_and_artists_and_gets_a_list_at_once(client, listener, tracks, index):
    client.force_login(listener)
    page = client.get("/me/start/")
    assert page.status_code == 200 and "jazz" in page.content.decode()

    response = client.post("/me/start/", {"genres": [Genre.objects.get(name="jazz").pk],
                                          "artists": "Metal Artist 1"})
    assert response.status_code == 302 and response.url == "/me/for-you/"
    data = client.get("/api/me/recommendations/?limit=10").json()
    styles = styles_of_ids([row["spotify_id"] for row in data["results"]], tracks)
    assert data["method"] == "content" and len(data["results"]) == 10
    assert {"jazz", "metal"} <= set(styles)
    assert any(row["reason"]["text"] == "because you picked jazz" for row in data["results"])
    assert "because you picked" in client.get("/me/for-you/").content.decode()


def styles_of_ids(spotify_ids, tracks):
    style_of = {track.spotify_id: style for style, members in tracks.items() for track in members}
    return [style_of[spotify_id] for spotify_id in spotify_ids]


def test_picking_nothing_or_an_unknown_artist_is_explained(client, listener, tracks, index):
    client.force_login(listener)
    assert "Pick at least one" in client.post("/me/start/", {}).content.decode()
    response = client.post("/me/start/", {"artists": "Nobody At All"})
    assert response.status_code == 400 and "Not in the catalog: Nobody At All" in response.content.decode()


def test_sign_up_logs_in_and_leads_to_the_cold_start(client, tracks):
    response = client.post("/accounts/signup/", {"username": "newbie", "email": "",
                                                 "password1": "a long enough passphrase 12",
                                                 "password2": "a long enough passphrase 12"})
    assert response.status_code == 302 and response.url == "/me/start/"
    assert client.get("/me/start/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/me/start/").status_code == 302


def test_without_any_signal_for_you_shows_popular_tracks(client, listener, tracks, index):
    client.force_login(listener)
    data = client.get("/api/me/recommendations/?limit=5").json()
    assert data["method"] == "popular" and len(data["results"]) == 5


def test_the_api_validates_limit_and_needs_a_login(client, listener, tracks, index):
    assert client.get("/api/me/recommendations/").status_code in (401, 403)
    client.force_login(listener)
    assert client.get("/api/me/recommendations/?limit=0").status_code == 400
    assert client.get("/api/me/recommendations/?limit=abc").json() == {
        "limit": ["must be a whole number, got 'abc'"]}


def test_before_any_index_the_api_answers_503(client, listener, tracks):
    client.force_login(listener)
    assert client.get("/api/me/recommendations/").status_code == 503
    assert client.get("/me/for-you/").status_code == 503


def test_two_releases_of_one_song_are_never_both_shown_nor_a_release_of_a_liked_song(listener, tracks):
    from recommender.index.params import IndexParams
    from recommender.services import rebuild_index
    from tests.factories import TrackFactory

    jazz = tracks["jazz"]
    artist = jazz[1].artists.get()
    features = {name: getattr(jazz[1], name) for name in ("danceability", "energy", "acousticness", "tempo",
                                                           "loudness", "instrumentalness")}
    reissue = TrackFactory(name=jazz[1].name, artists=[artist], genres=["jazz"], **features)  # same song
    liked_again = TrackFactory(name=jazz[0].name, artists=[jazz[0].artists.get()], genres=["jazz"])
    rebuild_index(IndexParams.from_settings(k=10))
    like(listener, jazz[0])

    shown = [item.track.id for item in for_you(listener, limit=30).items]
    assert len({jazz[1].pk, reissue.pk} & set(shown)) == 1
    assert liked_again.pk not in shown


def test_a_new_listener_can_pick_songs_by_artist_and_title(client, listener, tracks, index):
    client.force_login(listener)
    response = client.post("/me/start/", {"tracks": "Pop Artist 0 Pop Song 3\n"})
    assert response.status_code == 302
    assert list(Reaction.objects.filter(user=listener).values_list("track_id", flat=True)) == [tracks["pop"][3].pk]
    response = client.post("/me/start/", {"tracks": "Qqqq Zzzz Unknown"})
    assert response.status_code == 400 and "Not found in the catalog: Qqqq Zzzz Unknown" in response.content.decode()


def test_one_unknown_line_keeps_every_other_pick_and_names_what_was_left_out(client, listener, tracks, index):
    client.force_login(listener)
    response = client.post("/me/start/", {"genres": [Genre.objects.get(name="jazz").pk],
                                          "artists": "Metal Artist 1, Nobody At All",
                                          "tracks": "Pop Artist 0 Pop Song 3\nQqqq Zzzz Unknown"}, follow=True)
    assert response.redirect_chain == [("/me/for-you/", 302)]
    assert "Not found in the catalog, so left out: Nobody At All; Qqqq Zzzz Unknown." in response.content.decode()
    picks = TastePick.objects.filter(user=listener)
    assert {pick.genre.name for pick in picks if pick.genre} == {"jazz"}
    assert {pick.artist.name for pick in picks if pick.artist} == {"Metal Artist 1"}
    assert list(Reaction.objects.filter(user=listener).values_list("track_id", flat=True)) == [tracks["pop"][3].pk]


def test_the_cold_start_offers_every_genre_grouped_by_family(client, listener, tracks):
    for name in ("k-pop", "classical", "hip-hop", "some-new-metal"):
        TrackFactory(genres=[name])
    client.force_login(listener)
    page = client.get("/me/start/").content.decode()
    for name in ("jazz", "metal", "pop", "k-pop", "classical", "hip-hop", "some-new-metal"):
        assert f" {name}</label>" in page
    assert page.index("Metal &amp; heavy") < page.index(" some-new-metal</label>")
    assert 'id="genre-filter"' in page
