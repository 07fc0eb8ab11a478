"""Creating, filling, opening and closing evaluation campaigns.

Filling a campaign picks its seed tracks from the index version's tracks in an order fixed by the campaign's
``random_seed`` and freezes, for every seed and system, the system's top-k list (rank, the system's own score and
the cosine similarity to the seed). It is idempotent: re-running it after a crash adds only the missing seeds,
and each seed's lists are written in one transaction.
"""

import logging
import random
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalog.models import Track
from catalog.songs import first_of_each_song, song_keys, song_of
from recommender import storage
from recommender.errors import IndexFilesMissing, RecommenderError, UnknownTrack
from recommender.selectors import cosine_similarities, recommend
from recommender.systems import SYSTEMS
from songrec.lib.outbox import enqueue
from songrec.lib.request_params import InvalidQuery, parse_int

from . import arms
from .errors import CampaignError
from .models import Campaign, RatingTask, TaskItem

logger = logging.getLogger(__name__)
# Lists made for each evaluator's own listener profile ("For you"), frozen when they first ask for a task.
PERSONAL = "personal"


@dataclass(frozen=True)
class FrozenItem:
    track_id: int
    rank: int
    system_score: float
    cosine_similarity: float | None = None


@dataclass
class PopulateResult:
    created_tasks: int = 0
    seeds: int = 0
    skipped_seeds: list = field(default_factory=list)  # (track id, reason)


def known_systems():
    return (*SYSTEMS, PERSONAL)


def seeded_systems(campaign):
    """The campaign's systems frozen per seed track (all but "personal", whose lists are made per evaluator)."""
    return [system for system in campaign.systems if system != PERSONAL]


def _validated_systems(systems):
    systems = [str(system).strip() for system in systems if str(system).strip()]
    if not systems:
        raise CampaignError("Choose at least one system to evaluate.")
    unknown = [system for system in systems if system not in known_systems()]
    if unknown:
        raise CampaignError(f"Unknown systems {', '.join(unknown)}; expected some of {', '.join(known_systems())}.")
    if len(set(systems)) != len(systems):
        raise CampaignError("Each system may be listed only once.")
    return systems


def _positive(name, value, high):
    try:
        number = parse_int(value, name, low=1, high=high)
    except InvalidQuery as error:
        raise CampaignError(f"{name} {error.message}.") from None
    if number is None:
        raise CampaignError(f"{name} must be a whole number, got {value!r}.")
    return number


def build_campaign(*, name, index_version, systems, seed_count, k, ratings_per_item=3, random_seed=None,
                   description="", tasks_per_evaluator=None, created_by=None, compared_versions=()):
    """A checked but unsaved draft campaign; raises CampaignError saying what is wrong (forms show it).

    With ``compared_versions`` (other index versions, e.g. built with other weights) each system is evaluated on
    ``index_version`` and on each of them: the campaign's systems are then arms like "cosine@12" (see arms.py).
    """
    name = (name or "").strip()
    if not name:
        raise CampaignError("A campaign needs a name.")
    if Campaign.objects.filter(name=name).exists():
        raise CampaignError(f"A campaign named “{name}” already exists.")
    if index_version is None:
        raise CampaignError("No index version to evaluate: build the recommendation index first.")
    k = _positive("k", k, 50)
    if getattr(index_version, "k", 0) and k > index_version.k:
        raise CampaignError(f"k={k} is longer than the {index_version.k} neighbours index version "
                            f"{index_version.pk} stores per track.")
    systems = _validated_systems(systems)
    weightings = {}
    if compared_versions:
        versions = arms.checked_versions(index_version, compared_versions, systems, k)
        systems, weightings = arms.arm_labels(systems, versions), arms.weightings(versions)
    campaign = Campaign(
        name=name,
        description=description or "",
        index_version=index_version,
        mlflow_run_id=getattr(index_version, "mlflow_run_id", "") or "",
        systems=systems,
        arm_weights=weightings,
        seed_count=_positive("seed_count", seed_count, 2000),
        k=k,
        ratings_per_item=_positive("ratings_per_item", ratings_per_item, 50),
        tasks_per_evaluator=(_positive("tasks_per_evaluator", tasks_per_evaluator, 100_000)
                             if tasks_per_evaluator not in (None, "") else None),
        random_seed=secrets.randbelow(2**31) if random_seed in (None, "") else int(random_seed),
        created_by=created_by,
    )
    return campaign


