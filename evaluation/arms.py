"""Arms of a campaign that compares index versions: one system on one version, labelled "cosine@12".

A plain campaign compares systems on its one index version, and its ``systems`` are plain names ("cosine").
A campaign given versions to compare (e.g. two weightings of the features, one built with ``rebuild_index
--no-activate``) evaluates each chosen system on its own version and on each compared one: its ``systems`` are
then arm labels, and tasks, aggregates and the CSV carry the label where they carried the system. Arms are
secret from evaluators exactly as systems are.
"""

from dataclasses import dataclass

from recommender.models import IndexVersion
from recommender.systems import SYSTEMS

from .errors import CampaignError

SEPARATOR = "@"
# The weights that make two versions of one catalog differ, shown beside each arm's results.
WEIGHT_PARAMS = ("genre_weight", "audio_weight", "popularity_weight")
USABLE = (IndexVersion.Status.ACTIVE, IndexVersion.Status.READY)


@dataclass(frozen=True)
class Arm:
    system: str
    version_id: int | None = None  # None: the campaign's own version (a plain campaign)

    @property
    def label(self):
        return self.system if self.version_id is None else f"{self.system}{SEPARATOR}{self.version_id}"


def parse(label):
    """``"cosine@12"`` → Arm("cosine", 12); ``"cosine"`` → Arm("cosine")."""
    system, separator, version = str(label).partition(SEPARATOR)
    if not separator:
        return Arm(system)
    if not version.isdigit():
        raise CampaignError(f"“{label}” is not a system on an index version (like cosine{SEPARATOR}12).")
    return Arm(system, int(version))


def arm_labels(systems, versions):
    """Every system on every version, grouped by system: ["cosine@3", "cosine@4", "euclidean@3", …]."""
    return [Arm(system, version.pk).label for system in systems for version in versions]


def checked_versions(index_version, compared_versions, systems, k):
    """The campaign's version then the compared ones, checked; raises CampaignError saying what is wrong."""
    compared = list(compared_versions or ())
    versions = [index_version, *compared]
    ids = [version.pk for version in versions]
    if len(set(ids)) != len(ids):
        raise CampaignError("Compare different index versions: each version may be chosen once, and not the "
                            "campaign's own version again.")
    for version in compared:
        if version.status not in USABLE:
            raise CampaignError(f"Index version {version.pk} is {version.status}; only a ready or active version "
                                f"can be compared.")
        if k > version.k:
            raise CampaignError(f"k={k} is longer than the {version.k} neighbours index version {version.pk} "
                                f"stores per track.")
    not_seeded = [system for system in systems if system not in SYSTEMS]
    if not_seeded:
        raise CampaignError(f"Only {', '.join(SYSTEMS)} can be compared across index versions, not "
                            f"{', '.join(not_seeded)}.")
    return versions


def weightings(versions):
    """``{"12": {"genre_weight": 0.5, …}}``: what each version was built with, kept on the campaign."""
    return {str(version.pk): {name: version.params.get(name) for name in WEIGHT_PARAMS} for version in versions}


def describe(campaign):
    """``{label: {"system", "index_version", "weights"}}`` for a campaign's arms (empty for a plain campaign)."""
    arms = {}
    for label in campaign.systems:
        arm = parse(label)
        if arm.version_id is not None:
            arms[label] = {"system": arm.system, "index_version": arm.version_id,
                           "weights": campaign.arm_weights.get(str(arm.version_id), {})}
    return arms


def weights_text(weights):
    """{"genre_weight": 0.5, "audio_weight": 1.0, …} → "genre 0.5 · audio 1 · popularity 0"."""
    return " · ".join(f"{name.removesuffix('_weight')} {weights[name]:g}" for name in WEIGHT_PARAMS
                      if weights.get(name) is not None)


def arm_versions(campaign):
    """``{label: (system, IndexVersion)}`` to freeze each arm's lists from; CampaignError if one was deleted."""
    arms = {label: parse(label) for label in campaign.systems}
    wanted = {arm.version_id for arm in arms.values() if arm.version_id is not None}
    found = IndexVersion.objects.in_bulk(wanted)
    missing = sorted(wanted - set(found))
    if missing:
        raise CampaignError(f"Index version(s) {', '.join(map(str, missing))} of campaign “{campaign.name}” were "
                            f"deleted; its lists can't be frozen any more.")
    return {label: (arm.system, campaign.index_version if arm.version_id is None else found[arm.version_id])
            for label, arm in arms.items()}
