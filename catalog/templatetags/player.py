"""The in-page player: a button that loads Spotify's embed of one track when pressed (static/songrec/player.js)."""

import itertools

from django import template

register = template.Library()

# The only third-party origin a page talks to, and only after someone presses "Play": the CSP's frame-src.
SPOTIFY_EMBED_ORIGIN = "https://open.spotify.com"
_player_ids = itertools.count(1)


@register.inclusion_tag("catalog/_player.html")
def track_player(track, label=""):
    """A "Play" button and the empty place its player goes; ``label`` names the track for screen readers."""
    return {
        "track": track,
        "title": label or track.name,
        "embed_url": f"{SPOTIFY_EMBED_ORIGIN}/embed/track/{track.spotify_id}",
        "player_id": f"player-{next(_player_ids)}",
    }
