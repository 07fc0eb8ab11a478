"""A blind campaign comparing two weightings: the same metric on two index versions built with other weights."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from evaluation.assignment import next_task
from evaluation.campaigns import close_campaign, create_campaign, open_campaign, populate_campaign
from evaluation.errors import CampaignError
from evaluation.models import Campaign, RatingTask
from evaluation.selectors import campaign_aggregates
from evaluation.tracking import campaign_metrics
from recommender import services
from recommender.index.params import IndexParams
from recommender.models import IndexVersion
from recommender.selectors import recommend
from tests.evaluation.conftest import rate_all, three_genre_catalog

pytestmark = pytest.mark.usefixtures("fresh_version_cache")


@pytest.fixture
def weightings(db):
    """30 tracks over three genres; genre weight 0.5 built and active, genre weight 1.0 built and not activated."""
    three_genre_catalog(seed=8, energy_spread=0.2)
    half = services.rebuild_index(IndexParams.from_settings(k=10, genre_weight=0.5)).version
    whole = services.rebuild_index(IndexParams.from_settings(k=10, genre_weight=1.0), activate=False).version
    half.refresh_from_db()
    assert (half.status, whole.status) == (IndexVersion.Status.ACTIVE, IndexVersion.Status.READY)
    return half, whole


def compare(half, whole, systems=("cosine",), **fields):
    return create_campaign(**{"name": "Genre 0.5 vs 1.0", "index_version": half, "compared_versions": [whole],
                              "systems": systems, "seed_count": 4, "k": 5, "random_seed": 3, **fields})


def test_each_arm_freezes_the_metric_of_its_own_version(weightings):
    half, whole = weightings
    campaign = compare(half, whole)
    assert campaign.systems == [f"cosine@{half.pk}", f"cosine@{whole.pk}"]
    assert campaign.arm_weights[str(whole.pk)] == {"genre_weight": 1.0, "audio_weight": 1.0, "popularity_weight": 0.0}
    result = populate_campaign(campaign)
    assert (result.seeds, result.created_tasks) == (4, 8)
    versions = {f"cosine@{half.pk}": half, f"cosine@{whole.pk}": whole}
    for task in RatingTask.objects.filter(campaign=campaign):
        expected = recommend("cosine", task.seed_track_id, 5, version=versions[task.system])
        assert [item.track_id for item in task.items.order_by("rank")] == [rec.track_id for rec in expected]
    # Both arms rate the same seeds.
    seeds = {system: set(RatingTask.objects.filter(campaign=campaign, system=system)
                         .values_list("seed_track_id", flat=True)) for system in versions}
    assert seeds[f"cosine@{half.pk}"] == seeds[f"cosine@{whole.pk}"]


def test_aggregates_per_arm_on_the_page_and_in_the_api(weightings, make_evaluator, client):
    half, whole = weightings
    campaign = compare(half, whole, systems=("cosine", "euclidean"))
    populate_campaign(campaign)
    open_campaign(campaign)
    liked = f"cosine@{whole.pk}"
    for evaluator in (make_evaluator(), make_evaluator()):
        while (assignment := next_task(evaluator, campaign)) is not None:
            rate_all(evaluator, assignment.task, score=5 if assignment.task.system == liked else 2)
    close_campaign(campaign, log_to_mlflow=False)  # results are public once closed

    api = APIClient().get(f"/api/evaluation/campaigns/{campaign.pk}/aggregates/").json()
    rows = {row["system"]: row for row in api["systems"]}
    assert set(rows) == {f"cosine@{half.pk}", f"cosine@{whole.pk}", f"euclidean@{half.pk}", f"euclidean@{whole.pk}"}
    assert rows[liked]["mean_score"] == 5 and rows[f"cosine@{half.pk}"]["mean_score"] == 2
    assert rows[liked]["ratings"] == 4 * 5 * 2
    assert api["arms"][liked] == {"system": "cosine", "index_version": whole.pk,
                                  "weights": {"genre_weight": 1.0, "audio_weight": 1.0, "popularity_weight": 0.0}}
    campaign_api = APIClient().get(f"/api/evaluation/campaigns/{campaign.pk}/").json()
    assert campaign_api["systems"] == campaign.systems and str(whole.pk) in campaign_api["arm_weights"]

    page = client.get(f"/campaigns/{campaign.pk}/results/").content.decode()
    assert "4 arms (a system on an index version)" in page
    assert f"index version {whole.pk}: genre 1 · audio 1 · popularity 0" in page
    assert f"index version {half.pk}: genre 0.5 · audio 1 · popularity 0" in page

    metrics = campaign_metrics(campaign_aggregates(campaign))
    assert metrics[f"eval_cosine_v{whole.pk}_mean_score"] == 5


def test_the_command_builds_the_same_campaign(weightings, capsys):
    half, whole = weightings
    call_command("create_campaign", "By command", "--index-version", str(half.pk), "--compare-versions",
                 str(whole.pk), "--systems", "cosine", "--seeds", "3", "-k", "5", "--no-progress", "--open")
    campaign = Campaign.objects.get(name="By command")
    assert campaign.systems == [f"cosine@{half.pk}", f"cosine@{whole.pk}"] and campaign.is_open
    assert campaign.tasks.count() == 6
    assert "3 of 3 seeds × 2 arms (system@version) = 6 lists" in capsys.readouterr().out


def test_the_admin_form_builds_the_same_campaign(weightings, admin_client):
    half, whole = weightings
    form = {"name": "In the admin", "description": "", "index_version": half.pk, "compared_versions": [whole.pk],
            "systems": ["cosine"], "seed_count": 2, "k": 5, "ratings_per_item": 2, "tasks_per_evaluator": "",
            "random_seed": 7}
    refused = admin_client.post("/admin/evaluation/campaign/add/", {**form, "systems": ["cosine", "personal"]})
    assert ("Only blend, cosine, euclidean, together, random, popularity can be compared across index versions, "
            "not personal") in refused.content.decode()
    assert admin_client.post("/admin/evaluation/campaign/add/", form).status_code == 302
    campaign = Campaign.objects.get(name="In the admin")
    assert campaign.systems == [f"cosine@{half.pk}", f"cosine@{whole.pk}"]
    assert populate_campaign(campaign).created_tasks == 4  # what the queued fill task does


@pytest.mark.parametrize("change, message", [
    ({"compared_versions": "same"}, "Compare different index versions"),
    ({"systems": ("cosine", "personal")}, "not personal"),
    ({"k": 20}, "k=20 is longer than the 10 neighbours index version"),
])
def test_bad_comparisons_are_refused_with_a_reason(weightings, change, message):
    half, whole = weightings
    if change.get("compared_versions") == "same":
        change = {"compared_versions": [half]}
    with pytest.raises(CampaignError, match=message):
        compare(half, whole, **change)
    assert not Campaign.objects.exists()


def test_a_failed_version_can_not_be_compared(weightings):
    half, whole = weightings
    whole.status = IndexVersion.Status.FAILED
    whole.save()
    with pytest.raises(CampaignError, match=f"Index version {whole.pk} is failed"):
        compare(half, whole)


@pytest.mark.parametrize("value, message", [("x1", "--compare-versions takes index version ids, got x1"),
                                            ("99999", "index version 99999 does not exist")])
def test_the_command_refuses_bad_version_ids(weightings, value, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_campaign", "Bad", "--compare-versions", value, "--systems", "cosine", "--no-progress")
    assert not Campaign.objects.exists()


def test_a_compared_version_deleted_before_filling_stops_the_filling_with_a_reason(weightings):
    half, whole = weightings
    campaign = compare(half, whole)
    deleted = whole.pk
    whole.delete()
    with pytest.raises(CampaignError, match=f"Index version\\(s\\) {deleted} of campaign .* were deleted"):
        populate_campaign(campaign)
    assert not campaign.tasks.exists()
