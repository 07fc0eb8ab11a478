"""The rating form: one choice per item of a task (1–5, or "don't know" / "can't play") and an optional comment."""

from django import forms

from .models import MAX_COMMENT_LENGTH, MAX_SCORE, MIN_SCORE, Unrated
from .ratings import RatingEntry

SCORE_CHOICES = [(str(score), str(score)) for score in range(MIN_SCORE, MAX_SCORE + 1)]
# The answers without a score, after the scores; their short labels are what the radio shows.
UNRATED_CHOICES = [(Unrated.UNKNOWN.value, "don't know"), (Unrated.UNPLAYABLE.value, "can't play")]
SCORE_LABELS = {1: "not similar", 2: "slightly", 3: "somewhat", 4: "similar", 5: "very similar"}


def _initial(rating):
    if rating is None:
        return None
    return rating.unrated or str(rating.score)


class TaskRatingForm(forms.Form):
    """Built for the items of one task (in display order); pre-filled with the evaluator's earlier ratings.

    Fields are named by display position (``score-3``), never by item id: ids ascend in rank order.
    """

    def __init__(self, items, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            position = item.display_position
            mine = getattr(item, "my_rating", None)
            self.fields[f"score-{position}"] = forms.ChoiceField(
                label=f"Track {position}", choices=SCORE_CHOICES + UNRATED_CHOICES, widget=forms.RadioSelect,
                initial=_initial(mine),
                error_messages={"required": f"Rate track {position} from {MIN_SCORE} to {MAX_SCORE}, or say you "
                                            f"don't know it or can't play it.",
                                "invalid_choice": f"Track {position}: choose a score from {MIN_SCORE} to "
                                                  f"{MAX_SCORE}."},
            )
            self.fields[f"comment-{position}"] = forms.CharField(
                label="Comment", required=False, max_length=MAX_COMMENT_LENGTH,
                initial=mine.comment if mine else "", widget=forms.Textarea(attrs={"rows": 2}))
        for item in self.items:
            item.score_field = self[f"score-{item.display_position}"]
            item.comment_field = self[f"comment-{item.display_position}"]

    def entries(self):
        entries = []
        for item in self.items:
            answer = self.cleaned_data[f"score-{item.display_position}"]
            comment = self.cleaned_data.get(f"comment-{item.display_position}", "")
            if answer in Unrated.values:
                entries.append(RatingEntry(item.pk, None, comment, unrated=answer))
            else:
                entries.append(RatingEntry(item.pk, int(answer), comment))
        return entries
