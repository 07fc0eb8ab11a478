"""Spotify ids for every track, artist and album songrec serves under /v1/.

Tracks carry their Spotify id. Artists and albums carry theirs when the crawl has met them; the dataset names
artists and albums without ids, so those get an id derived from the keys songrec tells them apart by — an
artist by its name (unique among artists without a Spotify id), an album by its name and its lead artist's name
(unique among albums without one): the BLAKE2b-128 digest of ``"artist" / name`` or ``"album" / name / lead
artist name`` (joined by U+001F, UTF-8) written in base 62 (``0-9A-Za-z``), left-padded with ``0`` to 22
characters, so clients' id checks pass. The same catalog gives the same ids on every server and after a re-import.
An artist or album that gains a Spotify id later answers to its derived id too, so ids clients stored still work.

``catalog_ids()`` holds both directions per process, rebuilt when the catalog revision changes (like the search
index): ~0.3 s on the real catalog's 30k artists and 46k albums, then dictionary look-ups.
"""

import hashlib
import re
import threading
from dataclasses import dataclass

from django.db.models import Count

from catalog.models import Album, Artist, CatalogRevision, Track
from songrec.lib.process_cache import ProcessCacheDict

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_LENGTH = 22
ID_PATTERN = re.compile(r"[0-9A-Za-z]{22}")


def is_spotify_id(value: str | None) -> bool:
    """Whether ``value`` has the shape of a Spotify id: 22 base-62 characters."""
    return bool(value) and ID_PATTERN.fullmatch(value) is not None


def base62(number: int, length: int = ID_LENGTH) -> str:
    digits = []
    while number:
        number, digit = divmod(number, 62)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits)).rjust(length, "0")


def derived_id(*parts: str) -> str:
    """The 22-character base-62 id of a key (see the module docstring); 2^128 < 62^22, so it always fits."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).digest()
    return base62(int.from_bytes(digest, "big"))


def artist_key_id(name: str) -> str:
    return derived_id("artist", name)


def album_key_id(name: str, lead_artist_name: str | None) -> str:
    return derived_id("album", name, lead_artist_name or "")


@dataclass
class CatalogIds:
    """Both directions for the catalog at ``revision``: pk → served id, and served or derived id → pk; and each
    album's visible tracks (a simplified album's ``total_tracks``, a query per request otherwise)."""

    revision: int
    artist_ids: dict
    artist_pks: dict
    album_ids: dict
    album_pks: dict
    album_track_counts: dict

    @classmethod
    def build(cls, revision):
        artist_ids, artist_pks, album_ids, album_pks = {}, {}, {}, {}
        for pk, name, spotify_id in Artist.objects.order_by("id").values_list("id", "name", "spotify_id"):
            _add(pk, artist_key_id(name), spotify_id, ids=artist_ids, pks=artist_pks)
        for pk, name, spotify_id, lead in Album.objects.order_by("id").values_list(
                "id", "name", "spotify_id", "artist__name"):
            _add(pk, album_key_id(name, lead), spotify_id, ids=album_ids, pks=album_pks)
        counts = dict(Track.objects.visible().filter(album__isnull=False).order_by().values("album_id")
                      .annotate(n=Count("id")).values_list("album_id", "n"))
        return cls(revision, artist_ids, artist_pks, album_ids, album_pks, counts)


def _add(pk, key_id, spotify_id, *, ids, pks):
    served = spotify_id if is_spotify_id(spotify_id) else key_id
    ids[pk] = served
    pks.setdefault(served, pk)  # the lowest pk keeps an id two rows would share (a 2^-128 chance, or a real one)
    pks.setdefault(key_id, pk)


_lock = threading.Lock()
_ids = ProcessCacheDict(keep=1)  # catalog revision → CatalogIds (songrec.lib.process_cache: keyed, never stale)


def catalog_ids() -> CatalogIds:
    """This process's CatalogIds, rebuilt when the catalog changed since they were built."""
    revision = CatalogRevision.served()
    return _ids.get_or_load(revision, lambda: CatalogIds.build(revision), lock=_lock)