def create_campaign(*, evaluators=(), **fields):
    """Create a draft campaign (no tasks yet: ``populate_campaign`` freezes the lists); fields as ``build_campaign``."""
    campaign = build_campaign(**fields)
    with transaction.atomic():
        campaign.save()
        if evaluators:
            campaign.evaluators.set(evaluators)
    return campaign


# Display orders come from the operating system's generator, not from the campaign's (public) random seed:
# anyone who knew the seed could otherwise recompute which position holds which rank.
_display_rng = random.SystemRandom()


@transaction.atomic
def add_task(campaign, seed_track_id, system, items, *, listener=None):
    """Freeze one explicit list (FrozenItems in any order) as a task, items shuffled into a stored display order.

    The order is secret and stored; items are still created in rank order, so their primary keys must never
    reach an evaluator (they see display positions).
    """
    items = sorted(items, key=lambda item: item.rank)
    if not items:
        raise CampaignError(f"The {system} list for track {seed_track_id} is empty.")
    if len({item.track_id for item in items}) != len(items):
        raise CampaignError(f"The {system} list for track {seed_track_id} repeats a track.")
    positions = list(range(1, len(items) + 1))
    _display_rng.shuffle(positions)
    task = RatingTask.objects.create(campaign=campaign, seed_track_id=seed_track_id, system=system,
                                     priority=_display_rng.randrange(2**31), listener=listener)
    TaskItem.objects.bulk_create(
        TaskItem(task=task, track_id=item.track_id, rank=item.rank, system_score=item.system_score,
                 cosine_similarity=item.cosine_similarity, display_position=position)
        for item, position in zip(items, positions, strict=True)
    )
    return task


def catalog_songs(keys):
    """A track id's song by the catalog's song keys ({track id: key or song}); a track not in them is its own."""
    return lambda track_id: song_of(track_id, keys.get(track_id, ""))


def freeze_list(system, seed_track, k, version):
    """The system's current top-k for the seed as FrozenItems, each with its cosine similarity to the seed."""
    # The index folded songs as they were at its build; songs merged since (the crawl's ISRC joins) are folded
    # here, by the catalog's song keys, from a list long enough to still give k.
    candidates = recommend(system, seed_track, 2 * k, version=version)
    song = catalog_songs(song_keys([seed_track.pk, *(rec.track_id for rec in candidates)]))
    recommendations = first_of_each_song([rec for rec in candidates if rec.track_id != seed_track.pk],
                                         lambda rec: song(rec.track_id), limit=k, skip_songs={song(seed_track.pk)})
    cosines = cosine_similarities(seed_track.pk, [rec.track_id for rec in recommendations], version=version)
    frozen = []
    for rec in recommendations:
        cosine = cosines.get(rec.track_id)
        frozen.append(FrozenItem(rec.track_id, len(frozen) + 1, float(rec.score),
                                 None if cosine is None else float(cosine)))
    return frozen


def seed_candidates(campaign):
    """Track ids of the campaign's version, one per song, in the order the campaign's random seed shuffles them."""
    if campaign.index_version_id is None:
        raise CampaignError(f"The index version of campaign “{campaign.name}” was deleted; it can't be filled.")
    try:
        data = storage.version_data(campaign.index_version_id)
    except IndexFilesMissing as error:
        raise CampaignError(str(error)) from None
    candidates = sorted(data.track_ids.tolist())
    random.Random(campaign.random_seed).shuffle(candidates)
    # One seed per song: two releases of a song as seeds would ask evaluators about the same thing twice. The
    # catalog's song keys, not the build's, so songs merged since the build count once.
    return first_of_each_song(candidates, catalog_songs(dict(Track.objects.values_list("pk", "song_key"))))


