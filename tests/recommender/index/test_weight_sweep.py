"""manage.py sweep_weights and recommender.index.weight_sweep on a small factory catalog."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recommender.index.features import load_catalog
from recommender.index.weight_sweep import Sweep
from tests.factories import ArtistFactory, TrackFactory


def sweep(*args):
    out = io.StringIO()
    call_command("sweep_weights", *args, "--no-mlflow", stdout=out)
    return out.getvalue()


def test_a_high_genre_weight_keeps_lists_in_the_seed_genre(catalog):
    results = Sweep(load_catalog(), genre_weights=[0.0, 5.0], seeds=30, k=5).run()
    precision = {(result.params.genre_weight, result.metric): result.metrics["genre_precision_at_k"]
                 for result in results}
    assert len(results) == 4
    assert precision[(5.0, "cosine")] == 1.0 and precision[(5.0, "euclidean")] == 1.0
    assert precision[(0.0, "cosine")] < precision[(5.0, "cosine")]
    for result in results:
        assert result.seeds == 30
        assert 0 < result.metrics["coverage_at_k"] <= 1
        assert 0 < result.metrics["artist_diversity_at_k"] <= 1
        assert result.metrics["mean_audio_distance_at_k"] > 0


def test_releases_of_one_song_are_counted_before_and_folded_after(db):
    artist = ArtistFactory(name="Echo")
    for _ in range(4):  # one song on four albums, identical features
        TrackFactory(name="Same Song", artists=[artist], genres=["pop"], energy=0.5, danceability=0.5)
    for i in range(12):
        TrackFactory(name=f"Other {i}", genres=["pop"], energy=0.1 + i * 0.05)
    result = Sweep(load_catalog(), genre_weights=[0.5], seeds=16, k=3).run()[0]
    assert result.metrics["own_song_back_before"] > 0
    assert result.metrics["own_song_back"] == 0 and result.metrics["same_song_twice"] == 0


def test_the_command_prints_one_line_per_weighting_and_metric(catalog):
    output = sweep("--genre-weights", "0,0.5", "--audio-weights", "1,2", "--seeds", "20", "-k", "5")
    assert output.count("genre precision") == 8
    assert "genre 0.5 audio 2 euclidean" in output
    assert "8 runs (4 weightings × 2 metrics) over 20 seeds of 30 tracks, k=5; not logged." in output


def test_the_command_logs_each_run_to_mlflow(catalog, tmp_path, settings):
    settings.MLFLOW_TRACKING_URI = f"sqlite:///{tmp_path}/mlflow.db"
    call_command("sweep_weights", "--genre-weights", "0.5", "--seeds", "10", "-k", "5", "--experiment", "sweep-test",
                 stdout=io.StringIO())
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI)
    runs = client.search_runs([client.get_experiment_by_name("sweep-test").experiment_id])
    assert sorted(run.data.params["metric"] for run in runs) == ["cosine", "euclidean"]
    assert all(run.data.params["genre_weight"] == "0.5" and "genre_precision_at_k" in run.data.metrics
               for run in runs)


@pytest.mark.parametrize("args, message", [
    (["--genre-weights", "-1"], "genre_weight must be a number ≥ 0"),
    (["--genre-weights", "0", "--audio-weights", "0"], "at least one of the audio, genre and popularity weights"),
    (["--genre-weights", "nan"], "genre_weight must be a number ≥ 0"),
    (["--seeds", "0"], "seeds must be between 1 and 20000"),
    (["-k", "500"], "k must be between 1 and 50"),
    (["--genre-weights", "a,b"], "invalid weight_list value"),
])
def test_bad_input_stops_with_a_line_saying_what_is_wrong(catalog, args, message):
    with pytest.raises(CommandError, match=message):
        sweep(*args)


def test_an_empty_catalog_is_refused(db):
    with pytest.raises(CommandError, match="the catalog has 0 indexable track"):
        sweep()


def test_from_the_shell_bad_input_exits_non_zero_with_one_line(db):
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "manage.py", "sweep_weights", "--genre-weights", "-1", "--no-mlflow"],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode != 0
    assert completed.stderr.strip().splitlines()[-1] == "CommandError: genre_weight must be a number ≥ 0, got -1.0"
