"""Approximate (IVF) index builds: valid lists, recall measured and recorded, refused when too low."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from mlflow.tracking import MlflowClient

from catalog.models import CatalogRevision, Track
from recommender import services
from recommender.errors import RebuildError, RecallTooLow
from recommender.index import approximate, distributed, incremental
from recommender.index.params import IndexParams
from recommender.index.topk import all_top_k, distinct_songs
from recommender.models import IndexVersion, NeighborList
from tests.conftest import spotify_row
from tests.factories import UserFactory

Status = IndexVersion.Status
GENRES = ("rock", "jazz", "k-pop", "metal", "folk", "house", "soul", "ambient")
FEATURES = ("danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness", "valence")


def approximate_params(**overrides):
    return IndexParams.from_settings(**{"k": 10, "approximate": True, "nlist": 40, "nprobe": 12, **overrides})


@pytest.fixture
def big_catalog(db, write_spotify_csv):
    """2,400 imported tracks in 8 genre clusters; every 12th is another release of the track before it (same title
    and artist, nearly the same sound); 60 tracks hidden afterwards. Returns the hidden tracks' ids."""
    rng = np.random.default_rng(14)
    rows = []
    for number in range(2400):
        genre = GENRES[number % len(GENRES)]
        centre = (np.arange(len(FEATURES)) * 0.11 + GENRES.index(genre) * 0.37) % 1.0
        song = number - 1 if number % 12 == 11 else number
        values = np.clip(centre + rng.normal(0, 0.12, len(FEATURES)), 0, 1)
        rows.append(spotify_row(f"t{number:05d}", name=f"Song {song}", artists=f"Artist {song % 300}", genre=genre,
                                tempo=round(float(rng.uniform(70, 180)), 2), key=int(rng.integers(0, 12)),
                                popularity=int(rng.integers(0, 100)),
                                **{name: round(float(value), 4) for name, value in zip(FEATURES, values, strict=True)}))
    call_command("import_tracks", str(write_spotify_csv(rows)), "--no-progress")
    hidden = list(Track.objects.order_by("?").values_list("pk", flat=True)[:60])
    Track.objects.filter(pk__in=hidden).update(hidden=True)
    return set(hidden)


def stored(version, metric):
    """{track id: (neighbour ids, scores)} as stored for one metric."""
    return {row.track_id: (np.frombuffer(bytes(row.neighbor_ids), dtype=np.int64),
                           np.frombuffer(bytes(row.scores), dtype=np.float32))
            for row in NeighborList.objects.filter(version=version, metric=metric)}


def test_an_approximate_build_stores_folded_lists_of_visible_tracks_with_exact_scores(big_catalog, settings):
    settings.RECOMMENDER_APPROXIMATE_MIN_RECALL = 0.5  # this test is about the lists, not the recall reached
    version = services.rebuild_index(approximate_params()).version
    assert version.status == Status.ACTIVE and version.params["approximate"] is True
    assert not (version.directory / "extended_cosine.npy").exists()  # incremental updates never use them
    songs = dict(Track.objects.values_list("pk", "song_key"))
    visible = set(Track.objects.filter(hidden=False).values_list("pk", flat=True))
    track_ids = np.load(version.directory / "track_ids.npy")
    weighted = np.load(version.directory / "weighted.npy").astype(np.float64)
    position = {int(track_id): row for row, track_id in enumerate(track_ids)}
    assert set(position) == visible and len(visible) == 2400 - 60
    for metric in ("cosine", "euclidean"):
        lists = stored(version, metric)
        assert set(lists) == visible
        for track_id, (neighbours, scores) in lists.items():
            assert len(neighbours) == 10
            assert set(neighbours.tolist()) <= visible - {track_id}  # hidden tracks never listed
            listed_songs = [songs[track_id]] + [songs[int(other)] for other in neighbours]
            assert len(set(listed_songs)) == 11  # one release per song, never the track's own song
            assert np.all(np.diff(scores) <= 0) if metric == "cosine" else np.all(np.diff(scores) >= 0)
            mine, others = weighted[position[track_id]], weighted[[position[int(other)] for other in neighbours]]
            if metric == "cosine":
                exact = others @ mine / (np.linalg.norm(others, axis=1) * np.linalg.norm(mine))
            else:
                exact = np.linalg.norm(others - mine, axis=1)
            np.testing.assert_allclose(scores, exact, rtol=1e-5, atol=1e-6)


def test_the_recall_measured_is_recorded_on_the_version_and_in_mlflow(big_catalog, settings):
    settings.RECOMMENDER_APPROXIMATE_MIN_RECALL = 0.5
    version = services.rebuild_index(approximate_params()).version
    client = MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)
    run = client.get_run(version.mlflow_run_id)
    assert run.data.params["approximate"] == "True" and run.data.params["nprobe"] == "12"
    for metric in ("cosine", "euclidean"):
        recall = version.metrics[metric]["recall_at_k"]
        assert 0.5 <= recall <= 1.0
        assert version.metrics[metric]["ivf_lists"] == 40
        assert run.data.metrics[f"{metric}_recall_at_k"] == pytest.approx(recall)


def test_the_index_page_says_the_active_lists_are_approximate_and_shows_their_recall(big_catalog, settings, client):
    settings.RECOMMENDER_APPROXIMATE_MIN_RECALL = 0.5
    version = services.rebuild_index(approximate_params()).version
    client.force_login(UserFactory(username="staff", is_staff=True))
    page = client.get("/index/").content.decode()
    assert "approximate</strong> lists, nprobe 12" in page
    assert "Recall of the approximate lists" in page and f"{version.metrics['cosine']['recall_at_k']:.3f}" in page


