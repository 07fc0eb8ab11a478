"""Errors the evaluation services raise; each carries the HTTP status the API and pages answer with."""


class EvaluationError(Exception):
    status_code = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class InvalidRating(EvaluationError):
    """A score outside 1–5, an item not in the task, an over-long comment…"""


class NotYourTask(EvaluationError):
    status_code = 403


class NotAnEvaluator(EvaluationError):
    status_code = 403


class CampaignNotOpen(EvaluationError):
    status_code = 409


class CampaignError(EvaluationError):
    """Bad campaign parameters, or a campaign that cannot be generated or opened as asked."""


class ResultsNotPublic(EvaluationError):
    """Live results would unblind the evaluators: they are shown once the campaign closes (staff see them always)."""

    status_code = 403
