"""Write TrackRecords into the catalog: idempotent, one transaction per batch.

A value a file does not have (``None``: TidyTuesday has no time signature and no explicit flag; an empty cell)
never overwrites a stored one, whatever the order files are imported in: the batch's stored rows are locked
in primary-key order and their values fill the record's gaps before the one upsert statement.
"""

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import AUDIO_FEATURES, Album, Artist, CatalogRevision, Genre, Track, TrackArtist, TrackGenre
from .songs import song_key

TRACK_UPDATE_FIELDS = ["name", "album", "popularity", "duration_ms", "explicit", *AUDIO_FEATURES,
                       "features_updated_at", "song_key", "updated_at"]
# Columns a record may leave unknown (None); the stored value then stays.
KEPT_WHEN_UNKNOWN = ["album_id", "popularity", "duration_ms", "explicit", *AUDIO_FEATURES]


@dataclass
class UpsertSummary:
    created: int = 0
    updated: int = 0

    @property
    def total(self):
        return self.created + self.updated


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def artist_ids_by_name(names):
    """Map each artist name to an Artist id, creating the missing ones."""
    names = list(dict.fromkeys(names))
    found = {}
    for chunk in _chunks(names, 5000):
        # Prefer an artist already known by name; ties go to the oldest row.
        for artist_id, name in Artist.objects.filter(name__in=chunk).order_by("-id").values_list("id", "name"):
            found[name] = artist_id
    missing = [name for name in names if name not in found]
    if missing:
        Artist.objects.bulk_create([Artist(name=name) for name in missing], ignore_conflicts=True, batch_size=2000)
        for chunk in _chunks(missing, 5000):
            found.update({name: pk for pk, name in Artist.objects.filter(name__in=chunk).values_list("id", "name")})
    return found


def genre_ids_by_name(names):
    names = list(dict.fromkeys(names))
    Genre.objects.bulk_create([Genre(name=name) for name in names], ignore_conflicts=True)
    return dict(Genre.objects.filter(name__in=names).values_list("name", "id"))


def _lead_artist_id(record, artist_ids):
    return artist_ids.get(record.artists[0]) if record.artists else None


def _album_key(record, artist_ids):
    """An album is its Spotify id when known, else its name with its lead artist."""
    return record.album_spotify_id or (record.album_name, _lead_artist_id(record, artist_ids))


def album_ids(records, artist_ids):
    """Map (album name, lead artist id) or album Spotify id to Album ids, creating missing albums."""
    by_spotify_id, by_name = {}, {}
    for record in records:
        if not record.album_name:
            continue
        key, lead = _album_key(record, artist_ids), _lead_artist_id(record, artist_ids)
        if record.album_spotify_id:
            by_spotify_id[key] = Album(spotify_id=key, name=record.album_name, artist_id=lead,
                                       release_date=record.album_release_date)
        else:
            by_name[key] = Album(name=record.album_name, artist_id=lead)
    found = {}
    if by_spotify_id:
        Album.objects.bulk_create(list(by_spotify_id.values()), ignore_conflicts=True)
        found.update(Album.objects.filter(spotify_id__in=by_spotify_id).values_list("spotify_id", "id"))
    if by_name:
        names = {name for name, _ in by_name}
        existing = Album.objects.filter(name__in=names, spotify_id__isnull=True).values_list("name", "artist_id", "id")
        found.update({(name, artist): pk for name, artist, pk in existing})
        missing = [album for key, album in by_name.items() if key not in found]
        if missing:
            Album.objects.bulk_create(missing, ignore_conflicts=True)
            existing = Album.objects.filter(name__in={a.name for a in missing}, spotify_id__isnull=True)
            found.update({(name, artist): pk for name, artist, pk in existing.values_list("name", "artist_id", "id")})
    return found


def replace_credits(credits):
    """Make each track's credited artists exactly the given ordered list, touching only tracks that differ.

    A corrected artist list from a later import wins; unchanged tracks cost no writes.
    """
    stored = {}
    for track_id, artist_id in TrackArtist.objects.filter(track_id__in=credits).order_by(
            "track_id", "position").values_list("track_id", "artist_id"):
        stored.setdefault(track_id, []).append(artist_id)
    changed = [track_id for track_id, artist_ids in credits.items() if stored.get(track_id, []) != artist_ids]
    if not changed:
        return
    TrackArtist.objects.filter(track_id__in=changed).delete()
    TrackArtist.objects.bulk_create([
        TrackArtist(track_id=track_id, artist_id=artist_id, position=position)
        for track_id in changed
        for position, artist_id in enumerate(credits[track_id])
    ])


