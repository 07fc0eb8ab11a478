"""The Spotify-compatible Web API under /v1/: thin views that parse Spotify's parameters, call one function and
write Spotify's objects (serializers.py). Every view needs a bearer token from /api/token (token.py), is
throttled per client, and answers errors in Spotify's body (errors.exception_handler)."""

from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from . import recommendations, search, selectors, serializers
from .auth import BearerTokenAuthentication, ClientRateThrottle
from .errors import NonExistingId, exception_handler
from .ids import catalog_ids
from .params import check_id, parse_ids, parse_page

MAX_TRACKS, MAX_FEATURES, MAX_ARTISTS = 50, 100, 50
TOP_TRACKS, RELATED_ARTISTS = 10, 20


class SpotifyView(APIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [ClientRateThrottle]
    renderer_classes = [JSONRenderer]
    schema = None  # documented by Spotify's Web API reference, not songrec's schema (docs/spotify_api.md)

    def get_exception_handler(self):
        return exception_handler

    def links(self, request):
        """What objects link to, once per request (the catalog's ids: one cache read, when first needed)."""
        if not hasattr(request, "spotify_links"):
            request.spotify_links = serializers.Links.for_request(request)
        return request.spotify_links

    def track_objects(self, request, tracks):
        """TrackObjects for TrackRows (None stays null)."""
        links = self.links(request)
        return [None if track is None else serializers.track(track, links) for track in tracks]


class TrackView(SpotifyView):
    def get(self, request, spotify_id):
        track = selectors.tracks_by_spotify_id([check_id(spotify_id)]).get(spotify_id)
        if track is None:
            raise NonExistingId("track", spotify_id)
        return Response(self.track_objects(request, [track])[0])


class SeveralTracksView(SpotifyView):
    def get(self, request):
        ids = parse_ids(request.query_params.get("ids"), MAX_TRACKS)
        found = selectors.tracks_by_spotify_id(ids)
        return Response({"tracks": self.track_objects(request, [found.get(spotify_id) for spotify_id in ids])})


class AudioFeaturesView(SpotifyView):
    def get(self, request, spotify_id):
        values = selectors.audio_features([check_id(spotify_id)]).get(spotify_id)
        if values is None:
            raise NonExistingId("track", spotify_id)
        return Response(serializers.audio_features(spotify_id, values, self.links(request)))


class SeveralAudioFeaturesView(SpotifyView):
    def get(self, request):
        ids = parse_ids(request.query_params.get("ids"), MAX_FEATURES)
        found, links = selectors.audio_features(ids), self.links(request)
        return Response({"audio_features": [
            serializers.audio_features(spotify_id, found[spotify_id], links) if spotify_id in found else None
            for spotify_id in ids]})


class RecommendationsView(SpotifyView):
    def get(self, request):
        limit = parse_page(request.query_params, max_limit=recommendations.MAX_LIMIT)[0]
        links = self.links(request)
        result = recommendations.recommend(request.query_params, links.ids, limit=limit)
        return Response({"seeds": [serializers.seed(seed, links) for seed in result.seeds],
                         "tracks": self.track_objects(request, result.tracks)})


class GenreSeedsView(SpotifyView):
    def get(self, request):
        return Response({"genres": selectors.available_genres()})


class SearchView(SpotifyView):
    def get(self, request):
        params = request.query_params
        query, types = search.parse_query(params.get("q")), search.parse_types(params.get("type"))
        limit, offset = parse_page(params, min_limit=0, max_offset=1000)
        tracks = search.matching_tracks(query, selectors.tracks_by_pk)
        links, answer = self.links(request), {}

        def paged(kind, found, write):
            page = found[offset:offset + limit]
            answer[f"{kind}s"] = serializers.paging(
                write(page), href=_with_params(request, type=kind, offset=offset, limit=limit), limit=limit,
                offset=offset, total=len(found), page_url=lambda at: _with_params(request, type=kind, offset=at))

        if "track" in types:
            paged("track", tracks, lambda page: self.track_objects(request, page))
        if "artist" in types:
            artists = search.matching_artists(query, tracks)
            paged("artist", artists, lambda page: _artist_objects([artist.id for artist in page], links))
        if "album" in types:
            paged("album", search.matching_albums(query, tracks),
                  lambda page: [serializers.simplified_album(album, links) for album in page])
        return Response(answer)


class ArtistView(SpotifyView):
    def get(self, request, spotify_id):
        artist_id = _artist_pk(spotify_id)
        return Response(_artist_objects([artist_id], self.links(request))[0])


class SeveralArtistsView(SpotifyView):
    def get(self, request):
        ids = parse_ids(request.query_params.get("ids"), MAX_ARTISTS)
        links = self.links(request)
        pks = links.ids.artist_pks
        return Response({"artists": _artist_objects([pks.get(spotify_id) for spotify_id in ids], links)})


class ArtistTopTracksView(SpotifyView):
    def get(self, request, spotify_id):
        tracks = selectors.artist_top_tracks(_artist_pk(spotify_id), TOP_TRACKS)
        return Response({"tracks": self.track_objects(request, tracks)})


class RelatedArtistsView(SpotifyView):
    def get(self, request, spotify_id):
        related = recommendations.related_artists(_artist_pk(spotify_id), RELATED_ARTISTS)
        return Response({"artists": _artist_objects(related, self.links(request))})


class AlbumView(SpotifyView):
    def get(self, request, spotify_id):
        album, links = _album(spotify_id), self.links(request)
        total, tracks = selectors.album_tracks(album.pk, 50, 0)
        page = _album_tracks_page(request, album, links, total=total, tracks=tracks, limit=50, offset=0)
        return Response(serializers.album(album, links, total_tracks=total, tracks_page=page,
                                          popularity=selectors.album_popularity(album.pk)))


class AlbumTracksView(SpotifyView):
    def get(self, request, spotify_id):
        album, links = _album(spotify_id), self.links(request)
        limit, offset = parse_page(request.query_params)
        total, tracks = selectors.album_tracks(album.pk, limit, offset)
        return Response(_album_tracks_page(request, album, links, total=total, tracks=tracks, limit=limit,
                                           offset=offset))


def _artist_pk(spotify_id):
    artist_id = catalog_ids().artist_pks.get(check_id(spotify_id))
    if artist_id is None:
        raise NonExistingId("artist", spotify_id)
    return artist_id


def _album(spotify_id):
    album_id = catalog_ids().album_pks.get(check_id(spotify_id))
    album = selectors.album(album_id) if album_id is not None else None
    if album is None:
        raise NonExistingId("album", spotify_id)
    return album


def _artist_objects(artist_ids, links):
    """ArtistObjects in the order of ``artist_ids`` (None, or an artist gone since, → null)."""
    infos = selectors.artists_by_pk([pk for pk in artist_ids if pk is not None])
    return [serializers.artist(infos[pk], links) if pk in infos else None for pk in artist_ids]


def _album_tracks_page(request, album, links, *, total, tracks, limit, offset):
    album_id = serializers.album_id(album, links)
    url = f"{links.api}albums/{album_id}/tracks"
    return serializers.paging([serializers.simplified_track(track, links) for track in tracks],
                              href=f"{url}?offset={offset}&limit={limit}", limit=limit, offset=offset, total=total,
                              page_url=lambda at: f"{url}?offset={at}&limit={limit}")


def _with_params(request, **changes):
    params = request.query_params.copy()
    for name, value in changes.items():
        params[name] = str(value)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
