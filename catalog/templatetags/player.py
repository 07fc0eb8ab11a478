"""The in-page player: a button that loads Spotify's embed of one track when pressed (static/songrec/player.js)."""

import itertools

from django import template
from django.utils.safestring import mark_safe

from songrec.lib.escaping import escaped

register = template.Library()

# The only third-party origin a page talks to, and only after someone presses "Play": the CSP's frame-src.
SPOTIFY_EMBED_ORIGIN = "https://open.spotify.com"
_player_ids = itertools.count(1)
# Formatted here rather than through an inclusion tag's template: a track page shows ~21 players, and an inclusion
# tag (a copied context and a template render each) cost ~1 ms of the page's CPU (issue 14).
PLAYER_HTML = (
    '<button type="button" class="player-toggle" data-embed="{embed_url}" data-title="{title}" aria-expanded="false"\n'
    '  aria-controls="{player_id}"><span aria-hidden="true">▶</span> <span class="player-label">Play</span>'
    '<span class="visually-hidden"> {title}</span></button>\n'
    '<div class="player-holder" id="{player_id}" hidden></div>\n'
)


@register.simple_tag
def track_player(track, label=""):
    """A "Play" button and the empty place its player goes; ``label`` names the track for screen readers."""
    return mark_safe(PLAYER_HTML.format(embed_url=escaped(f"{SPOTIFY_EMBED_ORIGIN}/embed/track/{track.spotify_id}"),
                                        title=escaped(label or track.name), player_id=f"player-{next(_player_ids)}"))
