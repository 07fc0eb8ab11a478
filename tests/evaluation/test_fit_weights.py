"""manage.py fit_weights on a closed campaign: recovers the weighting its scores were simulated from, refuses
open campaigns and too few ratings without changing anything."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from catalog.models import Track
from evaluation.campaigns import close_campaign
from evaluation.models import Campaign, Rating, TaskItem
from recommender import services, storage
from recommender.index.params import IndexParams
from recommender.models import IndexVersion
from recommender.together.weight_fitting import features_for
from tests.evaluation.conftest import three_genre_catalog

pytestmark = pytest.mark.django_db
KNOWN = np.array([0.7, 0.3, 0.0])  # audio, genre, together (no together model: its similarity is 0)


@pytest.fixture
def version(fresh_version_cache):
    three_genre_catalog(5, 0.2)
    return services.rebuild_index(IndexParams.from_settings(k=20)).version


def judged_campaign(make_campaign, make_evaluator, version, seeds):
    tracks = list(Track.objects.order_by("pk"))
    lists = {(seed, "cosine"): [(track, 0.5) for track in tracks if track != seed][:12] for seed in tracks[:seeds]}
    campaign = make_campaign(systems=("cosine",), lists=lists, k=12, version=version)
    data = storage.version_data(version.pk)
    judges = [make_evaluator() for _ in range(2)]
    for task in campaign.tasks.all():
        items = list(TaskItem.objects.filter(task=task).order_by("rank"))
        features = features_for(data, version, model_data=None, seed_id=task.seed_track_id,
                                track_ids=[item.track_id for item in items])
        for number, judge in enumerate(judges):
            scores = np.clip(np.round(1 + number * 0.5 + 4 * (features @ KNOWN)), 1, 5)
            Rating.objects.bulk_create([Rating(item=item, evaluator=judge, score=int(score))
                                        for item, score in zip(items, scores, strict=True)])
    return campaign


def test_a_closed_campaign_gives_back_the_weighting_its_scores_came_from(make_campaign, make_evaluator, version):
    campaign = close_campaign(judged_campaign(make_campaign, make_evaluator, version, 10), log_to_mlflow=False)
    out = StringIO()
    call_command("fit_weights", "--campaign", str(campaign.pk), "--no-mlflow", stdout=out)
    shares = dict(part.split() for part in out.getvalue().split("Learned shares: ")[1].split(" from ")[0].split(", "))
    assert float(shares["audio"]) == pytest.approx(0.7, abs=0.1)
    assert float(shares["genre"]) == pytest.approx(0.3, abs=0.1)
    assert float(shares["together"]) == pytest.approx(0.0, abs=0.05)


def test_open_campaigns_and_too_few_ratings_are_refused_and_nothing_changes(make_campaign, make_evaluator, version):
    campaign = judged_campaign(make_campaign, make_evaluator, version, 10)
    with pytest.raises(CommandError, match="is open: fit weights on a closed campaign.*nothing changed"):
        call_command("fit_weights", "--campaign", str(campaign.pk), "--no-mlflow")
    small = close_campaign(judged_campaign(make_campaign, make_evaluator, version, 1), log_to_mlflow=False)
    campaigns, versions = Campaign.objects.count(), IndexVersion.objects.count()
    with pytest.raises(CommandError, match="not enough judgements to fit: 24 ratings.*nothing changed"):
        call_command("fit_weights", "--campaign", str(small.pk), "--no-mlflow", "--open-campaign", "learned")
    assert (Campaign.objects.count(), IndexVersion.objects.count()) == (campaigns, versions)
    with pytest.raises(CommandError, match="campaign 999999 does not exist"):
        call_command("fit_weights", "--campaign", "999999")


def test_open_campaign_puts_the_learned_weighting_against_the_current_one(make_campaign, make_evaluator, version):
    campaign = close_campaign(judged_campaign(make_campaign, make_evaluator, version, 10), log_to_mlflow=False)
    out = StringIO()
    call_command("fit_weights", "--campaign", str(campaign.pk), "--no-mlflow", "--open-campaign", "learned",
                 "--seeds", "5", stdout=out)
    learned = IndexVersion.objects.exclude(pk=version.pk).latest("pk")
    assert learned.status == IndexVersion.Status.READY and learned.params["audio_weight"] == 1.0
    made = Campaign.objects.get(name="learned")
    assert made.status == Campaign.Status.DRAFT and made.index_version_id == version.pk
    assert sorted(made.systems) == sorted([f"blend@{version.pk}", f"blend@{learned.pk}", f"cosine@{version.pk}",
                                           f"cosine@{learned.pk}"])
    assert "draft campaign" in out.getvalue()


def test_dont_know_and_cant_play_answers_are_not_fitted_on(make_campaign, make_evaluator, version):
    from evaluation.weights import campaign_groups

    campaign = judged_campaign(make_campaign, make_evaluator, version, 3)
    scored = Rating.objects.count()
    stranger = make_evaluator()
    Rating.objects.bulk_create([Rating(item=item, evaluator=stranger, score=None, unrated="unknown")
                                for item in TaskItem.objects.filter(task__campaign=campaign)])
    groups, ratings = campaign_groups(close_campaign(campaign, log_to_mlflow=False))
    assert ratings == scored and sum(len(scores) for _, scores in groups) == scored
