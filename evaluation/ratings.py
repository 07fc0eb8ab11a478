"""Submitting ratings: validation, one row per evaluator and item, changes kept, closed campaigns refused.

An answer is a score 1–5 or, instead, a reason there is none (``Unrated``: don't know the track, can't play it).
"""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from .errors import CampaignNotOpen, InvalidRating, NotYourTask
from .evaluators import require_evaluator
from .models import (
    MAX_COMMENT_LENGTH,
    MAX_SCORE,
    MIN_SCORE,
    Assignment,
    Campaign,
    Rating,
    RatingChange,
    RatingTask,
    Unrated,
)
from .scores import ratings_changed


@dataclass(frozen=True)
class RatingEntry:
    item_id: int
    score: int | None
    # None keeps the comment already stored (a score-only update must not wipe it).
    comment: str | None = None
    # An Unrated value instead of a score ("unknown", "unplayable"); the score is None then.
    unrated: str = ""


@dataclass(frozen=True)
class SubmitResult:
    created: int
    changed: int
    unchanged: int
    rated_items: int
    total_items: int
    assignment: Assignment

    @property
    def complete(self):
        return self.rated_items == self.total_items


def validate_score(value):
    """The score as an int 1–5, or InvalidRating saying what was wrong."""
    if isinstance(value, bool):
        raise InvalidRating(f"Score must be a whole number from {MIN_SCORE} to {MAX_SCORE}, got {value!r}.")
    if isinstance(value, str):
        value = value.strip()
    try:
        score = int(value)
    except (TypeError, ValueError):
        raise InvalidRating(
            f"Score must be a whole number from {MIN_SCORE} to {MAX_SCORE}, got {value!r}.") from None
    if isinstance(value, float) and value != score:
        raise InvalidRating(f"Score must be a whole number from {MIN_SCORE} to {MAX_SCORE}, got {value!r}.")
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise InvalidRating(f"Score must be between {MIN_SCORE} and {MAX_SCORE}, got {score}.")
    return score


def _validate_entries(entries):
    entries = list(entries)
    if not entries:
        raise InvalidRating("No ratings given.")
    seen = set()
    cleaned = []
    for entry in entries:
        if entry.item_id in seen:
            raise InvalidRating("An item is rated twice in one submission.")
        seen.add(entry.item_id)
        comment = entry.comment
        if comment is not None:
            comment = str(comment).strip()
            if len(comment) > MAX_COMMENT_LENGTH:
                raise InvalidRating(f"Comments are limited to {MAX_COMMENT_LENGTH} characters.")
        if entry.unrated:
            cleaned.append(RatingEntry(entry.item_id, None, comment, validate_unrated(entry.unrated, entry.score)))
        else:
            cleaned.append(RatingEntry(entry.item_id, validate_score(entry.score), comment))
    return cleaned


def validate_unrated(value, score=None):
    """The Unrated value for "don't know" / "can't play", or InvalidRating (an unknown reason, or a score too)."""
    if value not in Unrated.values:
        raise InvalidRating(f"Say why there is no score with one of {', '.join(Unrated.values)}, got {value!r}.")
    if score is not None:
        raise InvalidRating("Give a score or say why there is none (unknown, unplayable), not both.")
    return value


