"""Write what the crawl fetched into the catalog: idempotent, one transaction per batch, nothing lost.

Unlike catalog/upsert.py (the CSV import, which owns every column it writes), the crawl only writes what
Spotify told it: a track fetched without features keeps the features it had, a value Spotify left out keeps
the stored one, and artists/albums the dataset imported without ids are adopted rather than duplicated.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalog.models import AUDIO_FEATURES, VALUE_BOUNDS, Album, Artist, CatalogRevision, Track
from catalog.songs import song_key
from catalog.upsert import genre_ids_by_name, replace_credits

from .client import is_spotify_id

RELEASE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


class InvalidItem(ValueError):
    """A Spotify object missing what we need; it is logged and skipped."""


@dataclass(frozen=True)
class ArtistRef:
    spotify_id: str
    name: str


@dataclass
class AlbumInfo:
    spotify_id: str
    name: str
    release_date: str = ""
    artists: list = field(default_factory=list)
    image_url: str = ""  # the album's image closest to COVER_SIZE px (catalog.covers shows it)


@dataclass
class TrackInfo:
    spotify_id: str
    name: str
    artists: list
    album: AlbumInfo | None = None
    popularity: int | None = None
    duration_ms: int | None = None
    explicit: bool | None = None
    isrc: str = ""


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    adopted_artists: int = 0


def _whole_number(value, name):
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        return None
    low, high = VALUE_BOUNDS[name]
    return int(value) if low <= value <= high else None


def parse_artists(items):
    refs = []
    for item in items or []:
        if isinstance(item, dict) and is_spotify_id(item.get("id")) and (item.get("name") or "").strip():
            ref = ArtistRef(item["id"], item["name"].strip()[:300])
            if ref.spotify_id not in {r.spotify_id for r in refs}:
                refs.append(ref)
    return refs


COVER_SIZE = 300  # Spotify sends 640, 300 and 64 px; lists and pages show at most 160 px (2× on dense screens)


def parse_cover(images):
    """The https URL of the image closest to COVER_SIZE px among an album's ``images``, or ""."""
    usable = [image for image in images or [] if isinstance(image, dict) and isinstance(image.get("url"), str)
              and image["url"].startswith("https://") and len(image["url"]) <= 500]
    if not usable:
        return ""
    width = lambda image: image.get("width") if isinstance(image.get("width"), int) else COVER_SIZE  # noqa: E731
    return min(usable, key=lambda image: abs(width(image) - COVER_SIZE))["url"]


def parse_album(item):
    if not isinstance(item, dict) or not is_spotify_id(item.get("id")) or not (item.get("name") or "").strip():
        return None
    release_date = item.get("release_date") or ""
    return AlbumInfo(spotify_id=item["id"], name=item["name"].strip()[:500],
                     release_date=release_date if RELEASE_DATE.match(str(release_date)) else "",
                     artists=parse_artists(item.get("artists")), image_url=parse_cover(item.get("images")))


def parse_track(item):
    """A full Spotify track object as TrackInfo; raise InvalidItem when it lacks an id, a name or artists."""
    if not isinstance(item, dict):
        raise InvalidItem("not a track object")
    spotify_id = item.get("id")
    if not is_spotify_id(spotify_id):
        raise InvalidItem(f"track with invalid id {spotify_id!r}")
    name = (item.get("name") or "").strip() if isinstance(item.get("name"), str) else ""
    if not name:
        raise InvalidItem(f"track {spotify_id} has no name")
    artists = parse_artists(item.get("artists"))
    if not artists:
        raise InvalidItem(f"track {spotify_id} has no artists")
    explicit = item.get("explicit")
    external_ids = item.get("external_ids") if isinstance(item.get("external_ids"), dict) else {}
    isrc = str(external_ids.get("isrc") or "").strip().upper().replace("-", "")
    return TrackInfo(
        spotify_id=spotify_id, name=name[:500], artists=artists, album=parse_album(item.get("album")),
        popularity=_whole_number(item.get("popularity"), "popularity"),
        duration_ms=_whole_number(item.get("duration_ms"), "duration_ms"),
        explicit=explicit if isinstance(explicit, bool) else None,
        isrc=isrc if ISRC.match(isrc) else "",
    )


