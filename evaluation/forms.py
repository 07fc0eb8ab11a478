"""The rating form: one 1–5 choice and an optional comment per item of a task."""

from django import forms

from .models import MAX_COMMENT_LENGTH, MAX_SCORE, MIN_SCORE
from .ratings import RatingEntry

SCORE_CHOICES = [(score, str(score)) for score in range(MIN_SCORE, MAX_SCORE + 1)]
SCORE_LABELS = {1: "not similar", 2: "slightly", 3: "somewhat", 4: "similar", 5: "very similar"}


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
            self.fields[f"score-{position}"] = forms.TypedChoiceField(
                label=f"Track {position}", choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect,
                initial=mine.score if mine else None,
                error_messages={"required": f"Rate track {position} from {MIN_SCORE} to {MAX_SCORE}.",
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
        return [RatingEntry(item.pk, self.cleaned_data[f"score-{item.display_position}"],
                            self.cleaned_data.get(f"comment-{item.display_position}", ""))
                for item in self.items]