@transaction.atomic
def upsert_batch(records, source=Track.Source.DATASET):
    """Insert or update one batch of tracks with their artists, album and genres, atomically."""
    now = timezone.now()
    ids = [record.spotify_id for record in records]
    # Locked (in pk order, like every writer of tracks) so no other writer changes a value we are keeping.
    stored = {row[0]: dict(zip(KEPT_WHEN_UNKNOWN, row[1:], strict=True)) for row in Track.objects.filter(
        spotify_id__in=ids).order_by("pk").select_for_update().values_list("spotify_id", *KEPT_WHEN_UNKNOWN)}
    existing = set(stored)
    artist_ids = artist_ids_by_name(name for record in records for name in record.artists)
    genre_ids = genre_ids_by_name(genre for record in records for genre in record.genres)
    albums = album_ids(records, artist_ids)

    tracks = []
    for record in records:
        values = {
            "album_id": albums.get(_album_key(record, artist_ids)) if record.album_name else None,
            "popularity": record.popularity,
            "duration_ms": record.duration_ms,
            "explicit": record.explicit,
            **{feature: record.features.get(feature) for feature in AUDIO_FEATURES},
        }
        kept = stored.get(record.spotify_id, {})
        values = {column: kept.get(column) if value is None else value for column, value in values.items()}
        if values["explicit"] is None:
            values["explicit"] = False
        tracks.append(Track(spotify_id=record.spotify_id, name=record.name, source=source, features_updated_at=now,
                            song_key=song_key(record.name, record.artists), **values))
    Track.objects.bulk_create(
        tracks, update_conflicts=True, unique_fields=["spotify_id"], update_fields=TRACK_UPDATE_FIELDS)
    track_ids = dict(Track.objects.filter(spotify_id__in=ids).values_list("spotify_id", "id"))

    replace_credits({
        track_ids[record.spotify_id]: [artist_ids[name] for name in record.artists] for record in records
    })
    TrackGenre.objects.bulk_create([
        TrackGenre(track_id=track_ids[record.spotify_id], genre_id=genre_ids[genre])
        for record in records
        for genre in record.genres
    ], ignore_conflicts=True)
    CatalogRevision.bump()
    created = len(set(ids) - existing)
    return UpsertSummary(created=created, updated=len(ids) - created)


def upsert_tracks(records, batch_size=2000, source=Track.Source.DATASET, progress=None):
    """Upsert records batch by batch; a failing batch rolls back alone, earlier batches stay stored."""
    records = list(records)
    summary = UpsertSummary()
    for batch in _chunks(records, batch_size):
        result = upsert_batch(batch, source=source)
        summary.created += result.created
        summary.updated += result.updated
        if progress is not None:
            progress(len(batch))
    return summary


def refresh_planner_statistics():
    """After a bulk load PostgreSQL's row estimates are stale and it picks slow plans until autovacuum runs."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Track, Artist, Album, Genre, TrackArtist, TrackGenre)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(tables))


# The Spotify Tracks Dataset's genres are slugs ("hip-hop", "r-n-b"); a playlist label that is not one ("dance pop",
# "r&b") on a track can only have come from an import that stored playlist labels as track genres.
DATASET_GENRE = re.compile(r"^[a-z0-9-]+$")


@transaction.atomic
def remove_leaked_playlist_labels(labels_by_spotify_id):
    """Undo older imports that stored playlist labels as track genres; return (rows removed, tracks cleaned).

    ``labels_by_spotify_id``: each track of a playlist file with its playlists' genre/subgenre labels. Runs only
    when the leak is evident (some track carries one of its labels that no dataset genre could be); it then
    removes every track's own labels, including names the Spotify Tracks Dataset shares (pop, rock, edm,
    latin, reggaeton): re-importing that dataset restores those where it gave them.
    """
    genre_ids = dict(Genre.objects.filter(
        name__in={label for labels in labels_by_spotify_id.values() for label in labels}).values_list("name", "id"))
    if not any(not DATASET_GENRE.match(name) for name in genre_ids):
        return 0, 0
    track_ids = {}
    for chunk in _chunks(list(labels_by_spotify_id), 5000):
        track_ids.update(Track.objects.filter(spotify_id__in=chunk).values_list("spotify_id", "id"))
    leaked = [(track_ids[spotify_id], genre_ids[label]) for spotify_id, labels in labels_by_spotify_id.items()
              if spotify_id in track_ids for label in labels if label in genre_ids]
    evident = {genre_ids[name] for name in genre_ids if not DATASET_GENRE.match(name)}
    wanted, rows = set(leaked), []
    for chunk in _chunks(leaked, 5000):
        rows += [(pk, track, genre) for pk, track, genre in TrackGenre.objects.filter(
            track_id__in={track for track, _ in chunk}, genre_id__in={genre for _, genre in chunk})
            .values_list("pk", "track_id", "genre_id") if (track, genre) in wanted]
    if not any(genre in evident for _, _, genre in rows):
        return 0, 0
    for chunk in _chunks([pk for pk, _, _ in rows], 5000):
        TrackGenre.objects.filter(pk__in=chunk).delete()
    # The Genre rows stay: a listener's taste profile may point at one (on_delete=CASCADE would lose it).
    CatalogRevision.bump()
    return len(rows), len({track for _, track, _ in rows})