def resolve_artists(refs):
    """Map Spotify artist ids to Artist pks: known by id, adopted from an id-less namesake, or created."""
    wanted = {}
    for ref in refs:
        wanted.setdefault(ref.spotify_id, ref.name)
    found = dict(Artist.objects.filter(spotify_id__in=wanted).values_list("spotify_id", "pk"))
    missing = {spotify_id: name for spotify_id, name in wanted.items() if spotify_id not in found}
    adopted = 0
    if missing:
        namesakes = dict(Artist.objects.filter(spotify_id__isnull=True, name__in=set(missing.values()))
                         .values_list("name", "pk"))
        now, adopt, create = timezone.now(), [], []
        for spotify_id, name in missing.items():
            pk = namesakes.pop(name, None)  # pop: one dataset artist is adopted by one Spotify artist only
            if pk is None:
                create.append(Artist(name=name, spotify_id=spotify_id))
            else:
                adopt.append(Artist(pk=pk, spotify_id=spotify_id, updated_at=now))
                found[spotify_id] = pk
        Artist.objects.bulk_update(adopt, ["spotify_id", "updated_at"])
        adopted = len(adopt)
        Artist.objects.bulk_create(create, ignore_conflicts=True)
        found.update(Artist.objects.filter(spotify_id__in=[artist.spotify_id for artist in create])
                     .values_list("spotify_id", "pk"))
    return found, adopted


def resolve_albums(albums, artist_pks):
    """Map Spotify album ids to Album pks, adopting an id-less album of the same name and lead artist."""
    wanted = {album.spotify_id: album for album in albums}
    found = dict(Album.objects.filter(spotify_id__in=wanted).values_list("spotify_id", "pk"))
    _store_covers(wanted, found)
    missing = [album for spotify_id, album in wanted.items() if spotify_id not in found]
    if not missing:
        return found
    leads = {album.spotify_id: artist_pks.get(album.artists[0].spotify_id) if album.artists else None
             for album in missing}
    namesakes = {(name, artist): pk for name, artist, pk in Album.objects.filter(
        spotify_id__isnull=True, name__in={album.name for album in missing}).values_list("name", "artist_id", "pk")}
    now, adopt, create = timezone.now(), [], []
    for album in missing:
        pk = namesakes.pop((album.name, leads[album.spotify_id]), None)
        if pk is None:
            create.append(Album(spotify_id=album.spotify_id, name=album.name, artist_id=leads[album.spotify_id],
                                release_date=album.release_date, image_url=album.image_url))
        else:
            adopt.append(Album(pk=pk, spotify_id=album.spotify_id, release_date=album.release_date,
                               image_url=album.image_url, updated_at=now))
            found[album.spotify_id] = pk
    Album.objects.bulk_update(adopt, ["spotify_id", "release_date", "image_url", "updated_at"])
    Album.objects.bulk_create(create, ignore_conflicts=True)
    found.update(Album.objects.filter(spotify_id__in=[album.spotify_id for album in create])
                 .values_list("spotify_id", "pk"))
    return found


def _store_covers(wanted, found):
    """Known albums take the crawl's image when they have none yet (one UPDATE for the batch)."""
    covered = [Album(pk=found[spotify_id], image_url=album.image_url) for spotify_id, album in wanted.items()
               if spotify_id in found and album.image_url]
    if covered:
        empty = set(Album.objects.filter(pk__in=[album.pk for album in covered], image_url="")
                    .values_list("pk", flat=True))
        Album.objects.bulk_update([album for album in covered if album.pk in empty], ["image_url"])


def songs_sharing_isrcs(tracks):
    """{ISRC: song key} of stored tracks (other than these) with the ISRCs of ``tracks``.

    One recording (one ISRC) is one song even when its title differs between releases ("… - Remastered"),
    so a crawled track joins the song of the first stored track with its ISRC.
    """
    isrcs = {track.isrc for track in tracks if track.isrc}
    if not isrcs:
        return {}
    found = {}
    for isrc, key in (Track.objects.filter(isrc__in=isrcs).exclude(song_key="")
                      .exclude(spotify_id__in=[track.spotify_id for track in tracks])
                      .order_by("pk").values_list("isrc", "song_key")):
        found.setdefault(isrc, key)
    return found


