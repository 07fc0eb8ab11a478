"""The playlist import page's form: a playlist file or a Spotify playlist link (one of the two)."""

from django import forms


class PlaylistImportForm(forms.Form):
    file = forms.FileField(required=False, label="Playlist file",
                           help_text="JSPF, XSPF, M3U or M3U8 (from ListenBrainz, a media player or songrec)")
    url = forms.CharField(required=False, max_length=500, label="or a Spotify playlist link",
                          help_text="a public playlist: https://open.spotify.com/playlist/…")
    name = forms.CharField(required=False, max_length=300, label="Name (optional)",
                           help_text="default: the playlist's own title")

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("file")) == bool(cleaned.get("url", "").strip()):
            raise forms.ValidationError("Choose a playlist file or paste a Spotify playlist link (one of the two).")
        return cleaned