def test_searching_every_list_gives_the_exact_lists(big_catalog):
    version = services.rebuild_index(approximate_params(nlist=8, nprobe=8)).version
    assert version.metrics["cosine"]["recall_at_k"] == version.metrics["euclidean"]["recall_at_k"] == 1.0
    exact = services.rebuild_index(IndexParams.from_settings(k=10)).version
    for metric in ("cosine", "euclidean"):
        approximate_lists, exact_lists = stored(version, metric), stored(exact, metric)
        assert approximate_lists.keys() == exact_lists.keys()
        for track_id, (neighbours, scores) in exact_lists.items():
            assert approximate_lists[track_id][0].tolist() == neighbours.tolist()
            np.testing.assert_allclose(approximate_lists[track_id][1], scores, rtol=1e-6)


def test_the_command_builds_approximate_lists_and_says_their_recall(big_catalog):
    out = StringIO()
    call_command("rebuild_index", "--approximate", "--k", "10", "--nlist", "8", "--nprobe", "8", "--no-progress",
                 stdout=out)
    assert "approximate, recall@10 cosine 1.0000 / euclidean 1.0000" in out.getvalue()
    assert IndexVersion.objects.get(status=Status.ACTIVE).params["nprobe"] == 8


def test_a_build_under_the_minimum_recall_is_refused_and_the_active_version_stays(big_catalog, settings):
    active = services.rebuild_index(IndexParams.from_settings(k=10)).version
    settings.RECOMMENDER_APPROXIMATE_MIN_RECALL = 0.99
    with pytest.raises(RecallTooLow, match="below RECOMMENDER_APPROXIMATE_MIN_RECALL"):
        services.rebuild_index(approximate_params(nlist=200, nprobe=1))
    refused = IndexVersion.objects.exclude(pk=active.pk).get()
    assert refused.status == Status.FAILED and "recall@10" in refused.message
    assert refused.metrics["cosine"]["recall_at_k"] < 0.99 or refused.metrics["euclidean"]["recall_at_k"] < 0.99
    assert not NeighborList.objects.filter(version=refused).exists()
    active.refresh_from_db()
    assert active.status == Status.ACTIVE
    with pytest.raises(CommandError, match="recall"):
        call_command("rebuild_index", "--approximate", "--k", "10", "--nlist", "200", "--nprobe", "1",
                     "--no-progress")


def test_an_approximate_version_is_rebuilt_fully_by_the_nightly_refresh(big_catalog, settings):
    settings.RECOMMENDER_APPROXIMATE_MIN_RECALL = 0.5
    first = services.rebuild_index(approximate_params()).version
    Track.objects.filter(pk__in=list(big_catalog)[:5]).update(hidden=False)
    CatalogRevision.bump()
    with pytest.raises(incremental.IncrementalUnavailable, match="approximate"):
        incremental.update_index()
    result = incremental.refresh_index(approximate_params())
    assert result.reason.startswith("full rebuild") and "approximate" in result.reason
    assert result.version.pk != first.pk and result.version.params["approximate"] is True
    assert result.version.n_tracks == 2400 - 55


def test_a_distributed_rebuild_refuses_approximate_params(big_catalog):
    with pytest.raises(RebuildError, match="exact only"):
        distributed.prepare_build(approximate_params())


def test_exact_params_ignore_the_approximate_knobs_so_older_versions_stay_up_to_date(settings):
    settings.RECOMMENDER_APPROXIMATE_NPROBE = 99
    exact = IndexParams.from_settings(nlist=7)
    assert (exact.approximate, exact.nlist, exact.nprobe) == (False, 0, 0)
    old = {key: value for key, value in exact.as_dict().items() if key not in ("approximate", "nlist", "nprobe")}
    assert IndexParams.from_dict(old).validated() == exact
    with pytest.raises(RebuildError, match="nprobe"):
        IndexParams.from_settings(approximate=True, nprobe=0)


def test_recall_counts_the_exact_entries_a_list_holds():
    rng = np.random.default_rng(3)
    weighted = rng.normal(size=(1500, 12)).astype(np.float32)
    normalized = weighted / np.linalg.norm(weighted, axis=1, keepdims=True)
    songs = np.arange(1500)
    exact = {metric: distinct_songs(result, songs, 10) for metric, result in all_top_k(weighted, 40).items()}
    rows = approximate.sample_rows(1500, 200)
    assert approximate.measure_recall(weighted, normalized, songs, exact, k=10, width=40, rows=rows) == {
        "cosine": 1.0, "euclidean": 1.0}
    # Each list loses its best neighbour (the rest move up, the 11th comes in): 9 of 10 exact entries remain.
    shifted = {metric: distinct_songs(result, songs, 11) for metric, result in all_top_k(weighted, 40).items()}
    for result in shifted.values():
        result.indices, result.scores = result.indices[:, 1:], result.scores[:, 1:]
    assert approximate.measure_recall(weighted, normalized, songs, shifted, k=10, width=40, rows=rows) == {
        "cosine": pytest.approx(0.9), "euclidean": pytest.approx(0.9)}
    found = approximate.approximate_lists(weighted, normalized, songs, 10, width=40, metrics=("cosine", "euclidean"),
                                          nlist=30, nprobe=2)
    recall = approximate.measure_recall(weighted, normalized, songs, found, k=10, width=40, rows=rows)
    assert all(0.2 < value < 1.0 for value in recall.values())