@transaction.atomic
def store_tracks(tracks, now=None):
    """Insert or refresh tracks with their artists and album; features and `hidden` are never touched."""
    now = now or timezone.now()
    tracks = list({track.spotify_id: track for track in tracks}.values())
    if not tracks:
        return StoreResult()
    refs = [ref for track in tracks for ref in track.artists + (track.album.artists if track.album else [])]
    artist_pks, adopted = resolve_artists(refs)
    album_pks = resolve_albums([track.album for track in tracks if track.album], artist_pks)
    ids = [track.spotify_id for track in tracks]
    stored = {row["spotify_id"]: row for row in Track.objects.filter(spotify_id__in=ids).values(
        "spotify_id", "album_id", "popularity", "duration_ms", "explicit", "isrc")}
    songs_by_isrc = songs_sharing_isrcs(tracks)

    rows = []
    for track in tracks:
        old = stored.get(track.spotify_id, {})
        album_id = album_pks.get(track.album.spotify_id) if track.album else None

        def keep(value, column, old=old):
            return old.get(column) if value is None else value  # a value Spotify left out keeps the stored one

        rows.append(Track(
            spotify_id=track.spotify_id, name=track.name, album_id=keep(album_id, "album_id"),
            popularity=keep(track.popularity, "popularity"), duration_ms=keep(track.duration_ms, "duration_ms"),
            explicit=bool(keep(track.explicit, "explicit")), source=Track.Source.SPOTIFY, fetched_at=now,
            isrc=track.isrc or old.get("isrc") or "",
            song_key=songs_by_isrc.get(track.isrc) or song_key(track.name, [ref.name for ref in track.artists])))
    # `source` stays out of the update: a dataset track refreshed by the crawl still says where it came from.
    Track.objects.bulk_create(rows, update_conflicts=True, unique_fields=["spotify_id"], update_fields=[
        "name", "album", "popularity", "duration_ms", "explicit", "fetched_at", "isrc", "song_key", "updated_at"])
    track_pks = dict(Track.objects.filter(spotify_id__in=ids).values_list("spotify_id", "pk"))
    replace_credits({track_pks[track.spotify_id]: [artist_pks[ref.spotify_id] for ref in track.artists
                                                   if ref.spotify_id in artist_pks] for track in tracks})
    CatalogRevision.bump()
    created = len(set(ids) - set(stored))
    return StoreResult(created=created, updated=len(ids) - created, adopted_artists=adopted)


@transaction.atomic
def store_features(features_by_id, now=None):
    """Fill features that are still missing; return how many of these tracks now have all 12."""
    now = now or timezone.now()
    tracks = list(Track.objects.filter(spotify_id__in=features_by_id).only("pk", "spotify_id", *AUDIO_FEATURES))
    changed = []
    for track in tracks:
        features, touched = features_by_id[track.spotify_id], False
        for name in AUDIO_FEATURES:
            if getattr(track, name) is None and features.get(name) is not None:
                setattr(track, name, features[name])
                touched = True
        if touched:
            track.features_updated_at = track.updated_at = now
            changed.append(track)
    Track.objects.bulk_update(changed, [*AUDIO_FEATURES, "features_updated_at", "updated_at"], batch_size=500)
    if changed:
        CatalogRevision.bump()
    return sum(1 for track in changed if track.has_all_features)


@transaction.atomic
def store_artist_details(items):
    """Update name, popularity and genres of artists from full Spotify artist objects; return how many."""
    by_id = {item["id"]: item for item in items if isinstance(item, dict) and is_spotify_id(item.get("id"))}
    artists = list(Artist.objects.filter(spotify_id__in=by_id))
    now = timezone.now()
    for artist in artists:
        item = by_id[artist.spotify_id]
        name = item.get("name")
        if isinstance(name, str) and name.strip():
            artist.name = name.strip()[:300]
        popularity = _whole_number(item.get("popularity"), "popularity")
        if popularity is not None:
            artist.popularity = popularity
        artist.updated_at = now
    Artist.objects.bulk_update(artists, ["name", "popularity", "updated_at"])
    # Artist genres are deprecated and usually empty for new apps; kept when Spotify still sends them.
    genre_names = {artist.pk: [g.strip().lower()[:100] for g in by_id[artist.spotify_id].get("genres") or []
                               if isinstance(g, str) and g.strip()] for artist in artists}
    genre_pks = genre_ids_by_name(name for names in genre_names.values() for name in names)
    through = Artist.genres.through
    through.objects.bulk_create([through(artist_id=pk, genre_id=genre_pks[name])
                                 for pk, names in genre_names.items() for name in names], ignore_conflicts=True)
    if artists:
        CatalogRevision.bump()
    return len(artists)
