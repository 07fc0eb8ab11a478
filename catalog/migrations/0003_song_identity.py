"""Track.song_key (one song released under several ids) and Track.isrc, with keys filled in for stored tracks."""

import hashlib
import re
import unicodedata

from django.db import migrations, models

BATCH = 5000
_SPACES = re.compile(r"\s+")


# Frozen copies of catalog.songs.normalise_text and song_key as they were when this migration was written: a
# migration must fill the keys the same way whatever the live module later becomes.
def normalise_text(text):
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


def song_key(title, artist_names):
    title = normalise_text(title)
    if not title:
        return ""
    artists = sorted({normalise_text(name) for name in artist_names} - {""})
    text = "\x1f".join([title, *artists])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def fill_song_keys(apps, schema_editor):
    Track = apps.get_model("catalog", "Track")
    TrackArtist = apps.get_model("catalog", "TrackArtist")
    ids = list(Track.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        artists = {}
        for track_id, name in (TrackArtist.objects.filter(track_id__in=chunk).order_by("track_id", "position")
                               .values_list("track_id", "artist__name")):
            artists.setdefault(track_id, []).append(name)
        tracks = list(Track.objects.filter(pk__in=chunk).only("pk", "name"))
        for track in tracks:
            track.song_key = song_key(track.name, artists.get(track.pk, []))
        Track.objects.bulk_update(tracks, ["song_key"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_nightly_crawl_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="track",
            name="song_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="track",
            name="isrc",
            field=models.CharField(blank=True, db_index=True, help_text="From the crawl, when Spotify has one",
                                   max_length=12),
        ),
        migrations.RunPython(fill_song_keys, migrations.RunPython.noop),
    ]
