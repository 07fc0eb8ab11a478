"""Human evaluation: campaigns of frozen recommendation lists that evaluators rate 1–5 (or mark unknown/unplayable).

A campaign evaluates one index version. For each seed track and each system it freezes the system's top-k list
into a RatingTask with its TaskItems, so rebuilding the index later cannot change what was rated. Evaluators get
tasks through Assignments and leave one Rating per item; changing a rating keeps the old value in RatingChange.
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

MIN_SCORE, MAX_SCORE = 1, 5
MAX_COMMENT_LENGTH = 2000


class Unrated(models.TextChoices):
    """Why an evaluator answered an item without a score: kept apart from scores, never averaged."""

    UNKNOWN = "unknown", "don't know this track"
    UNPLAYABLE = "unplayable", "can't play it"


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="Instructions shown to evaluators above every task.")
    # SET_NULL: the recommender may prune old versions; the frozen lists and ratings stay here regardless.
    index_version = models.ForeignKey(
        "recommender.IndexVersion", null=True, on_delete=models.SET_NULL, related_name="evaluation_campaigns")
    # Copied at creation so aggregates still reach MLflow if the version row is pruned later.
    mlflow_run_id = models.CharField(max_length=64, blank=True)
    # Plain system names, or arms "system@version" when the campaign compares index versions (arms.py).
    systems = models.JSONField(default=list, help_text="Recommender systems compared, e.g. [\"cosine\", \"random\"].")
    # For a campaign comparing index versions: each version's weights at creation, kept if a version is pruned.
    arm_weights = models.JSONField(default=dict, blank=True,
                                   help_text="Weights of each compared index version, by version id.")
    seed_count = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(2000)])
    k = models.PositiveSmallIntegerField(
        "list length (k)", validators=[MinValueValidator(1), MaxValueValidator(50)])
    ratings_per_item = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many evaluators should rate each list.")
    tasks_per_evaluator = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="At most this many tasks per evaluator; empty for no limit.")
    random_seed = models.BigIntegerField(help_text="Seeds the choice of seed tracks (display orders are secret).")
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="evaluation_campaigns",
        help_text="Only these evaluators may take part; empty means every member of the evaluator group.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    mlflow_logged_at = models.DateTimeField(null=True, blank=True)
    # Results are blind until the campaign closes (an evaluator seeing per-system scores move after their rating
    # learns which system made their list); this opt-in shows them earlier, but only once nobody can rate any more.
    live_results_public = models.BooleanField(
        default=False, help_text="Show results publicly while open, once every list has all its ratings.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(seed_count__gte=1), name="campaign_seed_count_positive"),
            models.CheckConstraint(condition=Q(k__gte=1), name="campaign_k_positive"),
            models.CheckConstraint(condition=Q(ratings_per_item__gte=1), name="campaign_ratings_per_item_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluation:results", args=[self.pk])

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def expected_task_count(self):
        return self.seed_count * len([system for system in self.systems if system != "personal"])


class RatingTask(models.Model):
    """One seed track with one system's frozen top-k list: the unit an evaluator rates in one go."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    seed_track = models.ForeignKey("catalog.Track", on_delete=models.PROTECT, related_name="evaluation_tasks")
    system = models.CharField(max_length=32)
    # Random, stored; for the admin only (evaluators get tasks in a fresh random order, see assignment.py).
    priority = models.PositiveIntegerField(default=0)
    # Live (active or submitted) assignments and submitted ones; kept on the row so "next task" can lock it.
    assigned_count = models.PositiveIntegerField(default=0)
    submitted_count = models.PositiveIntegerField(default=0)
    # Set for the "personal" system: a list made for this evaluator's own profile, offered to them only.
    # The seed is then their profile's heaviest track (what the list is most "because of").
    listener = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="personal_rating_tasks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "seed_track", "system"], condition=Q(listener__isnull=True),
                                    name="ratingtask_unique_seed_system"),
            models.UniqueConstraint(fields=["campaign", "listener", "system"], condition=Q(listener__isnull=False),
                                    name="ratingtask_unique_listener_system"),
        ]
        indexes = [models.Index(fields=["campaign", "assigned_count", "priority"])]

    def __str__(self):
        return f"Task {self.pk} ({self.campaign_id}: {self.system} for track {self.seed_track_id})"


