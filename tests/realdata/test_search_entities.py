"""Search on the real catalog: a typo'd artist name finds the artist, one letter finds many tracks, and scores
tell the closest hit from those that only contain the query (issue: "beatels → nothing", "a → one hit", every
Norah Jones hit "90% match")."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["beatels", "the beatels", "The Beatles"])
def test_a_typo_in_the_beatles_still_gives_the_artist_first(real_catalog, client, query):
    body = client.get("/api/tracks/", {"q": query}).json()
    assert body["artists"] and body["artists"][0]["name"] == "The Beatles", body["artists"]
    assert body["artists"][0]["top_tracks"]


def test_one_letter_finds_many_tracks_most_popular_first(real_catalog, client):
    results = client.get("/api/tracks/", {"q": "a"}).json()["results"]
    assert len(results) >= 10
    starts = [result["name"].casefold().startswith("a")
              or any(artist["name"].casefold().startswith("a") for artist in result["artists"]) for result in results]
    assert all(starts)
    popularity = [result["popularity"] or 0 for result in results if result["name"].casefold() != "a"]
    assert popularity == sorted(popularity, reverse=True)


def test_norah_jones_hits_do_not_all_show_the_same_score(real_catalog, client):
    body = client.get("/api/tracks/", {"q": "norah jones"}).json()
    assert body["artists"][0]["name"] == "Norah Jones"
    scores = [result["score"] for result in body["results"]]
    assert len(scores) >= 5 and scores == sorted(scores, reverse=True)
    assert len(set(scores)) >= len(scores) // 2, scores
    exact = client.get("/api/tracks/", {"q": "norah jones don't know why"}).json()["results"][0]
    assert exact["name"] == "Don't Know Why" and exact["score"] > scores[0]
