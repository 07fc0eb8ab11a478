from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from mlflow.tracking import MlflowClient

from recommender.personal.models import Reaction
from recommender.tasks import nightly_rebuild
from recommender.together import files, fitting
from recommender.together.active import active_model
from recommender.together.models import TogetherModel
from recommender.together.sources import Rows
from recommender.together.tasks import TRAIN_TASK, train_together_model_task
from recommender.together.training import train_together_model
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SMALL = fitting.Params(factors=8, iterations=5, neighbours=20, threads=1)


def test_training_fits_saves_logs_and_activates(playlists, settings):
    model = train_together_model(params=SMALL).model

    assert model.status == TogetherModel.Status.ACTIVE and active_model().pk == model.pk
    assert (model.n_playlists, model.n_listeners, model.n_tracks, model.n_interactions) == (8, 0, 12, 48)
    assert sorted(path.name for path in files.model_directory(model.pk).iterdir()) == [
        "artist_neighbours.npz", "credit_artists.npy", "credit_tracks.npy", "item_factors.npy", "meta.json",
        "neighbours.npz", "row_counts.npy", "track_ids.npy"]
    run = MlflowClient(settings.MLFLOW_TRACKING_URI).get_run(model.mlflow_run_id)
    assert run.data.params["weighting"] == "bm25" and run.data.params["n_playlists"] == "8"
    assert run.data.params["artist_weight"] == str(SMALL.artist_weight)
    assert run.data.metrics["similar_blend"] == model.similar_blend


def test_a_retrain_retires_the_old_model_removes_its_files_and_keeps_its_blends(playlists):
    first = train_together_model(params=SMALL, blends={"similar_blend": 0.3}, log_to_mlflow=False).model
    second = train_together_model(params=SMALL, log_to_mlflow=False).model
    first.refresh_from_db()
    assert first.status == TogetherModel.Status.RETIRED and second.status == TogetherModel.Status.ACTIVE
    assert not files.model_directory(first.pk).exists()
    assert second.similar_blend == 0.3


def test_nothing_to_learn_skips_and_changes_nothing(catalog):
    rows = Rows()
    rows.add("playlist", 1, catalog["rock"][0].pk)  # a one-track playlist says nothing about "together"
    assert train_together_model(rows, log_to_mlflow=False).skipped
    assert train_together_model(log_to_mlflow=False).model is None
    assert not TogetherModel.objects.exists()
    assert train_together_model_task() == {"status": "skipped", "reason": "no playlist or listener has two tracks yet"}


def test_a_failed_training_leaves_the_active_model_serving(playlists, monkeypatch):
    serving = train_together_model(params=SMALL, log_to_mlflow=False).model

    def broken(values, params):
        raise MemoryError("out of memory")

    monkeypatch.setattr(fitting, "fit_neighbours", broken)
    with pytest.raises(MemoryError):
        train_together_model(params=SMALL, log_to_mlflow=False)
    failed = TogetherModel.objects.exclude(pk=serving.pk).get()
    assert failed.status == TogetherModel.Status.FAILED and "out of memory" in failed.message
    assert not files.model_directory(failed.pk).exists()
    assert not files.model_directory(failed.pk).with_name(f"{failed.pk}.tmp").exists()
    assert active_model().pk == serving.pk and files.model_data(serving.pk) is not None


def test_a_crash_while_saving_leaves_no_half_written_model(playlists, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files.sparse, "save_npz", broken)
    with pytest.raises(OSError):
        train_together_model(params=SMALL, log_to_mlflow=False)
    failed = TogetherModel.objects.get()
    assert failed.status == TogetherModel.Status.FAILED
    assert not files.model_directory(failed.pk).parent.exists() or not any(
        files.model_directory(failed.pk).parent.iterdir())


def test_the_command_trains_with_a_summary_and_refuses_bad_options(playlists):
    out = StringIO()
    call_command("train_together_model", "--no-mlflow", "--no-progress", "--factors", "8", stdout=out)
    assert "Together model" in out.getvalue() and "8 playlists" in out.getvalue()
    with pytest.raises(CommandError, match="--factors must be between 1 and 1024"):
        call_command("train_together_model", "--no-mlflow", "--factors", "0")
    with pytest.raises(CommandError, match="--artist-weight must be between 0 and 1"):
        call_command("train_together_model", "--no-mlflow", "--artist-weight", "1.5")
    call_command("train_together_model", "--no-mlflow", "--no-progress", "--artist-weight", "0.4", stdout=out)
    assert TogetherModel.objects.get(status=TogetherModel.Status.ACTIVE).params["artist_weight"] == 0.4
    assert TogetherModel.objects.filter(status=TogetherModel.Status.ACTIVE).count() == 1


def test_listeners_reach_the_model_through_the_registered_source(playlists, catalog):
    listener = UserFactory()
    for track in catalog["k-pop"][:4]:
        Reaction.objects.create(user=listener, track=track, value=Reaction.LIKE)
    model = train_together_model(params=SMALL, log_to_mlflow=False).model
    assert model.n_listeners == 1 and model.n_tracks == 16


def test_the_nightly_chain_trains_the_together_model_after_the_rebuild():
    assert nightly_rebuild().kwargs["then"][0] == TRAIN_TASK


def test_a_retrain_keeps_the_parameters_the_benchmark_chose(playlists):
    chosen = fitting.Params(factors=8, iterations=5, neighbours=20, threads=1, fold_in="both", weighting="none")
    train_together_model(params=chosen, log_to_mlflow=False)
    again = train_together_model(log_to_mlflow=False).model
    assert (again.params["fold_in"], again.params["weighting"], again.params["factors"]) == ("both", "none", 8)


def test_the_first_training_serves_with_what_the_development_playlists_chose(playlists):
    model = train_together_model(log_to_mlflow=False).model  # no earlier model: the defaults
    assert (model.params["fold_in"], model.params["artist_weight"], model.params["related_artists"]) == ("both", 0.7,
                                                                                                         0.0)
    assert (model.similar_blend, model.personal_blend, model.seeds_blend) == (0.85, 0.5, 0.5)
