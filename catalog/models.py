"""Catalog: tracks, artists, albums, genres and Spotify audio features."""

from django.db import models
from django.db.models import F, Prefetch, Q

from songrec.lib.links import object_url
from songrec.lib.process_cache import ProcessCachedRead

from .dataset_finder import SPOTIFY_AUDIO_FEATURES

# The twelve Spotify audio features, in the order the dataset lists them.
AUDIO_FEATURES = SPOTIFY_AUDIO_FEATURES

# Inclusive bounds for every numeric column, enforced by check constraints and by the importer.
FEATURE_BOUNDS = {
    "danceability": (0.0, 1.0),
    "energy": (0.0, 1.0),
    "key": (-1, 11),
    "loudness": (-100.0, 10.0),
    "mode": (0, 1),
    "speechiness": (0.0, 1.0),
    "acousticness": (0.0, 1.0),
    "instrumentalness": (0.0, 1.0),
    "liveness": (0.0, 1.0),
    "valence": (0.0, 1.0),
    "tempo": (0.0, 300.0),
    "time_signature": (0, 7),
}
VALUE_BOUNDS = {**FEATURE_BOUNDS, "popularity": (0, 100), "duration_ms": (0, 24 * 3600 * 1000)}


def _range_check(field, low, high):
    condition = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return models.CheckConstraint(condition=condition, name=f"track_{field}_range")


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Genre(TimestampedModel):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Artist(TimestampedModel):
    name = models.CharField(max_length=300, db_index=True)
    # The dataset names artists without ids; the crawler fills ids in when it meets them.
    spotify_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="artists")
    popularity = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(spotify_id__isnull=True), name="artist_unique_name_without_id"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("catalog:artist", self.pk)


class Album(TimestampedModel):
    name = models.CharField(max_length=500)
    spotify_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Albums without a Spotify id are told apart by name and lead artist.
    artist = models.ForeignKey(Artist, null=True, blank=True, on_delete=models.SET_NULL, related_name="albums")
    release_date = models.CharField(max_length=10, blank=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD")
    # Cover art (catalog.covers): a ~300 px image from the crawl's album images or Spotify's oEmbed of one track.
    image_url = models.URLField(max_length=500, blank=True)
    # When the oEmbed lookup ran, found or not: a lookup is never repeated, so the background job resumes.
    image_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "artist"],
                condition=Q(spotify_id__isnull=True),
                name="album_unique_name_artist_without_id",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("catalog:album", self.pk)


class TrackQuerySet(models.QuerySet):
    """The one way to read tracks for people: ``Track.objects.visible().with_credits()``."""

    def visible(self):
        """Tracks curation has not hidden: only these are searched, listed and recommended."""
        return self.filter(hidden=False)

    def with_credits(self):
        """With album, artists in credit order and genres, loaded in a fixed number of queries."""
        return self.select_related("album").prefetch_related(
            Prefetch("track_artists", queryset=TrackArtist.objects.select_related("artist").order_by("position")),
            "genres",
        )


class Track(TimestampedModel):
    class Source(models.TextChoices):
        DATASET = "dataset", "Dataset import"
        SPOTIFY = "spotify", "Spotify crawl"
        MANUAL = "manual", "Manual"

    spotify_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=500)
    artists = models.ManyToManyField(Artist, through="TrackArtist", related_name="tracks")
    album = models.ForeignKey(Album, null=True, blank=True, on_delete=models.SET_NULL, related_name="tracks")
    genres = models.ManyToManyField(Genre, through="TrackGenre", related_name="tracks", blank=True)
    popularity = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    explicit = models.BooleanField(default=False)

    danceability = models.FloatField(null=True, blank=True)
    energy = models.FloatField(null=True, blank=True)
    key = models.SmallIntegerField(null=True, blank=True, help_text="Pitch class 0–11; -1 when no key was detected")
    loudness = models.FloatField(null=True, blank=True, help_text="dB")
    mode = models.SmallIntegerField(null=True, blank=True, help_text="1 major, 0 minor")
    speechiness = models.FloatField(null=True, blank=True)
    acousticness = models.FloatField(null=True, blank=True)
    instrumentalness = models.FloatField(null=True, blank=True)
    liveness = models.FloatField(null=True, blank=True)
    valence = models.FloatField(null=True, blank=True)
    tempo = models.FloatField(null=True, blank=True, help_text="BPM")
    time_signature = models.SmallIntegerField(null=True, blank=True)

    hidden = models.BooleanField(
        default=False, db_index=True, help_text="Hidden tracks are not searched or recommended")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.DATASET)
    # Set when a crawl last refreshed the track from Spotify; drives staleness.
    fetched_at = models.DateTimeField(null=True, blank=True)
    features_updated_at = models.DateTimeField(null=True, blank=True)
    # The song this track is a release of (catalog.songs.song_key): lists show one track per song.
    song_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    isrc = models.CharField(max_length=12, blank=True, db_index=True, help_text="From the crawl, when Spotify has one")

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["-popularity", "name"]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["-popularity"]),
            models.Index(fields=["updated_at"]),
        ]
        constraints = [_range_check(field, low, high) for field, (low, high) in VALUE_BOUNDS.items()]

    def __str__(self):
        return f"{self.artist_names} – {self.name}" if self.pk else self.name

    def get_absolute_url(self):
        return object_url("catalog:track", self.spotify_id)

    @property
    def ordered_artists(self):
        """Artists in credit order (uses prefetched track_artists when present)."""
        return [credit.artist for credit in self.track_artists.all()]

    @property
    def artist_names(self):
        return ", ".join(artist.name for artist in self.ordered_artists)

    @property
    def genre_names(self):
        """Genre names in alphabetical order (uses prefetched genres when present)."""
        return [genre.name for genre in self.genres.all()]

    @property
    def has_all_features(self):
        return all(getattr(self, name) is not None for name in AUDIO_FEATURES)

    def feature_values(self):
        return {name: getattr(self, name) for name in AUDIO_FEATURES}


class TrackArtist(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="track_artists")
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="credits")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["track", "position"]
        constraints = [
            models.UniqueConstraint(fields=["track", "position"], name="trackartist_unique_position"),
            models.UniqueConstraint(fields=["track", "artist"], name="trackartist_unique_artist"),
        ]

    def __str__(self):
        return f"{self.track_id}#{self.position}: {self.artist_id}"


class TrackGenre(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="track_genres")
    genre = models.ForeignKey(Genre, on_delete=models.CASCADE, related_name="track_genres")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["track", "genre"], name="trackgenre_unique")]

    def __str__(self):
        return f"{self.track_id}: {self.genre_id}"


class CatalogRevision(models.Model):
    """A single counter bumped on every catalog write, so per-process caches know when to refresh."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"catalog revision {self.number}"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0

    @classmethod
    def served(cls):
        """``current()`` as the serving paths read it (search, visible rows): from the process until a bump
        commits anywhere (songrec/process_cache.py), instead of a query per request. Builders use ``current()``."""
        return _served_revision.get()

    @classmethod
    def bump(cls):
        updated = cls.objects.filter(pk=1).update(number=F("number") + 1)
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"number": 1})
        _served_revision.changed()


REVISION_TOKEN_KEY = "catalog:revision-token"
_served_revision = ProcessCachedRead(REVISION_TOKEN_KEY, CatalogRevision.current)

