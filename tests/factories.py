"""factory_boy factories shared by every app's tests."""

import random
import threading
from contextlib import contextmanager

import factory
from django.contrib.auth import get_user_model

from catalog.models import Album, Artist, CatalogRevision, Genre, Track, TrackArtist, TrackGenre
from catalog.songs import song_key

_bump = CatalogRevision.__dict__["bump"]
_writing = threading.local()


@contextmanager
def one_revision_bump():
    """Catalog rows written inside bump the catalog revision once, at the end, like one bulk write of the
    importer, instead of once per row (a track with its album, artists and genres is 5–6 rows, each an UPDATE of
    the revision row from catalog.signals). Nested uses bump once, at the outermost end."""
    depth = getattr(_writing, "depth", 0)
    if depth == 0:
        CatalogRevision.bump = classmethod(lambda cls: None)
    _writing.depth = depth + 1
    try:
        yield
    finally:
        _writing.depth = depth
        if depth == 0:
            CatalogRevision.bump = _bump
            CatalogRevision.bump()


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"genre-{n}")


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    name = factory.Sequence(lambda n: f"Artist {n}")


class AlbumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Album

    name = factory.Sequence(lambda n: f"Album {n}")
    artist = factory.SubFactory(ArtistFactory)


class TrackFactory(factory.django.DjangoModelFactory):
    """A visible track with every audio feature set; pass ``artists=[...]`` and ``genres=[...]`` to credit."""

    class Meta:
        model = Track
        skip_postgeneration_save = True

    spotify_id = factory.Sequence(lambda n: f"track{n:017d}")
    name = factory.Sequence(lambda n: f"Song {n}")
    album = factory.SubFactory(AlbumFactory)
    popularity = factory.LazyFunction(lambda: random.randint(0, 100))
    duration_ms = factory.LazyFunction(lambda: random.randint(90_000, 360_000))
    danceability = factory.LazyFunction(random.random)
    energy = factory.LazyFunction(random.random)
    key = factory.LazyFunction(lambda: random.randint(0, 11))
    loudness = factory.LazyFunction(lambda: random.uniform(-30, 0))
    mode = factory.LazyFunction(lambda: random.randint(0, 1))
    speechiness = factory.LazyFunction(random.random)
    acousticness = factory.LazyFunction(random.random)
    instrumentalness = factory.LazyFunction(random.random)
    liveness = factory.LazyFunction(random.random)
    valence = factory.LazyFunction(random.random)
    tempo = factory.LazyFunction(lambda: random.uniform(60, 200))
    time_signature = 4

    @classmethod
    def _generate(cls, strategy, params):
        # One revision bump per track created, not one per row of it.
        if strategy != factory.enums.CREATE_STRATEGY:
            return super()._generate(strategy, params)
        with one_revision_bump():
            return super()._generate(strategy, params)

    @factory.post_generation
    def artists(self, create, extracted, **kwargs):
        artists = extracted if extracted is not None else [ArtistFactory()]
        for position, artist in enumerate(artists):
            TrackArtist.objects.create(track=self, artist=artist, position=position)
        # Like the import and the crawl: the song key from the title and the credited artists.
        self.song_key = song_key(self.name, [artist.name for artist in artists])
        Track.objects.filter(pk=self.pk).update(song_key=self.song_key)

    @factory.post_generation
    def genres(self, create, extracted, **kwargs):
        for genre in extracted or []:
            if isinstance(genre, str):
                genre = GenreFactory(name=genre)
            TrackGenre.objects.create(track=self, genre=genre)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")
