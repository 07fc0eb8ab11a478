"""``{% similar_artists_panel artist groups %}``: the artist page's "Similar artists", from the active index."""

from django import template

from ..similar_artists import similar_artists

register = template.Library()


@register.inclusion_tag("recommender/similar_artists.html")
def similar_artists_panel(artist, groups):
    return {"artists": similar_artists(artist, [track.pk for track in groups.songs])}
