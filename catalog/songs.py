"""Song identity: the same song released under several track ids (albums, compilations) is one song.

A track's ``song_key`` is derived from its normalised title and the set of its artists' normalised names, so
"Comedy" by Gen Hoshino on the single and on the album share one key. The crawl, which sees ISRCs, lets a
track whose ISRC another track already has join that track's song (see ``catalog.crawl.store``). Lists that
show tracks keep only the first track of each song, and never the seed's own song: ``first_of_each_song``.
"""

import hashlib
import re
import unicodedata

from django.db.models import Count

from songrec.lib.process_cache import ProcessCachedRead

from .models import REVISION_TOKEN_KEY, Track

_SPACES = re.compile(r"\s+")


def normalise_text(text):
    """Compatibility-folded, case-folded, whitespace-collapsed text ("Ｌove  Song " → "love song")."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


def song_key(title, artist_names):
    """The song a track is a release of: a 32-hex-digit digest of its title and artist set (order-free).

    Returns "" when the title is empty (such a track is nobody's song but its own, see ``song_of``).
    """
    title = normalise_text(title)
    if not title:
        return ""
    artists = sorted({normalise_text(name) for name in artist_names} - {""})
    text = "\x1f".join([title, *artists])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def song_of(track_id, key):
    """What deduplication compares: the stored key, or the track itself when it has none."""
    return key or f"track:{int(track_id)}"


def song_keys(track_ids):
    """{track id: song} for the given track ids (one query); ids not in the catalog are left out."""
    ids = [int(track_id) for track_id in track_ids]
    if not ids:
        return {}
    rows = Track.objects.filter(pk__in=ids).values_list("pk", "song_key")
    return {pk: song_of(pk, key) for pk, key in rows}


def first_of_each_song(items, song, limit=None, skip_songs=()):
    """The items whose song was not seen before (in order), leaving out ``skip_songs``; at most ``limit``.

    ``song(item)`` names an item's song (e.g. from ``song_keys``). Use it to keep one release per song in a
    list and to keep a seed's own song out of its recommendations.
    """
    seen = set(skip_songs)
    kept = []
    for item in items:
        if limit is not None and len(kept) >= limit:
            break
        key = song(item)
        if key in seen:
            continue
        seen.add(key)
        kept.append(item)
    return kept


def other_releases(track):
    """The other visible tracks of ``track``'s song, most popular first."""
    if not track.song_key or track.song_key not in songs_with_several_tracks():
        return Track.objects.none()
    return (Track.objects.visible().filter(song_key=track.song_key).exclude(pk=track.pk)
            .select_related("album").order_by("-popularity", "pk"))


def _read_songs_with_several_tracks():
    return frozenset(Track.objects.exclude(song_key="").order_by().values("song_key").annotate(tracks=Count("id"))
                     .filter(tracks__gt=1).values_list("song_key", flat=True))


# Read again after any catalog write commits (the catalog revision's token); trusted for 5 minutes without one,
# as the read takes ~0.1 s on the real catalog.
_several_tracks = ProcessCachedRead(REVISION_TOKEN_KEY, _read_songs_with_several_tracks, max_age=300)


def songs_with_several_tracks():
    """The song keys that two or more tracks (hidden ones too) share: about 5 % of the real catalog's songs.

    A track page asks for its song's other releases only when its key is here: the query found none for ~95 %
    of pages (issue 14). Kept per process until the catalog revision's token changes (songrec.lib.process_cache).
    """
    return _several_tracks.get()

