import pytest

from tests.factories import AlbumFactory, ArtistFactory, TrackFactory, UserFactory


@pytest.fixture
def track(db):
    return TrackFactory(spotify_id="3n3Ppam7vgaVa1iaRUc9Lp", name="Mr. Brightside",
                        artists=[ArtistFactory(name="The Killers")], album=AlbumFactory(name="Hot Fuss"),
                        genres=["alt-rock"], danceability=0.352, tempo=148.0, key=1, mode=1, loudness=-5.2)


def test_home_shows_the_search_box_and_popular_tracks(client, track):
    response = client.get("/")
    assert response.status_code == 200
    assert b'id="search"' in response.content
    assert b"Mr. Brightside" in response.content


def test_home_renders_search_results_without_javascript(client, track):
    response = client.get("/", {"q": "killers brightsid"})
    assert b"1 result for" in response.content
    assert b"/tracks/3n3Ppam7vgaVa1iaRUc9Lp/" in response.content


def test_home_with_an_overlong_query_says_why(client, track):
    response = client.get("/", {"q": "y" * 300})
    assert response.status_code == 400
    assert b"longer than 200 characters" in response.content


def test_home_on_an_empty_catalog_says_how_to_fill_it(client, db):
    assert b"import_tracks" in client.get("/").content


def test_track_page_shows_artists_album_genres_and_feature_bars(client, track):
    response = client.get("/tracks/3n3Ppam7vgaVa1iaRUc9Lp/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The Killers" in html and "Hot Fuss" in html and "alt-rock" in html
    assert "Danceability" in html and '<rect width="35.2" height="1"/>' in html
    assert "148 BPM" in html and "C♯/D♭ major" in html


def test_hidden_track_page_is_for_staff_only(client, track):
    track.hidden = True
    track.save()
    assert client.get(track.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(track.get_absolute_url()).status_code == 200


def test_unknown_track_is_404(client, db):
    assert client.get("/tracks/nothing/").status_code == 404


def test_artist_page_lists_visible_tracks_and_genres(client, track):
    TrackFactory(name="Secret Song", artists=list(track.artists.all()), hidden=True)
    response = client.get(track.artists.get().get_absolute_url())
    html = response.content.decode()
    assert "Mr. Brightside" in html and "alt-rock" in html
    assert "Secret Song" not in html
    assert "1 song on 1 release" in html


def test_the_artist_page_shows_each_song_once_grouped_by_album_and_album_pages_list_theirs(client, track):
    killers = list(track.artists.all())
    track.popularity = 80
    track.save()
    TrackFactory(name="Mr. Brightside", artists=killers, album=AlbumFactory(name="Direct Hits"), popularity=60)
    sam = AlbumFactory(name="Sam's Town", release_date="2006-10-02")
    TrackFactory(name="When You Were Young", artists=killers, album=sam, popularity=70)
    TrackFactory(name="Read My Mind", artists=killers, album=sam, popularity=65)

    html = client.get(killers[0].get_absolute_url()).content.decode()

    assert html.count("<strong>Mr. Brightside</strong>") == 2  # once in "Popular", once under its album
    assert "3 songs on 2 releases" in html and "Direct Hits" not in html  # the more popular release wins
    assert html.index(">Hot Fuss<") < html.index(">Sam&#x27;s Town<") < html.rindex("<strong>Read My Mind")
    assert f'href="{sam.get_absolute_url()}"' in html and "2006" in html

    album = client.get(sam.get_absolute_url()).content.decode()
    assert "<h1>Sam&#x27;s Town</h1>" in album and "When You Were Young" in album and "Mr. Brightside" not in album
    assert f'href="{killers[0].get_absolute_url()}"' in album
    assert client.get("/albums/999999/").status_code == 404


def test_the_track_page_lists_the_songs_other_releases(client, track):
    killers = list(track.artists.all())
    compilation = TrackFactory(spotify_id="0eGsygTp906u18L0Oimnem", name="Mr. Brightside", artists=killers,
                               album=AlbumFactory(name="Direct Hits"))
    TrackFactory(name="Mr. Brightside", artists=[ArtistFactory(name="A Cover Band")])

    html = client.get("/tracks/3n3Ppam7vgaVa1iaRUc9Lp/").content.decode()

    assert "Other releases of this song" in html
    assert f'href="{compilation.get_absolute_url()}"' in html and "Direct Hits" in html
    assert "A Cover Band" not in html


def test_a_song_with_one_release_has_no_other_releases_section(client, track):
    assert "Other releases" not in client.get("/tracks/3n3Ppam7vgaVa1iaRUc9Lp/").content.decode()


def test_the_popular_list_shows_each_song_once(client, track):
    TrackFactory(name="Mr. Brightside", artists=list(track.artists.all()), popularity=track.popularity)

    html = client.get("/").content.decode()

    assert html.count(">Mr. Brightside<") == 1


def test_a_search_without_a_good_match_says_no_matches(client, track):
    html = client.get("/", {"q": "beatles"}).content.decode()
    assert "No matches" in html
    assert "Mr. Brightside" not in html


def test_an_artist_the_query_names_comes_first_as_an_artist_with_their_top_tracks(client, db):
    metallica = ArtistFactory(name="Metallica")
    for number, name in enumerate(["Enter Sandman", "One", "Nothing Else Matters", "Fuel"]):
        TrackFactory(name=name, artists=[metallica], popularity=80 - number)
    TrackFactory(name="METALLICA", artists=[ArtistFactory(name="Someone Else")], popularity=90)
    beatles = ArtistFactory(name="The Beatles")
    TrackFactory(name="Let It Be", artists=[beatles], popularity=70)

    html = client.get("/", {"q": "Metallica"}).content.decode()
    artists = html[html.index('id="artist-results"'):html.index('id="search-results"')]
    assert f'href="{metallica.get_absolute_url()}"><strong>Metallica</strong>' in artists
    assert "Enter Sandman" in artists and "Nothing Else Matters" in artists and "Fuel" not in artists  # top 3

    body = client.get("/api/tracks/", {"q": "metallica"}).json()
    assert [(a["name"], a["exact"], a["track_count"]) for a in body["artists"]] == [("Metallica", True, 4)]
    assert [t["name"] for t in body["artists"][0]["top_tracks"]] == ["Enter Sandman", "One", "Nothing Else Matters"]
    assert body["artists"][0]["url"].endswith(metallica.get_absolute_url())
    assert [a["name"] for a in client.get("/api/tracks/", {"q": "beatles"}).json()["artists"]] == ["The Beatles"]
    assert client.get("/api/tracks/", {"q": "zzzz"}).json()["artists"] == []
    for typo in ("beatels", "the beatels", "Metalica"):  # a typo'd name still finds the artist
        assert client.get("/api/tracks/", {"q": typo}).json()["artists"][0]["name"] in ("The Beatles", "Metallica")
    assert [a["name"] for a in client.get("/api/tracks/", {"q": "beatels"}).json()["artists"]] == ["The Beatles"]
