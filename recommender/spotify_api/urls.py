"""Routes of the Spotify-compatible API, mounted at /v1/ (songrec/urls.py); a trailing slash is optional, as
clients write both (spotipy asks for ``tracks/?ids=``, Spotify's SDK for ``tracks?ids=``)."""

from django.urls import re_path

from . import views

ID = r"(?P<spotify_id>[^/]+)"

urlpatterns = [
    re_path(r"^tracks/?$", views.SeveralTracksView.as_view(), name="spotify-tracks"),
    re_path(rf"^tracks/{ID}/?$", views.TrackView.as_view(), name="spotify-track"),
    re_path(r"^audio-features/?$", views.SeveralAudioFeaturesView.as_view(), name="spotify-audio-features"),
    re_path(rf"^audio-features/{ID}/?$", views.AudioFeaturesView.as_view(), name="spotify-audio-feature"),
    re_path(r"^recommendations/?$", views.RecommendationsView.as_view(), name="spotify-recommendations"),
    re_path(r"^recommendations/available-genre-seeds/?$", views.GenreSeedsView.as_view(), name="spotify-genres"),
    re_path(r"^search/?$", views.SearchView.as_view(), name="spotify-search"),
    re_path(r"^artists/?$", views.SeveralArtistsView.as_view(), name="spotify-artists"),
    re_path(rf"^artists/{ID}/?$", views.ArtistView.as_view(), name="spotify-artist"),
    re_path(rf"^artists/{ID}/top-tracks/?$", views.ArtistTopTracksView.as_view(), name="spotify-top-tracks"),
    re_path(rf"^artists/{ID}/related-artists/?$", views.RelatedArtistsView.as_view(), name="spotify-related"),
    re_path(rf"^albums/{ID}/?$", views.AlbumView.as_view(), name="spotify-album"),
    re_path(rf"^albums/{ID}/tracks/?$", views.AlbumTracksView.as_view(), name="spotify-album-tracks"),
]
