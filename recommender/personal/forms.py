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
    genres = forms.ModelMultipleChoiceField(queryset=Genre.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    artists = forms.CharField(required=False, max_length=1000,
                              help_text="artist names, comma-separated (e.g. Miles Davis, Metallica)")
    tracks = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="one song per line, as “artist title” (e.g. Miles Davis So What)")

    def clean_artists(self):
        names = [name.strip() for name in self.cleaned_data["artists"].split(",") if name.strip()]
        if len(names) > MAX_ARTIST_NAMES:
            raise forms.ValidationError(f"At most {MAX_ARTIST_NAMES} artists.")
        found, missing = [], []
        for name in names:
            artist = (Artist.objects.filter(name__iexact=name).order_by("-popularity", "id").first())
            (found if artist else missing).append(artist or name)
        if missing:
            raise forms.ValidationError(f"Not in the catalog: {', '.join(missing)}.")
        return found

    def clean_tracks(self):
        lines = [line.strip() for line in self.cleaned_data["tracks"].splitlines() if line.strip()]
        if len(lines) > MAX_TRACK_LINES:
            raise forms.ValidationError(f"At most {MAX_TRACK_LINES} songs.")
        found, missing = [], []
        for line in lines:
            track_id = match_by_name("", line)
            (found if track_id else missing).append(track_id or line)
        if missing:
            raise forms.ValidationError(f"Not found in the catalog: {', '.join(missing)}.")
        return found
