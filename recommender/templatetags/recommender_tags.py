"""Template tags the catalog pages use to show recommendations (owned by the recommender app)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def similar_panel(context, track):
    """Render the cosine/euclidean similar-track lists for ``track``; the recommender fills this in."""
    return ""
