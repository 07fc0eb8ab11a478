"""The together model on the real catalog with TidyTuesday's 471 playlists, and the playlist benchmark's smoke run."""

import importlib.util
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.models import Track, TrackArtist
from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_memberships
from recommender import storage
from recommender.personal.foryou import for_you
from recommender.personal.models import Reaction
from recommender.selectors import recommend
from recommender.together.models import TogetherModel
from recommender.together.training import train_together_model
from songrec.lib.process_cache import forget_all
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_playlists.py"


@pytest.fixture
def playlists(real_catalog):
    """TidyTuesday imported inside the test's transaction (the shared catalog is left as it was)."""
    path = Path(real_catalog.path).parent / "tidytuesday" / "spotify_songs.csv.gz"
    if not path.exists():
        pytest.fail(f"TidyTuesday's spotify_songs.csv.gz is not beside the real dataset ({path})")
    call_command("import_tracks", str(path), "--no-progress")
    forget_all()
    yield playlist_memberships(sources=[Playlist.Source.DATASET])
    forget_all()


def indexed_mates(version, memberships, count):
    """A playlist with ``count`` tracks in the index (the real index holds TidyTuesday tracks also in the main file)."""
    data = storage.version_data(version.pk)
    for tracks in memberships.values():
        indexed = [track for track in tracks if data.position(track) is not None]
        if len(indexed) >= count:
            return indexed
    pytest.fail("no playlist has enough indexed tracks")


def test_the_model_learns_every_real_playlist_and_serves_what_people_put_together(real_catalog, playlists):
    model = train_together_model(log_to_mlflow=False).model
    assert model.status == TogetherModel.Status.ACTIVE
    assert model.n_playlists == 470  # the 471st holds one track: nothing about "together"
    assert model.n_tracks == len({track for tracks in playlists.values() if len(tracks) > 1 for track in tracks})
    mates = indexed_mates(real_catalog.version, playlists, 12)
    seed = mates[0]
    together = [item.track_id for item in recommend("together", seed, 10, real_catalog.version)]
    cosine = [item.track_id for item in recommend("cosine", seed, 10, real_catalog.version)]
    put_with_it = {track for tracks in playlists.values() if seed in tracks for track in tracks}
    # First what people put with it: its playlists' tracks, and the songs of its artists (the artist level).
    by_its_artists = set(TrackArtist.objects.filter(artist__credits__track_id=seed).values_list("track_id", flat=True))
    assert len(together) == 10 and together[0] in put_with_it | by_its_artists
    assert len(set(together) & put_with_it) > len(set(cosine) & put_with_it)
    blend = [item.track_id for item in recommend("blend", seed, 10, real_catalog.version)]
    assert len(blend) == 10 and seed not in blend

    listener = UserFactory()  # never trained on: folded in at request time
    Reaction.objects.bulk_create([Reaction(user=listener, track_id=track, value=Reaction.LIKE) for track in mates[:8]])
    personal = for_you(listener, limit=20, version=real_catalog.version)
    assert personal.method == "hybrid" and personal.together.pk == model.pk and len(personal.items) == 20
    assert not set(mates[:8]) & {item.track.id for item in personal.items}


def test_a_track_nobody_put_in_a_playlist_nor_its_artists_gets_the_cosine_list(real_catalog, playlists):
    train_together_model(log_to_mlflow=False)
    listed = {track for tracks in playlists.values() for track in tracks}
    listed_artists = TrackArtist.objects.filter(track_id__in=listed).values("artist_id")
    seed = Track.objects.exclude(pk__in=listed).exclude(artists__in=listed_artists).filter(hidden=False).order_by(
        "pk").values_list("pk", flat=True)[0]
    version = real_catalog.version
    cosine = [item.track_id for item in recommend("cosine", seed, 10, version)]
    assert [item.track_id for item in recommend("together", seed, 10, version)] == cosine


def test_the_playlist_benchmark_runs_quick_on_the_real_playlists(real_catalog, playlists, capsys):
    spec = importlib.util.spec_from_file_location("bench_playlists", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["--quick", "--no-mlflow"])
    out = capsys.readouterr().out
    for line in ("songrec For you, new listener", "implicit ALS, other playlists", "implicit item-kNN, other playlists",
                 "mean of seed vectors", "genre popularity", "songrec multi-seed, all seeds", "NDCG@50 ratios",
                 "seed artists, most popular first", "same-playlist share@10", "chosen on dev"):
        assert line in out
    assert TogetherModel.objects.filter(status=TogetherModel.Status.ACTIVE).count() == 1