def _lock_campaign_for_share(campaign_id):
    """Hold the campaign row so closing it waits for in-flight submissions (and later ones see it closed).

    FOR SHARE rather than FOR UPDATE: concurrent submissions must not queue behind each other.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT status FROM evaluation_campaign WHERE id = %s FOR SHARE", [campaign_id])
            row = cursor.fetchone()
        return row[0] if row else None
    return Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True).first()


def submit_ratings(evaluator, task, entries):
    """Store the evaluator's answers for items of ``task`` (all of them or some); re-rating updates in place.

    An item answered "don't know" / "can't play" counts as answered: the task is submitted once every item has
    a score or such an answer.

    Raises InvalidRating (bad score, unknown item), NotYourTask (not assigned to this evaluator) or
    CampaignNotOpen. Submissions of one evaluator for one task are serialised on their assignment row, so two tabs
    sending the same item at once leave one rating (and a RatingChange if the scores differ).
    """
    require_evaluator(evaluator)
    entries = _validate_entries(entries)
    task_id = task.pk if isinstance(task, RatingTask) else int(task)
    with transaction.atomic():
        assignment = (Assignment.objects.select_for_update().select_related("task__campaign")
                      .filter(task_id=task_id, evaluator=evaluator).first())
        if assignment is None:
            raise NotYourTask("This task is not assigned to you.")
        status = _lock_campaign_for_share(assignment.task.campaign_id)
        if status != Campaign.Status.OPEN:
            raise CampaignNotOpen(
                f"Campaign “{assignment.task.campaign.name}” is {status}; it no longer accepts ratings.")

        item_ids = set(assignment.task.items.values_list("pk", flat=True))
        unknown = sorted(entry.item_id for entry in entries if entry.item_id not in item_ids)
        if unknown:
            raise InvalidRating(f"{len(unknown)} of the rated items are not part of this task.")

        existing = {rating.item_id: rating for rating in
                    Rating.objects.select_for_update().filter(evaluator=evaluator, item__task_id=task_id)}
        created = _create_new(evaluator, [entry for entry in entries if entry.item_id not in existing], existing)
        changed = unchanged = 0
        for entry in entries:
            rating = existing[entry.item_id]
            if getattr(rating, "_just_created", False):
                continue
            if _apply_change(rating, entry):
                changed += 1
            else:
                unchanged += 1

        rated_items = len(existing)
        if rated_items == len(item_ids) and assignment.status != Assignment.Status.SUBMITTED:
            _mark_submitted(assignment)
    return SubmitResult(created, changed, unchanged, rated_items, len(item_ids), assignment)


def _create_new(evaluator, entries, existing):
    """Insert first ratings (one statement) and add them to ``existing``; returns how many were created.

    The assignment lock makes a clash impossible for well-behaved callers; if the unique constraint still fires
    (a row written without that lock), fall back to row by row so the clashing one becomes an update.
    """
    if not entries:
        return 0
    rows = [Rating(item_id=entry.item_id, evaluator=evaluator, score=entry.score, unrated=entry.unrated,
                   comment=entry.comment or "") for entry in entries]
    try:
        with transaction.atomic():
            Rating.objects.bulk_create(rows)
    except IntegrityError:
        created = 0
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                existing[row.item_id] = Rating.objects.select_for_update().get(item_id=row.item_id,
                                                                               evaluator=evaluator)
                continue
            row._just_created = True
            existing[row.item_id] = row
            created += 1
        return created
    ratings_changed()  # bulk_create sends no post_save: a seed may have its first rating now
    for row in rows:
        row._just_created = True
        existing[row.item_id] = row
    return len(rows)


def _apply_change(rating, entry):
    comment = rating.comment if entry.comment is None else entry.comment
    if (rating.score, rating.unrated, rating.comment) == (entry.score, entry.unrated, comment):
        return False
    RatingChange.objects.create(rating=rating, previous_score=rating.score, previous_unrated=rating.unrated,
                                previous_comment=rating.comment, score=entry.score, unrated=entry.unrated,
                                comment=comment)
    rating.score, rating.unrated, rating.comment = entry.score, entry.unrated, comment
    rating.save(update_fields=["score", "unrated", "comment", "updated_at"])
    return True


def _mark_submitted(assignment):
    was_released = assignment.status == Assignment.Status.RELEASED
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["status", "submitted_at"])
    # A released assignment had given its slot back; finishing it takes the slot again.
    RatingTask.objects.filter(pk=assignment.task_id).update(
        submitted_count=F("submitted_count") + 1,
        assigned_count=F("assigned_count") + (1 if was_released else 0),
    )
