"""Filling campaigns from a real index: reproducible seeds, frozen lists with every score, idempotent."""

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Track
from evaluation.campaigns import create_campaign, populate_campaign
from evaluation.errors import CampaignError
from evaluation.models import Campaign, RatingTask, TaskItem
from recommender import services
from recommender.index.params import IndexParams
from recommender.selectors import cosine_similarities, recommend
from songrec.lib.process_cache import forget_all
from tests.evaluation.conftest import three_genre_catalog

SYSTEMS = ["cosine", "euclidean", "random", "popularity"]


pytestmark = pytest.mark.usefixtures("fresh_version_cache")


@pytest.fixture
def version(db):
    """30 indexable tracks over three genres, indexed with 10 neighbours each and active."""
    three_genre_catalog(seed=4, energy_spread=0.05)
    return services.rebuild_index(IndexParams.from_settings(k=10)).version


def make(version, *, name="Spring", seeds=4, k=5, random_seed=11, systems=SYSTEMS):
    return create_campaign(name=name, index_version=version, systems=systems, seed_count=seeds, k=k,
                           random_seed=random_seed)


def test_filling_freezes_each_systems_top_k_with_rank_score_and_cosine(version):
    campaign = make(version)
    result = populate_campaign(campaign)
    assert (result.seeds, result.created_tasks, result.skipped_seeds) == (4, 16, [])
    for task in RatingTask.objects.filter(campaign=campaign):
        expected = recommend(task.system, task.seed_track_id, 5, version=version)
        items = list(task.items.order_by("rank"))
        assert [(item.track_id, item.rank) for item in items] == [(rec.track_id, rec.rank) for rec in expected]
        assert [item.system_score for item in items] == pytest.approx([rec.score for rec in expected], abs=1e-5)
        cosines = cosine_similarities(task.seed_track_id, [item.track_id for item in items], version=version)
        assert [item.cosine_similarity for item in items] == pytest.approx(
            [cosines[item.track_id] for item in items], abs=1e-5)
        if task.system == "cosine":
            assert [item.cosine_similarity for item in items] == pytest.approx(
                [item.system_score for item in items], abs=1e-4)
        assert task.seed_track_id not in [item.track_id for item in items]


def test_the_random_seed_fixes_the_seed_tracks(version):
    first = make(version, name="A", random_seed=5)
    second = make(version, name="B", random_seed=5)
    other = make(version, name="C", random_seed=6)
    for campaign in (first, second, other):
        populate_campaign(campaign)

    def seeds(campaign):
        return set(campaign.tasks.values_list("seed_track_id", flat=True))

    assert seeds(first) == seeds(second)
    assert seeds(first) != seeds(other)


def test_filling_again_only_adds_what_is_missing(version):
    campaign = make(version)
    populate_campaign(campaign)
    before = set(campaign.tasks.values_list("seed_track_id", "system"))
    assert populate_campaign(campaign).created_tasks == 0
    lost_seed = campaign.tasks.first().seed_track_id
    campaign.tasks.filter(seed_track_id=lost_seed).delete()
    result = populate_campaign(campaign)
    assert result.created_tasks == 4
    assert set(campaign.tasks.values_list("seed_track_id", "system")) == before


def test_rebuilding_the_index_does_not_change_frozen_lists(version):
    campaign = make(version, systems=["cosine"])
    populate_campaign(campaign)
    frozen = list(TaskItem.objects.order_by("pk").values_list("track_id", "rank", "system_score",
                                                              "cosine_similarity"))
    services.rebuild_index(IndexParams.from_settings(k=10, genre_weight=0.0, popularity_weight=1.0))
    assert list(TaskItem.objects.order_by("pk").values_list("track_id", "rank", "system_score",
                                                            "cosine_similarity")) == frozen


def test_seeds_hidden_since_the_build_are_skipped_for_the_next_candidate(version):
    campaign = make(version)
    from evaluation.campaigns import seed_candidates

    first_choice = seed_candidates(campaign)[0]
    Track.objects.filter(pk=first_choice).update(hidden=True)
    result = populate_campaign(campaign)
    assert result.seeds == 4
    assert result.skipped_seeds[0][0] == first_choice
    assert first_choice not in campaign.tasks.values_list("seed_track_id", flat=True)


def test_more_seeds_than_indexed_tracks_is_refused(version):
    with pytest.raises(CampaignError, match="can't give 31 seeds"):
        populate_campaign(make(version, seeds=31))


def test_a_version_without_files_cannot_be_filled(version, settings, tmp_path):
    campaign = make(version)
    forget_all()
    settings.RECOMMENDER_INDEX_DIR = tmp_path / "elsewhere"
    with pytest.raises(CampaignError, match="missing"):
        populate_campaign(campaign)


def test_the_create_campaign_command(version, capsys):
    call_command("create_campaign", "Autumn", "--seeds", "3", "-k", "4", "--systems", "cosine,random",
                 "--random-seed", "9", "--open", "--no-progress")
    out = capsys.readouterr().out
    assert "Campaign" in out and "3 of 3 seeds × 2 systems = 6 lists" in out and "(open)" in out
    campaign = Campaign.objects.get(name="Autumn")
    assert campaign.status == Campaign.Status.OPEN and campaign.random_seed == 9
    assert campaign.index_version == version
    assert TaskItem.objects.filter(task__campaign=campaign).count() == 24


def test_the_create_campaign_command_explains_failures(version):
    with pytest.raises(CommandError, match="Unknown systems magic"):
        call_command("create_campaign", "Bad", "--systems", "magic", "--no-progress")
    with pytest.raises(CommandError, match="index version 999999 does not exist"):
        call_command("create_campaign", "Bad", "--index-version", "999999", "--no-progress")
    with pytest.raises(CommandError, match="no campaign named 'Nope' to resume"):
        call_command("create_campaign", "Nope", "--resume", "--no-progress")
    version.status = version.Status.READY
    version.save()
    with pytest.raises(CommandError, match="no active index version"):
        call_command("create_campaign", "Bad", "--no-progress")


def test_a_campaign_added_in_the_admin_is_filled(version, admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/evaluation/campaign/add/", {
            "name": "From the admin", "description": "", "index_version": version.pk,
            "systems": ["cosine", "popularity"], "seed_count": 2, "k": 3, "ratings_per_item": 2,
            "tasks_per_evaluator": "", "random_seed": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name="From the admin")
    assert campaign.tasks.count() == 4
    assert campaign.created_by.is_superuser and campaign.random_seed is not None


def test_closing_logs_aggregates_to_the_run_of_the_rebuilt_version(version, make_evaluator, settings,
                                                                   django_capture_on_commit_callbacks):
    from mlflow.tracking import MlflowClient

    from evaluation.assignment import next_task
    from evaluation.campaigns import close_campaign, open_campaign
    from tests.evaluation.conftest import rate_all

    assert version.mlflow_run_id, "the rebuild should have logged an MLflow run"
    campaign = make(version, seeds=2, k=3, systems=["cosine", "random"])
    populate_campaign(campaign)
    open_campaign(campaign)
    for score in (5, 2, 4, 1):
        evaluator = make_evaluator()
        rate_all(evaluator, next_task(evaluator, campaign).task, score=score)
    with django_capture_on_commit_callbacks(execute=True):
        close_campaign(campaign)
    metrics = MlflowClient(tracking_uri=settings.MLFLOW_TRACKING_URI).get_run(version.mlflow_run_id).data.metrics
    assert metrics["eval_ratings"] == 12
    assert {"eval_cosine_mean_score", "eval_random_mean_score", "eval_cosine_ndcg_at_k"} <= set(metrics)
