import pytest
from mlflow.tracking import MlflowClient

from recommender.personal import collaborative
from recommender.personal.foryou import for_you
from recommender.personal.models import PersonalModel, Reaction
from recommender.personal.tasks import train_personal_model_task
from recommender.personal.training import train_personal_model

pytestmark = pytest.mark.django_db


def test_training_evaluates_every_method_activates_and_logs_to_mlflow(listeners, index, settings):
    result = train_personal_model()
    model = result.model

    assert model.status == PersonalModel.Status.ACTIVE and model.n_listeners == 24
    for method in ("als", "content", "hybrid", "popularity"):
        assert set(model.metrics[method]) == {"precision_at_10", "recall_at_10", "ndcg_at_10"}
        assert 0 <= model.metrics[method]["ndcg_at_10"] <= 1
    assert model.blend_weight in (0.25, 0.5, 0.75)
    assert collaborative.model_directory(model.pk).is_dir()

    run = MlflowClient(settings.MLFLOW_TRACKING_URI).get_run(model.mlflow_run_id)
    assert run.data.params["factors"] == str(settings.PERSONAL_ALS_FACTORS)
    assert run.data.params["n_listeners"] == "24"
    for name in ("train_seconds", "blend_weight", "als_ndcg_at_10", "content_precision_at_10",
                 "hybrid_recall_at_10", "popularity_ndcg_at_10"):
        assert name in run.data.metrics


def test_a_retrain_replaces_the_active_model_and_removes_the_old_files(listeners, index):
    first = train_personal_model(log_to_mlflow=False).model
    second = train_personal_model(log_to_mlflow=False).model
    first.refresh_from_db()
    assert first.status == PersonalModel.Status.RETIRED and second.status == PersonalModel.Status.ACTIVE
    assert not collaborative.model_directory(first.pk).exists()


def test_for_you_is_hybrid_with_enough_listeners_and_content_based_without(listeners, index, settings):
    train_personal_model(log_to_mlflow=False)
    listener = listeners[0]
    personal = for_you(listener, limit=10)
    liked = set(Reaction.objects.filter(user=listener).values_list("track_id", flat=True))
    assert personal.method == "hybrid" and len(personal.items) == 10
    assert not liked & {item.track.id for item in personal.items}

    settings.PERSONAL_MIN_LISTENERS = 100
    assert for_you(listener, limit=10).method == "content"


def test_a_listener_who_deletes_their_data_is_out_of_the_next_model(client, listeners, index):
    train_personal_model(log_to_mlflow=False)
    leaver = listeners[3]
    client.force_login(leaver)
    assert client.delete("/api/me/data/").json()["deleted"]["reactions"] == 8
    assert client.get("/api/me/recommendations/").json()["method"] == "popular"

    model = train_personal_model(log_to_mlflow=False).model
    assert model.n_listeners == 23
    assert collaborative.model_data(model).user_row(leaver.pk) is None


def test_without_interactions_training_is_skipped_by_the_task(db):
    assert train_personal_model_task() == {"status": "skipped",
                                           "reason": "no listener has likes, plays or ratings yet"}
    assert not PersonalModel.objects.exists()
