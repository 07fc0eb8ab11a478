"""Spotify's objects (TrackObject, AudioFeaturesObject, ArtistObject, AlbumObject, simplified ones, paging and
seed objects) from songrec's catalog, as the Spotify Web API reference shapes them.

What the catalog can't know is answered the way Spotify answers an unknown: no images, no markets
(``available_markets: []``), ``followers.total`` 0, ``preview_url`` null, ``release_date`` "0000" with precision
"year" when the release date is unknown (Spotify's own value for one). ``external_urls.spotify`` is the
open.spotify.com page for real Spotify ids; artists and albums with derived ids (ids.py) have none (an artist
links to its songrec page as ``external_urls.songrec``). ``href``s point at this server's /v1/.

/v1/ is documented by Spotify's reference, not by songrec's OpenAPI schema (songrec/urls.py keeps it out): each
function writes one object directly, and tests/recommender/spotify_api/ validates them against that reference.
"""

from rest_framework import serializers

from catalog.models import AUDIO_FEATURES

from .ids import CatalogIds, album_key_id, artist_key_id, catalog_ids, is_spotify_id

OPEN_SPOTIFY = "https://open.spotify.com"
UNKNOWN_RELEASE_DATE = "0000"
PRECISION = {4: "year", 7: "month", 10: "day"}


class Links:
    """What objects link to: this server's /v1/ (``api``), its site root, and the catalog's ids (read on first
    use: audio features need none, and reading them costs a cache round trip)."""

    def __init__(self, api: str, site: str, ids: CatalogIds | None = None):
        self.api, self.site, self._ids = api, site, ids

    @property
    def ids(self) -> CatalogIds:
        if self._ids is None:
            self._ids = catalog_ids()
        return self._ids

    @classmethod
    def for_request(cls, request):
        return cls(api=request.build_absolute_uri("/v1/"), site=request.build_absolute_uri("/")[:-1])


def _object(kind, spotify_id, links, external_urls):
    return {"external_urls": external_urls, "href": f"{links.api}{kind}s/{spotify_id}", "id": spotify_id,
            "type": kind, "uri": f"spotify:{kind}:{spotify_id}"}


def simplified_artist(artist, links):
    """A SimplifiedArtistObject; ``artist`` is an Artist or an ArtistRef (id, name, spotify_id)."""
    spotify_id = links.ids.artist_ids.get(artist.id)
    if spotify_id is None:  # created after this process read the ids (rebuilt on the next revision)
        spotify_id = artist.spotify_id if is_spotify_id(artist.spotify_id) else artist_key_id(artist.name)
    if spotify_id == artist.spotify_id:
        external = {"spotify": f"{OPEN_SPOTIFY}/artist/{spotify_id}"}
    else:
        external = {"songrec": f"{links.site}{artist.get_absolute_url()}"}
    return {**_object("artist", spotify_id, links, external), "name": artist.name}


def artist(info, links):
    """An ArtistObject from a selectors.ArtistInfo."""
    return {**simplified_artist(info.artist, links), "followers": {"href": None, "total": 0},
            "genres": info.genres, "images": [], "popularity": info.popularity}


def album_id(album, links):
    """The album's id; one created after this process read the ids gets the id it will have (ids.py)."""
    served = links.ids.album_ids.get(album.pk)
    if served is None:
        served = album.spotify_id if is_spotify_id(album.spotify_id) else \
            album_key_id(album.name, album.artist.name if album.artist is not None else None)
    return served


def simplified_album(album, links, total_tracks=None):
    """A SimplifiedAlbumObject (its ``artists`` is the album's lead artist)."""
    spotify_id = album_id(album, links)
    external = {"spotify": f"{OPEN_SPOTIFY}/album/{spotify_id}"} if spotify_id == album.spotify_id else {}
    release = album.release_date or UNKNOWN_RELEASE_DATE
    total = total_tracks if total_tracks is not None else links.ids.album_track_counts.get(album.pk, 0)
    return {"album_type": "album", "total_tracks": int(total), "available_markets": [],
            **_object("album", spotify_id, links, external), "images": [], "name": album.name,
            "release_date": release, "release_date_precision": PRECISION.get(len(release), "year"),
            "artists": [simplified_artist(album.artist, links)] if album.artist is not None else []}


def album(album, links, *, total_tracks, popularity, tracks_page):
    """An AlbumObject: the simplified album, its first page of tracks, and what the catalog doesn't know."""
    return {**simplified_album(album, links, total_tracks), "tracks": tracks_page, "copyrights": [],
            "external_ids": {}, "genres": [], "label": "", "popularity": popularity}


def simplified_track(track, links):
    """A SimplifiedTrackObject from a Track with its credits loaded."""
    spotify_id = track.spotify_id
    return {"artists": [simplified_artist(credit, links) for credit in track.ordered_artists],
            "available_markets": [], "disc_number": 1, "duration_ms": int(track.duration_ms or 0),
            "explicit": bool(track.explicit), **_object("track", spotify_id, links,
                                                        {"spotify": f"{OPEN_SPOTIFY}/track/{spotify_id}"}),
            "is_local": False, "name": track.name, "preview_url": None}


def track(track, links):
    """A TrackObject from a Track with its album, the album's artist and its credits loaded."""
    return {**simplified_track(track, links),
            "album": simplified_album(track.album, links) if track.album is not None else None,
            "external_ids": {"isrc": track.isrc} if track.isrc else {},
            "popularity": int(track.popularity or 0)}


def audio_features(spotify_id, values, links):
    """An AudioFeaturesObject from selectors.audio_features' values."""
    return {**{name: values[name] for name in AUDIO_FEATURES}, "duration_ms": int(values["duration_ms"] or 0),
            "id": spotify_id, "track_href": f"{links.api}tracks/{spotify_id}", "type": "audio_features",
            "uri": f"spotify:track:{spotify_id}"}


def seed(seed, links):
    """A RecommendationSeedObject from a recommendations.Seed."""
    href = None if seed.kind == "genre" else f"{links.api}{seed.kind}s/{seed.id}"
    return {"afterFilteringSize": seed.after_filtering, "afterRelinkingSize": seed.after_filtering,
            "href": href, "id": seed.id, "initialPoolSize": seed.initial_pool, "type": seed.kind}


def paging(items, *, href, limit, offset, total, page_url):
    """A PagingObject; ``page_url(offset)`` is the URL of the page starting there."""
    return {"href": href, "items": items, "limit": limit,
            "next": page_url(offset + limit) if limit and offset + limit < total else None,
            "offset": offset, "previous": page_url(max(0, offset - limit)) if offset > 0 else None, "total": total}



class TokenSerializer(serializers.Serializer):
    """/api/token's answer (token.py)."""

    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()


class OAuthErrorSerializer(serializers.Serializer):
    """/api/token's refusals, OAuth 2's error body."""

    error = serializers.CharField()
    error_description = serializers.CharField()
