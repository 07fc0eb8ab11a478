"""Template tag the track page uses to name the track's cluster and show it on the map."""

from django import template

from ..clusters import selectors

register = template.Library()


@register.inclusion_tag("clusters/track_panel.html")
def cluster_panel(track):
    """The track's cluster in the active clustering (nothing when there is none or the track isn't in it)."""
    return {"track": track, "cluster": selectors.track_cluster(track) if not track.hidden else None}