def populate_campaign(campaign, progress=None):
    """Freeze lists until the campaign has ``seed_count`` seeds with a list per system; returns a PopulateResult.

    ``progress(seeds_done)`` is called after each seed. Seeds the index can't recommend for (unknown or hidden
    since the build, or an empty list) are skipped and the next candidate is taken.
    """
    if campaign.status == Campaign.Status.CLOSED:
        raise CampaignError("A closed campaign cannot get new tasks.")
    result = PopulateResult()
    systems = seeded_systems(campaign)
    if not systems:
        return result  # only per-evaluator lists: nothing to freeze up front
    done_seeds = set(campaign.tasks.filter(listener__isnull=True).values_list("seed_track_id", flat=True).distinct())
    result.seeds = len(done_seeds)
    if progress and done_seeds:
        progress(len(done_seeds))
    if result.seeds >= campaign.seed_count:
        return result
    sources = {label: source for label, source in arms.arm_versions(campaign).items() if label in systems}
    candidates = seed_candidates(campaign)
    if len(candidates) < campaign.seed_count:
        raise CampaignError(f"The index version holds {len(candidates)} tracks; "
                            f"it can't give {campaign.seed_count} seeds.")
    for track_id in candidates:
        if result.seeds >= campaign.seed_count:
            break
        if track_id in done_seeds:
            continue
        seed = Track.objects.visible().filter(pk=track_id).first()
        if seed is None:
            result.skipped_seeds.append((track_id, "missing or hidden"))
            continue
        try:
            lists = {label: freeze_list(system, seed, campaign.k, version)
                     for label, (system, version) in sources.items()}
        except UnknownTrack as error:
            result.skipped_seeds.append((track_id, str(error) or "unknown to the index"))
            continue
        except RecommenderError as error:
            raise CampaignError(f"Can't freeze lists from index version(s) "
                                f"{', '.join(sorted({str(version.pk) for _system, version in sources.values()}))}: "
                                f"{error}") from None
        empty = [system for system, items in lists.items() if not items]
        if empty:
            result.skipped_seeds.append((track_id, f"no recommendations from {', '.join(empty)}"))
            continue
        with transaction.atomic():
            for system, items in lists.items():
                add_task(campaign, track_id, system, items)
        result.created_tasks += len(lists)
        result.seeds += 1
        if progress:
            progress(result.seeds)
    if result.seeds < campaign.seed_count:
        logger.warning("campaign %s: only %s of %s seeds could be filled", campaign.pk, result.seeds,
                       campaign.seed_count)
    return result


def open_campaign(campaign):
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status == Campaign.Status.OPEN:
            return campaign
        if campaign.status == Campaign.Status.CLOSED:
            raise CampaignError(f"Campaign “{campaign.name}” is closed; closed campaigns stay closed.")
        if not campaign.tasks.exists() and seeded_systems(campaign):
            raise CampaignError(f"Campaign “{campaign.name}” has no tasks yet: fill it first.")
        campaign.status = Campaign.Status.OPEN
        campaign.opened_at = timezone.now()
        campaign.save(update_fields=["status", "opened_at"])
    return campaign


def close_campaign(campaign, log_to_mlflow=True, on_broker_down=None):
    """Close the campaign to new ratings and, once committed, log its aggregates to MLflow (in a Celery task).

    The campaign row is locked FOR UPDATE, so closing waits for submissions in flight and later ones are refused.
    The MLflow task is recorded in the outbox with the closing, so a broker that is down only delays it
    (``on_broker_down(error)`` is then told).
    """
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Campaign.Status.CLOSED:
            campaign.status = Campaign.Status.CLOSED
            campaign.closed_at = timezone.now()
            campaign.save(update_fields=["status", "closed_at"])
        if log_to_mlflow:
            enqueue("evaluation.tasks.log_campaign_to_mlflow", [campaign.pk],
                    dedupe_key=f"campaign-{campaign.pk}-mlflow", on_broker_down=on_broker_down)
    return campaign
