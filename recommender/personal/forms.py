"""Forms of the listeners' pages."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from catalog.models import Artist, Genre

from .imports import match_by_name

MAX_ARTIST_NAMES = 10
MAX_TRACK_LINES = 10


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=False)

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class UploadForm(forms.Form):
    file = forms.FileField(help_text="StreamingHistory_music_*.json, Streaming_History_Audio_*.json or the "
                                     "export's my_spotify_data.zip")


class PicksForm(forms.Form):
    """Cold-start picks. Names that match nothing are kept in ``unmatched`` rather than refusing the whole form:
    the form fails only when nothing at all was picked or matched."""

    genres = forms.ModelMultipleChoiceField(queryset=Genre.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    artists = forms.CharField(required=False, max_length=1000,
                              help_text="artist names, comma-separated (e.g. Miles Davis, Metallica)")
    tracks = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="one song per line, as “artist title” (e.g. Miles Davis So What)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unmatched = {"artists": [], "tracks": []}

    def clean_artists(self):
        names = [name.strip() for name in self.cleaned_data["artists"].split(",") if name.strip()]
        if len(names) > MAX_ARTIST_NAMES:
            raise forms.ValidationError(f"At most {MAX_ARTIST_NAMES} artists.")
        found = []
        for name in names:
            artist = Artist.objects.filter(name__iexact=name).order_by("-popularity", "id").first()
            if artist:
                found.append(artist)
            else:
                self.unmatched["artists"].append(name)
        return found

    def clean_tracks(self):
        lines = [line.strip() for line in self.cleaned_data["tracks"].splitlines() if line.strip()]
        if len(lines) > MAX_TRACK_LINES:
            raise forms.ValidationError(f"At most {MAX_TRACK_LINES} songs.")
        found = []
        for line in lines:
            track_id = match_by_name("", line)
            if track_id:
                found.append(track_id)
            else:
                self.unmatched["tracks"].append(line)
        return found

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("genres", "artists", "tracks")):
            for name, label in (("artists", "Not in the catalog"), ("tracks", "Not found in the catalog")):
                if self.unmatched[name]:
                    self.add_error(name, f"{label}: {', '.join(self.unmatched[name])}.")
        return cleaned

    def unmatched_text(self):
        """One line naming what matched nothing (empty when everything matched)."""
        names = self.unmatched["artists"] + self.unmatched["tracks"]
        return f"Not found in the catalog, so left out: {'; '.join(names)}." if names else ""