class TaskItem(models.Model):
    """One recommended track of a frozen list, with the system's rank and scores at freezing time."""

    task = models.ForeignKey(RatingTask, on_delete=models.CASCADE, related_name="items")
    track = models.ForeignKey("catalog.Track", on_delete=models.PROTECT, related_name="evaluation_items")
    rank = models.PositiveSmallIntegerField(help_text="1 = the system's best match")
    system_score = models.FloatField(help_text="The system's own score (similarity, popularity…)")
    cosine_similarity = models.FloatField(null=True, blank=True, help_text="Cosine similarity to the seed")
    # Evaluators address items by this position (1…k), never by primary key: keys ascend in rank order.
    display_position = models.PositiveSmallIntegerField(help_text="Where evaluators see it (shuffled, stored)")

    class Meta:
        ordering = ["task", "display_position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "rank"], name="taskitem_unique_rank"),
            models.UniqueConstraint(fields=["task", "track"], name="taskitem_unique_track"),
            models.UniqueConstraint(fields=["task", "display_position"], name="taskitem_unique_display_position"),
        ]

    def __str__(self):
        return f"#{self.rank} of task {self.task_id}: track {self.track_id}"


class Assignment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        SUBMITTED = "submitted", "Submitted"
        # Abandoned for too long: the slot went to someone else, but the evaluator may still finish it.
        RELEASED = "released", "Released"

    task = models.ForeignKey(RatingTask, on_delete=models.CASCADE, related_name="assignments")
    # What the evaluator sees in URLs and JSON instead of the task id: task ids are created seed by seed in
    # system order, so they would give the system away.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="evaluation_assignments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        constraints = [
            # Never the same task twice to one evaluator.
            models.UniqueConstraint(fields=["task", "evaluator"], name="assignment_unique_task_evaluator"),
        ]
        indexes = [models.Index(fields=["evaluator", "status"]), models.Index(fields=["status", "assigned_at"])]

    def __str__(self):
        return f"{self.task} → {self.evaluator}"

    def get_absolute_url(self):
        return reverse("evaluation:task", args=[self.public_id])


class Rating(models.Model):
    """An evaluator's current answer for one item: a score 1–5, or no score and the reason why (``unrated``).

    Earlier values live in ``changes``. Statistics read scores only; unrated answers are counted apart.
    """

    item = models.ForeignKey(TaskItem, on_delete=models.PROTECT, related_name="ratings")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="evaluation_ratings")
    score = models.PositiveSmallIntegerField(null=True, blank=True,
                                             validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)])
    unrated = models.CharField(max_length=10, choices=Unrated.choices, blank=True,
                               help_text="Set instead of a score when the evaluator doesn't know the track or "
                                         "can't play it.")
    comment = models.TextField(blank=True, max_length=MAX_COMMENT_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item", "evaluator"]
        constraints = [
            models.UniqueConstraint(fields=["item", "evaluator"], name="rating_unique_item_evaluator"),
            models.CheckConstraint(condition=Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE) | Q(score__isnull=True),
                                   name="rating_score_1_to_5"),
            # Exactly one of the two: a score, or the reason there is none.
            models.CheckConstraint(
                condition=Q(score__isnull=False, unrated="")
                | Q(score__isnull=True, unrated__in=[choice.value for choice in Unrated]),
                name="rating_score_or_unrated"),
        ]

    def __str__(self):
        answer = self.score if self.score is not None else self.get_unrated_display()
        return f"{self.evaluator} gave {answer} to item {self.item_id}"


class RatingChange(models.Model):
    """The value a rating had before an evaluator changed it."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="changes")
    # A score is null where the answer was "don't know" / "can't play" (the ``unrated`` fields then say which).
    previous_score = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_unrated = models.CharField(max_length=10, choices=Unrated.choices, blank=True)
    previous_comment = models.TextField(blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    unrated = models.CharField(max_length=10, choices=Unrated.choices, blank=True)
    comment = models.TextField(blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rating", "changed_at", "id"]

    def __str__(self):
        return (f"rating {self.rating_id}: {self.previous_score or self.previous_unrated} → "
                f"{self.score or self.unrated}")


class EvaluatorProgress(get_user_model()):
    """Users seen from the evaluation side, for the admin's evaluator progress list."""

    class Meta:
        proxy = True
        verbose_name = "evaluator progress"
        verbose_name_plural = "evaluator progress"
