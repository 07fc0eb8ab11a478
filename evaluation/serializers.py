"""DRF serializers of the evaluation API. Task payloads are blind: no system, rank or system score.

Evaluators see a task as its assignment's random ``public_id`` and its items by display position, never by
primary key: task ids are created seed by seed in system order and item ids in rank order. Genre labels are
left out too (see the README's "Human evaluation" section).
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import MAX_COMMENT_LENGTH, MAX_SCORE, MIN_SCORE, Campaign, Unrated
from .selectors import campaign_progress

SCORE_MESSAGE = f"Score must be a whole number from {MIN_SCORE} to {MAX_SCORE}."


class BlindTrackSerializer(serializers.Serializer):
    spotify_id = serializers.CharField()
    name = serializers.CharField()
    artists = serializers.SerializerMethodField()
    album = serializers.CharField(source="album.name", default=None)
    spotify_url = serializers.SerializerMethodField()

    def get_artists(self, track) -> list[str]:
        return [artist.name for artist in track.ordered_artists]

    def get_spotify_url(self, track) -> str:
        return f"https://open.spotify.com/track/{track.spotify_id}"


class TaskItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="display_position",
                                    help_text="the item's number in this task (1…k, as listed); send it back as `item`")
    track = BlindTrackSerializer()
    my_score = serializers.SerializerMethodField()
    my_unrated = serializers.SerializerMethodField(
        help_text="\"unknown\" or \"unplayable\" when your answer was that instead of a score")
    my_comment = serializers.SerializerMethodField()

    def get_my_score(self, item) -> int | None:
        return item.my_rating.score if item.my_rating else None

    def get_my_unrated(self, item) -> str | None:
        return (item.my_rating.unrated or None) if item.my_rating else None

    def get_my_comment(self, item) -> str | None:
        return item.my_rating.comment if item.my_rating else None


class EvaluationTaskSerializer(serializers.Serializer):
    """Built from ``{"assignment", "seed", "items", "number", "total"}``."""

    id = serializers.UUIDField(source="assignment.public_id", help_text="this task's random id (yours only)")
    status = serializers.CharField(source="assignment.status")
    campaign = serializers.SerializerMethodField()
    number = serializers.IntegerField(help_text="this task's place among yours in the campaign (task 3 of 20)")
    total = serializers.IntegerField()
    seed = BlindTrackSerializer()
    items = TaskItemSerializer(many=True)
    ratings_url = serializers.SerializerMethodField()

    def get_campaign(self, data) -> dict:
        campaign = data["assignment"].task.campaign
        return {"id": campaign.pk, "name": campaign.name, "description": campaign.description,
                "status": campaign.status}

    def get_ratings_url(self, data) -> str:
        return reverse("evaluation-api:task-ratings", args=[data["assignment"].public_id])


ANSWER_MESSAGE = f"{SCORE_MESSAGE} Or, instead of a score, \"unknown\" or \"unplayable\"."


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": MIN_SCORE, "maximum": MAX_SCORE},
                                {"type": "string", "enum": list(Unrated.values)}]})
class AnswerField(serializers.Field):
    """A score 1–5, or instead ``"unknown"`` (don't know the track) / ``"unplayable"`` (can't play it)."""

    default_error_messages = {"invalid": ANSWER_MESSAGE, "required": ANSWER_MESSAGE, "null": ANSWER_MESSAGE}

    def to_internal_value(self, data):
        if isinstance(data, str) and data in Unrated.values:
            return data
        scores = serializers.IntegerField(min_value=MIN_SCORE, max_value=MAX_SCORE)
        try:
            return scores.run_validation(data)
        except serializers.ValidationError:
            self.fail("invalid")

    def to_representation(self, value):
        return value


class RatingInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, help_text="the item's number in the task (`items[].item`)")
    score = AnswerField(help_text="1–5, or instead `unknown` (you don't know the track) or `unplayable` (you can't "
                                  "play it): counted apart from the scores")
    comment = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=MAX_COMMENT_LENGTH,
                                    help_text="omit to keep an earlier comment")


class SubmitRatingsSerializer(serializers.Serializer):
    ratings = serializers.ListField(child=RatingInputSerializer(), allow_empty=False, min_length=1, max_length=100)


class SubmitResultSerializer(serializers.Serializer):
    task = serializers.UUIDField(source="assignment.public_id")
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rated_items = serializers.IntegerField()
    total_items = serializers.IntegerField()
    complete = serializers.BooleanField(help_text="every item of the task has your rating")


class CampaignSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    results_url = serializers.CharField(source="get_absolute_url")
    aggregates_url = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "name", "description", "status", "index_version", "systems", "arm_weights", "seed_count", "k",
                  "ratings_per_item", "random_seed", "created_at", "opened_at", "closed_at", "progress",
                  "results_url", "aggregates_url"]

    def get_progress(self, campaign) -> dict:
        progress = campaign_progress(campaign)
        return {"tasks": progress.tasks, "lists_needed": progress.lists_needed,
                "lists_submitted": progress.lists_submitted, "ratings": progress.ratings,
                "evaluators": progress.evaluators, "unknown": progress.unknown, "unplayable": progress.unplayable}

    def get_aggregates_url(self, campaign) -> str:
        return reverse("evaluation-api:campaign-aggregates", args=[campaign.pk])


class SystemAggregateSerializer(serializers.Serializer):
    system = serializers.CharField()
    mean_score = serializers.FloatField(allow_null=True)
    ci95_low = serializers.FloatField(allow_null=True)
    ci95_high = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    rated_items = serializers.IntegerField()
    items = serializers.IntegerField()
    lists = serializers.IntegerField()
    ndcg_at_k = serializers.FloatField(allow_null=True)
    ndcg_lists = serializers.IntegerField()
    alpha = serializers.FloatField(allow_null=True)
    alpha_units = serializers.IntegerField()
    spearman_rho = serializers.FloatField(allow_null=True)
    spearman_p = serializers.FloatField(allow_null=True)
    spearman_items = serializers.IntegerField()
    distribution = serializers.DictField(child=serializers.IntegerField())
    unknown = serializers.IntegerField(help_text="\"don't know this track\" answers (in no statistic)")
    unplayable = serializers.IntegerField(help_text="\"can't play it\" answers (in no statistic)")


class ArmSerializer(serializers.Serializer):
    system = serializers.CharField()
    index_version = serializers.IntegerField()
    weights = serializers.DictField(child=serializers.FloatField(allow_null=True),
                                    help_text="genre_weight, audio_weight, popularity_weight of that version")


class AggregatesSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(allow_null=True)
    index_version = serializers.IntegerField()
    k = serializers.IntegerField(allow_null=True)
    arms = serializers.DictField(child=ArmSerializer(), help_text="for a campaign comparing index versions: each "
                                                                  "arm label (`cosine@12`) → its system and version")
    ratings = serializers.IntegerField()
    alpha = serializers.FloatField(allow_null=True)
    alpha_units = serializers.IntegerField()
    unknown = serializers.IntegerField()
    unplayable = serializers.IntegerField()
    systems = SystemAggregateSerializer(many=True)
