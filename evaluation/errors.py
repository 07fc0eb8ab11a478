"""Errors the evaluation services raise; each carries the HTTP status the API and pages answer with."""

from django.conf import settings

from songrec.lib.errors import DomainError, NotFoundError


class EvaluationError(DomainError):
    """Base class of the evaluation's expected failures (400 unless a subclass says otherwise)."""

    title = "Can't do that"
    template = "evaluation/error.html"  # with its way back to the evaluation home

    def __init__(self, message: str):
        super().__init__(message)


class InvalidRating(EvaluationError):
    """A score outside 1–5, an item not in the task, an over-long comment…"""


class NotYourTask(EvaluationError):
    status_code = 403


class NotAnEvaluator(EvaluationError):
    status_code = 403
    title = "You're not an evaluator yet"

    def __init__(self, message: str | None = None):
        super().__init__(message or "Only evaluators can rate recommendations. Ask an admin to add your account "
                                    f"to the “{settings.EVALUATOR_GROUP_NAME}” group.")


class UnknownCampaign(EvaluationError, NotFoundError):
    """A campaign id that names no campaign."""


class CampaignNotOpen(EvaluationError):
    status_code = 409


class CampaignError(EvaluationError):
    """Bad campaign parameters, or a campaign that cannot be generated or opened as asked."""


class ResultsNotPublic(EvaluationError):
    """Live results would unblind the evaluators: they are shown once the campaign closes (staff see them always)."""

    status_code = 403
    title = "Results not public yet"
