"""``fit_weights``: the similar lists' blend learned from a closed campaign's human scores, or from the development
playlists, logged to MLflow and, if asked, applied or put against the current weighting in a new campaign.

The fit itself (pairwise, and why) is recommender.together.weight_fitting; this module gathers the judgements.
Nothing is changed before the fit has succeeded, so a refusal (too few ratings, a campaign still open, no index)
leaves every model, version and campaign as it was.
"""

from collections import defaultdict

import numpy as np
from django.conf import settings

from catalog.playlists.models import Playlist
from catalog.playlists.selectors import playlist_memberships
from recommender import storage
from recommender.errors import IndexFilesMissing
from recommender.selectors import active_version
from recommender.together import protocol
from recommender.together.active import active_data
from recommender.together.files import ModelData
from recommender.together.fitting import build_matrix, fit
from recommender.together.sources import PLAYLIST, Rows
from recommender.together.training import default_params
from recommender.together.weight_fitting import FittedWeights, NotEnoughJudgements, features_for, fit_pairwise
from songrec.lib.mlflow_runs import log_run

from .campaigns import PERSONAL
from .errors import CampaignError
from .models import Campaign, Rating

PLAYLIST_FOLDS = 2
SEEDS_PER_PLAYLIST = 3
CANDIDATES = 20


def _version_data(version):
    if version is None:
        raise CampaignError("The index version these judgements were made on was deleted; nothing to fit on.")
    try:
        return storage.version_data(version.pk)
    except IndexFilesMissing as error:
        raise CampaignError(str(error)) from None


def campaign_groups(campaign: Campaign):
    """[(features, scores)] per (evaluator, seed list) of a closed campaign's ratings, and the number of ratings."""
    if campaign.status != Campaign.Status.CLOSED:
        raise CampaignError(f"Campaign “{campaign.name}” is {campaign.status}: fit weights on a closed campaign, "
                            f"whose scores are final.")
    # "Don't know" / "can't play" answers say nothing about similarity: only scores are judgements.
    ratings = list(Rating.objects.filter(item__task__campaign=campaign, score__isnull=False)
                   .exclude(item__task__system=PERSONAL)
                   .values_list("evaluator_id", "item__task__seed_track_id", "item__track_id", "score"))
    if len(ratings) < 1:
        raise NotEnoughJudgements(f"campaign “{campaign.name}” has no ratings")
    data = _version_data(campaign.index_version)
    _, model_data = active_data()
    judged = defaultdict(list)
    for evaluator_id, seed_id, track_id, score in ratings:
        judged[(evaluator_id, seed_id)].append((track_id, score))
    groups = []
    for (_, seed_id), items in judged.items():
        features = features_for(data, campaign.index_version, model_data=model_data, seed_id=seed_id,
                                track_ids=[track for track, _ in items])
        if features is not None:
            groups.append((features, [score for _, score in items]))
    return groups, len(ratings)


def playlist_groups(version):
    """[(features, scores)] from the development playlists: a seed's candidates (its best by content and by
    together) scored 2 when in the seed's playlist, 1 otherwise; each fold's model never saw the fold's playlists."""
    data = _version_data(version)
    dev = []
    for pk, tracks in playlist_memberships(sources=[Playlist.Source.DATASET], min_tracks=10).items():
        external_id = Playlist.objects.values_list("external_id", flat=True).get(pk=pk)
        if protocol.half(external_id) == "dev":
            dev.append((pk, external_id, tracks))
    groups = []
    for fold in range(PLAYLIST_FOLDS):
        rows = Rows()
        for pk, external_id, tracks in dev:
            if protocol.fold_of(external_id, PLAYLIST_FOLDS) != fold:
                for track_id in tracks:
                    rows.add(PLAYLIST, pk, track_id)
        if not len(rows):
            continue
        params = default_params()
        model = ModelData(None, fit(build_matrix(rows), params), params)
        for _, external_id, tracks in dev:
            if protocol.fold_of(external_id, PLAYLIST_FOLDS) == fold:
                groups.extend(_seed_groups(data, version, model, tracks))
    return groups, sum(len(scores) for _, scores in groups)


def _seed_groups(data, version, model, tracks):
    positions = data.positions(tracks)
    members = set(np.asarray(tracks)[positions >= 0].tolist())
    for seed_id in list(members)[:SEEDS_PER_PLAYLIST]:
        seed = data.position(seed_id)
        cosines = np.asarray(data.normalized_split.dot(np.asarray(data.normalized[seed])), dtype=np.float64)
        cosines[seed] = -np.inf
        candidates = set(data.track_ids[np.argpartition(-cosines, CANDIDATES)[:CANDIDATES]].tolist())
        ids, _ = model.neighbours(seed_id)
        candidates |= set(ids[:CANDIDATES].tolist())
        candidates.discard(seed_id)
        candidates = sorted(candidates)
        features = features_for(data, version, model_data=model, seed_id=seed_id, track_ids=candidates)
        yield features, [2 if track in members else 1 for track in candidates]


def fit_weights(*, campaign: Campaign | None = None, playlists: str | None = None,
                log_to_mlflow: bool = True) -> tuple[FittedWeights, str]:
    """The fitted weights and the MLflow run id ("" when not logged); raises NotEnoughJudgements, CampaignError."""
    if campaign is not None:
        groups, ratings = campaign_groups(campaign)
        source = f"campaign {campaign.pk}"
    elif playlists == "dev":
        groups, ratings = playlist_groups(active_version())
        source = "development playlists"
    else:
        raise CampaignError("Say what to fit on: a campaign, or the development playlists.")
    fitted = fit_pairwise(groups, ratings)
    run_id = ""
    if log_to_mlflow:
        audio_weight, genre_weight = fitted.index_weights()
        run_id = log_run(settings.TOGETHER_MLFLOW_EXPERIMENT_NAME, f"fit-weights {source}",
                         tags={"songrec.fit_weights": source},
                         params={"source": source, "ratings": ratings, "method": "pairwise logistic"},
                         metrics={**{f"share_{name}": value for name, value in fitted.weights.items()},
                                  "pairs": fitted.pairs, "agreement": fitted.agreement,
                                  "index_audio_weight": audio_weight, "index_genre_weight": genre_weight}).run_id
    return fitted, run_id
